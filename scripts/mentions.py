"""Mentions: where each body names an actor, found from the registry's aliases."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .spans import Span


@dataclass(frozen=True)
class Mention:
    actor_id: str
    span: Span
    found_by: str  # alias | record


def _trie_pattern(node: dict) -> str:
    """The aliases under a trie node as one pattern. A longer alias is tried before a shorter one
    it extends (the optional group is greedy), and backtracking falls back to the shorter one
    when the longer is not followed by a word boundary."""
    branches = [re.escape(ch) + _trie_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    alternatives = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{alternatives})?" if "" in node else alternatives


class AliasMatcher:
    """One regex over every alias: exact, case-sensitive, word-bounded, longest alias first.

    At each position the longest alias that ends at a word boundary wins, so 'US European
    Command' wins over 'US'; scanning left to right never yields overlapping matches. The
    aliases are compiled as a trie (a list of 400 alternatives, tried one by one at every
    character, made finding mentions 7x slower); tests/test_performance_paths.py compares the two.
    """

    def __init__(self, aliases: dict[str, str]):  # alias -> actor id
        self.aliases = aliases
        trie: dict = {}
        for alias in aliases:
            node = trie
            for ch in alias:
                node = node.setdefault(ch, {})
            node[""] = {}  # an alias ends here
        pattern = _trie_pattern(trie) if aliases else r"(?!x)x"
        self.regex = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")

    def find(self, text: str, body: Span) -> list[Mention]:
        return [
            Mention(self.aliases[m.group(0)], Span(m.start(), m.end()), "alias")
            for m in self.regex.finditer(text, body.start, body.end)
        ]
