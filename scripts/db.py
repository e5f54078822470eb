"""Build the SQLite database that Datasette serves, from the published package.

The database is read from the files a researcher downloads (datapackage.json, the CSVs it lists
and the seeds the articles table names) and from nothing else, so what `make serve` shows is
exactly what is published: same table and column names, types from the Table Schema, the same
keys and foreign keys. It is written to a temporary file in build/ and moved into place with
os.replace, so a failed or interrupted build never leaves a half-written database behind.
"""
from __future__ import annotations

import csv
import hashlib
import json
import multiprocessing
import os
import sqlite3
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional


def _import_sqlite_utils():
    """sqlite-utils imports pandas and numpy whenever they are installed (the tests install pandas
    to run README's examples): about 0.2 s and 40 MB in each `db` process, for type conversions `db`
    never needs, since every value it inserts is text, a number or None. They are hidden while it
    loads, and stay importable for everything else."""
    import sys

    hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # makes `import name` raise ImportError
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            del sys.modules[name]
    return sqlite_utils


sqlite_utils = _import_sqlite_utils()

from schema.tables import TABLES  # noqa: E402

try:  # SQLite with extensions, among them vsv, a CSV reader in C (scripts/db.py, READERS)
    import sqlean
except ImportError:  # a platform sqlean.py has no wheel for: the csv module reads the tables
    sqlean = None

from .layout import Layout
from .problems import Problem

# Datasette names a database after its file, so this is also the first part of every URL (/dataset/claims).
DATABASE = "dataset"
SEEDS = "seeds"
# Full-text search (FTS5, Porter stemming so "agree" finds "agreed"): the columns people search in.
FULL_TEXT: dict[str, tuple[str, ...]] = {"articles": ("title",), "claims": ("statement", "quote"), SEEDS: ("text",)}
_FACETS = {model.TABLE.name: model.TABLE.facets for model in TABLES}

# How the CSVs are read into SQLite. "reference" converts every cell in Python and locates every
# problem; the quick readers load a table that reads cleanly and hand anything else to it:
# "csv" passes csv.reader's rows to SQLite, which converts the cells; "vsv" has SQLite read
# the file itself (sqlean.py's vsv extension), with no Python per row: about 3x less time than
# "csv" for the 10,000-article package. Every reader gives the same database (tests/test_db.py).
READERS = ("vsv", "csv", "reference") if sqlean is not None else ("csv", "reference")
READER = READERS[0]
# A quick reader's SQL errors: those of the stdlib's sqlite3 and of sqlean's copy of it.
_SQL_ERRORS = (sqlite3.Error,) + ((sqlean.Error,) if sqlean is not None else ())
_INTEGRITY_ERRORS = (sqlite3.IntegrityError,) + ((sqlean.IntegrityError,) if sqlean is not None else ())
_SQL_TYPES: dict[str, type] = {"string": str, "integer": int, "number": float, "boolean": int, "date": str}


class PackageError(Exception):
    """The published package cannot be loaded; each problem names the file (and line) at fault,
    with a code and a hint, as validation's problems do."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


def _problem(where: str, code: str, message: str, line: Optional[int] = None, field: str = "") -> Problem:
    return Problem(where, line or 0, field, code, message)


@dataclass(frozen=True)
class DbFiles:
    db: Path
    metadata: Path

    @classmethod
    def in_dir(cls, out_dir: Path) -> "DbFiles":
        return cls(out_dir / f"{DATABASE}.db", out_dir / "metadata.json")


@dataclass(frozen=True)
class DbOutcome:
    files: DbFiles
    rows: dict[str, int]
    seconds: float


def read_package(layout: Layout) -> dict:
    where = layout.rel(layout.datapackage)
    try:
        return json.loads(layout.datapackage.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError([_problem(where, "package-missing", "missing")]) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackageError([_problem(where, "package-stale", f"not valid JSON ({exc})")]) from None


def table_resources(package: dict) -> list[dict]:
    """The tabular resources, in the package's order (referenced tables come first)."""
    return [r for r in package.get("resources", []) if "schema" in r]


def _converter(field: dict) -> Callable[[str], Any]:
    kind = field["type"]
    if kind == "integer":
        return int
    if kind == "number":
        return float
    if kind == "boolean":
        truth = {v: 1 for v in field.get("trueValues", ["true"])} | {v: 0 for v in field.get("falseValues", ["false"])}
        return lambda text: truth[text]
    return str  # strings and ISO dates are stored as text


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check_file(layout: Layout, resource: dict) -> None:
    """The CSV is there and is the file datapackage.json describes (its hash)."""
    path = layout.root / resource["path"]
    where = layout.rel(path)
    if not path.is_file():
        raise PackageError([_problem(where, "package-missing", "missing")])
    if resource.get("hash") and resource["hash"] != f"sha256:{_digest(path)}":
        raise PackageError([_problem(where, "package-stale", "differs from its hash in datapackage.json (edited by hand or stale)")])


def read_table(layout: Layout, resource: dict, problems: list[Problem]) -> Iterator[tuple]:
    """The rows of one CSV as typed tuples (the reference reader; `_check_file` first).
    Rows are yielded as they are read, so a table is never held in memory whole (at 10,000 articles
    the tables held at once took 800 MB); a row that does not read is left out and described in
    `problems`, which the caller raises once the table is read."""
    path = layout.root / resource["path"]
    where = layout.rel(path)
    fields = resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    missing = set(resource["schema"].get("missingValues", [""]))
    convert = [(f["name"], f["type"], _converter(f)) for f in fields]
    as_is = [None if conv is str else conv for _, _, conv in convert]  # text needs no converting
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            if header != names:
                raise PackageError([_problem(where, "package-stale", f"header {header} differs from the schema's columns {names}", 1)])
            for record in reader:
                if len(record) != len(names):
                    problems.append(_problem(where, "table-row", f"{len(record)} cells, expected {len(names)}", reader.line_num))
                    continue
                try:
                    yield tuple([None if text in missing else text if conv is None else conv(text) for text, conv in zip(record, as_is)])
                except (ValueError, KeyError):
                    for text, (name, kind, conv) in zip(record, convert):  # say which cells, as the row is left out
                        try:
                            None if text in missing else conv(text)
                        except (ValueError, KeyError):
                            problems.append(_problem(where, "table-row", f"{text!r} is not a valid {kind}", reader.line_num, name))
    except UnicodeDecodeError as exc:
        raise PackageError([_problem(where, "not-utf8", f"not UTF-8 text ({exc.reason}); run `make build`", _undecodable_line(path))]) from None


def _undecodable_line(path: Path) -> Optional[int]:
    """The first line of the file that is not UTF-8 (a newline byte is never inside a UTF-8
    sequence, so lines can be decoded one by one)."""
    with path.open("rb") as fh:
        for number, line in enumerate(fh, 1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return None


def seed_rows(layout: Layout, articles: dict, seeds: list[tuple[str, str, str]], problems: list[Problem]) -> Iterator[tuple]:
    """(article_id, seed_file, sha256, text) for every (article_id, seed_file, seed_sha256) of the
    articles table, checked against the published sha256; a bad seed is described in `problems`."""
    for article_id, seed_file, sha256 in seeds:
        path = layout.root / seed_file
        if not path.is_file():
            problems.append(_problem(seed_file, "seed-missing", f"missing (named by article {article_id} in {articles['path']})"))
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            problems.append(_problem(seed_file, "seed-hash-mismatch", f"sha256 differs from article {article_id}'s seed_sha256"))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(_problem(seed_file, "not-utf8", f"not UTF-8 text ({exc.reason} at byte {exc.start}); seeds are UTF-8, restore it from git"))
            continue
        yield article_id, seed_file, sha256, text


def _create(db: sqlite_utils.Database, resource: dict, *, with_foreign_keys: bool = True) -> None:
    schema = resource["schema"]
    foreign_keys = []
    for fk in schema.get("foreignKeys", []) if with_foreign_keys else []:
        if len(fk["fields"]) != 1:  # sqlite-utils declares single-column foreign keys; the package has no other kind
            raise PackageError([_problem("datapackage.json", "package-stale", f"composite foreign key {fk['fields']} is not supported", field=resource["name"])])
        foreign_keys.append((fk["fields"][0], fk["reference"]["resource"], fk["reference"]["fields"][0]))
    required = [f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")]
    db[resource["name"]].create(
        {f["name"]: _SQL_TYPES[f["type"]] for f in schema["fields"]},
        pk=schema["primaryKey"][0] if len(schema["primaryKey"]) == 1 else tuple(schema["primaryKey"]),
        foreign_keys=foreign_keys, not_null=required,
    )


def _index(db: sqlite_utils.Database, table: str, columns: Iterable[str]) -> None:
    # Foreign keys are joined on and facets are grouped by: both want an index.
    # The primary key's own index already serves its leading column.
    leading = db[table].pks[0]
    for column in dict.fromkeys(columns):
        if column != leading:
            db[table].create_index([column], find_unique_name=True)


def _insert(conn: sqlite3.Connection, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    marks = ", ".join("?" for _ in columns)
    names = ", ".join(f"[{c}]" for c in columns)
    return conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({marks})", rows).rowcount


# What a cell of each Table Schema type may hold once SQLite has read it.
_STORED_AS = {"integer": ("integer",), "number": ("real",), "boolean": ("integer",)}


def _cell_sql(x: str, field: dict) -> str:
    """SQL that reads the cell's text `x` (a parameter or a column) exactly as `read_table` reads it, or leaves it text
    (which the check after the load sends to `read_table`): an empty cell is NULL; booleans go by
    the schema's values; integers are converted by the column's affinity, but only texts of
    digits and signs, which SQLite reads as Python's int() does ("1.0" or "1e3" stay text);
    numbers go through Python's float(), since SQLite 3.40 rounds some decimals differently
    ("-59.347607" became -59.347606999999996)."""
    kind = field["type"]
    if kind == "boolean":
        whens = " ".join([f"WHEN {_quote(v)} THEN 1" for v in field.get("trueValues", ["true"])]
                         + [f"WHEN {_quote(v)} THEN 0" for v in field.get("falseValues", ["false"])])
        return f"CASE {x} {whens} ELSE NULLIF({x}, '') END"
    if kind == "integer":
        return f"CASE WHEN {x} = '' THEN NULL WHEN {x} GLOB '*[^0-9+-]*' THEN 'not an integer: ' || {x} ELSE {x} END"
    if kind == "number":
        return f"CASE WHEN {x} = '' THEN NULL ELSE package_number({x}) END"
    return f"NULLIF({x}, '')"


def _number_or_text(text: str):
    try:
        return float(text)
    except ValueError:
        return text  # left as text: the check after the load hands the table to read_table


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _insert_text(conn: sqlite3.Connection, path: Path, resource: dict) -> int:
    """csv.reader's rows go straight into SQLite, which converts the cells (about 4x faster than
    converting 1.2 million rows in Python at 10,000 articles)."""
    table, fields = resource["name"], resource["schema"]["fields"]
    names = ", ".join(f"[{f['name']}]" for f in fields)
    cells = ", ".join(_cell_sql(f"?{n}", f) for n, f in enumerate(fields, 1))
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)  # the header, which `_quick_load` has checked
        return conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({cells})", reader).rowcount


def _ragged_row() -> None:
    raise ValueError("a row with too many or too few cells")


def _insert_vsv(conn, path: Path, resource: dict) -> int | None:
    """SQLite reads the file through sqlean's vsv virtual table, with no Python per row, and
    converts the cells with the same SQL as `_insert_text`.

    vsv pads a short row with NULLs and drops the cells of a long one, so it is asked for one
    column more than the schema has: a row is ragged exactly when that column is not NULL or
    the schema's last one is (an empty cell reads as '', never NULL), and such a row stops the
    load. The files are the ones datapackage.json pins by sha256 (`_check_file`), which the
    build wrote with csv.writer; text that is not RFC 4180 (a quote inside an unquoted cell) may
    be read differently from csv.reader, but a published table never holds any."""
    if not resource.get("hash") or "'" in str(path):
        return None  # a file no hash pins; vsv is not told a file name holding a quote
    table, fields = resource["name"], resource["schema"]["fields"]
    names = [f["name"] for f in fields]
    source = f"temp.[csv {table}]"
    conn.create_function("ragged_row", 0, _ragged_row)
    conn.execute(f"CREATE VIRTUAL TABLE {source} USING vsv(filename={_quote(str(path))}, header=yes, "
                 f"columns={len(names) + 1}, validatetext=yes)")
    try:
        extra = conn.execute(f"SELECT name FROM pragma_table_info('csv {table}', 'temp') WHERE cid = ?", (len(names),)).fetchone()[0]
        ragged = f"[{extra}] IS NOT NULL OR [{names[-1]}] IS NULL"
        cells = [_cell_sql(f"[{n}]", f) for n, f in zip(names, fields)]
        cells[0] = f"CASE WHEN {ragged} THEN ragged_row() ELSE {cells[0]} END"
        columns = ", ".join(f"[{n}]" for n in names)
        return conn.execute(f"INSERT INTO [{table}] ({columns}) SELECT {', '.join(cells)} FROM {source}").rowcount
    finally:
        conn.execute(f"DROP TABLE {source}")


# The quick readers: (connection, CSV path, resource) -> rows loaded, or None when the reader
# cannot take the file. `_quick_load` is what they share.
_QUICK = {"vsv": _insert_vsv, "csv": _insert_text}


def _typed_as_declared(conn: sqlite3.Connection, table: str, fields: list[dict]) -> bool:
    """Whether every number, integer and boolean cell a quick reader loaded is stored as one (a
    cell left as text, such as "1.0" in an integer column, sends the table to the reference
    reader, which says where it is)."""
    # One pass over the table for all its typed columns (one per column cost 1 s at 10,000 articles).
    wrong = [f"typeof([{f['name']}]) NOT IN ({', '.join(_quote(k) for k in (*_STORED_AS[f['type']], 'null'))})"
             for f in fields if f["type"] in _STORED_AS]
    return not (wrong and conn.execute(f"SELECT 1 FROM [{table}] WHERE {' OR '.join(wrong)} LIMIT 1").fetchone())


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return next(csv.reader(fh), [])
    except UnicodeDecodeError:
        return []  # not the schema's header: the reference reader says where the file is not UTF-8


def _quick_load(conn: sqlite3.Connection, layout: Layout, resource: dict, reader: str) -> int | None:
    """Load a CSV with a quick reader (_QUICK). Returns the rows loaded, or None when anything is
    out of the ordinary (missing values other than "", a header that is not the schema's, a row
    with too many or too few cells, text that is not UTF-8, a cell its column's type cannot hold,
    a key twice): the table is then emptied and `read_table`, the reference, loads it and
    locates every problem."""
    schema = resource["schema"]
    fields = schema["fields"]
    path = layout.root / resource["path"]
    if schema.get("missingValues", [""]) != [""] or _header(path) != [f["name"] for f in fields]:
        return None
    table = resource["name"]
    conn.create_function("package_number", 1, _number_or_text, deterministic=True)
    try:
        count = _QUICK[reader](conn, path, resource)
    except (*_SQL_ERRORS, csv.Error, UnicodeDecodeError):  # the reference reader says what and where
        count = None
    if count is not None and _typed_as_declared(conn, table, fields):
        return count
    conn.execute(f"DELETE FROM [{table}]")
    return None


def _foreign_key_problems(conn: sqlite3.Connection) -> list[Problem]:
    return [_problem(f"dataset/tables/{table}.csv", "table-row", f"row {rowid} points at a {parent} row that does not exist")
            for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall()]


def _load_table(conn: sqlite3.Connection, layout: Layout, resource: dict, reader: str) -> int:
    """Load one CSV (with a quick `reader` when the table allows it); PackageError if it cannot."""
    _check_file(layout, resource)
    loaded = _quick_load(conn, layout, resource, reader) if reader in _QUICK else None
    if loaded is None:
        problems: list[Problem] = []
        try:
            loaded = _insert(conn, resource["name"], [f["name"] for f in resource["schema"]["fields"]], read_table(layout, resource, problems))
        except _INTEGRITY_ERRORS as exc:  # a primary key twice, a required cell empty
            problems.append(_problem(layout.rel(layout.root / resource["path"]), "table-row", str(exc)))
        if problems:
            raise PackageError(problems)
    return loaded


def _create_seeds(db: sqlite_utils.Database, *, with_foreign_keys: bool = True) -> None:
    db[SEEDS].create({"article_id": str, "seed_file": str, "sha256": str, "text": str}, pk="article_id",
                     foreign_keys=[("article_id", "articles", "article_id")] if with_foreign_keys else [],
                     not_null=["seed_file", "sha256", "text"])


def _load_tables(conn: sqlite3.Connection, layout: Layout, resources: list[dict], reader: str) -> tuple[dict[str, int], Optional[tuple[str, list[Problem]]]]:
    """Load `resources` in order, in one transaction, stopping at the first that cannot be, and
    after the articles table the seed texts it names: (rows per table, (the table that could
    not be loaded, its problems) or None)."""
    counts: dict[str, int] = {}
    with conn:
        for resource in resources:
            try:
                counts[resource["name"]] = _load_table(conn, layout, resource, reader)
            except PackageError as exc:
                return counts, (resource["name"], exc.problems)
        articles = next((r for r in resources if r["name"] == "articles"), None)
        if articles is not None:
            seeds = conn.execute("SELECT article_id, seed_file, seed_sha256 FROM articles ORDER BY rowid").fetchall()
            problems: list[Problem] = []
            counts[SEEDS] = _insert(conn, SEEDS, ["article_id", "seed_file", "sha256", "text"],
                                    seed_rows(layout, articles, seeds, problems))
            if problems:
                return counts, (SEEDS, problems)
    return counts, None


def _load_apart(layout: Layout, resources: list[dict], path: str, reader: str):
    """In a second process: `resources` loaded into a scratch database of their own."""
    conn = connect(path, reader)
    try:
        _scratch_pragmas(conn)
        db = sqlite_utils.Database(conn)
        for resource in resources:
            _create(db, resource, with_foreign_keys=False)  # the tables they point at are not here
        if any(r["name"] == "articles" for r in resources):
            _create_seeds(db, with_foreign_keys=False)
        return _load_tables(conn, layout, resources, reader)
    finally:
        conn.close()


# The tables whose full-text indexes are made as soon as they are loaded, by the process that
# loads them, while the second process is still loading the others: every table of FULL_TEXT
# (the seeds come with the articles table). Derived, so that a table given a full-text index
# is always loaded by the process that makes it.
INDEXED_EARLY = tuple(dict.fromkeys("articles" if table == SEEDS else table for table in FULL_TEXT))

# What loading costs, per reader, fitted on the 10,000-article benchmark package: seconds a row,
# a MB of CSV, a number cell (read through Python's float()), a MB of seed text (read in
# Python by every reader) and a MB of seed text full-text indexed, and the claims' full-text
# and other indexes as a share of their load. For csv.reader (per-table load times of 0.4 to 2 s
# were within 10% of it): 2 µs, 25 ms, 1.3 µs, 12.5 ms, 20 ms, 0.6. vsv reads the CSV in C, so
# the full-text indexes, which cost what they did, are a larger share of the first process's work.
_COSTS = {"csv": (2e-6, 0.025, 1.3e-6, 0.0125, 0.020, 0.6), "vsv": (1.7e-6, 0.033, 0.5e-6, 0.0125, 0.045, 1.2)}


def _rows_about(path: Path, size: int) -> int:
    """The CSV's rows, estimated from the line length of its first 64 KiB."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    return size * max(head.count(b"\n"), 1) // max(len(head), 1)


def _work(layout: Layout, resource: dict, reader: str = READER) -> float:
    """About how many seconds loading the table takes (and, for the tables INDEXED_EARLY, indexing
    them), to share the tables between two processes: its rows, its bytes, its number cells and,
    for the articles table, its seed texts, which are loaded with it."""
    path = layout.root / resource["path"]
    if not path.is_file():
        return 0.0
    size = path.stat().st_size
    rows = _rows_about(path, size)
    numbers = sum(f["type"] == "number" for f in resource["schema"]["fields"])
    row_s, csv_mb_s, number_s, seed_mb_s, seed_fts_mb_s, claims_index = _COSTS.get(reader, _COSTS["csv"])
    work = rows * (row_s + numbers * number_s) + size / 1e6 * csv_mb_s
    if resource["name"] == "claims":
        work *= 1 + claims_index
    if resource["name"] == "articles" and layout.seeds.is_dir():
        seeds = sum(p.stat().st_size for p in layout.seeds.iterdir() if p.suffix == ".txt")
        work += seeds / 1e6 * (seed_mb_s + seed_fts_mb_s)
    return work


def _halves(sizes: dict[str, float], resources: list[dict]) -> tuple[list[dict], list[dict]]:
    """The tables in two groups of about equal work, each in package order: the first holds the
    tables INDEXED_EARLY."""
    here: list[str] = [n for n in INDEXED_EARLY if n in sizes]
    apart: list[str] = []
    for name in sorted((n for n in sizes if n not in here), key=lambda n: -sizes[n]):
        (here if sum(sizes[n] for n in here) <= sum(sizes[n] for n in apart) else apart).append(name)
    return [r for r in resources if r["name"] in here], [r for r in resources if r["name"] in apart]


def _index_tables(db: sqlite_utils.Database, resources: list[dict], *, early: bool) -> None:
    """Indexes on foreign-key and facet columns, and the full-text indexes, of the tables
    INDEXED_EARLY (`early`) or of the others, in package order: the same statements in the same
    order whether one process loaded the tables or two."""
    for resource in resources:
        if (resource["name"] in INDEXED_EARLY) == early:
            fk_columns = [fk["fields"][0] for fk in resource["schema"].get("foreignKeys", [])]
            _index(db, resource["name"], [*fk_columns, *_FACETS.get(resource["name"], ())])
    if early:
        for table, columns in FULL_TEXT.items():
            db[table].enable_fts(list(columns), fts_version="FTS5", tokenize="porter")


# Below this much estimated work (seconds, `_work`), a second process costs more than it saves.
PARALLEL_FROM_SECONDS = 0.4


def load(db: sqlite_utils.Database, layout: Layout, package: dict, *, reader: str = READER,
         parallel_from: float = PARALLEL_FROM_SECONDS) -> dict[str, int]:
    """Create every table, load every row, then index and full-text index them.
    `reader` (READERS): how the CSVs are read; `db` must be a connection of `connect(..., reader)`.

    Reading the CSVs and seed files and making the full-text indexes are most of the cost, so a
    large package is read by two processes: about half of the work (a set of tables; the seeds go
    with the articles table, whose process makes the full-text indexes) in a second process, into
    a scratch database that is then copied in (SQLite copies rows between databases without
    Python). The problems reported are
    the serial load's: those of the first table, in package order, that cannot be loaded, and
    only then those of the seeds; the half-written database is thrown away by the caller."""
    resources = table_resources(package)
    if not any(r["name"] == "articles" for r in resources):
        raise PackageError([_problem(layout.rel(layout.datapackage), "package-stale", "no articles resource")])
    for resource in resources:
        _create(db, resource)
    _create_seeds(db)
    sizes = {r["name"]: _work(layout, r, reader) for r in resources}
    here, apart = _halves(sizes, resources) if sum(sizes.values()) >= parallel_from else (resources, [])
    order = [r["name"] for r in resources] + [SEEDS]
    scratch = Path(db.conn.execute("PRAGMA database_list").fetchone()[2] + ".apart")
    try:
        with _second_process(bool(apart)) as pool:
            pending = pool.submit(_load_apart, layout, apart, str(scratch), reader) if apart else None
            counts, failed = _load_tables(db.conn, layout, here, reader)
            if failed is None:  # while the second process loads the other tables
                _index_tables(db, resources, early=True)
            counts_apart, failed_apart = pending.result() if pending else ({}, None)
        failures = sorted([f for f in (failed, failed_apart) if f], key=lambda f: order.index(f[0]))
        if failures:
            raise PackageError(failures[0][1])
        if apart:
            db.conn.execute("ATTACH DATABASE ? AS apart", (str(scratch),))
            with db.conn:
                for name in counts_apart:
                    db.conn.execute(f"INSERT INTO main.[{name}] SELECT * FROM apart.[{name}]")
            db.conn.execute("DETACH DATABASE apart")
            counts.update(counts_apart)
    finally:
        scratch.unlink(missing_ok=True)
    counts = {name: counts[name] for name in order}
    problems = _foreign_key_problems(db.conn)
    if problems:
        raise PackageError(problems)
    _index_tables(db, resources, early=False)
    return counts


@contextmanager
def _second_process(wanted: bool):
    if not wanted:
        yield None
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        yield pool


def connect(path, reader: str):
    """A connection for building the database: sqlean's for the vsv reader (the stdlib's sqlite3
    cannot load extensions here), with vsv enabled; the stdlib's otherwise. The file is an
    ordinary SQLite database either way, which Datasette reads with the stdlib."""
    if reader != "vsv":
        return sqlite3.connect(path)
    sqlean.extensions.enable("vsv")
    return sqlean.connect(str(path))


def _scratch_pragmas(conn: sqlite3.Connection) -> None:
    # A scratch file that is thrown away on failure needs no journal or fsync.
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")


def _replace_atomically(target: Path, write: Callable[[Path], None]) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the published files are readable by all
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def build_db(layout: Layout, out_dir: Path | None = None, *, reader: str = READER,
             parallel_from: float = PARALLEL_FROM_SECONDS) -> DbOutcome:
    """Write <out_dir>/dataset.db and the Datasette metadata beside it (out_dir defaults to build/).
    `reader`: how the CSVs are read (READERS; the default is the quickest there is)."""
    if reader not in READERS:
        raise ValueError(f"reader {reader!r} is not one of {READERS}")
    from .datasette_metadata import metadata  # imported here: it uses this module's names

    t0 = time.perf_counter()
    files = DbFiles.in_dir(out_dir or layout.build_dir)
    files.db.parent.mkdir(parents=True, exist_ok=True)
    package = read_package(layout)
    counts: dict[str, int] = {}

    def write_db(tmp: Path) -> None:
        conn = connect(tmp, reader)
        try:
            _scratch_pragmas(conn)
            # A second thread for sorting when the indexes are created.
            conn.execute("PRAGMA threads = 2")
            counts.update(load(sqlite_utils.Database(conn), layout, package, reader=reader, parallel_from=parallel_from))
        finally:
            conn.close()

    def write_metadata(tmp: Path) -> None:
        tmp.write_text(json.dumps(metadata(package), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    _replace_atomically(files.db, write_db)
    _replace_atomically(files.metadata, write_metadata)
    return DbOutcome(files, counts, time.perf_counter() - t0)
