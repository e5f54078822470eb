"""The SQLite database Datasette serves: built from the published package, the same tables, keys and rows."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema.tables import TABLES
from scripts.build import build
from scripts.canned_queries import QUERIES
from scripts.datasette_metadata import description_html, metadata
from scripts import db as db_module
from scripts.db import DATABASE, FULL_TEXT, READERS, SEEDS, PackageError, build_db, read_package, table_resources
from scripts.layout import ROOT

from .conftest import cli

QUICK_READERS = [r for r in READERS if r != "reference"]
SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "FLOAT", "boolean": "INTEGER", "date": "TEXT"}


@pytest.fixture(scope="module")
def built(layout, tmp_path_factory):
    return build_db(layout, tmp_path_factory.mktemp("db"))


@pytest.fixture
def published(real_copy):
    """A scratch copy of the project with its package built (the tests break it on purpose)."""
    outcome = build(real_copy)
    assert not outcome.problems
    return real_copy


@pytest.fixture(scope="module")
def conn(built):
    connection = sqlite3.connect(built.files.db)
    connection.row_factory = sqlite3.Row
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def package(layout):
    return read_package(layout)


def test_every_published_table_is_a_table_with_the_same_columns_and_types(conn, package):
    for resource in table_resources(package):
        columns = [(c["name"], c["type"]) for c in conn.execute(f"PRAGMA table_info([{resource['name']}])")]
        expected = [(f["name"], SQL_TYPES[f["type"]]) for f in resource["schema"]["fields"]]
        assert columns == expected, resource["name"]
    assert {r["name"] for r in table_resources(package)} == {m.TABLE.name for m in TABLES}


def test_row_counts_match_the_csvs(built, tables):
    for name, rows in tables.items():
        assert built.rows[name] == len(rows), name
    assert built.rows[SEEDS] == len(tables["articles"])


def test_primary_and_foreign_keys_are_declared_and_hold(conn, package):
    for resource in table_resources(package):
        name, schema = resource["name"], resource["schema"]
        pk = [c["name"] for c in sorted(conn.execute(f"PRAGMA table_info([{name}])"), key=lambda c: c["pk"]) if c["pk"]]
        assert pk == schema["primaryKey"], name
        declared = {(fk["from"], fk["table"], fk["to"]) for fk in conn.execute(f"PRAGMA foreign_key_list([{name}])")}
        assert declared == {(fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0])
                            for fk in schema.get("foreignKeys", [])}, name
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_foreign_key_and_facet_columns_are_indexed(conn, package):
    facets = {m.TABLE.name: m.TABLE.facets for m in TABLES}
    for resource in table_resources(package):
        name = resource["name"]
        leading = {conn.execute(f"PRAGMA index_info([{i['name']}])").fetchone()["name"]
                   for i in conn.execute(f"PRAGMA index_list([{name}])")}
        wanted = {fk["fields"][0] for fk in resource["schema"].get("foreignKeys", [])} | set(facets[name])
        assert wanted <= leading, f"{name}: no index on {wanted - leading}"


def test_values_are_typed_and_empty_cells_are_null(conn, tables):
    row = conn.execute("select * from figures where figure_id = ?", [tables["figures"][0]["figure_id"]]).fetchone()
    csv_row = tables["figures"][0]
    for column in ("value", "value_min", "value_max"):
        assert row[column] == (float(csv_row[column]) if csv_row[column] else None)
    assert row["approximate"] == (1 if csv_row["approximate"] == "true" else 0)
    assert {r[0] for r in conn.execute("select distinct typeof(hedged) from claims")} == {"integer"}
    assert {r[0] for r in conn.execute("select distinct typeof(start) from claims")} == {"integer"}
    assert conn.execute("select count(*) from claims where speaker_id = ''").fetchone()[0] == 0
    assert conn.execute("select count(*) from claims where speaker_id is null").fetchone()[0] == \
        sum(1 for c in tables["claims"] if not c["speaker_id"])


def test_seed_texts_are_the_published_seeds(conn, tables, layout):
    for article in tables["articles"]:
        seed = conn.execute(f"select * from {SEEDS} where article_id = ?", [article["article_id"]]).fetchone()
        assert seed["seed_file"] == article["seed_file"]
        assert seed["text"] == (layout.root / article["seed_file"]).read_text(encoding="utf-8")
        assert hashlib.sha256(seed["text"].encode("utf-8")).hexdigest() == article["seed_sha256"]


def test_full_text_search_finds_words_in_claims_titles_and_texts(conn, tables):
    claim = next(c for c in tables["claims"] if "prisoner" in c["statement"].lower())
    found = [r[0] for r in conn.execute(
        "select c.claim_id from claims_fts f join claims c on c.rowid = f.rowid where claims_fts match 'prisoner'")]
    assert claim["claim_id"] in found
    assert all("prison" in c["statement"].lower() + c["quote"].lower() for c in tables["claims"] if c["claim_id"] in found)
    # Porter stemming: the stem finds its inflections.
    assert conn.execute("select count(*) from claims_fts where claims_fts match 'agree'").fetchone()[0] > 0
    assert conn.execute("select count(*) from articles_fts where articles_fts match 'restart'").fetchone()[0] > 0
    assert conn.execute(f"select count(*) from {SEEDS}_fts where {SEEDS}_fts match 'Abu Dhabi'").fetchone()[0] > 0
    assert set(FULL_TEXT) == {"articles", "claims", SEEDS}


def test_rebuilding_gives_the_same_database(layout, built, tmp_path):
    again = build_db(layout, tmp_path)
    dump = lambda path: list(sqlite3.connect(path).iterdump())  # noqa: E731
    assert dump(again.files.db) == dump(built.files.db)
    assert again.files.metadata.read_text() == built.files.metadata.read_text()


def test_the_default_reader_is_sqlites_own_where_sqlean_is_installed():
    # requirements.lock pins sqlean.py, so every supported install reads CSV in C.
    assert READERS[0] == db_module.READER == "vsv"


@pytest.mark.parametrize("reader", QUICK_READERS)
def test_a_quick_reader_gives_the_reference_readers_database(layout, tmp_path, reader):
    """CSV read by SQLite itself (vsv) or csv.reader's rows handed straight to SQLite (cells
    converted in SQL) load the same database, value for value and type for type, as converting
    every cell in Python."""
    quick = build_db(layout, tmp_path / "quick", reader=reader)
    reference = build_db(layout, tmp_path / "reference", reader="reference")
    dump = lambda path: list(sqlite3.connect(path).iterdump())  # noqa: E731
    assert dump(quick.files.db) == dump(reference.files.db)
    conn = sqlite3.connect(quick.files.db)
    assert conn.execute("select typeof(start), typeof(hedged), typeof(note) from claims where claim_id = '004-c01'").fetchone() == (
        "integer", "integer", "null")  # an empty cell is NULL, never ''
    assert {r[0] for r in conn.execute("select typeof(value_min) from figures")} == {"real", "null"}


@pytest.mark.parametrize("reader", QUICK_READERS)
def test_a_quick_reader_loads_the_published_tables_without_the_reference_reader(layout, tmp_path, monkeypatch, reader):
    """The quick path is the one taken for a clean package (a fallback taken every time would
    pass the equality tests and lose all the speed)."""
    def refuse(*args, **kwargs):
        raise AssertionError("the reference reader was used")

    monkeypatch.setattr(db_module, "read_table", refuse)
    assert build_db(layout, tmp_path, reader=reader, parallel_from=10**12).rows["claims"] > 0


def test_an_unknown_reader_is_refused(layout, tmp_path):
    with pytest.raises(ValueError, match="not one of"):
        build_db(layout, tmp_path, reader="pandas")


def test_loading_in_two_processes_gives_the_same_database(layout, built, tmp_path):
    both = build_db(layout, tmp_path, parallel_from=0)
    dump = lambda path: list(sqlite3.connect(path).iterdump())  # noqa: E731
    assert dump(both.files.db) == dump(built.files.db)
    assert both.rows == built.rows
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset.db", "metadata.json"], "the scratch database was left behind"


@pytest.mark.parametrize("work", [
    {"articles": 1.6, "claims": 1.6, "figures": 0.9, "mentions": 1.3, "skips": 2.1, "actors": 0.0},
    {"articles": 0.1, "claims": 0.1, "figures": 5.0, "mentions": 1.0, "skips": 1.0, "actors": 0.0},
])
def test_the_two_processes_share_the_work_and_the_first_indexes_the_searched_tables(work):
    from scripts.db import INDEXED_EARLY, _halves

    resources = [{"name": name} for name in work]
    here, apart = _halves(work, resources)
    names = lambda group: [r["name"] for r in group]  # noqa: E731
    assert set(INDEXED_EARLY) <= set(names(here))
    assert sorted(names(here) + names(apart)) == sorted(work) and not set(names(here)) & set(names(apart))
    assert names(here) == [n for n in work if n in names(here)]  # package order kept
    # No table moved across would bring the two closer: the greedy share is within its largest item.
    heavier = max(sum(work[n] for n in names(g)) for g in (here, apart))
    assert heavier - min(sum(work[n] for n in names(g)) for g in (here, apart)) <= max(work.values())


@pytest.mark.parametrize("parallel_from", [0, 10**12], ids=["two processes", "one"])
def test_the_first_broken_table_in_package_order_is_reported(published, tmp_path, parallel_from):
    """Two tables broken, loaded in different processes or one: the problems are those of the
    table that comes first in datapackage.json, as a serial load would stop there."""
    order = [r["name"] for r in json.loads(published.datapackage.read_text())["resources"] if "schema" in r]
    for name in ("claims", "skips"):
        path = published.tables / f"{name}.csv"
        lines = path.read_bytes().decode("utf-8").split("\r\n")
        lines[1] += ",extra"
        path.write_bytes("\r\n".join(lines).encode("utf-8"))
        _rehash(published, name)
    first = min(("claims", "skips"), key=order.index)
    with pytest.raises(PackageError) as info:
        build_db(published, tmp_path, parallel_from=parallel_from)
    assert len(info.value.problems) == 1 and _heads(info)[0].startswith(f"dataset/tables/{first}.csv:2: ")
    assert not list(tmp_path.glob("*.apart"))


@pytest.mark.parametrize("reader", QUICK_READERS)
@pytest.mark.parametrize("value", ["-59.347607", "0.0000075623", "39935249.185757", "1e-05", "5", "1.5e300", "nan", " 7"])
def test_numbers_load_as_the_reference_reads_them(published, tmp_path, value, reader):
    """Decimals SQLite 3.40 would round differently from Python's float() load as float() reads
    them; texts float() reads but SQLite would not (or not alike) give the same database too."""
    figures = published.tables / "figures.csv"
    _edit(figures, ",3,,,false,item,three,", f",3,,{value},false,item,three,")  # 001-f01's value_max
    _rehash(published, "figures")
    quick = build_db(published, tmp_path / "quick", reader=reader)
    reference = build_db(published, tmp_path / "reference", reader="reference")
    dump = lambda path: list(sqlite3.connect(path).iterdump())  # noqa: E731
    assert dump(quick.files.db) == dump(reference.files.db)


@pytest.mark.parametrize("cell", ["1.0", "1e3", "0x10", "--5"])
def test_integers_the_reference_refuses_are_refused_and_located(published, tmp_path, cell):
    figures = published.tables / "figures.csv"
    text = figures.read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    line = next(i for i, row in enumerate(lines) if row.startswith("001-f01,"))
    lines[line] = lines[line].replace(",2879,2924,", f",{cell},2924,", 1)
    figures.write_bytes("\r\n".join(lines).encode("utf-8"))
    _rehash(published, "figures")
    for reader in READERS:
        with pytest.raises(PackageError) as info:
            build_db(published, tmp_path / reader, reader=reader)
        assert _heads(info) == [f"dataset/tables/figures.csv:{line + 1}: start: {cell!r} is not a valid integer [table-row]"]


@pytest.mark.parametrize("reader", QUICK_READERS)
@pytest.mark.parametrize("ragged", ["a cell too many", "two cells too many", "a cell too few", "an empty line"])
def test_rows_the_quick_loader_cannot_read_go_to_the_reference_loader(published, tmp_path, reader, ragged):
    """A row with too many or too few cells: the quick load stops, and the reference reader says
    where (vsv on its own would drop the extra cells and pad the short row)."""
    claims = published.tables / "claims.csv"
    text = claims.read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    line = next(i for i, row in enumerate(lines) if row.startswith("004-c01,"))
    n = len(lines[0].split(","))
    if ragged == "an empty line":
        lines.insert(line, "")
        expected = f"dataset/tables/claims.csv:{line + 1}: 0 cells, expected {n}"
    elif ragged == "a cell too few":
        lines[line] = lines[line][: lines[line].rindex(",")]  # the row's last cell (its note) is empty
        expected = f"dataset/tables/claims.csv:{line + 1}: {n - 1} cells, expected {n}"
    else:
        extra = 1 if ragged == "a cell too many" else 2
        lines[line] += ",extra" * extra
        expected = f"dataset/tables/claims.csv:{line + 1}: {n + extra} cells, expected {n}"
    claims.write_bytes("\r\n".join(lines).encode("utf-8"))
    _rehash(published, "claims")
    with pytest.raises(PackageError) as info:
        build_db(published, tmp_path, reader=reader)
    assert _heads(info) == [expected + " [table-row]"]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("where", ["a row", "the header"])
def test_a_table_that_is_not_utf8_is_located_without_a_traceback(published, tmp_path, reader, where):
    claims = published.tables / "claims.csv"
    data = claims.read_bytes()
    lines = data.split(b"\r\n")
    line = 0 if where == "the header" else next(i for i, row in enumerate(lines) if row.startswith(b"004-c01,"))
    lines[line] = lines[line].replace(b",", b",\xff", 1)
    claims.write_bytes(b"\r\n".join(lines))
    _rehash(published, "claims")
    with pytest.raises(PackageError) as info:
        build_db(published, tmp_path, reader=reader)
    assert _heads(info) == [f"dataset/tables/claims.csv:{line + 1}: not UTF-8 text (invalid start byte); run `make build` [not-utf8]"]


def test_a_seed_that_is_not_utf8_is_located_without_a_traceback(published, tmp_path):
    seed = published.seeds / "004_1b4dc4a5edc3487e.txt"
    old_sha = hashlib.sha256(seed.read_bytes()).hexdigest()
    seed.write_bytes(seed.read_bytes() + b"\xff")
    _edit(published.tables / "articles.csv", old_sha, hashlib.sha256(seed.read_bytes()).hexdigest())
    _rehash(published, "articles")
    with pytest.raises(PackageError) as info:
        build_db(published, tmp_path)
    assert len(info.value.problems) == 1
    assert _heads(info)[0].startswith("seeds/004_1b4dc4a5edc3487e.txt: not UTF-8 text (invalid start byte at byte ")
    assert info.value.problems[0].code == "not-utf8"


def _heads(info) -> list[str]:
    """The first line of each problem a PackageError carries (file:line: field: message [code])."""
    return [p.format().splitlines()[0] for p in info.value.problems]


def _edit(path, old: str, new: str) -> str:
    """Replace text in a CSV byte for byte (its CRLF line ends kept); returns the old text."""
    text = path.read_bytes().decode("utf-8")
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode("utf-8"))
    return text


def test_the_build_is_atomic_and_a_broken_package_is_located(published, tmp_path):
    out = tmp_path / "out"
    first = build_db(published, out)
    before = first.files.db.read_bytes()
    _edit(published.tables / "claims.csv", "004-c01,004,", "004-c01,004x,")
    with pytest.raises(PackageError) as info:
        build_db(published, out)
    assert _heads(info) == ["dataset/tables/claims.csv: differs from its hash in datapackage.json "
                            "(edited by hand or stale) [package-stale]"]
    assert "run `make build`" in info.value.problems[0].hint
    assert first.files.db.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["dataset.db", "metadata.json"], "a temporary file was left behind"


def _rehash(layout, name: str) -> None:
    """Make datapackage.json agree with a hand-edited CSV, so the loader's own checks are reached."""
    package = json.loads(layout.datapackage.read_text())
    path = layout.tables / f"{name}.csv"
    for resource in package["resources"]:
        if resource["name"] == name:
            resource["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    layout.datapackage.write_text(json.dumps(package))


def test_dangling_foreign_keys_and_bad_values_are_located(published, tmp_path):
    claims = published.tables / "claims.csv"
    text = _edit(claims, "004-c01,004,", "004-c01,999,")
    _rehash(published, "claims")
    with pytest.raises(PackageError) as info:
        build_db(published, tmp_path)
    assert len(info.value.problems) == 1 and "claims.csv: row" in _heads(info)[0] and "articles" in _heads(info)[0]
    assert info.value.problems[0].code == "table-row"

    lines = text.split("\r\n")
    line = next(i for i, row in enumerate(lines) if row.startswith("004-c01,"))
    lines[line] = lines[line].replace(",false,", ",maybe,", 1)
    claims.write_bytes("\r\n".join(lines).encode("utf-8"))
    _rehash(published, "claims")
    with pytest.raises(PackageError) as info:
        build_db(published, tmp_path)
    assert _heads(info) == [f"dataset/tables/claims.csv:{line + 1}: hedged: 'maybe' is not a valid boolean [table-row]"]


def test_db_command_reports_problems_without_a_traceback(published):
    (published.seeds / "004_1b4dc4a5edc3487e.txt").write_text("changed", encoding="utf-8")
    result = cli("db", "--root", str(published.root))
    assert result.exit_code == 1
    assert "seeds/004_1b4dc4a5edc3487e.txt: sha256 differs" in result.output
    assert "[seed-hash-mismatch]" in result.output and "hint: Never edit a seed" in result.output
    assert "Traceback" not in result.output
    published.datapackage.unlink()
    result = cli("db", "--root", str(published.root))
    assert result.exit_code == 1 and "datapackage.json: missing [package-missing]" in result.output
    assert "hint: Run `make build`" in result.output


def test_db_command_writes_the_database_and_metadata(published):
    result = cli("db", "--root", str(published.root))
    assert result.exit_code == 0, result.output
    assert (published.build_dir / f"{DATABASE}.db").is_file()
    written = json.loads((published.build_dir / "metadata.json").read_text())
    assert written["databases"][DATABASE]["queries"].keys() == QUERIES.keys()


# --- the Datasette metadata: generated from the models and datapackage.json -----------------------

def test_metadata_comes_from_the_models_and_the_package(package):
    meta = metadata(package)
    assert meta["title"] == package["title"]
    assert (meta["license"], meta["license_url"]) == (package["licenses"][0]["name"], package["licenses"][0]["path"])
    tables = meta["databases"][DATABASE]["tables"]
    fields = {r["name"]: {f["name"]: f for f in r["schema"]["fields"]} for r in table_resources(package)}
    for model in TABLES:
        spec, table = model.TABLE, tables[model.TABLE.name]
        assert (table["title"], table["description"]) == (spec.title, spec.description)
        assert table.get("facets", []) == list(spec.facets)
        assert table.get("sort") == spec.sort
        assert table.get("label_column") == spec.label_column
        assert list(table["columns"]) == list(model.model_fields)
        for name, description in table["columns"].items():
            assert description.startswith(fields[spec.name][name]["description"].replace("`", ""))  # backticks dropped
    assert "unit" in tables["figures"]["columns"]["value"]
    assert tables["claims"]["fts_table"] == "claims_fts"
    assert tables[SEEDS]["hidden"] is True
    assert "not relicensed" in tables[SEEDS]["title"]


def test_canned_queries_only_read(package):
    for name, query in metadata(package)["databases"][DATABASE]["queries"].items():
        assert not query.get("write"), name
        assert query["sql"].lstrip().lower().startswith("select"), name


# --- vsv against csv.reader, on any text the build's csv.writer can write -------------------------

_CELL_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12) | st.sampled_from(
    ['"', '""', ",", "\r\n", "\n", "\r", " ", " 7 ", '"q"x', "a,b", "=1+2", "é—’"])


@pytest.mark.skipif("vsv" not in READERS, reason="sqlean.py is not installed")
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_CELL_TEXT, st.integers(-10**6, 10**6) | st.none(), st.booleans() | st.none(), _CELL_TEXT),
                     max_size=8))
def test_vsv_reads_whatever_csv_writer_writes_as_the_reference_does(tmp_path_factory, rows):
    """Quotes, commas, line breaks of every kind, spaces at the ends, non-ASCII, empty cells:
    vsv and the reference reader load the same rows from what csv.writer wrote (the published
    tables are written with it)."""
    import csv
    import io

    from scripts.layout import Layout

    root = tmp_path_factory.mktemp("vsv")
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["id", "text", "count", "flag", "note"])
    writer.writerows([(f"r{i}", a, "" if n is None else n, "" if b is None else str(b).lower(), d) for i, (a, n, b, d) in enumerate(rows)])
    (root / "t.csv").write_bytes(buf.getvalue().encode("utf-8"))
    resource = {"name": "t", "path": "t.csv", "hash": "sha256:" + hashlib.sha256((root / "t.csv").read_bytes()).hexdigest(),
                "schema": {"fields": [{"name": "id", "type": "string"}, {"name": "text", "type": "string"},
                                      {"name": "count", "type": "integer"}, {"name": "flag", "type": "boolean"},
                                      {"name": "note", "type": "string"}], "primaryKey": ["id"]}}
    layout = Layout(root)
    conn = db_module.connect(":memory:", "vsv")
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, text TEXT, count INTEGER, flag INTEGER, note TEXT)")
    assert db_module._quick_load(conn, layout, resource, "vsv") == len(rows)
    quick = conn.execute("SELECT * FROM t ORDER BY rowid").fetchall()
    problems: list = []
    reference = list(db_module.read_table(layout, resource, problems))
    assert not problems and quick == reference


@pytest.mark.skipif("vsv" not in READERS, reason="sqlean.py is not installed")
def test_vsv_hands_a_nul_character_to_the_reference_reader(tmp_path):
    """vsv refuses text holding NUL (which it would otherwise cut short): the quick load stops,
    so the reference reader, which keeps it, loads the table."""
    from scripts.layout import Layout

    (tmp_path / "t.csv").write_bytes(b'id,text\r\nr1,"x\x00y"\r\n')
    resource = {"name": "t", "path": "t.csv", "hash": "sha256:-",
                "schema": {"fields": [{"name": "id", "type": "string"}, {"name": "text", "type": "string"}], "primaryKey": ["id"]}}
    conn = db_module.connect(":memory:", "vsv")
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, text TEXT)")
    assert db_module._quick_load(conn, Layout(tmp_path), resource, "vsv") is None
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    assert list(db_module.read_table(Layout(tmp_path), resource, [])) == [("r1", "x\x00y")]


@pytest.mark.parametrize("text, html", [
    ("Texts in `seeds/` and <b>.", "<p>Texts in <code>seeds/</code> and &lt;b&gt;.</p>"),
    ("One.\n\nTwo `a<b`.", "<p>One.</p>\n<p>Two <code>a&lt;b</code>.</p>"),
    ("An unpaired ` stays.", "<p>An unpaired ` stays.</p>"),
])
def test_the_description_shows_code_marks_as_code_and_escapes_the_rest(text, html):
    assert description_html(text) == html


def test_column_descriptions_in_datasette_carry_no_code_marks(package):
    """Datasette shows column descriptions as plain text, so the codebook's backticks are dropped."""
    tables = metadata(package)["databases"][DATABASE]["tables"]
    described = [d for t in tables.values() for d in t.get("columns", {}).values()]
    assert described and not any("`" in d for d in described)
    assert any("`" in f.get("description", "") for r in table_resources(package) for f in r["schema"]["fields"])


def test_db_loads_sqlite_utils_without_pandas_and_leaves_pandas_importable():
    """sqlite-utils imports pandas and numpy when they are installed (they are, for the README
    tests): 250 ms a `db` process. In a fresh process, as `make db` runs, they are hidden while it
    loads and importable afterwards."""
    probe = ("import sys, scripts.db, sqlite_utils.db as d; loaded = 'pandas' in sys.modules; import pandas; "
             "print(d.pd is None, d.np is None, loaded)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "True", "False"]
