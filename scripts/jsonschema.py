"""JSON Schemas for editors, generated from the models (referenced by each YAML file's
`# yaml-language-server: $schema=` line so editors complete fields and enums)."""
from __future__ import annotations

import json

from schema.record import Record
from schema.registry import ActorRegistry, PropositionRegistry

SCHEMAS = {
    "record.schema.json": (Record, "Article record (dataset/records/<article_id>.yaml)"),
    "actors.schema.json": (ActorRegistry, "Actor registry (dataset/actors.yaml)"),
    "propositions.schema.json": (PropositionRegistry, "Proposition registry (dataset/propositions.yaml)"),
}


def render() -> dict[str, str]:
    out = {}
    for name, (model, title) in SCHEMAS.items():
        schema = model.model_json_schema()
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": name, "title": title, **{k: v for k, v in schema.items() if k != "title"}}
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out
