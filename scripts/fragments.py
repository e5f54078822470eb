"""Each article's fragment of the published files: its CSV rows and its records.json document.

Every table is sorted by a key that starts with the article id (`004-c01`, `004-m000123-…`,
(`004`, actor)), and the ids' separator `-` sorts before every digit, so the rows of the whole
package in key order are the articles in id order, each with its own rows in key order. A
fragment can therefore be made where the article is checked (in a worker process), cached with
it, and the published files are the fragments written one after the other.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from enum import Enum
from operator import itemgetter
from typing import Any, Optional

import orjson

from schema.tables import TABLES

from .rows import article_rows, sort_rows
from .stageclock import NO_CLOCK, StageClock
from .validate import Article

COLUMNS = {model.TABLE.name: list(model.model_fields) for model in TABLES}
NESTED = ("credits", "claims", "figures", "skips", "mentions")  # the lists inside each records.json document


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.date, Enum)):
        return value.isoformat() if isinstance(value, dt.date) else value.value
    return str(value)


def columns_holding(*kinds: type) -> dict[str, list[str]]:
    """Per table, the columns whose annotation admits any of `kinds` (Optional[float] admits float)."""
    return {model.TABLE.name: [c for c, f in model.model_fields.items()
                               if any(t in kinds for t in (f.annotation, *typing.get_args(f.annotation)))]
            for model in TABLES}


# The columns whose values `cell` must write: booleans (true/false), floats (integral ones
# without ".0") and dates. Every other cell is text, an integer or empty, which csv.writer
# writes as `cell` would (None as "", integers with str), with no Python per cell.
CELL_COLUMNS = columns_holding(bool, float, dt.date)
# The columns that hold floats (figures' value, value_min, value_max): the only places in an
# article's document where orjson and json could write a number differently.
FLOAT_COLUMNS = columns_holding(float)


@lru_cache(maxsize=None)
def _row_plan(columns: tuple[str, ...], table: Optional[str]) -> tuple[Any, list[int]]:
    """How csv_text reads a row of these columns: a getter of their values in order, and the
    positions `cell` must format (all of them for rows of no known table). Made once per table,
    not once per article."""
    pick = itemgetter(*columns) if len(columns) > 1 else (lambda row: (row[columns[0]],))
    return pick, [i for i, c in enumerate(columns) if table is None or c in CELL_COLUMNS[table]]


def csv_text(columns: list[str], rows: list[dict], *, header: bool = False, table: Optional[str] = None) -> str:
    """The rows as CSV lines (RFC 4180). With `table`, only its CELL_COLUMNS go through `cell`."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    if header:
        writer.writerow(columns)
    pick, convert = _row_plan(tuple(columns), table)
    if not convert:
        writer.writerows(map(pick, rows))
        return buf.getvalue()

    def cells(row: dict) -> list:
        values = list(pick(row))
        for i in convert:
            if values[i].__class__ is not str:
                values[i] = cell(values[i])
        return values

    writer.writerows(map(cells, rows))
    return buf.getvalue()


def jsonable(value):
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _json_row(row: dict, floats: list[str]) -> dict:
    """A row as `jsonable` makes it, without the article_id: integral floats become integers.
    Rows hold text, integers, booleans, None and, in `floats` only, floats (FLOAT_COLUMNS)."""
    item = dict(row)
    del item["article_id"]
    for c in floats:
        v = item[c]
        if v.__class__ is float and v.is_integer():
            item[c] = int(v)
    return item


def document_floats(tables: dict[str, list[dict]]) -> list:
    return [row[c] for name in ("articles", *NESTED) for c in FLOAT_COLUMNS[name] for row in tables[name] if row[c].__class__ is float]


# The lists nested into each records.json claim from the many-to-many tables: (key, table, the
# column that orders a claim's list, or None for the table's own order, by actor id).
CLAIM_LISTS = (("subjects", "claim_subjects", None), ("speakers", "claim_speakers", "position"))


def claim_lists(tables: dict[str, list[dict]]) -> dict[str, dict[str, list[str]]]:
    """key -> claim id -> actor ids, for each list in CLAIM_LISTS (the speaker first in `speakers`)."""
    out: dict[str, dict[str, list[str]]] = {}
    for key, table, order in CLAIM_LISTS:
        rows = tables.get(table, ())
        by_claim: dict[str, list[str]] = out.setdefault(key, {})
        for r in sorted(rows, key=lambda r: int(r[order])) if order else rows:  # stable: claims keep their rows together
            by_claim.setdefault(r["claim_id"], []).append(r["actor_id"])
    return out


def article_document(tables: dict[str, list[dict]]) -> dict:
    """One article's records.json document from its rows (each table sorted by key): the same
    document `build.nested_records` makes from the whole tables."""
    (article,) = tables["articles"]
    doc = jsonable({**article, **{name: [] for name in NESTED}})
    lists = claim_lists(tables)
    for name in NESTED:
        items, floats = doc[name], FLOAT_COLUMNS[name]
        for r in tables[name]:
            item = _json_row(r, floats)
            if name == "claims":
                for key, by_claim in lists.items():
                    item[key] = list(by_claim.get(r["claim_id"], []))
            items.append(item)
    return doc


def _floats_print_alike(value) -> bool:
    """Whether orjson writes every float in `value` as json does (it writes 1e-05 as 0.00001)."""
    if value.__class__ is float:
        return orjson.dumps(value) == repr(value).encode()
    if isinstance(value, dict):
        return all(_floats_print_alike(v) for v in value.values() if v.__class__ not in _SCALARS)
    if isinstance(value, list):
        return all(_floats_print_alike(v) for v in value if v.__class__ not in _SCALARS)
    return True


_SCALARS = frozenset({str, int, bool, type(None)})  # written alike by json and orjson (ints within 64 bits)


def json_fragment(doc: dict, floats: Optional[list] = None) -> bytes:
    """`doc` as an item of the records.json list, in UTF-8: exactly the bytes json.dumps(...,
    indent=2) writes there, made with orjson (json's indenting encoder is pure Python, ~40x
    slower). `floats`, when given, are all the floats `doc` holds (else the whole document is
    searched)."""
    # The document is dumped as a one-item list and the list's "[\n" and "\n]" cut off: what is
    # left is the item indented as inside the list, with no pass over the bytes to indent them.
    try:
        alike = _floats_print_alike(doc) if floats is None else all(_floats_print_alike(v) for v in floats)
        if alike:
            return orjson.dumps([doc], option=orjson.OPT_INDENT_2)[2:-2]
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits, lone surrogates
        pass
    return json.dumps([doc], ensure_ascii=False, indent=2).encode("utf-8")[2:-2]


@dataclass
class ArticleSummary:
    """What the package needs of an article besides its fragment: the codebook's contents line,
    the datapackage's source entry and the claims' propositions (for the propositions table)."""

    article_id: str
    seed_file: str
    seed_sha256: str
    title: str | None
    publisher: str | None
    published: str | None
    published_basis: str
    counts: dict[str, int] = field(default_factory=dict)  # rows per table
    stances: list[tuple[str, str]] = field(default_factory=list)  # (proposition_id, stance) of each claim with one

    def to_json(self) -> dict:
        return {**self.__dict__, "stances": [list(s) for s in self.stances]}

    @classmethod
    def from_json(cls, data: dict) -> "ArticleSummary":
        return cls(**{**data, "stances": [tuple(s) for s in data["stances"]]})


@dataclass
class Fragment:
    """An article's share of the published files, as the UTF-8 bytes written there."""

    tables: dict[str, bytes]  # table name -> CSV lines of this article's rows (no header)
    document: bytes  # its records.json item
    sha256: str = ""  # of all of it (`digest`): how the record cache knows it when it reads it back

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = self.digest()

    def parts(self) -> list[tuple[str, bytes]]:
        """(name, bytes) of every part in a fixed order: the tables by name, then the document."""
        return [*sorted(self.tables.items()), ("document", self.document)]

    def digest(self) -> str:
        h = hashlib.sha256()
        for name, data in self.parts():
            h.update(b"%s %d\n" % (name.encode(), len(data)))
            h.update(data)
        return h.hexdigest()


@dataclass
class SpilledFragment:
    """A fragment a worker wrote to its spill file: what it sends back instead of the bytes (45 KB
    an article; piping and unpickling 450 MB took the main process 3 s of a 10,000-article build)."""

    path: str
    offset: int
    lengths: list[tuple[str, int]]  # (part, length) in the order written: Fragment.parts()
    sha256: str

    @classmethod
    def write(cls, frag: Fragment, fd: int, path: str, offset: int) -> "SpilledFragment":
        parts = frag.parts()
        data = b"".join(data for _, data in parts)
        written = 0
        while written < len(data):  # a regular file takes it all at once; a loop costs nothing
            written += os.pwrite(fd, memoryview(data)[written:], offset + written)
        return cls(path, offset, [(name, len(part)) for name, part in parts], frag.sha256)

    def load(self, fd: int) -> Fragment:
        data, at, tables = os.pread(fd, sum(n for _, n in self.lengths), self.offset), 0, {}
        for name, length in self.lengths:
            tables[name], at = data[at : at + length], at + length
        document = tables.pop("document")
        return Fragment(tables, document, self.sha256)


def summarise(tables: dict[str, list[dict]]) -> ArticleSummary:
    (row,) = tables["articles"]
    return ArticleSummary(
        row["article_id"], row["seed_file"], row["seed_sha256"], row["title"], row["publisher"], row["published"],
        row["published_basis"], {name: len(rows) for name, rows in tables.items()},
        [(c["proposition_id"], c["stance"]) for c in tables["claims"] if c["proposition_id"]],
    )


def fragment(article: Article, clock: StageClock = NO_CLOCK, *, summary_only: bool = False) -> tuple[ArticleSummary, Optional[Fragment]]:
    """The article's summary and its fragment (None with `summary_only`: `validate` needs no
    published bytes)."""
    with clock.stage("rows", 1):
        tables = {name: sort_rows(name, rows) for name, rows in article_rows(article).items()}
        for name in COLUMNS:
            tables.setdefault(name, [])
        del tables["actors"], tables["propositions"]  # registry tables: written once, by the build
    if summary_only:
        return summarise(tables), None
    n_rows = sum(len(rows) for rows in tables.values())
    with clock.stage("CSV", n_rows):
        csv_parts = {name: csv_text(COLUMNS[name], rows, table=name).encode("utf-8") for name, rows in tables.items()}
    with clock.stage("JSON", 1):
        document = json_fragment(article_document(tables), document_floats(tables))
    return summarise(tables), Fragment(csv_parts, document)
