"""Every committed record, one test per record: valid, canonical, sentence-complete."""
from __future__ import annotations

import re

import pytest

from scripts.canonical import RECORD_HEADER, dump
from scripts.layout import ROOT, Layout
from scripts.sentences import sentences

RECORDS = Layout(ROOT).record_files()


def test_there_are_records():
    # The parametrised tests below pass vacuously on an empty list; this one does not.
    assert len(RECORDS) >= 5


def _article(result, path):
    matches = [a for a in result.articles if a.path == path]
    assert matches, f"{path.name} did not validate: " + "; ".join(p.format() for p in result.problems if p.file.endswith(path.name))
    return matches[0]


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_record_is_valid(result, path):
    problems = [p.format() for p in result.problems if p.file.endswith(path.name)]
    assert not problems, "\n".join(problems)
    _article(result, path)


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_record_is_canonical(result, path):
    article = _article(result, path)
    assert path.read_text(encoding="utf-8") == dump(article.record, RECORD_HEADER), "not canonical: run `make format`"


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_every_body_sentence_is_accounted_for(result, path):
    article = _article(result, path)
    spans = list(article.spans.values())
    found = sentences(article.text, article.body)
    assert found, "the body has no sentences"
    missing = [article.text[s.start:s.end] for s in found if not any(x.overlaps(s) for x in spans)]
    assert not missing, missing


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_furniture_is_outside_the_body(result, path):
    # Each seed has furniture at one end or the other; the body must exclude what the record
    # says it excludes and never be the whole text (a body guess that swallowed the page).
    article = _article(result, path)
    assert article.body.end - article.body.start < len(article.text.rstrip())


# A claim, figure or skip named in a note: "c06", "f01", "s09", or another record's "002 c10".
_ITEM_REFERENCE = re.compile(r"(?:\b(?P<article>[0-9]{3}) )?\b(?P<item>[cfs][0-9]{2})\b")


def _notes(value, where=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("note", "notes") and isinstance(inner, str):
                yield f"{where}.{key}".lstrip("."), inner
            else:
                yield from _notes(inner, f"{where}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _notes(inner, f"{where}[{i}]")


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_notes_name_items_that_exist(result, path):
    """A note that points at another item ("see c06", "as 002 c10 dates ...") points at one that
    exists, so removing or renumbering an item cannot leave a note pointing at nothing."""
    items = {a.record.article_id: {i.id.rsplit("-", 1)[-1] for section in (a.record.claims, a.record.figures, a.record.skips)
                                   for i in section} for a in result.articles}
    article = _article(result, path)
    dangling = []
    for where, text in _notes(article.record.model_dump(mode="json")):
        for m in _ITEM_REFERENCE.finditer(text):
            target = m["article"] or article.record.article_id
            if m["item"] not in items.get(target, set()):
                dangling.append(f"{where}: {m[0]!r}")
    assert not dangling, f"{path.name}: notes name items that do not exist: {dangling}"
