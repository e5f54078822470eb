"""Cut an article's seed text into segments, so the article page can highlight every evidence span.

Evidence spans overlap: a mention sits inside a claim, a figure inside a claim, two claims may share
words. Wrapping the text span by span would either cross HTML elements or show text twice, so the
text is cut at every span boundary (and at the body's bounds) instead. Each segment knows all the
spans covering it: every character is shown exactly once, and a reader can see and follow each
piece of evidence it belongs to.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

# Kinds of evidence in the order they are listed in the legend. A segment links to its innermost
# span (the shortest); on equal length, the later kind here wins (a figure inside a claim).
KINDS: tuple[str, ...] = ("metadata", "credit", "skip", "claim", "figure", "mention")
# Kinds whose spans get a visible id tag where they start. Mentions are too many for that: they
# are reached through their words, and get a tag only when another span hides their words' link.
TAGGED = frozenset({"claim", "figure", "skip"})
_TAG_CHARS = 24


@dataclass(frozen=True)
class Evidence:
    kind: str
    id: str
    start: int
    end: int
    label: str  # what the span is evidence of, shown on hover
    url: str  # its row page

    @property
    def anchor(self) -> str:
        """The element id of the span's start: the row pages link to /-/article/<id>#<anchor>."""
        return anchor(self.kind, self.id)

    @property
    def short(self) -> str:
        """A short name for a tag: c01 for claim 004-c01; the label, shortened, for other kinds."""
        if self.kind in TAGGED:
            return self.id.rsplit("-", 1)[-1]
        return self.label if len(self.label) <= _TAG_CHARS else self.label[:_TAG_CHARS - 1] + "…"

    def _precedence(self) -> tuple[int, int]:
        return (-(self.end - self.start), KINDS.index(self.kind))


def anchor(kind: str, evidence_id: str) -> str:
    return f"{kind}-{evidence_id}"


@dataclass(frozen=True)
class Opening:
    """Where a span starts: an anchor, with a visible tag when the span needs one to be reached."""
    evidence: Evidence
    tag: str  # '' for an invisible anchor


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    covering: tuple[Evidence, ...]  # outermost first
    opening: tuple[Opening, ...]  # spans that start where this segment starts

    @property
    def link(self) -> Optional[Evidence]:
        return self.covering[-1] if self.covering else None

    @property
    def kinds(self) -> list[str]:
        present = {e.kind for e in self.covering}
        return [k for k in KINDS if k in present]

    @property
    def shared_by_claims(self) -> bool:
        """Two claims overlap here (they share these words): shown darker."""
        return sum(1 for e in self.covering if e.kind == "claim") > 1

    @property
    def title(self) -> str:
        return "\n".join(f"{e.kind}: {e.label}" for e in reversed(self.covering))


@dataclass(frozen=True)
class Region:
    part: str  # before (page furniture), body, after (page furniture)
    start: int
    end: int
    segments: tuple[Segment, ...]

    @property
    def furniture(self) -> bool:
        return self.part != "body"


def regions(text: str, spans: list[Evidence], body_start: int, body_end: int) -> list[Region]:
    """The text as furniture before the body, the body and furniture after it, each cut into segments.

    Joining every segment's text gives `text` back exactly. Spans are clipped to the text, so a
    bad offset can hide evidence but never lose or repeat text.
    """
    n = len(text)
    body_start, body_end = max(0, min(body_start, n)), max(0, min(body_end, n))
    body_end = max(body_start, body_end)
    spans = sorted((s for s in spans if 0 <= s.start <= s.end <= n), key=lambda s: (s.start, s._precedence(), s.id))
    cuts = sorted({0, n, body_start, body_end, *(s.start for s in spans), *(s.end for s in spans)})
    pieces = [(a, b, tuple(sorted((s for s in spans if s.start <= a and b <= s.end), key=Evidence._precedence)))
              for a, b in zip(cuts, cuts[1:])]
    # A span none of whose words link to it (two mentions of one phrase, a figure that is its whole
    # claim) would be unreachable by clicking: its start gets a visible tag instead.
    linked = {covering[-1] for _, _, covering in pieces if covering}

    def opening(at: int) -> tuple[Opening, ...]:
        # A zero-length span opens at its offset too, so its anchor still exists.
        return tuple(Opening(s, s.short if s.kind in TAGGED or s not in linked else "") for s in spans if s.start == at)

    out = []
    for part, lo, hi in (("before", 0, body_start), ("body", body_start, body_end), ("after", body_end, n)):
        segments = tuple(Segment(text[a:b], a, covering, opening(a)) for a, b, covering in pieces if lo <= a and b <= hi)
        if segments:
            out.append(Region(part, lo, hi, segments))
    return out
