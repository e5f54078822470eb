"""Where things live in the repository (the layout of the data contract)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_NAME = re.compile(r"^(?P<article_id>[0-9]{3,})_(?P<hash16>[0-9a-f]{16})\.txt$")
RECORD_NAME = re.compile(r"^(?P<article_id>[0-9]{3,})\.yaml$")


@dataclass(frozen=True)
class Layout:
    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def records(self) -> Path:
        return self.root / "dataset" / "records"

    @property
    def actors(self) -> Path:
        return self.root / "dataset" / "actors.yaml"

    @property
    def propositions(self) -> Path:
        return self.root / "dataset" / "propositions.yaml"

    @property
    def package_meta(self) -> Path:
        return self.root / "dataset" / "package.yaml"

    @property
    def tables(self) -> Path:
        return self.root / "dataset" / "tables"

    @property
    def records_json(self) -> Path:
        return self.root / "dataset" / "records.json"

    @property
    def datapackage(self) -> Path:
        return self.root / "datapackage.json"

    @property
    def codebook(self) -> Path:
        return self.root / "docs" / "codebook.md"

    @property
    def record_schema(self) -> Path:
        return self.root / "schema" / "record.schema.json"

    @property
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
        return sorted(p for p in self.records.glob("*.yaml"))
