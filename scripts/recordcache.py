"""The record cache, build/cache/records.sqlite: each record's outcome, kept while its inputs stay.

An entry is found by the record's path and the sha256 of its bytes, and is used only if the seed
the record names still has the fingerprint it had (its sha256, or that it was missing or a
link). The whole cache belongs to one environment: the sha256 of every module the pipeline
imports from scripts/ and schema/, of both registries, and the versions of Python and of the
libraries that read and check records; when any of them changes, every entry is dropped. So a cached outcome is the outcome a
fresh check would give (tests/test_performance_paths.py compares them, errors included).

An entry holds the record's problems (or, for a valid record, its summary) and where its
fragment of the published files is: the fragment is not kept twice (it was 450 MB at 10,000
articles, and storing it cost the cold build 2 s), it is read back from the files the last build
wrote, the published package or, after a build that failed, build/cache/store/. The store's
files are known by their stat, and each fragment by its sha256: a fragment that is not exactly
what was written is made again, never copied.

Reading and hashing 20,000 files (records and seeds) took half a second, so, as git's index does,
an entry also keeps each file's size, modification and change times (ns) and inode: a file whose
stat is unchanged, and whose change time is more than a second older than the entry, is taken to
have the bytes it had. Writing a file always updates its change time, which no tool can set back.
"""
from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Optional

import orjson

from .fragments import ArticleSummary, Fragment
from .layout import Layout
from .problems import Problem

LIBRARIES = ("pydantic", "pydantic-core", "ruamel.yaml", "sentencex", "edtf", "orjson")
SCHEMA = """
CREATE TABLE IF NOT EXISTS environment (key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, stat TEXT, seed_file TEXT, seed_print TEXT, seed_stat TEXT,
    written_ns INTEGER NOT NULL, outcome BLOB NOT NULL, fragment_at BLOB
);
CREATE TABLE IF NOT EXISTS store (part TEXT PRIMARY KEY, file TEXT NOT NULL, stat TEXT NOT NULL);
"""
# The layout of the cache file (PRAGMA user_version). Bump it with SCHEMA: a file of another
# layout is deleted and started afresh rather than turning the cache off on every run.
CACHE_FORMAT = 3
RACY_NS = 1_000_000_000  # a file changed this close to its entry's writing is read again


# `from <module> import <names>` at the start of a line (indented too), names in parentheses
# across lines included. A scan, not ast.parse: parsing the 19 modules took 80 ms of every run,
# half the time of a `validate` with nothing to check. It can only find more than the imports
# (a docstring line that reads like one), which costs nothing but a file hashed for nothing;
# tests/test_performance_paths.py checks it finds what ast finds.
_IMPORT_FROM = re.compile(r"^[ \t]*from[ \t]+(\.?)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.M)


def code_files(start: Path = Path(__file__).resolve().parent / "pipeline.py") -> list[Path]:
    """The project's modules a record's outcome can depend on: every module of scripts/ and
    schema/ that the pipeline imports, directly or not (read from the source, so a new module is
    counted as soon as something imports it). Editing the benchmark or the server keeps the cache."""
    root = start.parent.parent
    seen, todo = set(), [start]
    while todo:
        path = todo.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        for dot, module, names in _IMPORT_FROM.findall(path.read_text(encoding="utf-8")):
            if dot:  # from .sentences import ..., from . import codebook
                package = path.parent.name
            elif module.split(".")[0] in ("scripts", "schema"):
                package, _, module = module.partition(".")  # from schema.record import ...
            else:
                continue
            imported = [n.split()[0] for n in names.strip("()").replace("\n", " ").split(",") if n.strip()]
            todo += [root / package / f"{name}.py" for name in ([module] if module else imported)]
    return sorted(seen)


def environment_key(layout: Layout) -> str:
    digest = hashlib.sha256(sys.version.encode())
    for path in code_files():
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in (layout.actors, layout.propositions):
        digest.update(path.read_bytes() if path.is_file() else b"(missing)")
    for name in LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing".encode())
    return digest.hexdigest()


def stat_key(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _unchanged(st: os.stat_result, key: Optional[str], written_ns: int) -> bool:
    return key == stat_key(st) and st.st_ctime_ns < written_ns - RACY_NS


def seed_print(layout: Layout, name: Optional[str], known: Optional[tuple[str, str, int]] = None) -> tuple[str, Optional[str]]:
    """What the check of a record can see of the seed it names (its sha256, or that it is missing
    or a link), and the stat it was taken under. `known`: (print, stat, written_ns) of an entry,
    reused when the seed's stat is unchanged."""
    if not name or "/" in name or "\\" in name or name in {".", ".."} or name.startswith("~"):
        return "-", None  # not looked up: the name alone is the problem
    path = os.path.join(layout.seeds, name)  # a str, not a Path: made 10,000 times a run
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing", None
    except (OSError, ValueError) as exc:
        return f"unreadable: {type(exc).__name__}", None
    if stat.S_ISLNK(st.st_mode):
        return "link", None
    if not stat.S_ISREG(st.st_mode):
        return "not a file", None
    if known is not None and _unchanged(st, known[1], known[2]):
        return known[0], known[1]
    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest(), stat_key(st)
    except OSError as exc:
        return f"unreadable: {type(exc).__name__}", None


@dataclass
class RecordOutcome:
    """One record's result: its problems, or (valid) its summary and fragment."""

    display: str
    article_id: Optional[str]  # None when the file does not parse into a record
    seed_file: Optional[str]
    seed_print: Optional[tuple[str, Optional[str]]]  # (print, stat), taken right after the check, where it ran
    problems: list[Problem]
    summary: Optional[ArticleSummary] = None
    fragment: Optional[Fragment] = None
    started_ns: int = 0  # when the check began: a file changed later than a second before is read again
    record_sha256: Optional[str] = None  # of the record's bytes the check read (not kept in the blob)
    # For the checks across records (validate.project_problems): the record's full item ids, and
    # (location, article id, item id, words) of the other records' items its notes name.
    items: str = ""  # space-separated (validate.SeenRecord)
    references: tuple = ()

    def outcome_blob(self) -> bytes:
        return orjson.dumps({
            "article_id": self.article_id,
            "problems": [[p.file, p.line, p.field, p.code, p.message, list(p.detail)] for p in self.problems],
            "summary": self.summary.to_json() if self.summary else None,
            "items": self.items,
            "references": [[list(loc), article, item, words] for loc, article, item, words in self.references],
        })

    @classmethod
    def from_blob(cls, display: str, seed_file: Optional[str], blob: bytes) -> "RecordOutcome":
        data = orjson.loads(blob)
        problems = [Problem(f, line, fld, code, msg, tuple(detail)) for f, line, fld, code, msg, detail in data["problems"]]
        summary = ArticleSummary.from_json(data["summary"]) if data["summary"] else None
        references = tuple((tuple(loc), article, item, words) for loc, article, item, words in data["references"])
        return cls(display, data["article_id"], seed_file, None, problems, summary=summary, items=data["items"],
                   references=references)


class RecordCache:
    """Entries of one environment. Any SQLite failure turns the cache off for this run (with a
    note on stderr): a broken cache costs time, never a wrong result."""

    def __init__(self, path: Path, environment: str, root: Path):
        self.path, self.environment, self.root = path, environment, root
        # path -> (sha256, stat, seed_file, seed_print, seed_stat, written_ns, outcome, fragment_at)
        self.entries: dict[str, tuple] = {}
        self.conn: Optional[sqlite3.Connection] = None
        self._store: Optional[dict[str, int]] = None  # part -> open file descriptor; {} when the store is gone
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(path, timeout=10)
            if self.conn.execute("PRAGMA user_version").fetchone()[0] != CACHE_FORMAT:
                self.conn.close()
                path.unlink(missing_ok=True)
                self.conn = sqlite3.connect(path, timeout=10)
                self.conn.execute(f"PRAGMA user_version = {CACHE_FORMAT}")
            self.conn.executescript(SCHEMA)
            stored = self.conn.execute("SELECT key FROM environment").fetchone()
            if stored is None or stored[0] != environment:
                with self.conn:
                    self.conn.execute("DELETE FROM records")
                    self.conn.execute("DELETE FROM store")
                    self.conn.execute("DELETE FROM environment")
                    self.conn.execute("INSERT INTO environment VALUES (?)", (environment,))
            for row in self.conn.execute(
                    "SELECT path, sha256, stat, seed_file, seed_print, seed_stat, written_ns, outcome, fragment_at FROM records"):
                self.entries[row[0]] = row[1:]
        except sqlite3.Error as exc:
            self._disable(exc)

    def _disable(self, exc: Exception) -> None:
        print(f"{self.path}: record cache unavailable ({exc}); checking every record. If this is said "
              f"on every run, delete the file: it is only a cache, and the next run makes it again", file=sys.stderr)
        self.entries = {}
        self._close_store()
        self._store = {}
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def lookup(self, layout: Layout, path: Path, display: str) -> tuple[Optional[RecordOutcome], Optional[str], Optional[str]]:
        """(the cached outcome or None, the record's sha256, its stat): the sha256 and stat are
        what `store` keeps with a fresh outcome (None for a file that cannot be read)."""
        entry = self.entries.get(display)
        try:
            st = path.stat()
            if entry is None:
                # Nothing to compare with: the record is checked, and the check hashes the bytes it
                # reads (RecordOutcome.record_sha256), in a worker. Hashing 10,000 records here first
                # held the cold build's workers back by 0.7 s.
                return None, None, stat_key(st)
            if _unchanged(st, entry[1], entry[5]):
                digest = entry[0]
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None, None, None  # the check says what is wrong with it
        key = stat_key(st)
        if entry[0] != digest or self.conn is None:
            return None, digest, key
        _, _, seed_file, seed_fp, seed_stat, written_ns, blob, _ = entry
        if seed_file is not None and seed_print(layout, seed_file, (seed_fp, seed_stat, written_ns))[0] != seed_fp:
            return None, digest, key
        try:
            return RecordOutcome.from_blob(display, seed_file, blob), digest, key
        except (ValueError, TypeError, KeyError):
            return None, digest, key  # an entry from an older layout of the cache: check again

    def _store_files(self) -> dict[str, int]:
        """The last build's files, opened, if every one still has the stat it had when the build
        wrote it; else none (their fragments are made again)."""
        if self._store is None:
            self._store = {}
            try:
                rows = self.conn.execute("SELECT part, file, stat FROM store").fetchall() if self.conn else []
            except sqlite3.Error as exc:
                self._disable(exc)
                rows = []
            try:
                for part, file, recorded in rows:
                    path = self.root / file
                    if stat_key(path.lstat()) != recorded:  # rewritten since (a checkout, an edit)
                        break
                    self._store[part] = os.open(path, os.O_RDONLY)
                else:
                    return self._store
            except OSError:  # gone
                pass
            self._close_store()
            self._store = {}
        return self._store

    def _close_store(self) -> None:
        for fd in (self._store or {}).values():
            os.close(fd)
        self._store = None

    def has_fragment(self, display: str) -> bool:
        """Whether the record's fragment can be read back (it may still turn out changed)."""
        entry = self.entries.get(display)
        return entry is not None and entry[7] is not None and bool(self._store_files())

    def fragment(self, display: str) -> Optional[Fragment]:
        """The record's fragment as the last build wrote it, or None when it is gone or changed."""
        entry = self.entries.get(display)
        files = self._store_files()
        if entry is None or entry[7] is None or not files:
            return None
        try:
            at = orjson.loads(entry[7])
            parts = {part: os.pread(files[part], length, offset) if length else b"" for part, (offset, length) in at["parts"].items()}
            document = parts.pop("document")
            frag = Fragment(parts, document)
        except (OSError, ValueError, TypeError, KeyError):
            return None
        return frag if frag.sha256 == at["sha256"] else None

    def keep_fragments(self, files: dict[str, str], placed: dict[str, bytes]) -> None:
        """After a build: its files (part -> path under the root) are the store from now on, and
        `placed` (record path -> where its fragment is in them) says where each fragment is."""
        if self.conn is None:
            return
        self._close_store()
        try:
            stats = {part: stat_key((self.root / file).lstat()) for part, file in files.items()}
            with self.conn:
                self.conn.execute("DELETE FROM store")
                self.conn.executemany("INSERT INTO store VALUES (?, ?, ?)", [(p, files[p], stats[p]) for p in files])
                self.conn.execute("UPDATE records SET fragment_at = NULL")
                self.conn.executemany("UPDATE records SET fragment_at = ? WHERE path = ?", [(at, d) for d, at in placed.items()])
        except OSError:
            pass  # a file already gone: the next build makes the fragments again
        except sqlite3.Error as exc:
            self._disable(exc)

    def store(self, outcome: RecordOutcome, sha256: str, file_stat: Optional[str]) -> None:
        if self.conn is None:
            return
        seed_fp, seed_stat = outcome.seed_print or (None, None)
        try:  # where its fragment is, the build says once it has written it (keep_fragments)
            self.conn.execute("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                              (outcome.display, sha256, file_stat, outcome.seed_file, seed_fp, seed_stat, outcome.started_ns,
                               outcome.outcome_blob()))
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
        self._close_store()
        if self.conn is None:
            return
        try:
            self.conn.commit()
            self.conn.close()
        except sqlite3.Error as exc:
            self._disable(exc)
        self.conn = None
