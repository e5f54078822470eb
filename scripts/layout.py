"""Where things live in the repository (the layout of the data contract)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_NAME = re.compile(r"^(?P<article_id>[0-9]{3,})_(?P<hash16>[0-9a-f]{16})\.txt$")
RECORD_NAME = re.compile(r"^(?P<article_id>[0-9]{3,})\.yaml$")


@dataclass(frozen=True)
class Layout:
    """Where everything is under `root`. The paths are cached: a check of 10,000 records asks for
    the records and seeds folders tens of thousands of times."""

    root: Path

    @cached_property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @cached_property
    def records(self) -> Path:
        return self.root / "dataset" / "records"

    @cached_property
    def actors(self) -> Path:
        return self.root / "dataset" / "actors.yaml"

    @cached_property
    def propositions(self) -> Path:
        return self.root / "dataset" / "propositions.yaml"

    @cached_property
    def package_meta(self) -> Path:
        return self.root / "dataset" / "package.yaml"

    @cached_property
    def tables(self) -> Path:
        return self.root / "dataset" / "tables"

    @cached_property
    def records_json(self) -> Path:
        return self.root / "dataset" / "records.json"

    @cached_property
    def datapackage(self) -> Path:
        return self.root / "datapackage.json"

    @cached_property
    def codebook(self) -> Path:
        return self.root / "docs" / "codebook.md"

    @cached_property
    def record_schema(self) -> Path:
        return self.root / "schema" / "record.schema.json"

    @cached_property
    def build_dir(self) -> Path:
        return self.root / "build"

    @cached_property
    def resolved_root(self) -> Path:
        return self.root.resolve()

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.resolved_root).as_posix()
        except ValueError:
            return str(path)

    def record_files(self) -> list[Path]:
        # Names sorted as text, then joined: the files glob("*.yaml") finds, in the order sorting
        # their Paths gives, without comparing 10,000 Paths part by part (0.15 s).
        try:
            names = sorted(name for name in os.listdir(self.records) if name.endswith(".yaml"))
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [self.records / name for name in names]
