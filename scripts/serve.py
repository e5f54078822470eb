"""Serve the database in Datasette, read-only, with this project's plugin, templates and settings.

Datasette runs in this process through its Python API (so it is the venv's Datasette), on uvicorn,
and says where it is only once it is actually listening. The database is opened immutable: there
is no write endpoint (Datasette 0.65 has no write API, and no canned query here writes).
"""
from __future__ import annotations

import asyncio
import contextvars
import json
import re
import sys
from pathlib import Path
from typing import Optional

import click
import uvicorn
from datasette.app import Datasette
from datasette.utils.asgi import Response

from .db import DbFiles
from .layout import ROOT

PLUGINS = ROOT / "plugins"
TEMPLATES = ROOT / "templates"
# static/ is served at /assets/; the plugin adds /assets/browse.css to every page.
STATIC_MOUNT = ("assets", ROOT / "static")
SETTINGS = {
    "sql_time_limit_ms": 1000,  # a runaway query from the SQL box must not tie up the server
    "facet_time_limit_ms": 500,
    "max_returned_rows": 1000,
    # Facet suggestions run a query per column on every table page: 100 ms of a 150 ms page at
    # 1,000 articles, and growing with the data. The useful facets are declared per table.
    "suggest_facets": False,
    # SQLite's page cache per connection (default 2 MB): a search page reads every matching claim
    # once per facet; with the rows cached it takes 124 ms instead of 170 at 10,000 articles.
    "cache_size_kb": 200_000,
}


def make_datasette(files: DbFiles, *, templates: Path | None = TEMPLATES) -> Datasette:
    """The Datasette that `make serve` runs; the tests use the same one through its test client
    (and, with templates=None, Datasette's own templates, to compare pages with)."""
    return Datasette(
        immutables=[str(files.db)],
        metadata=json.loads(files.metadata.read_text(encoding="utf-8")),
        plugins_dir=str(PLUGINS),
        template_dir=str(templates) if templates else None,
        static_mounts=[(STATIC_MOUNT[0], str(STATIC_MOUNT[1]))],
        settings=SETTINGS,
    )


class _AnnouncingServer(uvicorn.Server):
    """A uvicorn server that prints the URL once the socket is listening (not before)."""

    def __init__(self, config: uvicorn.Config, url: str):
        super().__init__(config)
        self.url = url

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if self.started:
            click.echo(f"Serving the dataset at {self.url} (Ctrl-C to stop)")


async def _run(ds: Datasette, host: str, port: int) -> None:
    await ds.invoke_startup()
    config = uvicorn.Config(ds.app(), host=host, port=port, log_level="warning", lifespan="on")
    await _AnnouncingServer(config, f"http://{host}:{port}/").serve()


# The errors logged while answering the current request (plugins/client_errors.py sets it per
# request): a 4xx that nothing logged is logged once, after the response.
LOGGED: contextvars.ContextVar[Optional[list]] = contextvars.ContextVar("client_errors_logged", default=None)


def log_client_error(method: str, path: str, status: int, message: str) -> None:
    """One console line for an error a visitor caused (plugins/client_errors.py, the article pages)."""
    # Datasette's message for a query over the time limit is HTML: a paragraph, then the SQL in a
    # <textarea> and a <script>. The paragraph's text alone is said (the SQL is not printed).
    text = message.strip()
    if "<" in text:
        import html

        text = re.split(r"<(?:textarea|script|pre)\b", text, maxsplit=1, flags=re.I)[0]
        text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))).strip()
    first_line = text.splitlines()[0] if text else ""
    print(f"{method} {path} -> {status}: {first_line}", file=sys.stderr)
    logged = LOGGED.get()
    if logged is not None:
        logged.append(status)


async def error_response(datasette: Datasette, request, status: int, message: str) -> Response:
    """Datasette's own error page for an error a visitor caused, logged in one line: for the
    plugins' routes and checks, which answer before Datasette's error handling would (it prints a
    traceback for any exception but its own). JSON for a .json path, as Datasette's handler does."""
    log_client_error(request.method, request.path, status, message)
    info = {"ok": False, "error": message, "status": status, "title": None}
    if request.path.endswith(".json"):
        return Response.json(info, status=status)
    return Response.html(await datasette.render_template("error.html", info, request=request), status=status)


def serve(files: DbFiles, host: str, port: int) -> None:
    asyncio.run(_run(make_datasette(files), host, port))
