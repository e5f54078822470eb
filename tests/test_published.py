"""The published package, checked from the files a researcher downloads."""
from __future__ import annotations

import csv
import hashlib
import json
import re
import tomllib
from pathlib import Path

import pytest

from schema.tables import TABLES
from scripts.build import build, published_files, stale
from scripts.sentences import sentences
from scripts.spans import Span
from scripts.yamlio import loads

SPAN_TABLES = ("claims", "figures", "skips", "mentions")


def _articles(tables):
    return {a["article_id"]: a for a in tables["articles"]}


def test_every_table_is_published(tables):
    assert set(tables) == {m.TABLE.name for m in TABLES}
    for name in ("articles", "actors", "claims", "figures", "mentions", "propositions", "skips"):
        assert tables[name], f"{name} is empty"


@pytest.mark.parametrize("table", SPAN_TABLES)
def test_evidence_spans_are_exact_and_inside_the_body(tables, seed_texts, table):
    articles = _articles(tables)
    for row in tables[table]:
        article = articles[row["article_id"]]
        text = seed_texts[Path(article["seed_file"]).name]
        start, end = int(row["start"]), int(row["end"])
        quote = row["surface"] if table == "mentions" else row["quote"]
        assert text[start:end] == quote, f"{table} {row}"
        assert int(article["body_start"]) <= start < end <= int(article["body_end"]), f"{table} {row} lies outside the body"


def test_metadata_spans_are_exact(tables, seed_texts):
    for article in tables["articles"]:
        text = seed_texts[Path(article["seed_file"]).name]
        for name in ("title", "publisher", "author"):
            if article[name]:
                span = text[int(article[f"{name}_start"]):int(article[f"{name}_end"])]
                assert article[name] in span or span in article[name], (name, article[name], span)
    for credit in tables["credits"]:
        text = seed_texts[Path(_articles(tables)[credit["article_id"]]["seed_file"]).name]
        assert text[int(credit["start"]):int(credit["end"])] == credit["quote"]


def test_every_note_on_a_metadata_value_is_published(tables, layout):
    """What a record says of its title, publisher, author and date (why one is empty, how one was
    read) reaches the articles table: a researcher reads no YAML. Read here from the records' YAML."""
    articles = _articles(tables)
    records = sorted(layout.records.glob("*.yaml"))
    assert records and len(records) == len(articles)
    for path in records:
        record = loads(path.read_text(encoding="utf-8"), path.name).data
        row = articles[record["article_id"]]
        for name in ("title", "publisher", "author", "published"):
            assert row[f"{name}_note"] == (record.get(name) or {}).get("note", ""), (path.name, name)
    assert any(row["title_note"] for row in articles.values())  # the case tested


def test_claim_speakers_are_each_claims_speaker_then_its_co_speakers(tables, layout):
    """Read from the records' YAML: a claim said jointly ("both sides") counts for every speaker."""
    expected = set()
    for path in sorted(layout.records.glob("*.yaml")):
        record = loads(path.read_text(encoding="utf-8"), path.name).data
        for claim in record.get("claims") or []:
            if claim.get("speaker"):
                cid = claim["id"] if "-" in claim["id"] else f"{record['article_id']}-{claim['id']}"
                for position, actor in enumerate([claim["speaker"], *claim.get("co_speakers", [])], 1):
                    expected.add((cid, actor, str(position)))
    assert {(r["claim_id"], r["actor_id"], r["position"]) for r in tables["claim_speakers"]} == expected
    assert any(position == "2" for _, _, position in expected)  # the case tested
    speakers = {c["claim_id"]: c["speaker_id"] for c in tables["claims"] if c["speaker_id"]}
    assert {(c, a) for c, a, p in expected if p == "1"} == set(speakers.items())


def test_records_json_lists_each_claims_speakers_in_order(layout, tables):
    docs = json.loads(layout.records_json.read_text(encoding="utf-8"))
    rows = sorted(tables["claim_speakers"], key=lambda r: (r["claim_id"], int(r["position"])))
    expected: dict[str, list[str]] = {}
    for r in rows:
        expected.setdefault(r["claim_id"], []).append(r["actor_id"])
    for doc in docs:
        for claim in doc["claims"]:
            assert claim["speakers"] == expected.get(claim["claim_id"], []), claim["claim_id"]


def test_every_date_column_has_its_bounds(tables):
    """Every EDTF column carries <column>_min and <column>_max (the data contract). The EDTF columns
    are those the table models describe as EDTF, so a new one is checked too."""
    edtf = [(t.TABLE.name, name) for t in TABLES for name, f in t.model_fields.items() if "(EDTF)" in (f.description or "")]
    assert ("articles", "retrieved") in edtf and len(edtf) >= 4
    for table, column in edtf:
        assert {f"{column}_min", f"{column}_max"} <= set(tables[table][0]), (table, column)


def test_a_retrieved_date_gets_its_bounds(fixture_project):
    record = fixture_project.records / "900.yaml"
    text = record.read_text()
    assert "  sha256: " in text and "retrieved" not in text
    record.write_text(text.replace("  sha256: ", "  retrieved: 2026-03\n  sha256: ", 1))
    assert not build(fixture_project).problems
    with (fixture_project.tables / "articles.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = csv.DictReader(fh)
    assert (row["retrieved"], row["retrieved_min"], row["retrieved_max"]) == ("2026-03", "2026-03-01", "2026-03-31")


def test_seed_hashes_match(tables, layout):
    for article in tables["articles"]:
        digest = hashlib.sha256((layout.root / article["seed_file"]).read_bytes()).hexdigest()
        assert digest == article["seed_sha256"]


def test_every_body_sentence_is_accounted_for_in_the_tables(tables, seed_texts):
    covered: dict[str, list[Span]] = {}
    for table in ("claims", "figures", "skips"):
        for row in tables[table]:
            covered.setdefault(row["article_id"], []).append(Span(int(row["start"]), int(row["end"])))
    for article in tables["articles"]:
        text = seed_texts[Path(article["seed_file"]).name]
        body = Span(int(article["body_start"]), int(article["body_end"]))
        for s in sentences(text, body):
            assert any(c.overlaps(s) for c in covered.get(article["article_id"], [])), (article["article_id"], text[s.start:s.end])


def test_foreign_keys_resolve(tables):
    keys = {m.TABLE.name: m.TABLE.primary_key for m in TABLES}
    for model in TABLES:
        for fk in model.TABLE.foreign_keys:
            targets = {tuple(r[c] for c in fk.reference) for r in tables[fk.table]}
            for row in tables[model.TABLE.name]:
                value = tuple(row[c] for c in fk.fields)
                if all(v == "" for v in value):
                    continue  # an empty foreign key means "none" (e.g. the outlet's own voice)
                assert value in targets, f"{model.TABLE.name}.{fk.fields} = {value} has no {fk.table} row"
    for name, key in keys.items():
        values = [tuple(r[c] for c in key) for r in tables[name]]
        assert len(values) == len(set(values)), f"duplicate key in {name}"
        assert values == sorted(values), f"{name} is not sorted by its key"


def test_frictionless_validates_the_package(layout):
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(layout.datapackage)).validate()
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


def test_descriptor_declares_what_researchers_need(layout):
    pkg = json.loads(layout.datapackage.read_text(encoding="utf-8"))
    assert pkg["$schema"].endswith("/2.0/datapackage.json")
    for key in ("name", "title", "description", "version", "licenses", "contributors", "sources", "created"):
        assert pkg[key], key
    assert "not relicensed" in pkg["description"]
    for res in pkg["resources"]:
        data = (layout.root / res["path"]).read_bytes()
        assert res["bytes"] == len(data)
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert not data.startswith(b"\xef\xbb\xbf")
        if res.get("type") == "table":
            fields = res["schema"]["fields"]
            assert all(f.get("description") for f in fields)
            header = data.split(b"\r\n", 1)[0].decode()
            assert header.split(",") == [f["name"] for f in fields]


def test_records_json_has_the_same_facts_as_the_tables(layout, tables):
    docs = json.loads(layout.records_json.read_text(encoding="utf-8"))
    assert [d["article_id"] for d in docs] == [a["article_id"] for a in tables["articles"]]
    for name in ("claims", "figures", "skips", "mentions"):
        key = f"{name[:-1] if name != 'claims' else 'claim'}_id"
        from_json = sorted(x[key] for d in docs for x in d[name])
        assert from_json == sorted(r[key] for r in tables[name])
    subjects = {(c["claim_id"], s) for d in docs for c in d["claims"] for s in c["subjects"]}
    assert subjects == {(r["claim_id"], r["actor_id"]) for r in tables["claim_subjects"]}


def test_committed_generated_files_are_fresh(layout):
    problems, differ = stale(layout)
    assert not problems, [p.format() for p in problems]
    assert not differ, f"stale generated files {differ}: run `make build` and commit the result"


def test_build_is_deterministic(real_copy):
    first = build(real_copy)
    assert not first.problems, [p.format() for p in first.problems]
    snapshot = {rel: (real_copy.root / rel).read_bytes() for rel in published_files(real_copy)}
    second = build(real_copy)
    assert not second.problems
    assert {rel: (real_copy.root / rel).read_bytes() for rel in published_files(real_copy)} == snapshot


def test_a_fresh_build_of_a_copy_equals_the_committed_files(real_copy, layout):
    # Same records in another folder → byte-identical files (no absolute paths, times or order leak in).
    assert not build(real_copy).problems
    for rel in published_files(layout):
        assert (real_copy.root / rel).read_bytes() == (layout.root / rel).read_bytes(), rel


def test_propositions_count_supporting_articles(tables):
    for prop in tables["propositions"]:
        supporting = {c["article_id"] for c in tables["claims"] if c["proposition_id"] == prop["proposition_id"] and c["stance"] == "supports"}
        assert int(prop["n_articles"]) == len(supporting)
        assert (prop["articles"] or "") == ";".join(sorted(supporting))
    assert sum(int(p["n_articles"]) >= 2 for p in tables["propositions"]) >= 3


NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]


def test_the_titles_give_the_number_of_articles(layout):
    """The package's title (and so the codebook's and Datasette's) and the citation's say how many
    articles there are; a contributor who adds one must not leave them saying the old number."""
    n = len(layout.record_files())
    said = NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else f"{n:,}"
    package = loads(layout.package_meta.read_text(encoding="utf-8"), "dataset/package.yaml").data
    citation = loads((layout.root / "CITATION.cff").read_text(encoding="utf-8"), "CITATION.cff").data
    for where, title in (("dataset/package.yaml", package["title"]), ("CITATION.cff", citation["title"])):
        assert f"from {said} news articles" in title, f"{where}: the title should say {said} articles: {title!r}"


def test_every_file_that_names_the_version_names_the_latest_release(layout):
    """A researcher cites the version datapackage.json, CITATION.cff and README give; they must be
    the release CHANGELOG.md lists last, with its date, or two citations of one version could
    mean different data."""
    changelog = (layout.root / "CHANGELOG.md").read_text(encoding="utf-8")
    version, date = re.search(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", changelog, re.M).groups()
    package = loads(layout.package_meta.read_text(encoding="utf-8"), "dataset/package.yaml").data
    citation = loads((layout.root / "CITATION.cff").read_text(encoding="utf-8"), "CITATION.cff").data
    descriptor = json.loads(layout.datapackage.read_text(encoding="utf-8"))
    pyproject = tomllib.loads((layout.root / "pyproject.toml").read_text(encoding="utf-8"))
    assert package["version"] == citation["version"] == descriptor["version"] == pyproject["project"]["version"] == version
    assert str(citation["date-released"]) == date and str(package["created"]).startswith(date) and descriptor["created"].startswith(date)
    readme = (layout.root / "README.md").read_text(encoding="utf-8")
    assert f"version {version} [data set]" in readme and f"`v{version}`" in readme


def test_records_json_is_as_the_codebook_describes_it(layout):
    """The codebook says each document is its articles row plus one list per nested table, each
    item a row without article_id (claims with their subjects and speakers); check that against the file."""
    codebook = layout.codebook.read_text(encoding="utf-8")
    section = codebook.split("## File `dataset/records.json`", 1)[1].split("\n## ", 1)[0]
    docs = json.loads(layout.records_json.read_text(encoding="utf-8"))
    columns = {t.TABLE.name: list(t.model_fields) for t in TABLES}
    assert [d["article_id"] for d in docs] == sorted(d["article_id"] for d in docs)
    for doc in docs:
        lists = [k for k, v in doc.items() if isinstance(v, list)]
        assert [k for k in doc if k not in lists] == columns["articles"]
        assert "`subjects`" in section and "`speakers`" in section
        for name in lists:
            assert f"`{name}`" in section, f"records.json has a list {name!r} the codebook does not name"
            expected = [c for c in columns[name] if c != "article_id"] + (["subjects", "speakers"] if name == "claims" else [])
            assert all(list(item) == expected for item in doc[name]), name
