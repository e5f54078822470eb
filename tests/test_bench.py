"""The benchmark's own parts: memory of a process tree, percentiles, the report and its targets.
(`make bench` itself takes minutes; these check that its pieces measure what they say.)"""
from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import orjson
import pytest

from scripts.bench import SizeResult, _percentile, _records_json_items, floor, library_floor, report, run_command, targets
from scripts.layout import ROOT

from .conftest import cli, make_project

ROOT_DATASET = ROOT / "dataset"


def test_a_command_is_timed_and_its_process_tree_memory_is_seen():
    grow = "import subprocess, sys; subprocess.run([sys.executable, '-c', 'x = bytearray(60_000_000); import time; time.sleep(0.3)'])"
    run = run_command([sys.executable, "-c", grow])
    assert run.returncode == 0 and run.seconds > 0.3
    assert run.peak_mb > 60  # the child's 60 MB, seen through its parent


def test_a_command_s_cpu_seconds_count_its_children_and_not_its_sleep():
    burn = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
            "'import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.4: pass'])")
    busy = run_command([sys.executable, "-c", burn])
    idle = run_command([sys.executable, "-c", "import time; time.sleep(0.5)"])
    assert busy.returncode == idle.returncode == 0
    assert busy.cpu_s >= 0.4  # the grandchild's loop, reaped by its parent, reaches us
    assert idle.seconds >= 0.5 and idle.cpu_s < 0.3  # asleep costs wall time, not CPU time


def test_percentiles_are_nearest_rank():
    values = list(range(1, 11))
    assert _percentile(values, 0.9) == 9 and _percentile(values, 0.5) == 5 and _percentile([7.0], 0.9) == 7.0


def test_the_floor_reads_every_record(tmp_path):
    layout = make_project(tmp_path / "p", real=True)
    figures = floor(layout)
    # as many as the project holds (a contributor's new article makes six)
    assert figures["records"] == len(list(layout.records.glob("*.yaml"))) >= 5 and figures["seconds"] == figures["read_s"] + figures["parse_s"] > 0


def _measured_10000() -> SizeResult:
    """A result at 10,000 articles, some targets met and some missed."""
    result = SizeResult(10_000)
    result.figures = {"floor": {"seconds": 1.0}, "build_cold_s": 8.0, "build_cold_peak_mb": 300.0, "db_s": 4.0, "db_peak_mb": 100.0,
                      "cold_full_build_s": 12.0, "cold_full_build_over_floor": 12.0, "validate_warm_s": 0.5, "build_warm_s": 2.0,
                      "validate_one_change_s": 0.6, "build_one_change_s": 2.5, "tablecheck_s": 1.0, "frictionless_s": 6.0,
                      "frictionless_over_tablecheck": 6.0}
    result.stages = {"parse": {"seconds": 2.0, "items": 10_000}}
    result.datasette = {"pages": {"row page": {"median_ms": 5.0, "p90_ms": 30.0, "max_ms": 40.0}}}
    return result


def test_the_report_names_every_target_and_says_which_are_missed():
    result = _measured_10000()
    met = {name: ok for name, _, _, ok in targets(result)}
    assert met["cold full build (s)"] is False and met["cold full build / floor"] is True and met["row page p90 (ms)"] is False
    assert met["frictionless / tablecheck"] is True and "article page p90 (ms)" not in met
    text = report([result], {"nproc": 2, "cpu": "test", "memory": "1Gi", "python": "3.11", "speed_start": 12.25, "speed_end": 9.5})
    assert "parse" in text and "5,000" in text and "NO" in text
    assert "12.2M additions/s at the start of the run and 9.5M at the end" in text


def test_the_speed_probe_measures_a_loop():
    import time

    from scripts.bench import PROBE_ADDITIONS, speed_probe

    t0 = time.perf_counter()
    speed = speed_probe(rounds=1)  # millions of additions a second
    elapsed = time.perf_counter() - t0
    loop_seconds = PROBE_ADDITIONS / (speed * 1e6)
    assert elapsed / 2 <= loop_seconds <= elapsed  # the loop is the call's time, and no more


def test_of_repeated_cold_runs_the_median_one_is_reported(monkeypatch, tmp_path):
    import json

    from scripts import bench
    from scripts.layout import Layout

    # build, db seconds of three runs: cold full builds 6, 11 and 3 s; the median is the first
    seconds = iter([5.0, 1.0, 9.0, 2.0, 2.0, 1.0])
    builds = iter(["first", "second", "third"])
    resets = []

    def fake_run(args, **_):
        if "--timings" in args:  # a build writes its stage clock
            Path(args[args.index("--timings") + 1]).write_text(json.dumps({"stages": {"CSV": {"seconds": 1, "items": 1}},
                                                                            "run": next(builds)}))
        return bench.Run(next(seconds), 10.0, 0)

    monkeypatch.setattr(bench, "run_command", fake_run)
    monkeypatch.setattr(bench, "reset", lambda layout: resets.append(layout))
    build, clock, db, totals = bench._cold_runs(Layout(tmp_path), tmp_path / "timings.json", 3)
    assert totals == [6.0, 11.0, 3.0] and len(resets) == 2  # every run after the first starts from nothing
    assert (build.seconds, db.seconds, clock["run"]) == (5.0, 1.0, "first")


def test_callgrinds_count_is_read_from_its_summary():
    from scripts.bench import collected

    stderr = ("==2697== Callgrind, a call-graph generating cache profiler\n==2697== Events    : Ir\n"
              "==2697== Collected : 1397698484\n==2697== \n==2697== I   refs:      1,397,698,484\n")
    assert collected(stderr) == 1_397_698_484
    assert collected("valgrind: no such tool\n") is None
    assert collected("==1== Collected : 12 and more\n") is None  # not callgrind's line


def test_without_valgrind_instructions_are_not_counted_and_the_report_says_so(monkeypatch, tmp_path):
    from scripts import bench

    monkeypatch.setattr(bench.shutil, "which", lambda name: None)
    counted = bench.instructions(make_project(tmp_path / "p", real=True), 2)
    assert "per_record" not in counted and "valgrind is not installed" in counted["note"]
    result = _measured_10000()
    info = {"nproc": 2, "cpu": "test", "memory": "1Gi", "python": "3.11"}
    assert counted["note"] in report([result], info, counted)
    per_record = {"corpus": 100, "records": 50, "start_up": 1_400_000_000, "total": 2_220_000_000, "per_record": 16_400_000.0}
    assert "16.40M a record to check and format (50 records of the 100-article corpus in one process, less 1,400M" in report(
        [result], info, per_record)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed (Debian: apt-get install valgrind)")
def test_instructions_are_counted_per_record_and_a_run_counts_the_same_twice(tmp_path):
    from scripts.bench import instructions

    layout = make_project(tmp_path / "p", real=True)
    one, none = instructions(layout, 2), instructions(layout, 0)  # three runs under valgrind: about 35 s
    assert one["records"] == 2 and one["total"] > one["start_up"] > 0, one
    assert one["per_record"] == (one["total"] - one["start_up"]) / 2 > 1_000_000  # a real record costs millions
    assert none["records"] == 0 and none["per_record"] is None
    assert abs(none["start_up"] - one["start_up"]) / one["start_up"] < 1e-4  # hash seeds fixed: 196 and 15,752 apart in 1.2 billion, seen


def test_records_json_is_cut_into_its_documents():
    blob = (ROOT_DATASET / "records.json").read_bytes()
    assert [orjson.loads(item) for item in _records_json_items(blob)] == orjson.loads(blob)
    assert _records_json_items(b"[]\n") == []


def test_the_libraries_floor_writes_every_table_row_and_document(real_copy):
    assert cli("build", "--root", str(real_copy.root)).exit_code == 0
    figures = library_floor(real_copy)
    data_rows = sum(len(list(csv.reader(open(t, newline="", encoding="utf-8")))) - 1 for t in real_copy.tables.glob("*.csv"))
    records = len(list(real_copy.records.glob("*.yaml")))
    assert figures["records"] == figures["documents"] == records >= 5 and figures["rows"] == data_rows > 600
    assert set(figures["parts"]) == {"pydantic", "csv.writer", "orjson records.json", "sha256"}
    assert figures["cpu_s"] == sum(figures["parts"].values()) > 0


def test_the_report_gives_the_libraries_bound_and_what_it_is_made_of():
    result = _measured_10000()
    result.figures.update(library_floor={"cpu_s": 4.0, "parts": {"pydantic": 1.25, "csv.writer": 2.75}},
                          libraries_bound_s=6.5, libraries_bound_over_floor=6.5)
    text = report([result], {"nproc": 2, "cpu": "test", "memory": "1Gi", "python": "3.11"})
    assert "bound: floor+libraries+db CPU / cores" in text and "6.50" in text and "6.5x" in text
    assert "pydantic 1.25, csv.writer 2.75" in text


def test_margins_are_the_room_left_and_a_thin_one_is_named():
    from scripts.bench import margin

    assert margin("row page p90 (ms)", 20.0, 15.0) == 0.25 and margin("row page p90 (ms)", 20.0, 30.0) == -0.5
    assert margin("frictionless / tablecheck", 5.0, 6.0) == pytest.approx(0.2)
    result = _measured_10000()
    result.figures["validate_one_change_s"] = 0.95  # met, with 5% to spare
    text = report([result], {"nproc": 2, "cpu": "test", "memory": "1Gi", "python": "3.11"})
    assert "+5%" in text and "-50%" in text  # validate's thin margin; the row page's 30 ms against 20
    assert text.splitlines()[-1].startswith("met with less than 10% to spare") and "validate after one change (s)" in text.splitlines()[-1]
