"""Datasette's metadata.json, generated from the table models and datapackage.json.

Titles, descriptions, facets, default sorts and label columns are declared once, on the models in
schema/tables.py (TableSpec) and their fields; the licence, title and column descriptions come from
the published datapackage.json (itself generated from the same models). Nothing is written twice.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from schema.tables import TABLES, ArticleRow

from .canned_queries import QUERIES
from .db import DATABASE, FULL_TEXT, SEEDS, table_resources

_SEEDS_TABLE = {
    "title": "Article texts (third-party, not relicensed)",
    "description": "The archived article texts the offsets point into, one row per article, so that every "
                   "evidence span can be read in place: the article pages (/-/article/<article_id>) show them "
                   "with their evidence highlighted. Third-party works kept only for verification; they are "
                   "not covered by the dataset's licence.",
    # No license_url: the texts have no licence to link to. (Datasette would fill an empty one in with
    # the site's, the CC-BY deed; plugins/third_party.py keeps it off these pages and their JSON.)
    "license": "Third-party text, not covered by the dataset's licence and not relicensed",
    "hidden": True,
    "columns": {
        "article_id": "Article whose text this is.",
        "seed_file": ArticleRow.model_fields["seed_file"].description,
        "sha256": ArticleRow.model_fields["seed_sha256"].description,
        "text": "The archived text, exactly as stored (offsets are code points into it).",
    },
    "fts_table": f"{SEEDS}_fts",
}


# What a default facet leaves out, said after its column's description (Datasette counts no empty
# value in a facet). The table descriptions are the models' own, word for word (tests/test_db.py).
_FACET_NOTES = {
    ("claims", "speaker_id"): "Claims in the outlet's own voice have no speaker and are not counted in the "
                              "speaker facet: filter them with ?speaker_id__isnull=1. A claim said jointly counts "
                              "here for its first speaker only: the claim_speakers table lists every speaker.",
    ("claims", "proposition_id"): "Claims linked to no proposition are not counted in its facet: filter them "
                                  "with ?proposition_id__isnull=1.",
}


def column_description(field: dict) -> str:
    """The field's description (with its unit, when it has one), plus the values it may take
    when the description does not already name them all."""
    # Datasette shows column descriptions as plain text: the codebook's `code` marks are dropped.
    text = field.get("description", "").replace("`", "")
    values = field.get("constraints", {}).get("enum") or []
    text = f"{text} Values: {', '.join(values)}." if any(v not in text for v in values) else text
    if field.get("type") == "boolean":
        # Pages show true/false, but SQLite holds 1/0, and a filter compares what it holds:
        # ?hedged=true matches no row, silently.
        text += f" Shown as true/false; SQLite holds 1/0, so filter with ?{field['name']}=1 or ?{field['name']}=0."
    return text


def table_metadata(resource: dict) -> dict:
    spec = {m.TABLE.name: m.TABLE for m in TABLES}.get(resource["name"])
    out: dict = {
        "title": spec.title if spec else resource.get("title", resource["name"]),
        "description": resource.get("description", ""),
        "columns": {f["name"]: " ".join(filter(None, (column_description(f), _FACET_NOTES.get((resource["name"], f["name"])))))
                    for f in resource["schema"]["fields"]},
    }
    if spec and spec.sort:
        out["sort"] = spec.sort
    if spec and spec.facets:
        out["facets"] = list(spec.facets)
    if spec and spec.label_column:
        out["label_column"] = spec.label_column
    if resource["name"] in FULL_TEXT:
        out["fts_table"] = f"{resource['name']}_fts"
    return out


def description_html(description: str) -> str:
    """The package description as escaped paragraphs (Datasette would run the plain text together),
    its `code` spans (`seeds/`) as <code>."""
    paragraphs = [p.strip() for p in description.split("\n\n") if p.strip()]

    def paragraph(text: str) -> Markup:
        if text.count("`") % 2:  # an unpaired backtick: shown as it is
            return Markup("<p>{}</p>").format(text)
        pieces = text.split("`")  # odd pieces were between backticks
        return Markup("<p>{}</p>").format(Markup("").join(Markup("<code>{}</code>").format(t) if i % 2 else escape(t)
                                                         for i, t in enumerate(pieces)))
    return str(Markup("\n").join(paragraph(p) for p in paragraphs))


def metadata(package: dict) -> dict:
    licence = (package.get("licenses") or [{}])[0]
    n_seeds = len(package.get("sources", []))
    tables = {r["name"]: table_metadata(r) for r in table_resources(package)}
    tables[SEEDS] = _SEEDS_TABLE
    out = {
        "title": package.get("title", DATABASE),
        "description_html": description_html(package.get("description", "")),
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": f"{n_seeds} archived news articles (their texts and the quotes from them: third-party, not relicensed), normalised by hand",
        "databases": {
            DATABASE: {
                "title": package.get("title", DATABASE),
                "description": f"Version {package.get('version', '?')} of the published package: one table per "
                               "published CSV, with the same names and columns.",
                "tables": tables,
                "queries": QUERIES,
            },
        },
    }
    if package.get("homepage"):
        out["source_url"] = package["homepage"]
    return out

