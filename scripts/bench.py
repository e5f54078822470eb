"""`python -m scripts bench` (`make bench`): how validate, build, the database and Datasette scale.

For each corpus size (100 and 1,000 articles; 10,000 with --max 10000) it makes a synthetic corpus
in the project's layout (scripts/synthetic.py; kept under build/bench/ and reused while the
generator is unchanged), then runs the real commands on it in subprocesses, as `make` would:

  cold build     `build` with no record cache (validate, tables, records.json, datapackage.json)
  database       `db` (SQLite with indexes and FTS; FTS timed again alone on a copy)
  warm validate  `validate` again, nothing changed
  one change     one record edited, then `validate` and `build`
  table check    `tablecheck`, and `frictionless validate` on the same package
  Datasette      `datasette serve -i` with this project's metadata, plugins and settings: the
                 median and 90th percentile of a bounded loop of requests per page

and three references measured in the same run: the floor (read every record file, and parse the
same records serialised as JSON with orjson), the libraries' floor (what pydantic, csv.writer,
orjson and sha256 alone spend on the package, which with the floor and `db`'s CPU bounds the
cold full build from below) and frictionless. The per-stage figures come from
the build's own stage clock (`build --timings`): busy seconds summed over worker processes.
Memory is the peak, over the run of a command, of the summed peak RSS (VmHWM) of its process
tree, sampled every 20 ms. Everything is printed as tables and written to build/bench/results.json.
"""
from __future__ import annotations

import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .layout import ROOT, Layout

SIZES = (100, 1_000, 10_000)
STAGES = ("parse", "validate", "evidence spans", "mentions", "sentence accounting", "rows", "CSV", "JSON", "datapackage", "SQLite", "FTS")
STAGE_UNITS = {"parse": "records", "validate": "records", "evidence spans": "spans", "mentions": "mentions",
               "sentence accounting": "records", "rows": "records", "CSV": "rows", "JSON": "documents",
               "datapackage": "rows", "SQLite": "rows", "FTS": "rows"}
TARGETS = {  # at 10,000 articles (the issue)
    "cold full build (s)": 10.0, "cold full build / floor": 12.0, "validate after one change (s)": 1.0,
    "build after one change (s)": 4.0, "peak memory of the build (MB)": 400.0,
    "table page, two facets p90 (ms)": 150.0, "search with a facet p90 (ms)": 100.0,
    "row page p90 (ms)": 20.0, "article page p90 (ms)": 20.0, "frictionless / tablecheck": 5.0,
}
AT_LEAST = frozenset({"frictionless / tablecheck"})  # targets met at or above their limit; the others at or below


# --- measuring a command ---------------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return pids


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory(threading.Thread):
    """Peak over time of the summed peak RSS of a process and its descendants (Linux /proc)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, sum(_hwm_kb(p) for p in _tree(self.pid)))
            self.done.wait(0.02)


@dataclass
class Run:
    seconds: float
    peak_mb: float
    returncode: int
    output: str = ""
    cpu_s: float = 0.0  # user + system seconds of the process and every descendant it waited for


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(args: list[str], *, cwd: Path = ROOT, timeout: float = 3600) -> Run:
    """Run a command, timing it (wall and CPU seconds) and watching its process tree's memory.
    CPU seconds tell runs on a machine whose speed changes apart from a change of the code
    better than wall seconds do: time the host takes away from the machine is not counted."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = TreeMemory(proc.pid)
    memory.start()
    try:
        output, _ = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        memory.done.set()
        memory.join()
    return Run(time.perf_counter() - t0, memory.peak_kb / 1024, proc.returncode, output, _children_cpu() - cpu0)


def scripts_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "scripts", *args]


# --- the corpus --------------------------------------------------------------------------------

def corpus(base: Path, n: int, seed: int, workers: int) -> Layout:
    """The corpus of `n` articles, made again only when the generator or its parameters changed."""
    from . import synthetic

    dest = base / f"corpus-{n}"
    stamp = f"generator {synthetic.GENERATOR_VERSION}, {n} articles, seed {seed}\n"
    marker = dest / ".generated"
    if not (marker.exists() and marker.read_text() == stamp):
        if dest.exists():
            shutil.rmtree(dest)
        t0 = time.perf_counter()
        print(f"  generating {n:,} synthetic articles in {dest} ...", flush=True)
        synthetic.generate(dest, n, seed, workers=workers)
        marker.write_text(stamp)
        print(f"  generated in {time.perf_counter() - t0:.1f}s", flush=True)
    return Layout(dest)


def reset(layout: Layout) -> None:
    """Remove everything a build or a run made: the next build is cold."""
    shutil.rmtree(layout.build_dir, ignore_errors=True)
    shutil.rmtree(layout.tables, ignore_errors=True)
    shutil.rmtree(layout.root / "docs", ignore_errors=True)
    shutil.rmtree(layout.root / "schema", ignore_errors=True)
    for path in (layout.records_json, layout.datapackage):
        path.unlink(missing_ok=True)


def _record_data(path: Path):
    """A record file's data (the fast reader's, or the full reader's for a file not in canonical form)."""
    from .yamlfast import fast_load
    from .yamlio import loads

    text = path.read_text(encoding="utf-8")
    data = fast_load(text)
    return data if data is not None else loads(text, path.name).data


def floor(layout: Layout) -> dict:
    """Reading every record file, and orjson parsing the same records as JSON (made beforehand)."""
    import orjson

    files = layout.record_files()
    as_json = [orjson.dumps(_record_data(path)) for path in files]
    t0 = time.perf_counter()
    for path in files:
        path.read_bytes()
    read = time.perf_counter() - t0
    t0 = time.perf_counter()
    for blob in as_json:
        orjson.loads(blob)
    parse = time.perf_counter() - t0
    return {"read_s": read, "parse_s": parse, "seconds": read + parse, "records": len(files)}


LIBRARY_CHUNK = 500  # records validated at a time (the floor keeps no more in memory than a worker's share)


def _records_json_items(blob: bytes) -> list[bytes]:
    """records.json's documents, each as JSON bytes: the build writes the items of the list at
    two spaces, so a document ends where a line is exactly `  },` (the last one at `  }`)."""
    body = blob.strip()
    if not (body.startswith(b"[") and body.endswith(b"]")):
        raise ValueError("records.json is not a JSON list")
    body = body[1:-1].strip()
    return [] if not body else [piece if piece.endswith(b"}") else piece + b"}" for piece in body.split(b"\n  },\n")]


def library_floor(layout: Layout) -> dict:
    """What the libraries alone spend on a cold build of this package, beyond the floor, in CPU
    seconds of one process: pydantic validating every record, csv.writer writing every table
    (its cells already text), orjson writing records.json as the build does, and sha256 of the
    published bytes. None of the project's own work (the fast reader, evidence spans, mentions,
    sentence accounting, rows, formatting) is in it, and `db`, SQLite's work, is measured apart.
    The garbage collector is paused throughout: this is the least these calls cost. Run after a
    build: the inputs are the published files."""
    import csv
    import gc
    import hashlib
    import io

    import orjson

    from schema.record import Record

    clock = time.process_time
    parts = dict.fromkeys(("pydantic", "csv.writer", "orjson records.json", "sha256"), 0.0)
    files = layout.record_files()
    rows = documents = 0
    digest = hashlib.sha256()
    was = gc.isenabled()
    gc.disable()
    try:
        for start in range(0, len(files), LIBRARY_CHUNK):
            chunk = [_record_data(path) for path in files[start:start + LIBRARY_CHUNK]]
            t = clock()
            for data in chunk:
                Record.model_validate(data)
            parts["pydantic"] += clock() - t
        for table in sorted(layout.tables.glob("*.csv")):
            with open(table, newline="", encoding="utf-8") as handle:
                cells = list(csv.reader(handle))
            rows += max(0, len(cells) - 1)
            t = clock()
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerows(cells)
            written = buffer.getvalue().encode("utf-8")
            parts["csv.writer"] += clock() - t
            t = clock()
            digest.update(written)
            parts["sha256"] += clock() - t
            del cells, buffer
        items = _records_json_items(layout.records_json.read_bytes())
        for start in range(0, len(items), LIBRARY_CHUNK):
            docs = [orjson.loads(item) for item in items[start:start + LIBRARY_CHUNK]]
            documents += len(docs)
            t = clock()
            written = b",\n".join(orjson.dumps([doc], option=orjson.OPT_INDENT_2)[2:-2] for doc in docs)
            parts["orjson records.json"] += clock() - t
            t = clock()
            digest.update(written)
            parts["sha256"] += clock() - t
    finally:
        if was:
            gc.enable()
    gc.collect()
    return {"cpu_s": sum(parts.values()), "parts": parts, "records": len(files), "rows": rows, "documents": documents}


def change_one_record(layout: Layout) -> tuple[Path, bytes]:
    """Edit one claim's statement of the middle record (still valid, still canonical)."""
    from schema.record import Record

    from .canonical import RECORD_HEADER, dump
    from .yamlfast import fast_load

    files = layout.record_files()
    path = files[len(files) // 2]
    original = path.read_bytes()
    data = fast_load(original.decode("utf-8"))
    data["claims"][0]["statement"] = data["claims"][0]["statement"].rstrip(".") + ", the text says."
    path.write_text(dump(Record.model_validate(data), RECORD_HEADER), encoding="utf-8")
    return path, original


def fts_seconds(db_path: Path) -> Optional[float]:
    """Build the full-text indexes again, alone, on a copy of the database."""
    try:
        import sqlite_utils

        from .db import FULL_TEXT
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.db"
        shutil.copy(db_path, copy)
        db = sqlite_utils.Database(copy)
        for table in FULL_TEXT:
            if db[table].detect_fts():
                db[table].disable_fts()
        db.conn.execute("VACUUM")
        t0 = time.perf_counter()
        for table, columns in FULL_TEXT.items():
            db[table].enable_fts(list(columns), fts_version="FTS5", tokenize="porter")
        seconds = time.perf_counter() - t0
        db.conn.close()
    return seconds


# --- Datasette ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 30) -> tuple[int, float]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, (time.perf_counter() - t0) * 1000


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]  # nearest rank


def datasette_latency(layout: Layout, requests: int) -> dict:
    """Median and p90 per page over `requests` requests each, against `datasette serve -i`."""
    try:
        from .serve import SETTINGS
    except ImportError:
        SETTINGS = {}
    db, metadata = layout.build_dir / "dataset.db", layout.build_dir / "metadata.json"
    if not db.exists():
        return {"note": "no database was built"}
    port = _free_port()
    args = [str(Path(sys.executable).parent / "datasette"), "serve", "-i", str(db), "--host", "127.0.0.1", "--port", str(port)]
    if metadata.exists():
        args += ["--metadata", str(metadata)]
    for option, path in (("--plugins-dir", ROOT / "plugins"), ("--template-dir", ROOT / "templates")):
        if path.is_dir():
            args += [option, str(path)]
    if (ROOT / "static").is_dir():
        args += ["--static", f"assets:{ROOT / 'static'}"]
    for name, value in SETTINGS.items():
        args += ["--setting", name, ("on" if value else "off") if isinstance(value, bool) else str(value)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # the plugin imports this project's scripts
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    ids = [p.stem for p in layout.record_files()]
    middle = ids[len(ids) // 2]
    pages = {
        "table page, two facets": "/dataset/skips",  # its metadata facets: reason, article_id
        "claims page, four facets": "/dataset/claims?_facet=kind&_facet=speaker_id",
        "search with a facet": "/dataset/claims?_search=prisoners&_facet=kind",  # one claim in 14 matches
        "narrow search with a facet": "/dataset/claims?_search=Helsinki&_facet=kind",  # one claim in 200
        "row page": f"/dataset/claims/{middle}-c01",
        "article page": f"/-/article/{middle}",
    }
    out: dict = {"settings": SETTINGS, "requests": requests, "pages": {}}
    try:
        deadline = time.time() + 120
        while True:
            try:
                if _get(base + "/-/versions.json", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                out["note"] = f"Datasette did not start: {proc.stderr.read()[-500:] if proc.poll() is not None else 'timeout'}"
                return out
            time.sleep(0.2)
        for name, path in pages.items():
            status, _ = _get(base + path)  # warm-up (and the first request pays for caches)
            if status != 200:
                out["pages"][name] = {"url": path, "status": status, "note": "not served (HTTP %d)" % status}
                continue
            _get(base + path)
            times = []
            for _ in range(requests):
                status, ms = _get(base + path)
                times.append(ms)
            out["pages"][name] = {"url": path, "status": status, "median_ms": statistics.median(times),
                                  "p90_ms": _percentile(times, 0.9), "max_ms": max(times)}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return out


# --- instructions ------------------------------------------------------------------------------
# Wall and CPU seconds of the same build moved by half from run to run on this shared machine
# (docs/performance.md, round 5); the instructions valgrind counts do not depend on the host, so
# they tell a change of the code from a change of the machine.

INSTRUCTION_RECORDS = 200
_COLLECTED = re.compile(r"^==\d+== Collected : (\d+)$", re.M)


def check_records(root: str, n: int) -> None:
    """Check and format the first `n` records of the project at `root` in this one process, with
    no cache: the per-record work of a cold build, which `instructions` counts."""
    from .pipeline import run

    layout = Layout(Path(root))
    checked = run(layout, only=layout.record_files()[:n], on_fragment=lambda display, fragment: None, workers=1, use_cache=False)
    if checked.problems:
        raise SystemExit(f"{len(checked.problems)} problem(s) in the records counted, the first: {checked.problems[0]}")


def collected(valgrind_stderr: str) -> Optional[int]:
    """The instructions callgrind says it counted (its "Collected" line), or None."""
    found = _COLLECTED.findall(valgrind_stderr)
    return int(found[-1]) if found else None


def instructions(layout: Layout, n: int = INSTRUCTION_RECORDS) -> dict:
    """Instructions a record to check and format it, counted by valgrind's callgrind: a run of
    `check_records` on `n` records less a run on none (starting Python, importing, the registries),
    divided by `n`. Hash seeds are fixed, so two counts of the same code differ by at most some
    tens in a million (seen: 0.2 and 13). valgrind's virtual CPU has no SHA instructions, so
    sha256 is counted in software (some 1.7M of the 16M a record; natively it is a small share)."""
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        return {"note": "instructions not counted: valgrind is not installed (Debian: apt-get install valgrind)"}
    n = min(n, len(layout.record_files()))
    counts = {}
    for k in sorted({0, n}):
        code = f"from scripts.bench import check_records; check_records({str(layout.root)!r}, {k})"
        proc = subprocess.run([valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code],
                              cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        counts[k] = collected(proc.stderr)
        if proc.returncode != 0 or counts[k] is None:
            return {"note": f"instructions not counted: callgrind exited {proc.returncode}: {proc.stderr.strip()[-500:]}"}
    return {"records": n, "start_up": counts[0], "total": counts[n], "per_record": (counts[n] - counts[0]) / n if n else None}


# --- one size ----------------------------------------------------------------------------------

@dataclass
class SizeResult:
    n: int
    figures: dict = field(default_factory=dict)
    stages: dict = field(default_factory=dict)
    datasette: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _must(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {run.returncode}):\n{run.output[-3000:]}")
    return run


def _cold_runs(layout: Layout, timings: Path, repeat: int) -> tuple[Run, dict, Optional[Run], list[float]]:
    """The cold build and the database, `repeat` times from nothing: the build, its stage clock and
    the database of the run whose cold full build (build + db) is the median (of an even number,
    the lower middle one), and every run's cold full build. One run on a shared machine says
    little (17 to 22 s for the same code)."""
    root, has_db = str(layout.root), (ROOT / "scripts" / "db.py").exists()
    runs = []
    for i in range(repeat):
        if i:
            reset(layout)
        of = f" ({i + 1} of {repeat})" if repeat > 1 else ""
        print(f"  cold build{of} ...", flush=True)
        build = _must(run_command(scripts_command("build", "--root", root, "--timings", str(timings))), "build")
        clock = json.loads(timings.read_text())
        db = None
        if has_db:
            print(f"  database{of} ...", flush=True)
            db = _must(run_command(scripts_command("db", "--root", root)), "db")
        runs.append((build, clock, db))
    totals = [b.seconds + (d.seconds if d else 0.0) for b, _, d in runs]
    build, clock, db = runs[sorted(range(repeat), key=totals.__getitem__)[(repeat - 1) // 2]]
    return build, clock, db, totals


def bench_size(base: Path, n: int, *, seed: int, requests: int, serial: bool, workers: int, repeat: int = 1) -> SizeResult:
    result = SizeResult(n)
    layout = corpus(base, n, seed, workers)
    root = str(layout.root)
    reset(layout)
    f = result.figures
    f["floor"] = floor(layout)
    timings = base / f"timings-{n}.json"

    build, clock, db, totals = _cold_runs(layout, timings, repeat)
    f["build_cold_s"], f["build_cold_peak_mb"], f["build_cold_cpu_s"] = build.seconds, build.peak_mb, build.cpu_s
    for name, figures in clock["stages"].items():
        result.stages[name] = {"seconds": figures["seconds"], "items": figures["items"]}
    f["rows"] = rows = result.stages["CSV"]["items"]  # every row of every table is written once
    result.stages.setdefault("datapackage", {"seconds": 0.0, "items": 0})["items"] = rows
    if repeat > 1:
        f["cold_full_build_runs_s"] = totals
        result.notes.append(f"cold build and db: the run whose cold full build is the median of {repeat} "
                            f"({', '.join(f'{t:.2f}' for t in totals)} s)")

    if db is not None:
        f["db_s"], f["db_peak_mb"], f["db_cpu_s"] = db.seconds, db.peak_mb, db.cpu_s
        # The database on disk is the last run's: every run builds the same one from the same files.
        fts = fts_seconds(layout.build_dir / "dataset.db")
        if fts is not None:
            result.stages["FTS"] = {"seconds": fts, "items": _fts_rows(layout)}
            result.stages["SQLite"] = {"seconds": max(0.0, db.seconds - fts), "items": rows}
            result.notes.append("SQLite is the `db` command's wall time less the FTS time; FTS is rebuilt alone on a copy.")
    else:
        result.notes.append("scripts/db.py does not exist yet: the database stages were skipped")
    f["cold_full_build_s"] = f["build_cold_s"] + f.get("db_s", 0.0)
    f["cold_full_build_over_floor"] = f["cold_full_build_s"] / f["floor"]["seconds"]
    print("  libraries' floor ...", flush=True)
    f["library_floor"] = library_floor(layout)
    # The least CPU a build of this package spends while these libraries and SQLite do their part,
    # spread perfectly over the cores: a bound on the cold full build that no change to the
    # project's Python can beat.
    unavoidable = f["floor"]["seconds"] + f["library_floor"]["cpu_s"] + f.get("db_cpu_s", 0.0)
    f["libraries_bound_s"] = unavoidable / workers
    f["libraries_bound_over_floor"] = f["libraries_bound_s"] / f["floor"]["seconds"]

    if serial:
        print("  cold build, one worker ...", flush=True)
        shutil.rmtree(layout.build_dir / "cache", ignore_errors=True)
        one = _must(run_command(scripts_command("build", "--root", root, "--jobs", "1")), "build --jobs 1")
        f["build_cold_one_worker_s"] = one.seconds

    print("  warm validate, one change ...", flush=True)
    f["validate_warm_s"] = _must(run_command(scripts_command("validate", "--root", root)), "validate").seconds
    f["build_warm_s"] = _must(run_command(scripts_command("build", "--root", root)), "build").seconds
    path, original = change_one_record(layout)
    try:
        f["validate_one_change_s"] = _must(run_command(scripts_command("validate", "--root", root)), "validate").seconds
        path.write_bytes(original)
        path, original = change_one_record(layout)
        one = _must(run_command(scripts_command("build", "--root", root)), "build")
        f["build_one_change_s"], f["build_one_change_peak_mb"] = one.seconds, one.peak_mb
    finally:
        path.write_bytes(original)
    _must(run_command(scripts_command("build", "--root", root)), "build")  # the published files of the corpus as generated

    print("  table check, frictionless ...", flush=True)
    check = _must(run_command(scripts_command("tablecheck", "--root", root)), "tablecheck")
    f["tablecheck_s"] = check.seconds
    fl = run_command([str(Path(sys.executable).parent / "frictionless"), "validate", "datapackage.json"], cwd=layout.root)
    f["frictionless_s"], f["frictionless_valid"] = fl.seconds, fl.returncode == 0
    f["frictionless_over_tablecheck"] = fl.seconds / check.seconds

    print("  Datasette ...", flush=True)
    result.datasette = datasette_latency(layout, requests)
    return result


def _fts_rows(layout: Layout) -> int:
    import sqlite3

    try:
        from .db import FULL_TEXT
        conn = sqlite3.connect(layout.build_dir / "dataset.db")
        try:
            return sum(conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in FULL_TEXT)
        finally:
            conn.close()
    except (ImportError, sqlite3.Error):
        return 0


# --- reporting -----------------------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
    except (OSError, IndexError):
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu or platform.processor(), "memory": memory, "python": platform.python_version(),
            "platform": platform.platform()}


PROBE_ADDITIONS = 2_000_000


def speed_probe(rounds: int = 5) -> float:
    """How fast the machine runs plain Python now, in millions of additions a second (the median of
    `rounds` timings of a fixed loop). A shared machine's speed changes from hour to hour (the
    same build took 20 s one day and 28 s another); taken at the start and at the end of a run,
    this says which kind of day a run's figures come from, so runs of different days compare."""
    times = []
    for _ in range(rounds):
        t0, total = time.perf_counter(), 0
        for i in range(PROBE_ADDITIONS):
            total += i
        times.append(time.perf_counter() - t0)
    return PROBE_ADDITIONS / statistics.median(times) / 1e6


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _rate(items: int, seconds: float) -> str:
    return f"{items / seconds:,.0f}" if seconds > 0 and items else "-"


def report(results: list[SizeResult], info: dict, counted: Optional[dict] = None) -> str:
    out = [f"Machine: {info['nproc']} cores ({info['cpu']}), {info['memory']} memory, Python {info['python']}"]
    if "speed_start" in info:
        out.append(f"Machine speed: a plain Python loop ran {info['speed_start']:.1f}M additions/s at the start of the run and "
                   f"{info.get('speed_end', float('nan')):.1f}M at the end (higher is faster; compare runs by it)")
    if counted is not None:
        if counted.get("per_record") is not None:
            out.append(f"Instructions (callgrind; the same for the same code, whatever the machine's speed): "
                       f"{counted['per_record'] / 1e6:.2f}M a record to check and format ({counted['records']:,} records of the "
                       f"{counted['corpus']:,}-article corpus in one process, less {counted['start_up'] / 1e6:,.0f}M for starting up)")
        else:
            out.append(counted.get("note", "instructions not counted"))
    out.append("")
    sizes = [r.n for r in results]
    out.append("Stages of the cold build (busy seconds, summed over worker processes; rate in items per second)")
    header = ["stage", "unit"] + [x for n in sizes for x in (f"{n:,}: s", "items/s")]
    rows = []
    for stage in STAGES + tuple(sorted({s for r in results for s in r.stages} - set(STAGES))):
        row = [stage, STAGE_UNITS.get(stage, "")]
        for r in results:
            s = r.stages.get(stage)
            row += [f"{s['seconds']:.2f}", _rate(s["items"], s["seconds"])] if s else ["-", "-"]
        rows.append(row)
    out += [_table(header, rows), ""]
    out.append("Commands (wall seconds; CPU seconds summed over the processes; memory: peak summed RSS of the process tree)")
    keys = [("floor: read records + orjson", lambda f: f["floor"]["seconds"], "{:.3f}"),
            ("build, cold (validate+package+JSON)", lambda f: f["build_cold_s"], "{:.2f}"),
            ("  its peak memory (MB)", lambda f: f["build_cold_peak_mb"], "{:.0f}"),
            ("  its CPU seconds (all processes)", lambda f: f.get("build_cold_cpu_s"), "{:.1f}"),
            ("build, cold, one worker", lambda f: f.get("build_cold_one_worker_s"), "{:.2f}"),
            ("db (SQLite + FTS)", lambda f: f.get("db_s"), "{:.2f}"),
            ("  its peak memory (MB)", lambda f: f.get("db_peak_mb"), "{:.0f}"),
            ("  its CPU seconds (all processes)", lambda f: f.get("db_cpu_s"), "{:.1f}"),
            ("cold full build (build + db)", lambda f: f["cold_full_build_s"], "{:.2f}"),
            ("  / floor", lambda f: f["cold_full_build_over_floor"], "{:.1f}x"),
            ("libraries beyond the floor (CPU s)", lambda f: (f.get("library_floor") or {}).get("cpu_s"), "{:.2f}"),
            ("  bound: floor+libraries+db CPU / cores", lambda f: f.get("libraries_bound_s"), "{:.2f}"),
            ("  bound / floor", lambda f: f.get("libraries_bound_over_floor"), "{:.1f}x"),
            ("validate, nothing changed", lambda f: f["validate_warm_s"], "{:.2f}"),
            ("build, nothing changed", lambda f: f["build_warm_s"], "{:.2f}"),
            ("validate after one change", lambda f: f["validate_one_change_s"], "{:.2f}"),
            ("build after one change", lambda f: f["build_one_change_s"], "{:.2f}"),
            ("tablecheck", lambda f: f["tablecheck_s"], "{:.2f}"),
            ("frictionless validate", lambda f: f["frictionless_s"], "{:.2f}"),
            ("  frictionless / tablecheck", lambda f: f["frictionless_over_tablecheck"], "{:.1f}x")]
    rows = []
    for label, get, fmt in keys:
        rows.append([label] + [fmt.format(v) if (v := get(r.figures)) is not None else "-" for r in results])
    out += [_table(["command"] + [f"{n:,}" for n in sizes], rows), ""]
    out.append("Datasette (ms over a loop of requests: median / p90)")
    names = list(dict.fromkeys(name for r in results for name in r.datasette.get("pages", {})))
    rows = []
    for name in names:
        row = [name]
        for r in results:
            page = r.datasette.get("pages", {}).get(name)
            row.append(f"{page['median_ms']:.1f} / {page['p90_ms']:.1f}" if page and "p90_ms" in page else (page or {}).get("note", "-"))
        rows.append(row)
    out += [_table(["page"] + [f"{n:,}" for n in sizes], rows)]
    parts = (results[-1].figures.get("library_floor") or {}).get("parts")
    if parts:
        out.append(f"libraries beyond the floor at {results[-1].n:,} (CPU s, one process, collector paused): "
                   + ", ".join(f"{name} {seconds:.2f}" for name, seconds in parts.items())
                   + "; the bound adds the floor and db's CPU seconds (SQLite's work) and divides by the cores: "
                     "while these libraries do this work, no change to the project's Python brings the cold full build below it")
    for r in results:
        for note in r.notes + ([r.datasette["note"]] if "note" in r.datasette else []):
            out.append(f"note ({r.n:,}): {note}")
    largest = results[-1]
    out += ["", f"Targets (set for 10,000 articles; measured at {largest.n:,})"]
    measured = targets(largest)
    out.append(_table(["target", "limit", "measured", "margin", "met"],
                      [[name, f"{limit:g}", f"{value:.2f}", f"{margin(name, limit, value):+.0%}", "yes" if ok else "NO"]
                       for name, limit, value, ok in measured]))
    thin = [name for name, limit, value, ok in measured if ok and margin(name, limit, value) < THIN_MARGIN]
    if thin:
        out.append(f"met with less than {THIN_MARGIN:.0%} to spare, which a slower hour of a shared machine can take away: {', '.join(thin)}")
    return "\n".join(out)


# The same code's Datasette pages ran 1.3-2.6x slower on a slow day than on a usual one
# (docs/performance.md, round 3): a target met by less than this is reported as thin.
THIN_MARGIN = 0.10


def margin(name: str, limit: float, value: float) -> float:
    """How much room a measurement leaves under its limit (over it, for the targets in AT_LEAST),
    as a share of the limit: negative when the target is missed."""
    return (value - limit) / limit if name in AT_LEAST else (limit - value) / limit


def targets(result: SizeResult) -> list[tuple[str, float, float, bool]]:
    f, pages = result.figures, result.datasette.get("pages", {})
    measured = {
        "cold full build (s)": f["cold_full_build_s"], "cold full build / floor": f["cold_full_build_over_floor"],
        "validate after one change (s)": f["validate_one_change_s"], "build after one change (s)": f["build_one_change_s"],
        "peak memory of the build (MB)": max(f["build_cold_peak_mb"], f.get("db_peak_mb", 0.0)),
        "frictionless / tablecheck": f["frictionless_over_tablecheck"],
    }
    for name, page in (("table page, two facets p90 (ms)", "table page, two facets"), ("search with a facet p90 (ms)", "search with a facet"),
                       ("row page p90 (ms)", "row page"), ("article page p90 (ms)", "article page")):
        if "p90_ms" in pages.get(page, {}):
            measured[name] = pages[page]["p90_ms"]
    out = []
    for name, limit in TARGETS.items():
        if name in measured:
            value = measured[name]
            out.append((name, limit, value, margin(name, limit, value) >= 0))
    return out


def main(sizes: list[int], *, out_dir: Path, seed: int = 0, requests: int = 30, serial_up_to: int = 1_000, repeat: int = 1,
         instruction_records: int = 0) -> dict:
    """`instruction_records`: count the instructions of checking this many records of the largest
    corpus under callgrind (0: not at all; it takes about a minute)."""
    info = {**machine(), "speed_start": speed_probe()}
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = os.cpu_count() or 1
    results = []
    for n in sizes:
        print(f"{n:,} articles", flush=True)
        results.append(bench_size(out_dir, n, seed=seed, requests=requests, serial=n <= serial_up_to, workers=workers, repeat=repeat))
    counted = None
    if instruction_records:
        print(f"instructions of {instruction_records:,} records (callgrind) ...", flush=True)
        counted = {"corpus": sizes[-1], **instructions(corpus(out_dir, sizes[-1], seed, workers), instruction_records)}
    info["speed_end"] = speed_probe()
    text = report(results, info, counted)
    print()
    print(text)
    data = {"machine": info, "sizes": {str(r.n): {"figures": r.figures, "stages": r.stages, "datasette": r.datasette, "notes": r.notes}
                                       for r in results},
            "targets": [{"target": name, "limit": limit, "measured": value, "met": ok} for name, limit, value, ok in targets(results[-1])]}
    if counted is not None:
        data["instructions"] = counted
    (out_dir / "results.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (out_dir / "results.txt").write_text(text + "\n", encoding="utf-8")
    print(f"\nwrote {out_dir / 'results.json'} and results.txt")
    return data
