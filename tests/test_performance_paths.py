"""The fast paths give what the reference paths give: the fast YAML reader, the record cache,
parallel workers, the streaming build, the EDTF shortcut, sentence accounting, and the table check
(against frictionless). No timings here: `make bench` measures; these tests say it is still right."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema import edtf_dates
from schema.record import Record
from scripts import pipeline
from scripts.bench import change_one_record
from scripts.build import build, published_files, stage_in_memory
from scripts.canonical import RECORD_HEADER, dump
from scripts.fragments import json_fragment
from scripts.layout import ROOT, Layout
from scripts.sentences import sentences, unaccounted
from scripts.spans import Span
from scripts.synthetic import generate
from scripts.tablecheck import check_package
from scripts.validate import validate
from scripts.yamlfast import fast_load, plain_scalar
from scripts.yamlio import YamlError, loads

from .conftest import FIXTURES

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Layout:
    """A synthetic corpus of 12 articles (never modified: copy it to change it)."""
    return generate(tmp_path_factory.mktemp("synthetic") / "corpus", 12)


@pytest.fixture
def corpus_copy(corpus, tmp_path) -> Layout:
    dest = tmp_path / "corpus"
    shutil.copytree(corpus.root, dest, ignore=shutil.ignore_patterns("build"))
    return Layout(dest)


def _formatted(problems):
    return [p.format() for p in problems]


def _published(layout: Layout) -> dict[str, bytes]:
    return {rel: (layout.root / rel).read_bytes() for rel in published_files(layout)}


# --- the fast YAML reader ------------------------------------------------------------------------

YAML_FILES = sorted((ROOT / "dataset" / "records").glob("*.yaml")) + sorted((ROOT / "dataset").glob("*.yaml")) \
    + sorted(FIXTURES.glob("*/*.yaml"))


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_fast_reader_reads_what_the_full_reader_reads_or_declines(path):
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return  # refused before any YAML is read
    try:
        full = loads(text, path.name).data
    except YamlError:
        assert fast_load(text) is None  # what the full reader refuses, the fast one never accepts
        return
    fast = fast_load(text)
    assert fast is None or (fast == full and repr(fast) == repr(full))


def test_fast_reader_reads_every_canonical_record():
    for path in sorted((ROOT / "dataset" / "records").glob("*.yaml")):
        assert fast_load(path.read_text(encoding="utf-8")) is not None, path


@pytest.mark.parametrize("value", ["NO", "yes", "12:30", "010", "0o10", "2026-02-05", "~", "null", "Null", "true", "True", "FALSE",
                                   "1.5", ".inf", "-.inf", ".nan", "1e3", "+12", "0x1F", "0b101", "1_000", "=", "The", "nulls", "truely"])
def test_plain_scalars_type_as_ruamel_types_them(value):
    try:
        expected = repr(loads(f"a: {value}\n", "t.yaml").data["a"])
    except YamlError:
        expected = "refused"
    try:
        got = repr(plain_scalar(value))
    except Exception:  # the fast reader declines what it does not know, for the full reader
        got = "declined"
    assert got == expected or got == "declined"
    assert expected != "refused" or got == "declined"


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
NASTY = st.sampled_from(["'", '"', "''", "\\", ": ", " #", "#", "- ", "[a, b]", "{x}", "&a", "*a", "!!str", "|", ">", "%", "@", "`",
                         "\t", "\u2028", "\x85", "\ufeff", "NO", "010", "~", "null", "true", "1.5", "  ", "é", "🚀", "\n", "x\n\ny"])
STRINGS = st.one_of(TEXT, NASTY, st.lists(st.one_of(TEXT, NASTY), min_size=1, max_size=4).map("".join))
BASE_RECORD = Record.model_validate(loads((ROOT / "dataset" / "records" / "004.yaml").read_text(encoding="utf-8"), "004.yaml").data)


@settings(max_examples=25, **SETTINGS)
@given(note=STRINGS, statement=STRINGS, quote=STRINGS, subject=st.sampled_from(["russia", "a-b", "x1"]))
def test_canonical_dumps_of_any_text_read_alike(note, statement, quote, subject):
    data = BASE_RECORD.model_dump(mode="json", exclude_defaults=True)
    data["notes"] = note
    data["claims"][0].update(statement=statement, quote=quote, note=note, subjects=[subject, "united-states"])
    text = dump(Record.model_validate(data), RECORD_HEADER)
    try:
        full = loads(text, "r.yaml").data
    except YamlError:  # e.g. a control character, which YAML does not allow even in a literal block
        assert fast_load(text) is None
        return
    fast = fast_load(text)
    assert fast is None or (fast == full and repr(fast) == repr(full))


@settings(max_examples=60, **SETTINGS)
@given(line=st.integers(0, 400), junk=st.one_of(NASTY, TEXT), mode=st.sampled_from(["insert", "replace", "append", "indent", "dedent"]))
def test_edited_records_read_alike_or_go_to_the_full_reader(line, junk, mode):
    lines = (ROOT / "dataset" / "records" / "004.yaml").read_text(encoding="utf-8").split("\n")
    i = line % (len(lines) - 1)
    if mode == "insert":
        lines.insert(i, junk)
    elif mode == "replace":
        lines[i] = lines[i][: len(lines[i]) // 2] + junk
    elif mode == "append":
        lines[i] += junk
    elif mode == "indent":
        lines[i] = "  " + lines[i]
    else:
        lines[i] = lines[i].lstrip(" ")
    text = "\n".join(lines)
    try:
        full = loads(text, "r.yaml").data
    except YamlError:
        assert fast_load(text) is None
        return
    fast = fast_load(text)
    assert fast is None or (fast == full and repr(fast) == repr(full))


SUSPECT_TEXTS = ["=SUM(A1)", "+1", "-x", "@cmd", "\tx", "\rx", "TODO: fill in", "  TODO", 'a "=b', "x -y", "ok", "=", "-"]


def _record_with(texts: dict) -> tuple[Record | None, dict]:
    data = BASE_RECORD.model_dump(mode="json", exclude_defaults=True)
    data["notes"] = texts.get("notes", "ok")
    data["claims"][0].update(statement=texts.get("statement", "ok"), quote=texts.get("quote", "ok"), note=texts.get("note"))
    if data.get("figures"):
        data["figures"][0]["measure"] = texts.get("measure", "ok")
    try:
        return Record.model_validate(data), data
    except Exception:
        return None, data  # a value the models refuse never reaches the check


def _walked(record: Record) -> list:
    """Every string the formula-cell check looks at, found by walking every string."""
    found = []

    def walk(node, loc):
        for key, v in (node.items() if isinstance(node, dict) else enumerate(node)):
            if isinstance(v, str):
                if v.startswith(("=", "+", "-", "@", "\t", "\r")) or (key in ("note", "notes") and v.lstrip().startswith("TODO")):
                    found.append((loc + (key,), v))
            elif isinstance(v, (dict, list)):
                walk(v, loc + (key,))

    walk(record.model_dump(mode="json", exclude={"deliberate_formula_cells"}), ())
    return found


@pytest.mark.parametrize("field", ["notes", "statement", "note", "quote", "measure"])
@pytest.mark.parametrize("text", SUSPECT_TEXTS)
def test_suspect_strings_found_from_the_json_are_those_the_walk_finds(field, text):
    """The quick look at the JSON (the record's, or that of the data it was read from) never
    hides a string the walk over every string finds."""
    from scripts.validate import _suspect_strings

    record, data = _record_with({field: text})
    assert record is not None
    assert _suspect_strings(record) == _walked(record)
    assert _suspect_strings(record, data) == _walked(record)


@settings(max_examples=60, **SETTINGS)
@given(texts=st.fixed_dictionaries({}, optional={f: st.one_of(st.sampled_from(SUSPECT_TEXTS), STRINGS)
                                                 for f in ("notes", "statement", "note", "quote", "measure")}))
def test_suspect_strings_of_any_texts_are_those_the_walk_finds(texts):
    from scripts.validate import _suspect_strings

    record, data = _record_with(texts)
    if record is not None:
        assert _suspect_strings(record) == _walked(record)
        assert _suspect_strings(record, data) == _walked(record)


# --- sentences -----------------------------------------------------------------------------------

# What the segmenter is relied on for in news text: abbreviations, initials, decimals, times
# and closing quotes do not end a sentence; full stops, question and exclamation marks do.
SEGMENTED = [
    ("The U.S. and Russia met on Feb. 5 in Abu Dhabi.", ["The U.S. and Russia met on Feb. 5 in Abu Dhabi."]),
    ("Mr. Witkoff said 3.5 percent. Lt. Gen. Grynkewich agreed.", ["Mr. Witkoff said 3.5 percent.", "Lt. Gen. Grynkewich agreed."]),
    ("\u201cIt was useful,\u201d he said. Talks resume at 12:35 p.m. on Friday.", ["\u201cIt was useful,\u201d he said.", "Talks resume at 12:35 p.m. on Friday."]),
    ("Was it agreed? Yes! The treaty expired.", ["Was it agreed?", "Yes!", "The treaty expired."]),
    ("  Leading and trailing space.  ", ["Leading and trailing space."]),
    ("Ends without a stop", ["Ends without a stop"]),
]


@pytest.mark.parametrize("line, expected", SEGMENTED)
def test_sentences_of_a_line(line, expected):
    text = "Menu\n" + line + "\nShare"
    body = Span(5, 5 + len(line))
    assert [text[s.start : s.end] for s in sentences(text, body)] == expected


@settings(max_examples=150, **SETTINGS)
@given(st.lists(st.one_of(st.sampled_from(["U.S.", "Gen.", "Dr.", "e.g.", "...", "!", "?", ".", "\u201c", "\u201d", "(", ")", "a)", "1.", "\u2014",
                                           " ", "  ", "No.", "Inc.", "p.m.", "3.5", "\u2022", "\n", "|---|", "\u00e9"]),
                          st.text("abcXYZ ", min_size=1, max_size=8)), min_size=1, max_size=30).map("".join))
def test_sentences_tile_each_lines_content_in_order(line):
    """Whatever the segmenter decides, sentences are trimmed, in order, inside one line, and
    together hold every letter and digit of the body, so accounting can lose no text."""
    text = "x\n" + line + "\ny"
    body = Span(2, 2 + len(line))
    found = sentences(text, body)
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start
    for s in found:
        piece = text[s.start : s.end]
        assert piece == piece.strip() and "\n" not in piece and re.search(r"\w", piece)
        assert body.start <= s.start and s.end <= body.end
    covered = set()
    for s in found:
        covered.update(range(s.start, s.end))
    assert all(i in covered for i in range(body.start, body.end) if re.match(r"\w", text[i]))


@settings(max_examples=20, **SETTINGS)
@given(data=st.data())
def test_unaccounted_sentences_are_those_no_span_covers(data):
    text = (ROOT / "seeds" / "004_1b4dc4a5edc3487e.txt").read_text(encoding="utf-8")
    body = Span(0, len(text))
    covered = [Span(a, a + data.draw(st.integers(0, 300))) for a in data.draw(st.lists(st.integers(0, len(text) - 1), max_size=40))]
    covered = [Span(s.start, min(s.end, len(text))) for s in covered]
    expected = [s for s in sentences(text, body) if not any(c.overlaps(s) for c in covered)]
    assert unaccounted(text, body, covered) == expected


# --- EDTF ------------------------------------------------------------------------------------------

def test_plain_dates_read_as_the_edtf_package_reads_them():
    candidates = [f"{year}{rest}" for year in (1000, 1582, 1900, 2000, 2023, 2024, 2026, 2100, 9999)
                  for rest in ["", *(f"-{m:02d}" for m in range(0, 14)), *(f"-{m:02d}-{d:02d}" for m in range(0, 14) for d in range(0, 33))]]
    edges = [f"{y}-{m:02d}-{d:02d}" for y in (1900, 2000, 2023, 2024) for m in (2, 4, 12) for d in (28, 29, 30, 31)]
    accepted = [v for v in candidates if edtf_dates._plain_bounds(v) is not None]
    assert len(accepted) > 3000
    # The package takes ~6 ms a value: every edge, and a fixed sample of the rest.
    for value in edges + random.Random(0).sample(accepted, 120):
        fast = edtf_dates._plain_bounds(value)
        if fast is None:
            continue  # the package reads it, as before
        parsed = edtf_dates.parse_edtf(value)  # raises if the shortcut accepted a non-date
        assert fast == (edtf_dates._struct_to_date(parsed.lower_strict()), edtf_dates._struct_to_date(parsed.upper_strict())), value


# --- records.json fragments ----------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)), max_leaves=12)


@settings(max_examples=200, **SETTINGS)
@given(doc=st.dictionaries(st.text(max_size=6), JSON_VALUES, max_size=5))
def test_json_fragments_are_the_bytes_json_dumps_writes(doc):
    assert b"[\n" + json_fragment(doc) + b"\n]" == json.dumps([doc], ensure_ascii=False, indent=2).encode("utf-8")


@pytest.mark.parametrize("value", [1e-05, 0.1, 1e16, 123456789.123, 2.5e-300, 20000.0, 1e20, float("nan"), float("inf")])
def test_a_documents_floats_are_written_as_json_writes_them(value):
    """Only the float columns are looked at for numbers orjson writes differently (1e-05 as
    0.00001); the document is then written by json, byte for byte as the reference."""
    from scripts.fragments import FLOAT_COLUMNS, document_floats, jsonable

    figure = {c: None for c in FLOAT_COLUMNS["figures"]} | {"figure_id": "900-f01", "article_id": "900", "value": value}
    tables = {"articles": [{"article_id": "900", "title": "t"}], "figures": [figure], "credits": [], "claims": [], "skips": [],
              "mentions": [], "claim_subjects": []}
    from scripts.fragments import article_document
    doc = article_document(tables)
    expected = json.dumps([jsonable(doc)], ensure_ascii=False, indent=2)
    assert b"[\n" + json_fragment(doc, document_floats(tables)) + b"\n]" == expected.encode("utf-8")


# --- the pipeline: cache, workers, streaming -----------------------------------------------------

def _inject_errors(layout: Layout) -> None:
    """Problems of many kinds, and one valid record the fast reader declines."""
    records = layout.record_files()
    r0 = records[0].read_text(encoding="utf-8")
    records[0].write_text(r0.replace("kind: report", "kind: rumour", 1), encoding="utf-8")
    r1 = records[1].read_text(encoding="utf-8")
    records[1].write_text(re.sub(r"(\n    speaker: )[a-z0-9-]+", r"\1nobody-at-all", r1, count=1), encoding="utf-8")
    r2 = records[2].read_text(encoding="utf-8")
    records[2].write_text(r2.replace("language: en\n", "language: en\nlanguage: de\n"), encoding="utf-8")
    r3 = records[3].read_text(encoding="utf-8")
    records[3].write_text(re.sub(r"\nnotes: .*\n", "\nnotes: 'TODO: check the page'\n", r3), encoding="utf-8")
    seed = next(layout.seeds.glob(records[4].stem + "_*.txt"))
    seed.write_text(seed.read_text(encoding="utf-8") + "changed\n", encoding="utf-8")
    r5 = records[5].read_text(encoding="utf-8")
    records[5].write_text(r5.replace("skips:\n  - id: s01\n", "skips:\n  - id: s01 # a comment sends it to the full reader\n", 1), encoding="utf-8")
    shutil.copy(records[6], layout.records / "99999.yaml")  # a second record of article 00006
    r7 = records[7].read_text(encoding="utf-8")
    records[7].write_text(r7.replace("    quote: ", "    quote: Not in the text at all; ", 1), encoding="utf-8")
    # Problems only all records together show, and the new checks of one record.
    r8 = records[8].read_text(encoding="utf-8")
    records[8].write_text(r8.replace("\n    statement: ", f"\n    note: As {records[9].stem} c99 says.\n    statement: ", 1), encoding="utf-8")
    r9 = records[9].read_text(encoding="utf-8")
    speaker = re.search(r"\n    speaker: ([a-z0-9-]+)", r9)[1]
    records[9].write_text(r9.replace("    kind: report\n", f"    kind: report\n    speaker: {speaker}\n", 1), encoding="utf-8")
    r10 = records[10].read_text(encoding="utf-8")
    claim_quote = re.search(r"\nclaims:\n(?:    .*\n|  - .*\n)*?    quote: (.*)\n", r10)[1]
    records[10].write_text(r10.replace("\nskips:\n", f"\nskips:\n  - id: s99\n    reason: rhetorical\n    quote: {claim_quote}\n", 1), encoding="utf-8")
    shutil.copy(records[11], layout.records / f"{records[11].stem}.yml")
    (layout.seeds / "77777_0123456789abcdef.txt").write_text("A seed no record cites.\n", encoding="utf-8")


def test_synthetic_corpus_is_valid_and_its_package_checks(corpus_copy):
    reference = validate(corpus_copy)
    assert reference.ok, _formatted(reference.problems)[:5]
    assert len(reference.articles) == 12
    assert all(len(a.record.claims) >= 12 and len(a.record.figures) >= 8 and a.record.skips for a in reference.articles)
    assert any(c.occurrence for a in reference.articles for c in a.record.skips)  # repeated quotes carry occurrence
    outcome = build(corpus_copy)
    assert not outcome.problems
    assert check_package(corpus_copy.root) == []


def test_the_generator_is_deterministic(tmp_path):
    a, b = generate(tmp_path / "a", 3), generate(tmp_path / "b", 3)
    for name in ("dataset/records", "seeds", "dataset"):
        left = {p.name: p.read_bytes() for p in (a.root / name).glob("*.*")}
        assert left == {p.name: p.read_bytes() for p in (b.root / name).glob("*.*")} and left


def test_cached_and_uncached_serial_and_parallel_validation_agree_with_the_reference(corpus_copy, monkeypatch):
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    _inject_errors(corpus_copy)
    reference = validate(corpus_copy)
    expected = _formatted(reference.problems)
    codes = {line.rsplit("[", 1)[1].split("]")[0] for line in expected}
    assert {"invalid-value", "unknown-actor", "yaml-duplicate-key", "placeholder", "seed-hash-mismatch", "duplicate-id",
            "quote-not-found", "note-names-missing-item", "speaker-on-outlet-voice", "skip-overlaps-claim", "misplaced-record",
            "orphan-seed"} <= codes, expected
    uncached = pipeline.run(corpus_copy, workers=1, use_cache=False)
    cold = pipeline.run(corpus_copy, workers=2)
    warm = pipeline.run(corpus_copy, workers=2)
    serial_warm = pipeline.run(corpus_copy, workers=1)
    for run in (uncached, cold, warm, serial_warm):
        assert _formatted(run.problems) == expected
        assert [a.article_id for a in run.articles] == [a.article_id for a in reference.articles]
    assert warm.checked == serial_warm.checked == 0 and cold.checked == uncached.checked == len(corpus_copy.record_files())


def test_a_check_without_a_fragment_gives_the_same_summary(corpus_copy):
    from scripts.stageclock import StageClock
    from scripts.validate import load_registries

    registries, _ = load_registries(corpus_copy)
    for path in corpus_copy.record_files()[:3]:
        full = pipeline.check_one(corpus_copy, registries, path, StageClock())
        summary_only = pipeline.check_one(corpus_copy, registries, path, StageClock(), want_fragment=False)
        assert full.fragment is not None and summary_only.fragment is None
        assert summary_only.summary == full.summary and summary_only.problems == full.problems == []


def test_a_spilled_fragment_reads_back_as_it_was(tmp_path):
    import os

    from scripts.fragments import Fragment, SpilledFragment

    path = tmp_path / "spill.bin"
    fd = os.open(path, os.O_RDWR | os.O_CREAT)
    frags = [Fragment({"claims": b"a,b\r\n" * n, "skips": b"", "mentions": "é".encode() * n}, b"{}" * n) for n in (3, 0, 7)]
    offset, spilled = 0, []
    for frag in frags:
        spilled.append(SpilledFragment.write(frag, fd, str(path), offset))
        offset += sum(n for _, n in spilled[-1].lengths)
    assert [s.load(fd) for s in spilled] == frags and path.stat().st_size == offset
    os.close(fd)


def test_a_changed_record_seed_or_registry_is_checked_again(corpus_copy):
    assert pipeline.run(corpus_copy).checked == 12
    record, _ = change_one_record(corpus_copy)
    assert pipeline.run(corpus_copy).checked == 1
    assert pipeline.run(corpus_copy).checked == 0
    seed = next(corpus_copy.seeds.glob(record.stem + "_*.txt"))
    seed.write_bytes(seed.read_bytes() + b"\n")
    run = pipeline.run(corpus_copy)
    assert run.checked == 1 and [p.code for p in run.problems] == ["seed-hash-mismatch"]
    corpus_copy.propositions.write_text(corpus_copy.propositions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert pipeline.run(corpus_copy).checked == 12


def test_a_file_rewritten_with_its_old_size_and_times_is_read_again(corpus_copy, monkeypatch):
    from scripts import recordcache

    # As if every file were far older than its entry: only the stat (its change time) can tell.
    monkeypatch.setattr(recordcache, "RACY_NS", -3600 * 10**9)
    assert pipeline.run(corpus_copy).checked == 12
    assert pipeline.run(corpus_copy).checked == 0
    record = corpus_copy.record_files()[2]
    seed = next(corpus_copy.seeds.glob(corpus_copy.record_files()[4].stem + "_*.txt"))
    for path, old, new in ((record, b"kind: report", b"kind: rumour"), (seed, b"The ", b"Tho ")):  # same sizes
        st = path.stat()
        path.write_bytes(path.read_bytes().replace(old, new, 1))
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    run = pipeline.run(corpus_copy)
    assert run.checked == 2
    assert sorted(p.code for p in run.problems) == ["invalid-value", "seed-hash-mismatch"]


def _imported_by_ast(start: Path) -> list[Path]:
    """The reference for recordcache.code_files: the same walk, with ast."""
    import ast

    root, seen, todo = start.parent.parent, set(), [start]
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                package, modules = path.parent.name, [node.module] if node.module else [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] in ("scripts", "schema"):
                package, modules = node.module.split(".")[0], [node.module.partition(".")[2]]
            else:
                continue
            todo += [root / package / f"{m}.py" for m in modules]
    return sorted(seen)


def test_the_code_the_cache_depends_on_is_what_ast_finds_imported(tmp_path):
    from scripts.recordcache import code_files

    start = ROOT / "scripts" / "pipeline.py"
    assert code_files(start) == _imported_by_ast(start) and len(code_files(start)) > 10
    # The forms a scan could miss: names in parentheses over several lines, `as`, imports
    # inside functions, and a comment after the names.
    (tmp_path / "scripts").mkdir()
    (tmp_path / "schema").mkdir()
    for name in ("a", "b", "c", "d", "e"):
        (tmp_path / "scripts" / f"{name}.py").write_text("")
    (tmp_path / "schema" / "m.py").write_text("")
    (tmp_path / "scripts" / "main.py").write_text(
        "from . import (a,\n    b as bee)\n\ndef f():\n    from .c import x  # why\n"
        "from schema.m import y\nimport scripts.e\n# from .d import z\n")
    main = tmp_path / "scripts" / "main.py"
    assert code_files(main) == _imported_by_ast(main)
    assert [p.relative_to(tmp_path).as_posix() for p in code_files(main)] == [
        "schema/m.py", "scripts/a.py", "scripts/b.py", "scripts/c.py", "scripts/main.py"]


def test_a_broken_cache_costs_time_not_results(corpus_copy, capsys):
    expected = _formatted(pipeline.run(corpus_copy).problems)
    (corpus_copy.build_dir / "cache" / "records.sqlite").write_bytes(b"not a database" * 100)
    run = pipeline.run(corpus_copy)
    assert _formatted(run.problems) == expected and run.checked == 12
    assert "record cache unavailable" in capsys.readouterr().err


def test_a_cache_of_an_older_layout_is_replaced_not_left_broken(corpus_copy, capsys):
    import sqlite3

    cache = corpus_copy.build_dir / "cache" / "records.sqlite"
    cache.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(cache) as old:  # an earlier layout: no `stat` column, no format number
        old.executescript("CREATE TABLE environment (key TEXT); CREATE TABLE records (path TEXT PRIMARY KEY, sha256 TEXT);")
    assert pipeline.run(corpus_copy).checked == 12
    assert pipeline.run(corpus_copy).checked == 0  # the replaced cache is used from the next run on
    assert "unavailable" not in capsys.readouterr().err


def test_parallel_serial_cached_and_in_memory_builds_write_the_same_bytes(corpus_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    assert not build(corpus_copy, workers=1).problems
    serial = _published(corpus_copy)
    shutil.rmtree(corpus_copy.build_dir / "cache")
    assert not build(corpus_copy, workers=2).problems
    assert _published(corpus_copy) == serial
    assert not build(corpus_copy, workers=2).problems  # every record from the cache
    assert _published(corpus_copy) == serial
    reference = tmp_path / "reference"
    stage_in_memory(corpus_copy, validate(corpus_copy), reference)
    assert {rel: (reference / rel).read_bytes() for rel in published_files(corpus_copy)} == serial
    assert not list(corpus_copy.build_dir.glob("spill-*")), "the workers' spill files were left behind"


def test_a_build_reads_unchanged_fragments_back_from_the_last_builds_files(corpus_copy, monkeypatch):
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    first = build(corpus_copy, workers=2)
    assert not first.problems and first.result.checked == 12
    expected = _published(corpus_copy)
    again = build(corpus_copy, workers=2)
    assert again.result.checked == 0 and _published(corpus_copy) == expected
    # A validate of a changed record keeps no fragment: the build makes that one again.
    record, original = change_one_record(corpus_copy)
    assert pipeline.run(corpus_copy).checked == 1
    assert build(corpus_copy, workers=2).result.checked == 1
    record.write_bytes(original)
    assert build(corpus_copy, workers=2).result.checked == 1 and _published(corpus_copy) == expected


def test_a_failed_builds_fragments_are_kept_for_the_next_build(corpus_copy, monkeypatch):
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    assert not build(corpus_copy, workers=2).problems
    expected = _published(corpus_copy)
    record = corpus_copy.record_files()[3]
    original = record.read_bytes()
    record.write_bytes(original.replace(b"kind: report", b"kind: rumour", 1))
    failed = build(corpus_copy, workers=2)
    assert [p.code for p in failed.problems] == ["invalid-value"] and failed.result.checked == 1
    assert _published(corpus_copy) == expected  # nothing published
    shutil.rmtree(corpus_copy.tables)  # the published files are gone: the kept ones serve
    record.write_bytes(original)
    fixed = build(corpus_copy, workers=2)
    assert not fixed.problems and fixed.result.checked == 1 and _published(corpus_copy) == expected
    assert not (corpus_copy.build_dir / "cache" / "store").exists()


def test_a_fragment_changed_in_the_published_files_is_made_again_not_copied(corpus_copy, monkeypatch):
    import sqlite3

    from scripts.recordcache import stat_key

    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    assert not build(corpus_copy, workers=2).problems
    expected = _published(corpus_copy)
    claims = corpus_copy.tables / "claims.csv"
    text = claims.read_bytes()
    claims.write_bytes(text.replace(b"report", b"rep0rt", 3))  # same size
    # Changed files are caught by their stat: every fragment is made again, by the workers.
    assert build(corpus_copy, workers=2).result.checked == 12 and _published(corpus_copy) == expected
    # A change the stat cannot see (the same tick) is caught by the fragment's sha256.
    claims.write_bytes(text.replace(b"report", b"rep0rt", 3))
    with sqlite3.connect(corpus_copy.build_dir / "cache" / "records.sqlite") as db:
        db.execute("UPDATE store SET stat = ? WHERE part = 'claims'", (stat_key(claims.lstat()),))
    assert build(corpus_copy, workers=2).result.checked == 0 and _published(corpus_copy) == expected


def test_the_real_package_builds_to_its_committed_bytes_with_every_path(real_copy, monkeypatch):
    committed = _published(Layout(ROOT))
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    for workers in (1, 2, 2):  # serial, parallel, then from the cache
        assert not build(real_copy, workers=workers).problems
        assert _published(real_copy) == committed


# --- the table check and frictionless ------------------------------------------------------------

@pytest.fixture(scope="module")
def small_package(tmp_path_factory) -> Layout:
    layout = generate(tmp_path_factory.mktemp("tables") / "p", 4)
    assert not build(layout).problems
    return layout


def _mutated(layout: Layout, tmp_path: Path, table: str, change) -> Path:
    """A copy of the package with one table changed and its bytes and hash updated, so that only
    the change itself is an error."""
    dest = tmp_path / "mutated"
    shutil.copytree(layout.root, dest, ignore=shutil.ignore_patterns("build", "records", "seeds"))
    path = dest / "dataset" / "tables" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    change(rows)
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    package = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["path"] == f"dataset/tables/{table}.csv":
            resource["bytes"] = path.stat().st_size
            resource["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    (dest / "datapackage.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    return dest


def _frictionless_types(root: Path) -> set[tuple[str, str]]:
    import frictionless

    report = frictionless.validate(str(root / "datapackage.json"))
    return {(task.name, error.type) for task in report.tasks for error in task.errors} | {("", e.type) for e in report.errors}


def _our_types(root: Path) -> set[tuple[str, str]]:
    return {(Path(p.path).stem, p.type) for p in check_package(root)}


def test_the_table_check_and_frictionless_agree_on_a_valid_package(small_package):
    assert check_package(small_package.root) == []
    assert _frictionless_types(small_package.root) == set()


def _set_cell(table_column: str, value: str, row: int = 1):
    def change(rows):
        rows[row][rows[0].index(table_column)] = value
    return change


@pytest.mark.parametrize("table, change, expected", [
    ("claims", _set_cell("speaker_id", "nobody-at-all"), {("claims", "foreign-key")}),
    ("mentions", _set_cell("start", "twelve"), {("mentions", "type-error")}),
    ("figures", _set_cell("approximate", "maybe"), {("figures", "type-error")}),
    ("skips", lambda rows: rows.append(list(rows[1])), {("skips", "primary-key"), ("skips", "unique-error")}),
    ("claim_subjects", lambda rows: rows.append(list(rows[1])), {("claim_subjects", "primary-key")}),
    ("claims", _set_cell("kind", "rumour"), {("claims", "constraint-error")}),
    ("articles", _set_cell("published_min", "2026-02-30"), {("articles", "type-error")}),
])
def test_the_table_check_catches_what_frictionless_catches(small_package, tmp_path, table, change, expected):
    root = _mutated(small_package, tmp_path, table, change)
    ours = _our_types(root)
    assert ours == expected
    assert _frictionless_types(root) == ours


def test_a_stale_hash_is_caught(small_package, tmp_path):
    root = _mutated(small_package, tmp_path, "claims", lambda rows: None)
    path = root / "dataset" / "tables" / "claims.csv"
    path.write_bytes(path.read_bytes().replace(b"report", b"Report", 1))
    assert {"hash-count"} <= {p.type for p in check_package(root)}


def test_random_cell_edits_are_judged_as_frictionless_judges_them(small_package, tmp_path):
    rng = random.Random(7)
    for attempt in range(3):
        table = rng.choice(["claims", "figures", "mentions", "articles"])
        def change(rows, rng=rng):
            row = rng.randrange(1, len(rows))
            col = rng.randrange(len(rows[0]))
            rows[row][col] = rng.choice(["", "x", "-1", "1.5", "true", "2026-13-01", "000-c01", rows[row][col] + "!"])
        root = _mutated(small_package, tmp_path / str(attempt), table, change)
        assert _our_types(root) == _frictionless_types(root)


# --- mentions --------------------------------------------------------------------------------------

ALIAS = st.text(st.sampled_from("aAbB -.é'1"), min_size=1, max_size=6).filter(lambda a: a.strip() == a and a)


@settings(max_examples=200, **SETTINGS)
@given(aliases=st.lists(ALIAS, min_size=1, max_size=8, unique=True), text=st.text(st.sampled_from("aAbB -.é'1\n"), max_size=60))
def test_the_alias_trie_finds_what_the_longest_first_alternation_finds(aliases, text):
    import re

    from scripts.mentions import AliasMatcher

    ordered = sorted(aliases, key=lambda a: (-len(a), a))
    alternation = re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(a) for a in ordered)})(?!\w)")
    matcher = AliasMatcher({a: f"actor-{i}" for i, a in enumerate(aliases)})
    assert [(m.start(), m.end()) for m in matcher.regex.finditer(text)] == [(m.start(), m.end()) for m in alternation.finditer(text)]
