"""Check every record once: on every core, and only when it changed. `validate` and `build` run this.

Each record is parsed (the fast reader for canonical form), checked against its seed and the
registries, and, when valid, turned into its fragment of the published files, in a worker
process. Outcomes come back in file order, which for valid records is article-id order, so the
build writes fragments as they arrive and never holds the whole package in memory. Outcomes are
kept in the record cache (scripts/recordcache.py), so a record whose bytes, seed, registries and
code are unchanged is not parsed or checked again.

The reference is `validate.validate`: serial, full reader, no cache. The outcome here is the same,
problem for problem (tests/test_performance_paths.py).
"""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from schema.record import Record

from .fragments import ArticleSummary, Fragment, SpilledFragment, fragment
from .layout import Layout
from .problems import Problem
from .recordcache import RecordCache, RecordOutcome, environment_key, seed_print, stat_key
from .stageclock import NO_CLOCK, StageClock
from .validate import Registries, SeenRecord, check_file, duplicate_problem, load_registries, parse, project_problems
from .yamlio import YamlError, read_bytes

# Below this many records to check, starting worker processes costs more than it saves.
PARALLEL_FROM = 48
CHUNK = 8  # records handed to a worker at a time


@dataclass
class CheckRun:
    articles: list[ArticleSummary]  # valid articles, in article-id order
    registries: Optional[Registries]
    problems: list[Problem]
    checked: int = 0  # records parsed and checked in this run (the others came from the cache)
    kept: Optional[tuple] = None  # set by the build: (the file of each fragment part, where each record's fragment is)

    @property
    def ok(self) -> bool:
        return not self.problems


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# --- in a worker ---------------------------------------------------------------------------

_WORKER: dict = {}


def _start_worker(layout: Layout, registries: Registries, spill_dir: Optional[Path]) -> None:
    """`spill_dir`: where the worker writes the fragments it makes (a build), or None (no fragments)."""
    spill = None
    if spill_dir is not None:
        path = str(spill_dir / f"worker-{os.getpid()}.bin")
        spill = [os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), path, 0]  # fd, path, size
    _WORKER.update(layout=layout, registries=registries, clock=StageClock(), spill=spill)
    # A worker keeps one record's objects at a time; the collector's full passes over the
    # imported modules' objects would cost more than the garbage they find.
    gc.freeze()


def check_one(layout: Layout, registries: Registries, path: Path, clock: StageClock, *, want_fragment: bool = True,
              display: Optional[str] = None) -> RecordOutcome:
    """`display`: the path as messages name it, when the caller knows it (resolving it took 30 µs)."""
    started = time.time_ns()
    display = display or layout.rel(path)
    # The record is read once: the check parses the very bytes whose sha256 the cache keeps.
    try:
        raw: Optional[bytes] = read_bytes(path, display)
    except YamlError:
        raw = None  # the check reads it again and says what is wrong with it
    record_sha256 = hashlib.sha256(raw).hexdigest() if raw is not None else None
    checked = check_file(layout, registries, path, fast=True, clock=clock, display=display, raw=raw)
    record = checked.record
    seed_file = record.seed.file if record is not None else None
    if checked.seed_seen is not None:  # the print of the very bytes checked, stat taken before the read
        digest, st = checked.seed_seen
        print_ = (digest, stat_key(st))
    else:
        print_ = seed_print(layout, seed_file) if seed_file is not None else None
    outcome = RecordOutcome(display, record.article_id if record else None, seed_file, print_, checked.problems, started_ns=started,
                            record_sha256=record_sha256, items=checked.items, references=checked.references)
    if checked.article is not None:
        outcome.summary, outcome.fragment = fragment(checked.article, clock, summary_only=not want_fragment)
    return outcome


def _work(item: tuple[Path, str]) -> tuple[RecordOutcome, dict]:
    clock, spill = _WORKER["clock"], _WORKER["spill"]
    path, display = item
    outcome = check_one(_WORKER["layout"], _WORKER["registries"], path, clock, want_fragment=spill is not None, display=display)
    if outcome.fragment is not None:
        fd, spill_path, size = spill
        outcome.fragment = SpilledFragment.write(outcome.fragment, fd, spill_path, size)
        spill[2] = size + sum(n for _, n in outcome.fragment.lengths)
    return outcome, clock.take()


def _outcomes(layout: Layout, registries: Registries, items: list[tuple[Path, str]], workers: int, clock: StageClock,
              spill_dir: Optional[Path]) -> Iterator[RecordOutcome]:
    """Check the records (path, display) of `items`, yielding outcomes in the same order; in
    worker processes when there are many. With `spill_dir` (a build), valid records come with
    their fragment (in worker processes, written to a spill file there and read back here);
    without, with none."""
    if workers <= 1 or len(items) < PARALLEL_FROM:
        for path, display in items:
            yield check_one(layout, registries, path, clock, want_fragment=spill_dir is not None, display=display)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    spills: dict[str, int] = {}  # spill file -> fd, opened as each first comes back
    try:
        with context.Pool(min(workers, len(items)), initializer=_start_worker, initargs=(layout, registries, spill_dir)) as pool:
            for outcome, share in pool.imap(_work, items, chunksize=CHUNK):
                clock.add(share)
                if outcome.fragment is not None:
                    spilled = outcome.fragment
                    if spilled.path not in spills:
                        spills[spilled.path] = os.open(spilled.path, os.O_RDONLY)
                    outcome.fragment = spilled.load(spills[spilled.path])
                yield outcome
    finally:
        for fd in spills.values():
            os.close(fd)


# --- in the main process ---------------------------------------------------------------------

@contextmanager
def _collector_paused():
    """Reading 10,000 cached outcomes makes some 300,000 objects that all live on: the cyclic
    garbage collector's full passes over them, as they pile up, cost a third of a `validate`
    with nothing to check. They hold no cycles to collect."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def open_cache(layout: Layout) -> RecordCache:
    return RecordCache(layout.build_dir / "cache" / "records.sqlite", environment_key(layout), layout.root)


def _displays(layout: Layout, files: list[Path]) -> list[str]:
    """`layout.rel` of every file, without resolving each path again: a file in the records folder
    that is not a link resolves to the resolved folder plus its name (10,000 resolves took 1 s)."""
    folder = layout.records.resolve()
    try:
        prefix = folder.relative_to(layout.root.resolve()).as_posix() + "/"
    except ValueError:
        prefix = None
    records = str(layout.records)
    out = []
    for path in files:
        name = str(path)  # os.path on the str: Path.parent makes a Path per file
        if prefix is not None and os.path.dirname(name) == records and not os.path.islink(name):
            out.append(prefix + os.path.basename(name))
        else:
            out.append(layout.rel(path))
    return out


def run(layout: Layout, only: Optional[list[Path]] = None, *, on_fragment: Optional[Callable[[str, Fragment], None]] = None,
        workers: Optional[int] = None, use_cache: bool = True, clock: StageClock = NO_CLOCK,
        spill_dir: Optional[Path] = None) -> CheckRun:
    """Check every record (or `only` these). With `on_fragment`, also hand each valid article's
    record path and fragment, in article-id order, to the build; worker processes write the
    fragments in `spill_dir` (a scratch folder, which the caller removes; default: one of its
    own under build/)."""
    with clock.stage("registries"):
        registries, problems = load_registries(layout, fast=True)
    if registries is None:
        return CheckRun([], None, sorted(problems))
    files = layout.record_files() if only is None else list(only)
    displays = _displays(layout, files)
    with clock.stage("cache", len(files)), _collector_paused():
        cache = open_cache(layout) if use_cache else None
        keys, cached = [], {}  # keys: (sha256, stat) of each record, for storing a fresh outcome
        for path, display in zip(files, displays):
            hit, digest, file_stat = cache.lookup(layout, path, display) if cache else (None, None, None)
            keys.append((digest, file_stat))
            if hit is not None and hit.summary is not None and on_fragment is not None and not cache.has_fragment(display):
                hit = None  # a build needs the fragment too: made again by the workers, with the others
            if hit is not None:
                cached[display] = hit
    misses = [(p, d) for p, d in zip(files, displays) if d not in cached]
    own_spill = None
    if on_fragment is not None and spill_dir is None:
        layout.build_dir.mkdir(parents=True, exist_ok=True)
        spill_dir = own_spill = Path(tempfile.mkdtemp(prefix="spill-", dir=layout.build_dir))
    fresh = _outcomes(layout, registries, misses, workers or default_workers(), clock, spill_dir if on_fragment else None)
    articles: list[ArticleSummary] = []
    seen_ids: dict[str, str] = {}
    seen: list[SeenRecord] = []  # for the checks across records, as validate.validate makes them
    try:
        for path, display, (digest, file_stat) in zip(files, displays, keys):
            outcome = cached.get(display)
            if outcome is None:
                outcome = next(fresh)
                digest = digest or outcome.record_sha256  # a record the cache had no entry for
                if cache and digest:
                    with clock.stage("cache"):
                        cache.store(outcome, digest, file_stat)
            first = outcome.article_id is None or outcome.article_id not in seen_ids
            seen.append(SeenRecord(display, outcome.article_id, outcome.seed_file, outcome.items, outcome.references, first))
            if outcome.article_id is None:
                problems += outcome.problems
                continue
            if outcome.article_id in seen_ids:  # as validate.validate: the second record of an article
                _, loaded, _ = parse(Record, path, display)  # the full reader, for the line
                problems.append(duplicate_problem(display, loaded, outcome.article_id, seen_ids[outcome.article_id]))
                continue
            seen_ids[outcome.article_id] = display
            problems += outcome.problems
            if outcome.summary is None:
                continue
            articles.append(outcome.summary)
            if on_fragment is not None:
                # Valid records are named by their article id, so file order is id order.
                assert len(articles) < 2 or articles[-2].article_id < outcome.article_id, "records out of id order"
                frag = outcome.fragment
                if frag is None and cache:
                    with clock.stage("cache"):
                        frag = cache.fragment(display)
                if frag is None:  # the cache lost it: make it again
                    frag = check_one(layout, registries, path, clock, display=display).fragment
                on_fragment(display, frag)
        paths = dict(zip(displays, files))
        problems += project_problems(layout, seen, lambda display: parse(Record, paths[display], display)[1],  # the full reader, for lines
                                     complete=only is None)
        if cache and only is None:
            cache.forget_except(set(displays))
    finally:
        fresh.close()
        if own_spill is not None:
            shutil.rmtree(own_spill, ignore_errors=True)
        if cache:
            with clock.stage("cache"):
                cache.close()
    articles.sort(key=lambda a: a.article_id)
    return CheckRun(articles, registries, sorted(problems), checked=len(misses))
