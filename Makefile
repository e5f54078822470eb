# The one front door for people and CI: `make help` lists every target.
# Each target sets up what it needs (a virtualenv in .venv with the pinned dependencies).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8001

.DEFAULT_GOAL := help
.PHONY: help setup lock validate build check format docs new db serve test bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv with the pinned dependencies (requirements.lock)

lock: $(STAMP) ## Re-pin requirements.lock from what .venv has (after changing pyproject.toml)
	@{ echo '# Pinned versions of every dependency (direct and transitive), installed by `make setup`.'; \
	   echo '# Regenerate after changing pyproject.toml: make lock'; \
	   $(PY) -m pip freeze --exclude-editable; } > requirements.lock

validate: $(STAMP) ## Validate records, registries and seeds (every problem each check can reach, with file:line and code)
	$(PY) -m scripts validate

build: $(STAMP) ## Build the package: tables, records.json, datapackage.json, codebook, JSON Schemas
	$(PY) -m scripts build

check: $(STAMP) ## Fail if a generated file is stale, a table breaks its schema or a record is not canonical
	$(PY) -m scripts build --check
	$(PY) -m scripts tablecheck
	$(PY) -m scripts format --check
	$(PY) -m scripts docs --check

format: $(STAMP) ## Rewrite records and registries in canonical form
	$(PY) -m scripts format

docs: $(STAMP) ## Regenerate the error-code reference in CONTRIBUTING.md (a real example per code)
	$(PY) -m scripts docs

# The file name exactly as given (make new SEED='a $b.txt'): $(value) keeps make from expanding it.
override SEED := $(value SEED)
export SEED

new: $(STAMP) ## Scaffold a record for a new article: make new SEED=path/to/article.txt
	@test -n "$$SEED" || { echo "usage: make new SEED=path/to/article.txt" >&2; exit 2; }
	@# From the environment, not pasted into the shell's text: a quote in a file name (it"s.txt)
	@# would end the shell's string. SEED is exported unexpanded (above), so a $ stays a $.
	$(PY) -m scripts new "$$SEED"

db: $(STAMP) ## Build the SQLite database for Datasette (build/dataset.db)
	$(PY) -m scripts db

serve: $(STAMP) ## Build everything and serve the dataset in Datasette on http://127.0.0.1:8001/ (HOST=, PORT= to change)
	$(PY) -m scripts serve --host $(HOST) --port $(PORT)

test: $(STAMP) ## Run every test (browser tests need /usr/bin/chromium, one benchmark test valgrind; they say so and skip without)
	$(PY) -m pytest

bench: $(STAMP) ## Benchmark validate/build/db/Datasette on synthetic corpora (BENCH_ARGS="--max 10000")
	$(PY) -m scripts bench $(BENCH_ARGS)

clean: ## Remove the virtualenv and build/
	rm -rf $(VENV) build .pytest_cache
