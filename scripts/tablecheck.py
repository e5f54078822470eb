"""The project's own check of the published tables, driven by datapackage.json: sizes and hashes,
headers, row widths, types, constraints, primary keys, unique columns and foreign keys.

`frictionless validate` stays in CI as the independent check. This one reads a cell the way
frictionless does (integers with int(), numbers with Decimal, dates with the pattern %Y-%m-%d,
booleans from trueValues/falseValues, patterns anchored with ^...$, missing values from the
schema) and reports the same kinds of error under the same names, but checks whole columns at a
time (set operations, map over C functions) and looks at single cells only in a column that
fails, to say where. It is the fast check the benchmark compares with frictionless.
"""
from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import io
import json
import multiprocessing
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Optional

_INT = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, order=True)
class TableProblem:
    path: str
    row: int  # frictionless' rowNumber: the header is row 1; 0 for the file as a whole
    field: str
    type: str  # frictionless' error type: type-error, constraint-error, primary-key, foreign-key, ...
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.row}" if self.row else self.path
        return f"{where}: {self.field + ': ' if self.field else ''}{self.message} [{self.type}]"


# --- reading one cell as frictionless does ---------------------------------------------------

def _integer(cell: str):
    try:
        return int(cell.strip())
    except ValueError:
        return None


def _number(cell: str):
    try:
        return Decimal(cell.strip())
    except ArithmeticError:
        return None


def _date(cell: str):
    try:
        return dt.datetime.strptime(cell, "%Y-%m-%d").date()
    except ValueError:
        return None


def _reader(field: dict) -> Callable[[str], Any]:
    kind = field.get("type", "string")
    if kind == "integer":
        return _integer
    if kind == "number":
        return _number
    if kind == "date":
        return _date
    if kind == "boolean":
        truth = {v: True for v in field.get("trueValues", ["true", "True", "TRUE", "1"])}
        truth.update({v: False for v in field.get("falseValues", ["false", "False", "FALSE", "0"])})
        return truth.get
    return lambda cell: cell


def _typed_column(field: dict, values: list[str]) -> Optional[list]:
    """All values read as the field's type, or None if some value does not read (the cell by
    cell pass then says which). Whole-column fast paths, exact by construction: a value that
    matches the narrow pattern reads the same as frictionless reads it."""
    kind = field.get("type", "string")
    if kind == "string":
        return values
    if kind == "integer" and all(map(_INT.fullmatch, values)):
        return list(map(int, values))
    if kind == "number" and all(map(_DECIMAL.fullmatch, values)):
        return list(map(Decimal, values))
    if kind == "date" and all(map(_ISO_DATE.fullmatch, values)):
        try:
            return list(map(dt.date.fromisoformat, values))
        except ValueError:
            return None
    if kind == "boolean":
        read = _reader(field)
        typed = list(map(read, values))
        return typed if None not in typed else None
    read = _reader(field)
    typed = list(map(read, values))
    return typed if all(v is not None for v in typed) else None


# --- one table ---------------------------------------------------------------------------------

class TableChecker:
    def __init__(self, root: Path, resource: dict):
        self.resource, self.path = resource, resource["path"]
        self.file = root / resource["path"]
        self.schema = resource.get("schema", {})
        self.fields = self.schema.get("fields", [])
        self.missing = set(self.schema.get("missingValues", [""]))
        self.problems: list[TableProblem] = []
        self.typed: dict[str, list] = {}  # field -> typed values, None for missing (key and foreign-key fields)
        self.rows: list[int] = []  # row numbers of the data rows

    def problem(self, row: int, field: str, kind: str, message: str) -> None:
        self.problems.append(TableProblem(self.path, row, field, kind, message))

    def read(self) -> Optional[list[list[str]]]:
        try:
            raw = self.file.read_bytes()
        except OSError as exc:
            self.problem(0, "", "scheme-error", f"cannot read: {exc.strerror}")
            return None
        if "bytes" in self.resource and self.resource["bytes"] != len(raw):
            self.problem(0, "", "byte-count", f"{len(raw)} bytes, the descriptor says {self.resource['bytes']}")
        if "hash" in self.resource:
            algorithm, _, expected = self.resource["hash"].rpartition(":")
            actual = hashlib.new(algorithm or "md5", raw).hexdigest()
            if actual != expected:
                self.problem(0, "", "hash-count", f"{algorithm or 'md5'} is {actual}, the descriptor says {expected}")
        try:
            text = raw.decode(self.resource.get("encoding", "utf-8"))
        except UnicodeDecodeError as exc:
            self.problem(0, "", "encoding-error", str(exc))
            return None
        return list(csv.reader(io.StringIO(text, newline="")))

    def check(self) -> None:
        rows = self.read()
        if rows is None:
            return
        names = [f["name"] for f in self.fields]
        header, data = (rows[0], rows[1:]) if rows else ([], [])
        for i, name in enumerate(names):
            if i >= len(header):
                self.problem(1, name, "missing-label", f"no header for field {name!r}")
            elif header[i] != name:
                self.problem(1, name, "incorrect-label", f"header {header[i]!r} where the schema has {name!r}")
        for label in header[len(names):]:
            self.problem(1, label, "extra-label", f"header {label!r} is not in the schema")
        width = len(names)
        if set(map(len, data)) <= {width} and [""] * width not in data:  # every row whole: no row by row pass
            self.rows = list(range(2, len(data) + 2))
            self.check_columns(list(zip(*data)) if data else [()] * width)
            return
        cleaned, self.rows = [], []
        for number, row in enumerate(data, start=2):
            if not any(row):
                self.problem(number, "", "blank-row", "the row is blank")
                continue
            if len(row) != width:
                for name in names[len(row):]:
                    self.problem(number, name, "missing-cell", "the row has no cell for this field")
                for extra in row[width:]:
                    self.problem(number, "", "extra-cell", f"extra cell {extra[:40]!r}")
                row = (row + [""] * width)[:width]
            cleaned.append(row)
            self.rows.append(number)
        self.check_columns(list(zip(*cleaned)) if cleaned else [()] * width)

    def check_columns(self, columns: list[tuple[str, ...]]) -> None:
        keys = set(self.schema.get("primaryKey", []))
        keys.update(f for fk in self.schema.get("foreignKeys", []) for f in fk["fields"])
        for field, column in zip(self.fields, columns):
            typed = self.check_column(field, list(column))
            if field["name"] in keys or field.get("constraints", {}).get("unique"):
                self.typed[field["name"]] = typed
        self.check_unique()

    def check_column(self, field: dict, column: list[str]) -> list:
        """The column's values read as the field's type (None where missing), after checking it."""
        gaps = any(m in column for m in self.missing)
        present = [v for v in column if v not in self.missing] if gaps else column
        if gaps and field.get("constraints", {}).get("required"):
            return self.check_cells(field, column)
        typed = _typed_column(field, present)
        if typed is None or not self._constraints_hold(field, present, typed):
            return self.check_cells(field, column)  # to say which cells fail
        if gaps:
            values = iter(typed)
            typed = [None if v in self.missing else next(values) for v in column]
        return typed

    def _constraints_hold(self, field: dict, present: list[str], typed: list) -> bool:
        c = field.get("constraints", {})
        if "pattern" in c and not all(map(re.compile(f"^{c['pattern']}$").match, present)):
            return False
        if "enum" in c:
            read = _reader(field)
            if not set(typed) <= {read(v) if isinstance(v, str) else v for v in c["enum"]}:
                return False
        if "minimum" in c and typed:
            bound = _reader(field)(str(c["minimum"])) if isinstance(c["minimum"], str) else c["minimum"]
            if min(typed) < bound:
                return False
        if "maximum" in c and typed:
            bound = _reader(field)(str(c["maximum"])) if isinstance(c["maximum"], str) else c["maximum"]
            if max(typed) > bound:
                return False
        return True

    def check_cells(self, field: dict, column: list[str]) -> list:
        """The slow path, cell by cell: every type and constraint error of the column, with its row."""
        name, c, read = field["name"], field.get("constraints", {}), _reader(field)
        pattern = re.compile(f"^{c['pattern']}$") if "pattern" in c else None
        enum = [read(v) if isinstance(v, str) else v for v in c["enum"]] if "enum" in c else None
        typed: list = []
        for number, cell in zip(self.rows, column):
            if cell in self.missing:
                typed.append(None)
                if c.get("required"):
                    self.problem(number, name, "constraint-error", 'constraint "required" is "True"')
                continue
            value = read(cell)
            typed.append(value)
            if value is None:
                self.problem(number, name, "type-error", f'type is "{field.get("type", "string")}/default": {cell[:60]!r}')
                continue
            if pattern and not pattern.match(value):
                self.problem(number, name, "constraint-error", f'constraint "pattern" is "{c["pattern"]}": {cell[:60]!r}')
            if enum is not None and value not in enum:
                self.problem(number, name, "constraint-error", f'constraint "enum" is "{c["enum"]}": {cell[:60]!r}')
            if "minimum" in c and value < c["minimum"]:
                self.problem(number, name, "constraint-error", f'constraint "minimum" is "{c["minimum"]}": {cell!r}')
            if "maximum" in c and value > c["maximum"]:
                self.problem(number, name, "constraint-error", f'constraint "maximum" is "{c["maximum"]}": {cell!r}')
        return typed

    def check_unique(self) -> None:
        key = self.schema.get("primaryKey", [])
        checks = [(tuple(key), "primary-key")] if key else []
        checks += [((f["name"],), "unique-error") for f in self.fields if f.get("constraints", {}).get("unique")]
        for names, kind in checks:
            if any(n not in self.typed for n in names):
                continue
            values = self.typed[names[0]] if len(names) == 1 else list(zip(*(self.typed[n] for n in names)))
            if len(set(values)) == len(values):
                continue
            values = list(zip(*(self.typed[n] for n in names)))
            first: dict = {}
            for number, value in zip(self.rows, values):
                if None in value and kind == "unique-error":
                    continue
                if value in first:
                    self.problem(number, ", ".join(names), kind, f"{', '.join(map(str, value))} repeats row {first[value]}")
                else:
                    first[value] = number



@dataclass
class TableSummary:
    """What the foreign-key check needs of a checked table: its problems, the values of the keys
    other tables point at, and the distinct values of its own foreign keys."""

    name: str
    problems: list[TableProblem]
    keys: dict[tuple[str, ...], set]  # referenced fields -> their value tuples
    foreign: dict[tuple[str, ...], set]  # foreign-key fields -> their distinct non-empty value tuples


def _tuples(checker: TableChecker, fields: tuple[str, ...]) -> Optional[set]:
    if any(f not in checker.typed for f in fields):
        return None
    if len(fields) == 1:
        return {(v,) for v in set(checker.typed[fields[0]])}
    return set(zip(*(checker.typed[f] for f in fields)))


def summarise(root: Path, resource: dict, referenced: list[tuple[str, ...]]) -> TableSummary:
    """Check one table. Its rows make millions of objects and no reference cycles: the garbage
    collector's passes over them would cost more than the check (12 s instead of 6.5 at 10,000
    articles), so it is paused."""
    paused = gc.isenabled()
    gc.disable()
    try:
        checker = TableChecker(root, resource)
        checker.check()
        keys = {fields: _tuples(checker, fields) or set() for fields in referenced}
        foreign = {}
        for fk in checker.schema.get("foreignKeys", []):
            values = _tuples(checker, tuple(fk["fields"]))
            if values is not None:  # an all-empty foreign key means "none" (frictionless skips it too)
                foreign[tuple(fk["fields"])] = {v for v in values if any(x is not None for x in v)}
        return TableSummary(resource["name"], checker.problems, keys, foreign)
    finally:
        if paused:
            gc.enable()


def _summarise(job: tuple) -> TableSummary:
    return summarise(*job)


def check_package(root: Path, descriptor: str = "datapackage.json", *, workers: Optional[int] = None) -> list[TableProblem]:
    """Every problem of every table resource in `root/descriptor`, sorted. Tables are checked in
    parallel (largest first) when the package is large enough to repay starting processes."""
    package = json.loads((root / descriptor).read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package.get("resources", []) if "schema" in r}
    referenced: dict[str, list[tuple[str, ...]]] = {name: [] for name in resources}
    for name, resource in resources.items():
        for fk in resource["schema"].get("foreignKeys", []):
            target = fk["reference"].get("resource") or name
            if target in referenced:
                referenced[target].append(tuple(fk["reference"]["fields"]))
    size = {name: (root / r["path"]).stat().st_size if (root / r["path"]).is_file() else 0 for name, r in resources.items()}
    jobs = [(root, resources[name], referenced[name]) for name in sorted(resources, key=lambda n: -size[n])]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and sum(size.values()) > 8_000_000:
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        with context.Pool(min(workers, len(jobs))) as pool:
            summaries = {s.name: s for s in pool.imap_unordered(_summarise, jobs)}
    else:
        summaries = {job[1]["name"]: summarise(*job) for job in jobs}
    problems = [p for s in summaries.values() for p in s.problems]
    for name, summary in summaries.items():
        for fk in resources[name]["schema"].get("foreignKeys", []):
            fields, ref = tuple(fk["fields"]), fk["reference"]
            target = summaries.get(ref.get("resource") or name)
            if target is None or fields not in summary.foreign:
                continue
            missing = summary.foreign[fields] - target.keys.get(tuple(ref["fields"]), set())
            if missing:
                problems += _foreign_key_rows(root, resources[name], fields, missing, ref.get("resource") or name, ref["fields"])
    return sorted(problems)


def _foreign_key_rows(root: Path, resource: dict, fields: tuple[str, ...], missing: set, target: str,
                      target_fields: list[str]) -> list[TableProblem]:
    """The rows whose foreign key points nowhere (the error path: the table is read again)."""
    checker = TableChecker(root, resource)
    checker.check()
    rows = zip(checker.rows, zip(*(checker.typed[f] for f in fields)))
    return [TableProblem(checker.path, number, ", ".join(fields), "foreign-key",
                         f"{', '.join(map(str, value))} is not a {target} {', '.join(target_fields)}")
            for number, value in rows if value in missing]
