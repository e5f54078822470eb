"""Build the published package: tables, nested JSON, datapackage.json and the codebook.

Everything is written into a fresh folder under build/ first; only when every file has been
written does it move into place, so a failed build (bad record, write error, interrupt) leaves
the previously published files exactly as they were. The tables and records.json are written
as the records are checked, one article's fragment after another (scripts/fragments.py), so
the package is never held in memory whole.
"""
from __future__ import annotations

import filecmp
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import orjson

from schema.package import PackageMeta
from schema.tables import TABLES

from . import pipeline
from .fragments import COLUMNS, NESTED, Fragment, claim_lists, csv_text, dump_json, jsonable
from .layout import Layout
from .pipeline import CheckRun
from .problems import Problem
from .rows import all_rows, registry_rows, sort_rows
from .stageclock import NO_CLOCK, StageClock
from .validate import Result, parse


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    path.write_text(csv_text(columns, rows, header=True), encoding="utf-8", newline="")


def nested_records(tables: dict[str, list[dict]]) -> list[dict]:
    """One document per article: the same rows as the tables, nested under their article."""
    docs = {r["article_id"]: {**r, "credits": [], "claims": [], "figures": [], "skips": [], "mentions": []} for r in tables["articles"]}
    lists = claim_lists(tables)
    for name in NESTED:
        for r in tables[name]:
            item = {k: v for k, v in r.items() if k != "article_id"}
            if name == "claims":
                for key, by_claim in lists.items():
                    item[key] = by_claim.get(r["claim_id"], [])
            docs[r["article_id"]][name].append(item)
    return [jsonable(d) for d in docs.values()]


@dataclass
class BuildOutcome:
    problems: list[Problem]
    result: Optional[CheckRun] = None
    written: tuple[str, ...] = ()


# Published files, relative to the project root, and how each is produced in the staging folder.
def published_files(layout: Layout) -> list[str]:
    tables = [f"dataset/tables/{m.TABLE.name}.csv" for m in TABLES]
    return tables + ["dataset/records.json", "datapackage.json", "docs/codebook.md",
                     "schema/record.schema.json", "schema/actors.schema.json", "schema/propositions.schema.json"]


class HashingFile:
    """A file written in bytes that counts and hashes what it writes, so that datapackage.json
    need not read the package again (250 MB at 10,000 articles)."""

    def __init__(self, path: Path):
        self.path, self.fh = path, path.open("wb")
        self.size, self.sha256 = 0, hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.size += len(data)
        self.sha256.update(data)

    def close(self) -> None:
        self.fh.close()


class PackageWriter:
    """Writes the article tables and records.json in the staging folder fragment by fragment."""

    def __init__(self, staging: Path, clock: StageClock):
        self.clock = clock
        (staging / "dataset" / "tables").mkdir(parents=True)
        self.tables = {name: HashingFile(staging / "dataset" / "tables" / f"{name}.csv") for name in COLUMNS}
        for name, fh in self.tables.items():
            fh.write(csv_text(COLUMNS[name], [], header=True).encode("utf-8"))
        self.records = HashingFile(staging / "dataset" / "records.json")
        self.documents = 0
        # record path -> where its fragment went: {"sha256": ..., "parts": {part: [offset, length]}},
        # for the record cache, which reads fragments back from these files (scripts/recordcache.py)
        self.placed: dict[str, bytes] = {}

    def add(self, display: str, frag: Fragment) -> None:
        parts: dict[str, tuple[int, int]] = {}
        with self.clock.stage("CSV"):
            for name, data in frag.tables.items():
                fh = self.tables[name]
                parts[name] = (fh.size, len(data))
                fh.write(data)
        with self.clock.stage("JSON"):
            self.records.write(b"[\n" if not self.documents else b",\n")
            parts["document"] = (self.records.size, len(frag.document))
            self.records.write(frag.document)
            self.documents += 1
        self.placed[display] = orjson.dumps({"sha256": frag.sha256, "parts": parts})

    def part_files(self) -> dict[str, Path]:
        """The file of each part of a fragment (the tables by name, and the document)."""
        return {**{name: fh.path for name, fh in self.tables.items()}, "document": self.records.path}

    def finish(self, registry_tables: dict[str, list[dict]]) -> None:
        with self.clock.stage("CSV", sum(len(rows) for rows in registry_tables.values())):
            for name, rows in registry_tables.items():
                self.tables[name].write(csv_text(COLUMNS[name], rows).encode("utf-8"))
        with self.clock.stage("JSON"):
            self.records.write(b"\n]\n" if self.documents else b"[]\n")
        self.close()

    def written(self) -> dict[Path, tuple[int, str]]:
        return {f.path: (f.size, f.sha256.hexdigest()) for f in [*self.tables.values(), self.records]}

    def close(self) -> None:
        for fh in [*self.tables.values(), self.records]:
            fh.close()


def _codebook_tables(run: CheckRun, registry_tables: dict[str, list[dict]]) -> dict[str, list]:
    """What the codebook reads of the tables: the articles' contents line, the registry rows, and
    how many rows each table has per article (one shared {'article_id': ...} per article stands
    in for each of its rows)."""
    tables: dict[str, list] = {"articles": [], **registry_tables}
    for name in COLUMNS:
        tables.setdefault(name, [])
    for a in run.articles:
        tables["articles"].append({"article_id": a.article_id, "title": a.title, "publisher": a.publisher,
                                   "published": a.published, "published_basis": a.published_basis})
        ref = {"article_id": a.article_id}
        for name, n in a.counts.items():
            if name != "articles":
                tables[name] += [ref] * n
    return tables


def stage(layout: Layout, staging: Path, *, workers: Optional[int] = None, clock: StageClock = NO_CLOCK) -> CheckRun:
    """Check every record and write every published file under `staging`, mirroring the project
    layout. Returns the check; its problems (if any) mean the staged files must not be published.
    The check carries where each fragment was written (`kept`), which `build` tells the record
    cache once the files are published, or kept in build/cache/store/."""
    from . import codebook, jsonschema
    from .package import descriptor

    writer = PackageWriter(staging, clock)
    try:
        run = pipeline.run(layout, on_fragment=writer.add, workers=workers, clock=clock)
        run.kept = (writer.part_files(), writer.placed)
        if not run.ok:
            return run
        claims = [{"article_id": a.article_id, "proposition_id": p, "stance": s} for a in run.articles for p, s in a.stances]
        registry_tables = {name: sort_rows(name, rows) for name, rows in registry_rows(run.registries, claims).items()}
        writer.finish(registry_tables)
    finally:
        writer.close()
    meta, _, meta_problems = parse(PackageMeta, layout.package_meta, layout.rel(layout.package_meta))
    if meta_problems:
        raise BuildError(meta_problems)
    with clock.stage("datapackage"):
        seeds = [(a.article_id, a.seed_file, a.seed_sha256) for a in run.articles]  # seed_file is seeds/<name>
        package = descriptor(meta, staging / "dataset", seeds, writer.written())
        (staging / "datapackage.json").write_text(dump_json(package), encoding="utf-8")
    with clock.stage("codebook and schemas"):
        (staging / "docs").mkdir()
        (staging / "docs" / "codebook.md").write_text(codebook.render(package, _codebook_tables(run, registry_tables)), encoding="utf-8")
        (staging / "schema").mkdir()
        for name, text in jsonschema.render().items():
            (staging / "schema" / name).write_text(text, encoding="utf-8")
    return run


def stage_in_memory(layout: Layout, result: Result, staging: Path) -> None:
    """The same files from `validate.validate`'s articles, every table in memory: the reference
    the streaming `stage` is tested against (it must write the same bytes)."""
    from . import codebook, jsonschema
    from .package import descriptor

    meta, _, meta_problems = parse(PackageMeta, layout.package_meta, layout.rel(layout.package_meta))
    if meta_problems:
        raise BuildError(meta_problems)
    tables = all_rows(result.articles, result.registries)
    (staging / "dataset" / "tables").mkdir(parents=True)
    for model in TABLES:
        name = model.TABLE.name
        write_csv(staging / "dataset" / "tables" / f"{name}.csv", list(model.model_fields), tables[name])
    (staging / "dataset" / "records.json").write_text(dump_json(nested_records(tables)), encoding="utf-8")
    seeds = [(a.article_id, f"seeds/{a.record.seed.file}", a.record.seed.sha256) for a in result.articles]
    package = descriptor(meta, staging / "dataset", seeds)
    (staging / "datapackage.json").write_text(dump_json(package), encoding="utf-8")
    (staging / "docs").mkdir()
    (staging / "docs" / "codebook.md").write_text(codebook.render(package, tables), encoding="utf-8")
    (staging / "schema").mkdir()
    for name, text in jsonschema.render().items():
        (staging / "schema" / name).write_text(text, encoding="utf-8")


class BuildError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(p.format() for p in problems))
        self.problems = problems


def _staging_dir(layout: Layout) -> Path:
    layout.build_dir.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="package-", dir=layout.build_dir))


def build(layout: Layout, *, before_publish: Callable[[Path], None] | None = None, workers: Optional[int] = None,
          clock: StageClock = NO_CLOCK) -> BuildOutcome:
    staging = _staging_dir(layout)
    result, published = None, False
    try:
        result = stage(layout, staging, workers=workers, clock=clock)
        if not result.ok:
            with clock.stage("cache"):
                _keep_fragments(layout, staging, result, published=False)
            return BuildOutcome(result.problems, result)
        if before_publish:  # test hook: lets a test fail the build after staging, before publishing
            before_publish(staging)
        files = published_files(layout)
        with clock.stage("publish"):
            publish(layout, staging, files)
        published = True
        _remove_stale_tables(layout)
        with clock.stage("cache"):
            _keep_fragments(layout, staging, result, published=True)
        return BuildOutcome([], result, tuple(files))
    except BuildError as exc:
        return BuildOutcome(exc.problems, result)
    except KeyboardInterrupt:
        raise BuildInterrupted(published) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _keep_fragments(layout: Layout, staging: Path, run: CheckRun, *, published: bool) -> None:
    """Tell the record cache where this build wrote each fragment, so the next build reads them
    back instead of making them again: in the published files, or, when the build failed, in its
    staged files, which are kept in build/cache/store/ for the purpose."""
    if run.kept is None:
        return
    files, placed = run.kept
    store = layout.build_dir / "cache" / "store"
    shutil.rmtree(store, ignore_errors=True)
    if published:
        rel = {part: path.relative_to(staging).as_posix() for part, path in files.items()}
    else:
        store.mkdir(parents=True)
        rel = {}
        for part, path in files.items():
            os.replace(path, store / path.name)
            rel[part] = (store / path.name).relative_to(layout.root).as_posix()
    cache = pipeline.open_cache(layout)
    try:
        cache.keep_fragments(rel, placed)
    finally:
        cache.close()


def publish(layout: Layout, staging: Path, files: list[str]) -> None:
    """Move the staged files into place. Each move is an atomic rename; the previous files are
    kept aside until all moves are done, and put back if any move fails or is interrupted, so
    the published package is never a mix of two builds.

    What was moved is read back from the files themselves, not from a list kept beside the
    renames: an interrupt can land between a rename and the line that would record it."""
    backup = staging / ".previous"
    begun: list[str] = []
    try:
        for rel in files:
            begun.append(rel)  # before either rename: restoring a file not yet touched is a no-op
            target = layout.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                (backup / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, backup / rel)
            os.replace(staging / rel, target)
    except BaseException:  # including KeyboardInterrupt: restore, then let it propagate
        for rel in reversed(begun):
            target, previous, staged = layout.root / rel, backup / rel, staging / rel
            if previous.exists():  # the old file was moved aside (and the new one perhaps in)
                os.replace(previous, target)
            elif not staged.exists() and target.exists():  # the new file went in where none was
                target.unlink()
            # else: nothing of this file moved; the target, if any, is the old file
        raise


class BuildInterrupted(KeyboardInterrupt):
    """Ctrl-C during a build, with what it left published (still a KeyboardInterrupt to callers)."""

    def __init__(self, published: bool):
        super().__init__("published" if published else "unchanged")
        self.published = published


def _remove_stale_tables(layout: Layout) -> None:
    expected = {f"{m.TABLE.name}.csv" for m in TABLES}
    for path in layout.tables.glob("*.csv"):
        if path.name not in expected:
            path.unlink()


def stale(layout: Layout, *, workers: Optional[int] = None) -> tuple[list[Problem], list[str]]:
    """Build into a scratch folder and list published files that differ from a fresh build."""
    staging = _staging_dir(layout)
    try:
        result = stage(layout, staging, workers=workers)
        if not result.ok:
            return result.problems, []
        differ = [rel for rel in published_files(layout)
                  if not (layout.root / rel).exists() or not filecmp.cmp(staging / rel, layout.root / rel, shallow=False)]
        return [], differ
    except BuildError as exc:
        return exc.problems, []
    finally:
        shutil.rmtree(staging, ignore_errors=True)
