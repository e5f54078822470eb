"""Package-level metadata (dataset/package.yaml): the hand-written part of datapackage.json."""
from __future__ import annotations

from typing import Optional

from pydantic import Field

from .record import Strict


class License(Strict):
    name: str = Field(description="SPDX identifier, e.g. CC-BY-4.0.")
    title: str = Field(description="Human-readable licence name.")
    path: str = Field(description="URL of the licence text.")


class Contributor(Strict):
    title: str = Field(description="Name of the contributor.")
    roles: list[str] = Field(description="Roles, e.g. creator, contributor.")


class PackageMeta(Strict):
    name: str = Field(pattern=r"^[a-z0-9._-]+$", description="Package name (lowercase, no spaces).")
    title: str = Field(description="Package title.")
    description: str = Field(description="What the package holds and how it was made (Markdown).")
    version: str = Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+$", description="Semantic version of the dataset; bump it with CHANGELOG.md.")
    created: str = Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                         description="When this version was made (set by hand with the version, so builds stay byte-identical).")
    homepage: Optional[str] = Field(default=None, description="Where the package is published; empty until it is.")
    keywords: list[str] = Field(default_factory=list, description="Keywords.")
    licenses: list[License] = Field(description="Licences of the structured records and tables.")
    seed_licence_note: str = Field(description="Statement that the seed texts are third-party and not relicensed.")
    contributors: list[Contributor] = Field(description="People who made the records.")
