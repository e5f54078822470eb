"""Shared fixtures: the real project, scratch copies of it, and the fixture article."""
from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from scripts.cli import main
from scripts.layout import ROOT, Layout
from scripts.validate import validate

FIXTURES = Path(__file__).parent / "fixtures"

# CI runs the property tests derandomized: the same examples every run, so a red build is
# reproducible and a green one is not luck. Locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def layout() -> Layout:
    return Layout(ROOT)


@pytest.fixture(scope="session")
def result(layout):
    return validate(layout)


@pytest.fixture(scope="session")
def tables(layout) -> dict[str, list[dict]]:
    """The committed published tables, read the way a researcher would (csv module, strings)."""
    out = {}
    for path in sorted(layout.tables.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            out[path.stem] = list(csv.DictReader(fh))
    assert out, "no published tables: run `make build`"
    return out


@pytest.fixture(scope="session")
def seed_texts(layout) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in layout.seeds.glob("*.txt")}


def make_project(dest: Path, *, records: list[Path] | None = None, seeds: list[Path] | None = None, real: bool = False) -> Layout:
    """A scratch project: registries and package metadata from the real one, plus the given
    records and seeds (all real records and seeds when `real`)."""
    (dest / "dataset" / "records").mkdir(parents=True)
    (dest / "seeds").mkdir()
    for name in ("actors.yaml", "propositions.yaml", "package.yaml"):
        shutil.copy(ROOT / "dataset" / name, dest / "dataset" / name)
    if real:
        records = (records or []) + sorted((ROOT / "dataset" / "records").glob("*.yaml"))
        seeds = (seeds or []) + sorted((ROOT / "seeds").glob("*.txt"))
    for r in records or []:
        shutil.copy(r, dest / "dataset" / "records" / r.name)
    for s in seeds or []:
        shutil.copy(s, dest / "seeds" / s.name)
    return Layout(dest)


@pytest.fixture
def real_copy(tmp_path) -> Layout:
    return make_project(tmp_path / "project", real=True)


@pytest.fixture
def fixture_project(tmp_path) -> Layout:
    """A scratch project holding only the small invented fixture article 900 (and its seed: a seed no
    record cites is an error)."""
    return make_project(tmp_path / "project", records=[FIXTURES / "valid" / "900.yaml"], seeds=[FIXTURES / "seeds" / "900_6d49835614be8221.txt"])


def cli(*args: str):
    """Run a command through its CLI, as a contributor would, capturing output."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
