"""`new`: archive a text under the contract's name and scaffold its record, never overwriting."""
from __future__ import annotations

import hashlib

import pytest

from scripts.scaffold import ScaffoldError, guess_body, scaffold
from scripts.validate import validate

from .conftest import FIXTURES, cli

ARTICLE = FIXTURES / "contributor" / "article.txt"


def _snapshot(layout):
    return {p.relative_to(layout.root): p.read_bytes() for p in layout.root.rglob("*") if p.is_file()}


def test_scaffold_names_the_seed_by_sha256_and_the_next_free_id(real_copy):
    made = scaffold(real_copy, ARTICLE)
    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert made.article_id == "005"
    assert made.seed.name == f"005_{digest[:16]}.txt"
    assert made.seed.read_bytes() == ARTICLE.read_bytes()
    assert made.record.name == "005.yaml"
    text = made.record.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/record.schema.json\n")
    assert f"sha256: {digest}" in text


def test_scaffolded_record_lists_every_body_sentence_and_fails_only_on_placeholders(real_copy):
    scaffold(real_copy, ARTICLE)
    problems = [p for p in validate(real_copy).problems if p.file == "dataset/records/005.yaml"]
    assert problems and {p.code for p in problems} == {"placeholder"}
    skips = [p for p in problems if p.field.startswith("skips[")]
    assert len(skips) == 4  # the four body sentences of the fixture article
    assert any(p.field == "title.note" for p in problems)
    # the guessed body is reported too (a YAML comment would not be): through the notes' TODO
    assert any(p.field == "notes" and "guessed body" in p.message for p in problems), [p.format() for p in problems]


def test_scaffold_never_overwrites(real_copy):
    scaffold(real_copy, ARTICLE)
    before = _snapshot(real_copy)
    with pytest.raises(ScaffoldError) as again:
        scaffold(real_copy, ARTICLE)
    assert again.value.problem.code == "already-archived"
    other = real_copy.root / "other.txt"
    other.write_text("A different article text that is long enough to be read as prose by the scaffold.\n")
    (real_copy.records / "006.yaml").write_text("# a stray record a contributor is still writing\n")
    before = _snapshot(real_copy)
    with pytest.raises(ScaffoldError) as clash:
        scaffold(real_copy, other, article_id="006")
    assert clash.value.problem.code == "would-overwrite"
    assert _snapshot(real_copy) == before


@pytest.mark.parametrize("content", [b"", b"\n", b"  \n\t\n  "])
def test_scaffold_refuses_a_text_with_nothing_in_it(tmp_path, real_copy, content):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(content)
    before = _snapshot(real_copy)
    with pytest.raises(ScaffoldError) as refused:
        scaffold(real_copy, empty)
    assert refused.value.problem.code == "empty-text"
    assert refused.value.problem.file == str(empty)
    assert _snapshot(real_copy) == before  # no seed archived, no record written


def test_cli_refuses_bad_text_with_a_located_error(tmp_path, real_copy):
    bad = tmp_path / "crlf.txt"
    bad.write_bytes(b"Line one of an article.\r\nLine two.\r\n")
    res = cli("new", "--root", str(real_copy.root), str(bad))
    assert res.exit_code == 1
    assert f"{bad}:1: the text has CR line endings" in res.output and "[crlf]" in res.output
    assert not list(real_copy.seeds.glob("005_*"))


def test_body_guess_leaves_a_related_headlines_list_outside(layout):
    text = (layout.seeds / "004_1b4dc4a5edc3487e.txt").read_text(encoding="utf-8")
    body = guess_body(text)
    assert text[body.start:].startswith("The United States and Russia have agreed")
    assert text[:body.end].endswith("from becoming worse.")
