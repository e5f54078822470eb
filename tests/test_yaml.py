"""Records are read as YAML 1.2, with lines, and without YAML's surprises."""
from __future__ import annotations

from pathlib import Path

import pytest

from scripts.yamlio import YamlError, loads


def test_yaml_1_2_scalars_stay_what_they_look_like():
    data = loads("a: NO\nb: yes\nc: 12:30\nd: 010\ne: 2026-02-05\nf: 0o10\ng: off\nh: ~\n", "t.yaml").data
    assert data == {"a": "NO", "b": "yes", "c": "12:30", "d": 10, "e": "2026-02-05", "f": 8, "g": "off", "h": None}


def test_lines_are_kept_for_every_value():
    loaded = loads("claims:\n  - id: c01\n    quote: x\n  - id: c02\n", "t.yaml")
    assert loaded.line_of(("claims", 1, "id")) == 4
    assert loaded.line_of(("claims", 0, "quote")) == 3
    assert loaded.line_of(("claims", 1, "missing")) == 4  # a missing field points at its parent


@pytest.mark.parametrize("text, code, line", [
    ("a: &x [1]\nb: *x\n", "yaml-anchor", 1),
    ("a: 1\nb: 2\na: 3\n", "yaml-duplicate-key", 3),
    ("a: !!python/object:os.system echo\n", "yaml-syntax", 1),
    ("a:\n\t- b\n", "yaml-syntax", 2),
    ("a: b: c\n", "yaml-syntax", 1),
])
def test_refused_yaml(text, code, line):
    with pytest.raises(YamlError) as err:
        loads(text, "t.yaml")
    assert err.value.problem.code == code
    assert err.value.problem.line == line


def test_billion_laughs_is_refused_before_expanding():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20))
    with pytest.raises(YamlError) as err:
        loads(bomb, "bomb.yaml")
    assert err.value.problem.code == "yaml-anchor"


# --- what a mistake is called, and where -----------------------------------------------------------

VALID = (Path(__file__).parent / "fixtures" / "valid" / "900.yaml").read_text(encoding="utf-8")


def _refused(text: str):
    with pytest.raises(YamlError) as err:
        loads(text, "900.yaml")
    return err.value.problem


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


@pytest.mark.parametrize("quote", ['"', "'"])
@pytest.mark.parametrize("where", ["statement: Officials said 12", "notes: A small invented"])
def test_an_unclosed_quote_is_reported_where_it_opens(quote, where):
    """YAML reads an unclosed quoted value on to the end of the file (or to the next quote
    character) and fails there; the problem is where the quote opens."""
    text = VALID.replace(where, where.replace(": ", f": {quote}", 1), 1)
    problem = _refused(text)
    assert (problem.code, problem.line) == ("yaml-syntax", _line(text, where.split(": ")[0] + f": {quote}")), problem.format()
    assert "quoted value that starts here is not closed" in problem.message
    assert "Close the quote" in problem.hint


def test_an_unclosed_quote_in_a_long_record_is_not_reported_at_its_end():
    lines = VALID.rstrip("\n").split("\n")
    lines[31] = '    statement: "Officials said more than 40 people.'  # line 32
    problem = _refused("\n".join(lines) + "\n")
    assert problem.line == 32 and "not closed: no closing \" before the end of the file" in problem.message, problem.format()


@pytest.mark.parametrize("old, new, says", [
    ("    kind: paraphrase\n", "     kind: paraphrase\n", "indented by 5 spaces, deeper than line 33's (4)"),
    ("    kind: paraphrase\n", "  kind: paraphrase\n", "indented by 2 spaces and line 33's key by 4"),
    ("    kind: paraphrase\n", "   kind: paraphrase\n", "indented by 3 spaces and line 33's key by 4"),
    ("  - id: c02\n", "   - id: c02\n", "indented by 3 spaces"),
    ("\nlanguage: en", "\n language: en", "indented by 1 space and line 5's key by 2"),
])
def test_an_indentation_mistake_says_indentation(old, new, says):
    text = VALID.replace(old, new, 1)
    problem = _refused(text)
    assert problem.line == _line(text, new.strip("\n")), problem.format()
    assert problem.message.startswith("indentation: ") and says in problem.message, problem.format()
    assert "Indent with spaces" in problem.hint and not any("must be quoted" in d for d in problem.detail)


@pytest.mark.parametrize("old, new, says", [
    ("statement: The talks may resume in April.", "statement: The talks: may resume in April.", "containing ': ' must be quoted"),
    ("statement: The talks may resume in April.", 'statement: "The talks" may resume in April.', "starts with a quote character"),
])
def test_a_value_that_needs_quotes_is_not_called_indentation(old, new, says):
    problem = _refused(VALID.replace(old, new, 1))
    assert not problem.message.startswith("indentation") and any(says in d for d in problem.detail), problem.format()


@pytest.mark.parametrize("char, name", [("\x00", "NUL"), ("\x07", "BEL"), ("\x1b", "ESC"), ("\x7f", "DEL"), ("\x9b", "C1")])
def test_a_control_character_is_located_by_line_and_column(char, name):
    problem = _refused(VALID.replace("  value: Jane Roe", f"  value: Jane{char}Roe", 1))
    assert (problem.code, problem.line) == ("control-character", 13), problem.format()
    assert f"U+{ord(char):04X}" in problem.message and name in problem.message and "column 14" in problem.message


def test_a_bad_escape_in_a_quoted_value_is_not_called_an_unclosed_quote():
    problem = _refused(VALID.replace("statement: The talks may resume in April.", 'statement: "The talks \\q may resume."', 1))
    assert problem.line == _line(VALID, "statement: The talks may resume") and "escape" in problem.message, problem.format()
    assert "not closed" not in problem.message



@pytest.mark.parametrize("escape", ["\\e", "\\x07", "\\u001b", "\\0", "\\r"])
def test_a_control_character_written_as_an_escape_is_located(fixture_project, escape):
    """ruamel turns "\\e" into ESC without complaint; it would be published in the tables."""
    from scripts.validate import validate

    record = fixture_project.records / "900.yaml"
    line = "    statement: Officials said 12 officers would attend the first meeting.\n"
    text = record.read_text(encoding="utf-8")
    assert text.count(line) == 1
    record.write_text(text.replace(line, f'    statement: "Officials{escape} said 12 officers would attend the first meeting."\n'),
                      encoding="utf-8")
    problems = validate(fixture_project).problems
    assert [p.code for p in problems] == ["control-character"], [p.format() for p in problems]
    assert problems[0].field.endswith(".statement") and problems[0].line == text[: text.index(line)].count("\n") + 1
    assert "written as an escape" in problems[0].message
