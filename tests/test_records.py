"""Every committed record, one test per record: valid, canonical, sentence-complete."""
from __future__ import annotations

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
