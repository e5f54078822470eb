"""Build the published package: tables, nested JSON, datapackage.json and the codebook.

Everything is written into a fresh folder under build/ first; only when every file has been
written does it move into place, so a failed build (bad record, write error, interrupt) leaves
the previously published files exactly as they were.
"""
from __future__ import annotations

import csv
import datetime as dt
import filecmp
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional

from schema.package import PackageMeta
from schema.tables import TABLES

from .layout import Layout
from .problems import Problem
from .rows import all_rows
from .validate import Result, parse, validate


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


def write_csv(path: Path, columns: list[str], rows: list[dict]) -> None:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")  # RFC 4180
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def nested_records(tables: dict[str, list[dict]]) -> list[dict]:
    """One document per article: the same rows as the tables, nested under their article."""
    docs = {r["article_id"]: {**r, "credits": [], "claims": [], "figures": [], "skips": [], "mentions": []} for r in tables["articles"]}
    subjects: dict[str, list[str]] = {}
    for r in tables["claim_subjects"]:
        subjects.setdefault(r["claim_id"], []).append(r["actor_id"])
    for name in ("credits", "claims", "figures", "skips", "mentions"):
        for r in tables[name]:
            item = {k: v for k, v in r.items() if k != "article_id"}
            if name == "claims":
                item["subjects"] = subjects.get(r["claim_id"], [])
            docs[r["article_id"]][name].append(item)
    return [_jsonable(d) for d in docs.values()]


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class BuildOutcome:
    problems: list[Problem]
    result: Optional[Result] = None
    written: tuple[str, ...] = ()


# Published files, relative to the project root, and how each is produced in the staging folder.
def published_files(layout: Layout) -> list[str]:
    tables = [f"dataset/tables/{m.TABLE.name}.csv" for m in TABLES]
    return tables + ["dataset/records.json", "datapackage.json", "docs/codebook.md",
                     "schema/record.schema.json", "schema/actors.schema.json", "schema/propositions.schema.json"]


def stage(layout: Layout, result: Result, staging: Path) -> None:
    """Write every published file under `staging`, mirroring the project layout."""
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


def build(layout: Layout, *, before_publish: Callable[[Path], None] | None = None) -> BuildOutcome:
    result = validate(layout)
    if not result.ok:
        return BuildOutcome(result.problems, result)
    staging = _staging_dir(layout)
    try:
        stage(layout, result, staging)
        if before_publish:  # test hook: lets a test fail the build after staging, before publishing
            before_publish(staging)
        files = published_files(layout)
        publish(layout, staging, files)
        _remove_stale_tables(layout)
        return BuildOutcome([], result, tuple(files))
    except BuildError as exc:
        return BuildOutcome(exc.problems, result)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def publish(layout: Layout, staging: Path, files: list[str]) -> None:
    """Move the staged files into place. Each move is an atomic rename; the previous files are
    kept aside until all moves are done, and put back if any move fails or is interrupted, so
    the published package is never a mix of two builds."""
    backup = staging / ".previous"
    moved: list[str] = []
    try:
        for rel in files:
            target = layout.root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                (backup / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, backup / rel)
            moved.append(rel)
            os.replace(staging / rel, target)
    except BaseException:  # including KeyboardInterrupt: restore, then let it propagate
        for rel in reversed(moved):
            target, previous = layout.root / rel, backup / rel
            if previous.exists():
                os.replace(previous, target)
            elif target.exists():
                target.unlink()
        raise


def _remove_stale_tables(layout: Layout) -> None:
    expected = {f"{m.TABLE.name}.csv" for m in TABLES}
    for path in layout.tables.glob("*.csv"):
        if path.name not in expected:
            path.unlink()


def stale(layout: Layout) -> tuple[list[Problem], list[str]]:
    """Build into a scratch folder and list published files that differ from a fresh build."""
    result = validate(layout)
    if not result.ok:
        return result.problems, []
    staging = _staging_dir(layout)
    try:
        stage(layout, result, staging)
        differ = [rel for rel in published_files(layout)
                  if not (layout.root / rel).exists() or not filecmp.cmp(staging / rel, layout.root / rel, shallow=False)]
        return [], differ
    except BuildError as exc:
        return exc.problems, []
    finally:
        shutil.rmtree(staging, ignore_errors=True)
