"""`new`: archive a text under the contract's name and scaffold its record, never overwriting."""
from __future__ import annotations

import hashlib

import pytest

from scripts.scaffold import ScaffoldError, guess_body, scaffold
from scripts.validate import validate

from .conftest import FIXTURES, cli

ARTICLE = FIXTURES / "contributor" / "article.txt"


def _next_id(layout, after: int = 1) -> str:
    """The id `new` should give, worked out here: one past the highest number a record or a seed
    holds (so these tests still pass once contributors have added articles)."""
    used = [int(p.name[:3]) for p in [*layout.records.glob("*.yaml"), *layout.seeds.glob("*.txt")]]
    return f"{max(used) + after:03d}"


def _snapshot(layout):
    return {p.relative_to(layout.root): p.read_bytes() for p in layout.root.rglob("*") if p.is_file()}


def test_scaffold_names_the_seed_by_sha256_and_the_next_free_id(real_copy):
    new = _next_id(real_copy)
    made = scaffold(real_copy, ARTICLE)
    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert made.article_id == new
    assert made.seed.name == f"{new}_{digest[:16]}.txt"
    assert made.seed.read_bytes() == ARTICLE.read_bytes()
    assert made.record.name == f"{new}.yaml"
    text = made.record.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/record.schema.json\n")
    assert f"sha256: {digest}" in text


def test_scaffolded_record_lists_every_body_sentence_and_fails_only_on_placeholders(real_copy):
    new = _next_id(real_copy)
    scaffold(real_copy, ARTICLE)
    problems = [p for p in validate(real_copy).problems if p.file == f"dataset/records/{new}.yaml"]
    assert problems and {p.code for p in problems} == {"placeholder"}
    skips = [p for p in problems if p.field.startswith("skips[")]
    assert len(skips) == 4  # the four body sentences of the fixture article
    assert any(p.field == "title.note" for p in problems)
    # the guessed body is reported too (a YAML comment would not be): through the notes' TODO
    assert any(p.field == "notes" and "guessed body" in p.message for p in problems), [p.format() for p in problems]


def test_scaffold_never_overwrites(real_copy):
    later = _next_id(real_copy, after=2)  # the id after the one this scaffold takes
    scaffold(real_copy, ARTICLE)
    before = _snapshot(real_copy)
    with pytest.raises(ScaffoldError) as again:
        scaffold(real_copy, ARTICLE)
    assert again.value.problem.code == "already-archived"
    other = real_copy.root / "other.txt"
    other.write_text("A different article text that is long enough to be read as prose by the scaffold.\n")
    (real_copy.records / f"{later}.yaml").write_text("# a stray record a contributor is still writing\n")
    before = _snapshot(real_copy)
    with pytest.raises(ScaffoldError) as clash:
        scaffold(real_copy, other, article_id=later)
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
    new = _next_id(real_copy)
    res = cli("new", "--root", str(real_copy.root), str(bad))
    assert res.exit_code == 1
    assert f"{bad}:1: the text has CR line endings" in res.output and "[crlf]" in res.output
    assert not list(real_copy.seeds.glob(f"{new}_*"))


def test_cli_given_a_folder_says_so_with_a_code_not_a_usage_error(tmp_path, real_copy):
    folder = tmp_path / "downloads"
    folder.mkdir()
    before = _snapshot(real_copy)
    res = cli("new", "--root", str(real_copy.root), str(folder))
    assert res.exit_code == 1 and "Usage:" not in res.output
    assert f"{folder}: cannot read: it is a folder, not a file [seed-missing]" in res.output
    assert "SEED names a folder" in res.output
    assert _snapshot(real_copy) == before


def test_body_guess_leaves_a_related_headlines_list_outside(layout):
    text = (layout.seeds / "004_1b4dc4a5edc3487e.txt").read_text(encoding="utf-8")
    body = guess_body(text)
    assert text[body.start:].startswith("The United States and Russia have agreed")
    assert text[:body.end].endswith("from becoming worse.")


def test_a_text_with_no_sentence_gets_an_empty_list_of_skips(tmp_path, real_copy):
    rules = tmp_path / "rules.txt"
    rules.write_text("|---|---|\n* * *\n")
    made = scaffold(real_copy, rules)
    assert "\nskips: []" in made.record.read_text(encoding="utf-8")
    problems = [p for p in validate(real_copy).problems if p.file == f"dataset/records/{made.record.name}"]
    assert problems and {p.code for p in problems} == {"placeholder"}, [p.format() for p in problems]


def test_a_text_whose_record_would_be_too_large_is_refused_before_anything_is_written(tmp_path, real_copy):
    sentence = "Officials said the talks would resume on Tuesday after a long pause in the military dialogue. "
    lines = [(f"Paragraph {n}. " + sentence * 10).strip() for n in range(1, 2000)]
    text = "\n".join(lines)[:999_998] + "\n"
    big = tmp_path / "big.txt"
    big.write_text(text)
    assert big.stat().st_size == 999_999
    before = _snapshot(real_copy)
    with pytest.raises(ScaffoldError) as refused:
        scaffold(real_copy, big)
    problem = refused.value.problem
    assert problem.code == "file-too-large" and "its scaffolded record would be" in problem.message, problem.format()
    assert "Nothing was archived" in problem.hint
    assert _snapshot(real_copy) == before


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x0c", "\x7f", "\x85"])
def test_a_text_with_control_characters_is_refused_with_its_line(tmp_path, real_copy, char):
    bad = tmp_path / "bad.txt"
    bad.write_text(f"A headline for the page\n\nThe first line of the article.\nThe second{char} line.\n", encoding="utf-8")
    before = _snapshot(real_copy)
    res = cli("new", "--root", str(real_copy.root), str(bad))
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"{bad}:4: control character U+{ord(char):04X}" in res.output and "at column 11; nothing was archived [control-character]" in res.output
    assert "hint: Nothing was archived" in res.output
    assert _snapshot(real_copy) == before


def test_tabs_are_ordinary_white_space(tmp_path, real_copy):
    tabbed = tmp_path / "tabbed.txt"
    tabbed.write_text("A headline for the page\n\nThe first\tline of the article, with a tab in it for a table.\n")
    assert scaffold(real_copy, tabbed).seed.exists()


def test_a_text_archived_without_a_record_says_how_to_get_one_back(real_copy):
    made = scaffold(real_copy, ARTICLE)
    with pytest.raises(ScaffoldError) as again:
        scaffold(real_copy, ARTICLE)
    assert again.value.problem.message.endswith(f"and dataset/records/{made.record.name} cites it")
    assert again.value.problem.hint == "The article has a record already; edit that record instead."
    made.record.unlink()  # the contributor deleted the record
    with pytest.raises(ScaffoldError) as orphaned:
        scaffold(real_copy, ARTICLE)
    problem = orphaned.value.problem
    assert problem.code == "already-archived"
    assert problem.message == (f"this text is already archived as seeds/{made.seed.name}, but no record cites it "
                               f"(dataset/records/{made.record.name} does not exist)")
    assert "Restore the record from git" in problem.hint and "delete the seed and run `make new` again" in problem.hint
    assert [(p.code, p.file) for p in validate(real_copy).problems] == [("orphan-seed", f"seeds/{made.seed.name}")]


def test_the_scaffold_puts_no_comment_after_a_value(tmp_path, real_copy):
    """`make format` stops at a comment after a value (it may be words cut off by ' #'): a filled-in
    scaffold that kept its guidance could not be formatted."""
    from scripts.canonical import RECORD_HEADER, comments

    repeated = tmp_path / "repeated.txt"  # a title printed three times: the scaffold adds occurrence
    repeated.write_text(next(real_copy.seeds.glob("004_*.txt")).read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    for text in (ARTICLE, repeated):
        record = scaffold(real_copy, text).record.read_text(encoding="utf-8")
        after, own = comments(record, RECORD_HEADER)
        assert after == [] and own, record[:1500]
    assert "occurrence: 1" in record
