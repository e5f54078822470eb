"""Records are read as YAML 1.2, with lines, and without YAML's surprises."""
from __future__ import annotations

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
