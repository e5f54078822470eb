"""The record cache, build/cache/records.sqlite: each record's outcome, kept while its inputs stay.

An entry is found by the record's path and the sha256 of its bytes, and is used only if the seed
the record names still has the fingerprint it had (its sha256, or that it was missing or a
link). The whole cache belongs to one environment: the sha256 of every file in scripts/ and
schema/, of both registries, and the versions of Python and of the libraries that read and check
records; when any of them changes, every entry is dropped. So a cached outcome is the outcome a
fresh check would give (tests/test_performance_paths.py compares them, errors included).

An entry holds the record's problems (or, for a valid record, its summary) and, separately, its
fragment of the published files, which only the build reads.
"""
from __future__ import annotations

import hashlib
import sqlite3
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Optional

import orjson

from .fragments import ArticleSummary, Fragment
from .layout import Layout
from .problems import Problem

CODE_DIRS = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "schema")
LIBRARIES = ("pydantic", "pydantic-core", "ruamel.yaml", "pysbd", "edtf", "orjson")
SCHEMA = """
CREATE TABLE IF NOT EXISTS environment (key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, seed_file TEXT, seed_print TEXT,
    outcome BLOB NOT NULL, fragment BLOB
);
"""


def environment_key(layout: Layout) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for directory in CODE_DIRS:
        for path in sorted(directory.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in (layout.actors, layout.propositions):
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    for name in LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing".encode())
    return digest.hexdigest()


def seed_print(layout: Layout, name: Optional[str]) -> str:
    """What the check of a record can see of the seed it names."""
    if not name or "/" in name or "\\" in name or name in {".", ".."} or name.startswith("~"):
        return "-"  # not looked up: the name alone is the problem
    path = layout.seeds / name
    try:
        if path.is_symlink():
            return "link"
        if not path.exists():
            return "missing"
        if not path.is_file():
            return "not a file"
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, ValueError) as exc:
        return f"unreadable: {type(exc).__name__}"


@dataclass
class RecordOutcome:
    """One record's result: its problems, or (valid) its summary and fragment."""

    display: str
    article_id: Optional[str]  # None when the file does not parse into a record
    seed_file: Optional[str]
    seed_print: Optional[str]  # taken right after the check, where the check ran
    problems: list[Problem]
    summary: Optional[ArticleSummary] = None
    fragment: Optional[Fragment] = None

    def outcome_blob(self) -> bytes:
        return orjson.dumps({
            "article_id": self.article_id,
            "problems": [[p.file, p.line, p.field, p.code, p.message, list(p.detail)] for p in self.problems],
            "summary": self.summary.to_json() if self.summary else None,
        })

    @classmethod
    def from_blob(cls, display: str, seed_file: Optional[str], blob: bytes) -> "RecordOutcome":
        data = orjson.loads(blob)
        problems = [Problem(f, line, fld, code, msg, tuple(detail)) for f, line, fld, code, msg, detail in data["problems"]]
        summary = ArticleSummary.from_json(data["summary"]) if data["summary"] else None
        return cls(display, data["article_id"], seed_file, None, problems, summary)


class RecordCache:
    """Entries of one environment. Any SQLite failure turns the cache off for this run (with a
    note on stderr): a broken cache costs time, never a wrong result."""

    def __init__(self, path: Path, environment: str):
        self.path, self.environment = path, environment
        self.entries: dict[str, tuple[str, Optional[str], Optional[str], bytes]] = {}
        self.conn: Optional[sqlite3.Connection] = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(path, timeout=10)
            self.conn.executescript(SCHEMA)
            stored = self.conn.execute("SELECT key FROM environment").fetchone()
            if stored is None or stored[0] != environment:
                with self.conn:
                    self.conn.execute("DELETE FROM records")
                    self.conn.execute("DELETE FROM environment")
                    self.conn.execute("INSERT INTO environment VALUES (?)", (environment,))
            for path_, sha, seed_file, seed_fp, outcome in self.conn.execute(
                    "SELECT path, sha256, seed_file, seed_print, outcome FROM records"):
                self.entries[path_] = (sha, seed_file, seed_fp, outcome)
        except sqlite3.Error as exc:
            self._disable(exc)

    def _disable(self, exc: Exception) -> None:
        print(f"{self.path}: record cache unavailable ({exc}); checking every record", file=sys.stderr)
        self.entries = {}
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def lookup(self, layout: Layout, display: str, sha256: str) -> Optional[RecordOutcome]:
        entry = self.entries.get(display)
        if entry is None or entry[0] != sha256 or self.conn is None:
            return None
        _, seed_file, seed_fp, blob = entry
        if seed_file is not None and seed_print(layout, seed_file) != seed_fp:
            return None
        try:
            return RecordOutcome.from_blob(display, seed_file, blob)
        except (ValueError, TypeError, KeyError):
            return None  # an entry from an older layout of the cache: check again

    def fragment(self, display: str) -> Optional[Fragment]:
        if self.conn is None:
            return None
        try:
            row = self.conn.execute("SELECT fragment FROM records WHERE path = ?", (display,)).fetchone()
        except sqlite3.Error as exc:
            self._disable(exc)
            return None
        if not row or row[0] is None:
            return None
        data = orjson.loads(row[0])
        return Fragment(data["tables"], data["document"])

    def store(self, outcome: RecordOutcome, sha256: str) -> None:
        if self.conn is None:
            return
        frag = orjson.dumps({"tables": outcome.fragment.tables, "document": outcome.fragment.document}) if outcome.fragment else None
        try:
            self.conn.execute("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)",
                              (outcome.display, sha256, outcome.seed_file, outcome.seed_print, outcome.outcome_blob(), frag))
        except sqlite3.Error as exc:
            self._disable(exc)

    def forget_except(self, displays: set[str]) -> None:
        """Drop the entries of records that no longer exist."""
        gone = [(d,) for d in self.entries if d not in displays]
        if gone and self.conn is not None:
            try:
                self.conn.executemany("DELETE FROM records WHERE path = ?", gone)
            except sqlite3.Error as exc:
                self._disable(exc)

    def close(self) -> None:
        if self.conn is None:
            return
        try:
            self.conn.commit()
            self.conn.close()
        except sqlite3.Error as exc:
            self._disable(exc)
        self.conn = None
