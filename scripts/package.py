"""The Frictionless (v2) descriptor, generated from the table models and dataset/package.yaml."""
from __future__ import annotations

import datetime as dt
import hashlib
import typing
from pathlib import Path

from schema.package import PackageMeta
from schema.tables import TABLES, Row, enum_of

PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", dt.date: "date"}


def _base_type(annotation) -> tuple[type, bool]:
    """(the column's Python type, whether it may be empty); enums are published as strings."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    optional = type(None) in typing.get_args(annotation)
    inner = args[0] if args else annotation
    return (str if enum_of(inner) else inner), optional


def field_descriptor(model: type[Row], name: str) -> dict:
    info = model.model_fields[name]
    base, optional = _base_type(info.annotation)
    out: dict = {"name": name, "type": _TYPES[base], "description": info.description}
    if base is bool:
        out["trueValues"], out["falseValues"] = ["true"], ["false"]
    unit = model.TABLE.units.get(name)
    if unit:
        out["description"] += f" Unit: given by the {unit}."
    constraints: dict = {}
    if not optional:
        constraints["required"] = True
    if model.TABLE.primary_key == (name,):
        constraints["unique"] = True
    enum = enum_of(info.annotation)
    if enum:
        constraints["enum"] = [m.value for m in enum]
    for meta in info.metadata:
        pattern = getattr(meta, "pattern", None)
        if pattern:
            # Table Schema patterns are implicitly anchored (XML Schema style).
            constraints["pattern"] = pattern.removeprefix("^").removesuffix("$")
        ge = getattr(meta, "ge", None)
        if ge is not None:
            constraints["minimum"] = ge
    if constraints:
        out["constraints"] = constraints
    return out


def table_schema(model: type[Row]) -> dict:
    spec = model.TABLE
    schema: dict = {
        "fields": [field_descriptor(model, name) for name in model.model_fields],
        "missingValues": [""],
        "primaryKey": list(spec.primary_key),
    }
    if spec.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields), "reference": {"resource": fk.table, "fields": list(fk.reference)}}
            for fk in spec.foreign_keys
        ]
    return schema


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def descriptor(meta: PackageMeta, out_dir: Path, seeds: list[tuple[str, str, str]],
               written: dict[Path, tuple[int, str]] | None = None) -> dict:
    """`out_dir` holds the freshly written dataset/ files (hashes and sizes are taken from them,
    or from `written`: path -> (bytes, sha256), for files whose writer counted and hashed them)."""
    written = written or {}

    def size_and_hash(path: Path) -> tuple[int, str]:
        return written[path] if path in written else (path.stat().st_size, sha256_of(path))

    resources = []
    for model in TABLES:
        spec = model.TABLE
        path = out_dir / "tables" / f"{spec.name}.csv"
        size, digest = size_and_hash(path)
        resources.append({
            "name": spec.name,
            "type": "table",
            "path": f"dataset/tables/{spec.name}.csv",
            "title": spec.title,
            "description": spec.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "bytes": size,
            "hash": f"sha256:{digest}",
            "dialect": {"header": True, "delimiter": ",", "quoteChar": '"', "doubleQuote": True},
            "schema": table_schema(model),
        })
    records = out_dir / "records.json"
    size, digest = size_and_hash(records)
    resources.append({
        "name": "records",
        "path": "dataset/records.json",
        "title": "Records (nested JSON)",
        "description": "One document per article with its claims, figures, skips, mentions and credits nested, "
        "offsets resolved; the same facts as the tables.",
        "format": "json",
        "mediatype": "application/json",
        "encoding": "utf-8",
        "bytes": size,
        "hash": f"sha256:{digest}",
    })
    return {
        "$schema": PROFILE,
        "name": meta.name,
        "title": meta.title,
        "description": meta.description + "\n\n" + meta.seed_licence_note,
        "version": meta.version,
        "created": meta.created,
        **({"homepage": meta.homepage} if meta.homepage else {}),
        "keywords": meta.keywords,
        "licenses": [lic.model_dump() for lic in meta.licenses],
        "contributors": [c.model_dump() for c in meta.contributors],
        "sources": [
            {"title": f"Article {aid}: archived third-party text (not relicensed; sha256 {digest})", "path": path}
            for aid, path, digest in seeds
        ],
        "resources": resources,
    }
