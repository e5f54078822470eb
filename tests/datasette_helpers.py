"""Shared by the Datasette tests: scratch projects with hostile text, built sites, and a page client."""
from __future__ import annotations

import asyncio
from html.parser import HTMLParser
from pathlib import Path

from markupsafe import escape

from scripts.build import build
from scripts.db import DbFiles, build_db
from scripts.layout import Layout
from scripts.serve import make_datasette

from .conftest import FIXTURES, make_project

# Markup and template syntax a record might carry: pages must show them as text, run nothing, evaluate nothing.
SCRIPT = "<script>window.__pwned=1</script>"
TEMPLATE = "{{ 7*7 }}"
HOSTILE_CLAIM = f"The United States and Russia agreed {SCRIPT} to restart {TEMPLATE} military talks."
HOSTILE_PROPOSITION = f"The United States and Russia agreed {SCRIPT} to restore {TEMPLATE} military dialogue."
HOSTILE_ACTOR = 'Officials <img src=x onerror="window.__pwned=2">'
HOSTILE_NOTES = f"Curator notes with {SCRIPT} and {TEMPLATE} in them."


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found; update the hostile fixture"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def hostile_project(dest: Path, *, real: bool = False) -> Layout:
    """The fixture article 900 (plus every real article when `real`), with markup and template syntax in
    a claim statement, in the proposition that claim supports, in the name of a speaker and in the
    article's notes (shown as text at the top of its article page)."""
    layout = make_project(dest, records=[FIXTURES / "valid" / "900.yaml"],
                          seeds=[FIXTURES / "seeds" / "900_6d49835614be8221.txt"], real=real)
    _replace(layout.records / "900.yaml", "statement: The United States and Russia agreed to restart military talks.",
             f"statement: '{HOSTILE_CLAIM}'")
    _replace(layout.propositions,
             "statement: The United States and Russia agreed to restore high-level military-to-military dialogue.",
             f"statement: '{HOSTILE_PROPOSITION}'")
    _replace(layout.actors, "name: Officials (unnamed)", f"name: '{HOSTILE_ACTOR}'")
    _replace(layout.records / "900.yaml", "notes: A small invented article used only by the tests.", f"notes: '{HOSTILE_NOTES}'")
    return layout


def build_site(layout: Layout, out_dir: Path | None = None) -> DbFiles:
    """Build the package, then the database and metadata, as `make serve` does."""
    outcome = build(layout)
    assert not outcome.problems, "\n".join(p.format() for p in outcome.problems)
    return build_db(layout, out_dir).files


class Site:
    """The Datasette `make serve` runs, asked for pages through Datasette's own test client."""

    def __init__(self, files: DbFiles, **options):
        self.datasette = make_datasette(files, **options)
        self._loop = asyncio.new_event_loop()
        self._loop.run_until_complete(self.datasette.invoke_startup())

    def get(self, path: str, status: int = 200):
        response = self._loop.run_until_complete(self.datasette.client.get(path))
        assert response.status_code == status, f"{path}: {response.status_code}\n{response.text[:2000]}"
        return response

    def post(self, path: str, data: dict):
        return self._loop.run_until_complete(self.datasette.client.post(path, data=data))

    def close(self) -> None:
        self._loop.close()


class _TextOf(HTMLParser):
    """Collects the text inside the first element with a given class (entities decoded)."""

    def __init__(self, css_class: str):
        super().__init__(convert_charrefs=True)
        self.css_class, self.depth, self.parts = css_class, 0, []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif self.css_class in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_of(page: str, css_class: str) -> str:
    parser = _TextOf(css_class)
    parser.feed(page)
    return "".join(parser.parts)


def escaped(text: str) -> str:
    """How Jinja's autoescape writes `text` into HTML."""
    return str(escape(text))
