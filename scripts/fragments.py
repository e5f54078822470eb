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
import io
import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

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


def csv_text(columns: list[str], rows: list[dict], *, header: bool = False) -> str:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180
    if header:
        writer.writerow(columns)
    writer.writerows([cell(row.get(c)) for c in columns] for row in rows)
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


def article_document(tables: dict[str, list[dict]]) -> dict:
    """One article's records.json document from its rows (each table sorted by key)."""
    (article,) = tables["articles"]
    doc = {**article, **{name: [] for name in NESTED}}
    subjects: dict[str, list[str]] = {}
    for r in tables["claim_subjects"]:
        subjects.setdefault(r["claim_id"], []).append(r["actor_id"])
    for name in NESTED:
        for r in tables[name]:
            item = {k: v for k, v in r.items() if k != "article_id"}
            if name == "claims":
                item["subjects"] = subjects.get(r["claim_id"], [])
            doc[name].append(item)
    return jsonable(doc)


def _floats_print_alike(value) -> bool:
    """Whether orjson writes every float in `value` as json does (it writes 1e-05 as 0.00001)."""
    if isinstance(value, float):
        return orjson.dumps(value) == repr(value).encode()
    if isinstance(value, dict):
        return all(_floats_print_alike(v) for v in value.values())
    if isinstance(value, list):
        return all(_floats_print_alike(v) for v in value)
    return True


def json_fragment(doc: dict) -> str:
    """`doc` as an item of the records.json list: exactly the bytes json.dumps(..., indent=2)
    writes there, made with orjson (json's indenting encoder is pure Python, ~40x slower)."""
    try:
        if _floats_print_alike(doc):
            text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()
        else:
            text = json.dumps(doc, ensure_ascii=False, indent=2)
    except (TypeError, orjson.JSONEncodeError):  # integers beyond 64 bits, lone surrogates
        text = json.dumps(doc, ensure_ascii=False, indent=2)
    return "  " + text.replace("\n", "\n  ")  # strings hold no raw line breaks: json escapes them


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
    tables: dict[str, str]  # table name -> CSV lines of this article's rows (no header)
    document: str  # records.json item


def summarise(tables: dict[str, list[dict]]) -> ArticleSummary:
    (row,) = tables["articles"]
    return ArticleSummary(
        row["article_id"], row["seed_file"], row["seed_sha256"], row["title"], row["publisher"], row["published"],
        row["published_basis"], {name: len(rows) for name, rows in tables.items()},
        [(c["proposition_id"], c["stance"]) for c in tables["claims"] if c["proposition_id"]],
    )


def fragment(article: Article, clock: StageClock = NO_CLOCK) -> tuple[ArticleSummary, Fragment]:
    with clock.stage("rows", 1):
        tables = {name: sort_rows(name, rows) for name, rows in article_rows(article).items()}
        for name in COLUMNS:
            tables.setdefault(name, [])
        del tables["actors"], tables["propositions"]  # registry tables: written once, by the build
    n_rows = sum(len(rows) for rows in tables.values())
    with clock.stage("CSV", n_rows):
        csv_parts = {name: csv_text(COLUMNS[name], rows) for name, rows in tables.items()}
    with clock.stage("JSON", 1):
        document = json_fragment(article_document(tables))
    return summarise(tables), Fragment(csv_parts, document)
