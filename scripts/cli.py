"""`python -m scripts <command>`: the commands under the Makefile's targets."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .layout import ROOT, Layout
from .problems import in_github_actions


def _layout(root: str | None) -> Layout:
    return Layout(Path(root).resolve() if root else ROOT)


root_option = click.option("--root", type=click.Path(file_okay=False, exists=True), default=None,
                           help="Project root to work on (default: this checkout).")
jobs_option = click.option("--jobs", type=click.IntRange(1), default=None,
                           help="Worker processes for checking records (default: one per core).")
timings_option = click.option("--timings", type=click.Path(dir_okay=False), default=None,
                              help="Also write the seconds spent per stage to this JSON file (for `bench`).")


def report(problems, *, github: bool) -> None:
    for p in problems:
        click.echo(p.format(), err=True)
        if github:
            click.echo(p.annotation())
    if problems:
        files = len({p.file for p in problems})
        click.echo(f"{len(problems)} problem(s) in {files} file(s)", err=True)


def _report_build(outcome, t0: float, *, github: bool, failed: str) -> None:
    """What `build` and `serve` say after building: every problem and exit 1, or what was built."""
    report(outcome.problems, github=github)
    if outcome.problems:
        click.echo(failed, err=True)
        sys.exit(1)
    click.echo(f"built {len(outcome.written)} files from {len(outcome.result.articles)} record(s) in {time.perf_counter() - t0:.2f}s", err=True)


@click.group()
def main() -> None:
    """Tools that keep the dataset honest. Each command has --help."""


@main.command()
@root_option
@click.option("--github/--no-github", default=None, help="Also print GitHub Actions ::error annotations (default: on under GitHub Actions).")
@jobs_option
@timings_option
@click.argument("records", nargs=-1, type=click.Path())  # a folder is a located problem, not a usage error
def validate(root, github, jobs, timings, records) -> None:
    """Validate records, registries and seeds; report every problem the checks reach, exit 1 on any.

    A record whose fields are not all well-formed (types, required fields, allowed values) is
    checked against its seed and the registries once they are: a second run can show more.

    Records unchanged since the last run (same bytes, seed, registries and code) are not checked
    again: their outcome comes from build/cache/.

    Example: python -m scripts validate dataset/records/004.yaml
    """
    from .pipeline import run
    from .stageclock import StageClock

    layout = _layout(root)
    only = [Path(r).resolve() for r in records]
    # Naming the records folder itself asks for every record in it, as no argument does; any other
    # folder (dataset/records/901.yaml made a folder by mistake) stays a located problem.
    only = None if not only or layout.records.resolve() in only else only
    t0 = time.perf_counter()
    clock = StageClock()
    result = run(layout, only, workers=jobs, clock=clock)
    if timings:
        clock.write(Path(timings), wall=time.perf_counter() - t0, checked=result.checked)
    report(result.problems, github=in_github_actions() if github is None else github)
    if not result.ok:
        sys.exit(1)
    click.echo(f"ok: {len(result.articles)} record(s) valid in {time.perf_counter() - t0:.2f}s", err=True)


@main.command()
@root_option
@click.option("--check", is_flag=True, help="Write nothing; fail if a committed generated file differs from a fresh build.")
@click.option("--github/--no-github", default=None, help="Also print GitHub Actions ::error annotations.")
@jobs_option
@timings_option
def build(root, check, github, jobs, timings) -> None:
    """Validate, then write dataset/tables/*.csv, dataset/records.json, datapackage.json,
    docs/codebook.md and schema/*.schema.json. Nothing is replaced unless every file was written.

    Example: python -m scripts build --check
    """
    from .build import BuildInterrupted, stale
    from .build import build as run
    from .stageclock import StageClock

    layout = _layout(root)
    gh = in_github_actions() if github is None else github
    t0 = time.perf_counter()
    if check:
        problems, differ = stale(layout, workers=jobs)
        report(problems, github=gh)
        if problems:
            sys.exit(1)
        for rel in differ:
            click.echo(f"{rel}: stale: differs from a fresh build; run `make build` and commit the result", err=True)
            if gh:
                click.echo(f"::error file={rel}::stale generated file; run make build and commit the result")
        if differ:
            sys.exit(1)
        click.echo(f"ok: generated files are up to date ({time.perf_counter() - t0:.2f}s)", err=True)
        return
    clock = StageClock()
    try:
        outcome = run(layout, workers=jobs, clock=clock)
    except BuildInterrupted as exc:
        said = ("the new files had all been published; run `make build` again to refresh the record cache" if exc.published
                else "the published files were left as they were")
        click.echo(f"build interrupted: {said}", err=True)
        sys.exit(130)
    if timings:
        clock.write(Path(timings), wall=time.perf_counter() - t0, checked=outcome.result.checked if outcome.result else 0)
    _report_build(outcome, t0, github=gh, failed="build failed: the published files were left as they were")


@main.command("format")
@root_option
@click.option("--check", is_flag=True, help="Change nothing; print the diff and exit 1 if a file is not canonical.")
def format_(root, check) -> None:
    """Rewrite records and registries in canonical form (order, quoting, indentation).

    Example: python -m scripts format --check
    """
    from .canonical import format_files

    layout = _layout(root)
    problems, changed, dropped = format_files(layout, check=check)
    report(problems, github=in_github_actions())
    dropped_in = dict(dropped)
    for display, diff in changed:
        if check:
            click.echo(f"{display}: not in canonical form; run `make format` [not-canonical]", err=True)
            click.echo(diff, err=True)
        else:
            n = dropped_in.get(display)
            said = f" (dropped {n} comment line(s): records keep no comments; a note belongs in `note`)" if n else ""
            click.echo(f"formatted {display}{said}", err=True)
    if problems or (check and changed):
        sys.exit(1)


@main.command()
@root_option
@click.argument("seed", type=click.Path())  # a folder is reported as a problem (seed-missing), not a usage error
def new(root, seed) -> None:
    """Scaffold a record for a new article from its text (any file name, any place).

    Copies the text to seeds/<article_id>_<first 16 hex of sha256>.txt (the next free id) and
    writes dataset/records/<article_id>.yaml. Never overwrites a seed or a record.

    Example: python -m scripts new ~/Downloads/article.txt
    """
    from .scaffold import ScaffoldError, scaffold

    layout = _layout(root)
    try:
        made = scaffold(layout, Path(seed))
    except ScaffoldError as exc:
        report([exc.problem], github=in_github_actions())
        sys.exit(1)
    click.echo(f"archived {layout.rel(made.seed)}")
    click.echo(f"wrote {layout.rel(made.record)}: fill it in (CONTRIBUTING.md), then `make validate`")


@main.command()
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if CONTRIBUTING.md's error-code section is stale.")
def docs(check) -> None:
    """Regenerate the error-code reference in CONTRIBUTING.md (an example for every code).

    Example: python -m scripts docs --check
    """
    from .docs import sync

    if sync(check):
        click.echo("ok: CONTRIBUTING.md's error codes are current", err=True)
    elif check:
        click.echo("CONTRIBUTING.md: error-code section is stale; run `make docs` [not-canonical]", err=True)
        sys.exit(1)
    else:
        click.echo("updated CONTRIBUTING.md", err=True)


def _build_db(layout: Layout):
    """Build build/dataset.db and build/metadata.json; on a bad package, say where and exit 1."""
    from .db import PackageError, build_db

    try:
        outcome = build_db(layout)
    except PackageError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        click.echo("db failed: the database was left as it was", err=True)
        sys.exit(1)
    click.echo(f"wrote {layout.rel(outcome.files.db)} ({sum(outcome.rows.values())} rows in {len(outcome.rows)} tables) "
               f"and {layout.rel(outcome.files.metadata)} in {outcome.seconds:.2f}s", err=True)
    return outcome


@main.command()
@root_option
def db(root) -> None:
    """Build the SQLite database for Datasette (build/dataset.db) and its metadata (build/metadata.json)
    from the published package: datapackage.json, dataset/tables/*.csv and seeds/.

    Example: python -m scripts db
    """
    _build_db(_layout(root))


@main.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
def serve(root, host, port) -> None:
    """Build the package (as `build` does) and the database (as `db` does), then browse them in
    Datasette, read-only. Nothing is served when the records do not validate.

    Example: python -m scripts serve --port 8001
    """
    from .build import build as run
    from .serve import serve as run_datasette

    layout = _layout(root)
    t0 = time.perf_counter()
    _report_build(run(layout), t0, github=in_github_actions(),
                  failed="serve: the package does not build, so nothing is served; fix the problems above")
    run_datasette(_build_db(layout).files, host, port)


@main.command()
@root_option
def tablecheck(root) -> None:
    """Check the published tables against datapackage.json: sizes and hashes, headers, types,
    constraints, primary keys and foreign keys (the fast check; CI also runs frictionless).

    Example: python -m scripts tablecheck
    """
    from .tablecheck import check_package

    layout = _layout(root)
    t0 = time.perf_counter()
    problems = check_package(layout.root)
    for problem in problems:
        click.echo(problem.format(), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) in the published tables", err=True)
        sys.exit(1)
    click.echo(f"ok: the published tables match datapackage.json ({time.perf_counter() - t0:.2f}s)", err=True)


@main.command()
@click.option("--max", "largest", type=click.IntRange(100), default=1_000, show_default=True,
              help="Largest corpus: sizes 100, 1,000 and 10,000 up to this many articles (10000 takes minutes).")
@click.option("--requests", type=click.IntRange(5), default=30, show_default=True, help="Requests per Datasette page.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the synthetic corpus.")
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Where corpora and results go (default: build/bench).")
@click.option("--repeat", type=click.IntRange(1), default=1, show_default=True,
              help="Cold builds and databases per size; the run with the median cold full build is reported.")
@click.option("--instructions", "instruction_records", type=click.IntRange(0), default=0, show_default=True, metavar="N",
              help="Also count, with valgrind's callgrind, the instructions of checking N records of the largest corpus "
                   "(0: not counted; 200 takes about a minute).")
def bench(largest, requests, seed, out, repeat, instruction_records) -> None:
    """Benchmark validate, build, the database and Datasette on synthetic corpora of 100, 1,000
    (and with --max 10000, 10,000) articles; print the figures and write build/bench/results.json.

    Example: python -m scripts bench --max 10000 --repeat 3 --instructions 200
    """
    from .bench import SIZES, main as run

    sizes = [n for n in SIZES if n <= largest]
    run(sizes, out_dir=Path(out).resolve() if out else ROOT / "build" / "bench", seed=seed, requests=requests, repeat=repeat,
        instruction_records=instruction_records)
