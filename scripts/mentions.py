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


class AliasMatcher:
    """One regex over every alias: exact, case-sensitive, word-bounded, longest alias first.

    Ordering the alternation by length makes 'US European Command' win over 'US' at the same
    position; scanning left to right never yields overlapping matches.
    """

    def __init__(self, aliases: dict[str, str]):  # alias -> actor id
        self.aliases = aliases
        ordered = sorted(aliases, key=lambda a: (-len(a), a))
        pattern = "|".join(re.escape(a) for a in ordered) or r"(?!x)x"
        self.regex = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)")

    def find(self, text: str, body: Span) -> list[Mention]:
        return [
            Mention(self.aliases[m.group(0)], Span(m.start(), m.end()), "alias")
            for m in self.regex.finditer(text, body.start, body.end)
        ]
