"""The article texts (the seeds table and its full-text index) are third-party: their pages and
JSON say so, and never carry the dataset's licence.

Datasette 0.65 fills in a table's licence from the site's: a table page takes the site's
license_url when the table has none (update_with_inherited_metadata), and every JSON response
names the site's licence alone. So /dataset/seeds linked "Third-party text, not relicensed" to the
CC-BY deed, and /dataset/seeds.json said CC-BY-4.0. Here the seeds table's own licence text
(scripts/datasette_metadata.py), with no link, replaces the site's on those pages and in that JSON.
"""
from __future__ import annotations

import json
import re

from datasette import hookimpl
from datasette.utils import tilde_decode

from scripts.db import DATABASE, SEEDS

# /dataset/<table>.json and /dataset/<table>/<row>.json
_JSON_PATH = re.compile(rf"^/{DATABASE}/(?P<table>[^/]+?)(?:/[^/]+)?\.json$")


def third_party(database, table) -> bool:
    """The seeds table, and the FTS5 tables indexing its text (seeds_fts, seeds_fts_data, …)."""
    return database == DATABASE and isinstance(table, str) and (table == SEEDS or table.startswith(f"{SEEDS}_fts"))


def licence(datasette) -> dict:
    return {"license": datasette.table_metadata(DATABASE, SEEDS).get("license"), "license_url": None}


@hookimpl
def extra_template_vars(datasette, database, table, view_name):
    if view_name not in ("table", "row") or not third_party(database, table):
        return {}
    # The page's metadata as Datasette gives it to the table page, with the texts' licence and no link.
    metadata = dict(datasette.table_metadata(database, table))
    datasette.update_with_inherited_metadata(metadata)
    return {"metadata": {**metadata, **licence(datasette)}}


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def relicensed(scope, receive, send):
            match = _JSON_PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
            if not match or not third_party(DATABASE, tilde_decode(match["table"])):
                return await app(scope, receive, send)
            # Only these few small responses are held back, to rewrite their licence.
            start, chunks = None, []

            async def rewrite(message):
                nonlocal start
                if message["type"] == "http.response.start":
                    start = message
                    return
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks)
                try:
                    data = json.loads(body)
                except ValueError:
                    data = None
                if isinstance(data, dict) and "license" in data:  # an error or ?_shape=array names none
                    data["license"] = licence(datasette)["license"]
                    data.pop("license_url", None)
                    body = json.dumps(data, default=repr).encode("utf-8")
                    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                    start = {**start, "headers": headers + [(b"content-length", str(len(body)).encode())]}
                await send(start)
                await send({"type": "http.response.body", "body": body})

            await app(scope, receive, rewrite)
        return relicensed
    return wrap
