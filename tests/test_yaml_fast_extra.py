"""Edge cases of the fast reader's line tokeniser (scripts/yamlfast.py): one regex cuts every line
into a head (indentation, "- ", "key:") and the rest, and the reader works from those. Whatever
it reads must be what the full reader reads; what it declines (None) goes to the full reader."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.yamlfast import _LINE, fast_load
from scripts.yamlio import YamlError, loads


def _check(text: str):
    """fast_load's answer, after checking it against the full reader's."""
    try:
        full = loads(text, "x.yaml").data
    except YamlError:
        assert fast_load(text) is None  # what the full reader refuses, the fast one never accepts
        return None
    fast = fast_load(text)
    assert fast is None or (fast == full and repr(fast) == repr(full)), (text, fast, full)
    return fast


# (text, whether the fast reader reads it: True, False, or None for "either")
CASES = [
    # literal blocks at the end of the file, kept and stripped, with and without blank lines after
    ("a: |\n  x\n", True),
    ("a: |-\n  x\n", True),
    ("a: |\n  x\n\n", True),
    ("a: |-\n  x\n\n\n", True),
    ("a:\n  b: |-\n    x\n    y\n", True),
    ("a: |\n", False),  # an empty block
    ("a: |-\n\n", False),
    # blank lines inside literal blocks, and lines that look like keys, items or comments
    ("a: |-\n  x\n\n  y\nb: 1\n", True),
    ("a: |\n  x\n\n\n  y\n\nb: 1\n", True),
    ("a: |-\n\n  x\n", False),  # a leading blank line
    ("a: |-\n  x\n   \n  y\n", False),  # a line of spaces
    ("a: |-\n  k: v\n  - i\n  # not a comment\n  true: x\nb: 2\n", True),
    ("a: |-\n  x\n    deeper\n  y\n", True),
    ("a: |-\n    x\n  y\n", False),  # less indented than the block, more than its key
    ("- x\n", False),
    ("a:\n  - |-\n    x\n\n    y\n  - z\n", True),
    ("a:\n  - k: |\n      x\n    j: 2\n", True),
    ("a: |2\n  x\n", False),
    ("a: |+\n  x\n", False),
    ("a: >\n  x\n", False),
    # "- " items holding mappings, with one or more spaces after the dash
    ("a:\n  - b: 1\n    c: x\n  - b: 2\n", True),
    ("a:\n  -   b: 1\n      c: x\n", True),
    ("a:\n  -   b: 1\n    c: x\n", False),
    ("a:\n- b: 1\n  c: [x, y]\n- b: 2\nd: z\n", True),  # a sequence at its key's indent
    ("a:\n  - b:\n      - c: 1\n      - d\n    e: f\n", True),
    ("a:\n  - b:\n    - c\n", True),
    ("a:\n  - - x\n", False),
    ("a:\n  -\n", False),
    ("a:\n  - \n", False),
    ("a:\n  -x\n", False),
    ("a:\n  - b:c\n", True),  # a plain scalar, not a key
    ("a:\n  - true: 1\n", False),  # a key that is not text
    ("a:\n  - b: 1\n    b: 2\n", False),
    # keys with nothing after the colon, followed by a less indented line, the end, or comments
    ("a:\n  b:\nc: 1\n", True),
    ("a:\n  b:\n", True),
    ("a:\n", True),
    ("a:\n\n# c\n  b: 1\n", True),
    ("a:\n  # c\n  b: 1\n", True),
    ("a:   \nb: 1\n", True),
    ("a:\n    b: 1\n  c: 2\n", False),
    ("a:\n  b: 1\n   c: 2\n", False),
    ("a: 1\n  b: 2\n", False),
    ("a:\n  b\n", False),
    ("a:\n  - b\n  c: 1\n", False),
    # comment lines at various indents
    ("# head\na: 1\n", True),
    ("  # head\na: 1\n", True),
    ("a:\n  b: 1\n      # deep\n  c: 2\n# left\nd: 3\n", True),
    ("a:\n  - b: 1\n   # between\n  - b: 2\n", True),
    ("a: 1 # c\n", False),
    ("a: 1#c\n", True),
    ("a: '1' # c\n", False),
    ("# only a comment\n", False),
    ("\n\n", False),
    # trailing spaces after values, keys, items and headers
    ("a: x  \nb: 'y'  \nc: [p, q]  \n", True),
    ("a:\n  - x  \n  - 'y' \n", True),
    ("a: |-  \n  x  \n", True),
    ("a: x :\n", False),
    ("a: 'x'y'\n", False),
    ("a: 'x''y'\n", True),
    ('a: "x\\"y"\n', True),
    ('a: "x\\ny"\n', False),
    # characters outside the subset, wherever they are
    ("a: x\tb\n", False),
    ("a: x\r\nb: 1\n", False),
    ("a: |-\n  x\u2028y\n", False),
    ("a: x\x85\n", False),
    ("# \ufeff\na: 1\n", False),
    ("a: 🚀 “q” é\nb: |-\n  🚀\n", True),
    # keys and heads the regex must not misread
    ("a-b: 1\n", False),
    ("9a: 1\n", False),
    ("_a: 1\nA9_: 2\n", True),
    ("a:b: 1\n", False),
    ("a : 1\n", False),
    ("null: 1\n", False),
    ("a: 1\na: 2\n", False),
    ("a: 1", False),  # no final line break
    ("  a: 1\n", False),
    ("- a: 1\n", False),
]


@pytest.mark.parametrize("text, accepted", CASES, ids=[repr(t)[:40] for t, _ in CASES])
def test_fast_reader_edge_cases(text, accepted):
    fast = _check(text)
    if accepted is not None:
        assert (fast is not None) == accepted, fast


def test_every_line_is_one_token_head_and_rest_as_written():
    text = "a: 1\n  - b:   x  \n\n   \n-  c:\n# d\n  e\n-\n- \nf:g\n"
    tokens = _LINE.findall(text)
    assert ["".join(token) for token in tokens] == text.split("\n")[:-1]
    assert tokens[1] == ("  - b:   ", "x  ") and tokens[9] == ("", "f:g") and tokens[7] == ("", "-")


def test_remembered_values_are_not_shared_between_reads():
    text = "a: [x, y]\nb: x\nc:\n  - [x, y]\n"
    first = fast_load(text)
    first["a"].append("z")
    first["c"][0].clear()
    assert fast_load(text) == {"a": ["x", "y"], "b": "x", "c": [["x", "y"]]}


@pytest.mark.parametrize("depth", [3, 40, 200])
def test_deep_nesting_reads_alike_or_goes_to_the_full_reader(depth):
    text = "".join(" " * k + "a:\n" for k in range(depth)) + " " * depth + "a: 1\n"
    fast = _check(text)
    assert (fast is not None) == (depth < 60)


# Small documents from pieces of lines that the tokeniser must cut right.
INDENT = st.sampled_from(["", "", "  ", "  ", "    ", " ", "   ", "      "])
HEAD = st.sampled_from(["", "- ", "-  ", "a:", "a: ", "b: ", "c:  ", "- a: ", "- b:", "-   c: ", "true: ", "a:b", "-", "# ", "#"])
REST = st.sampled_from(["", "x", "x ", "1", "1.5", "~", "null", "'q'", "'q''r'", '"q"', "[x, y]", "[]", "|", "|-", "|+", ">", "a: b",
                        "x #c", "x#c", "&a x", "*a", "!!str x", "- x", "y:", "🚀", "é", "\t", "\u2028", "2026-01-02", "12:30"])
LINE = st.tuples(INDENT, HEAD, REST).map("".join)


@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")  # "&a" twice: refused all the same
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(LINE, min_size=1, max_size=8), end=st.sampled_from(["\n", "\n\n", "\n  \n", ""]))
def test_documents_of_tricky_lines_read_alike_or_go_to_the_full_reader(lines, end):
    _check("\n".join(lines) + end)
