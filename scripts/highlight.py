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

from markupsafe import Markup, escape

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
    starting: dict[int, list[Evidence]] = {}
    for s in spans:
        starting.setdefault(s.start, []).append(s)
    # The spans covering each piece between two cuts, swept left to right: a span covers the
    # pieces from its start to its end. `active` stays in the order of `spans` (spans are added in
    # that order, as their starts come), so each piece's covering is the spans that contain it,
    # in that order, sorted by precedence: what testing every span against every piece gave.
    pieces, active = [], []
    for a, b in zip(cuts, cuts[1:]):
        if any(s.end <= a for s in active):
            active = [s for s in active if s.end > a]
        active += [s for s in starting.get(a, ()) if s.end > a]
        pieces.append((a, b, tuple(sorted(active, key=Evidence._precedence))))
    # A span none of whose words link to it (two mentions of one phrase, a figure that is its whole
    # claim) would be unreachable by clicking: its start gets a visible tag instead.
    linked = {covering[-1] for _, _, covering in pieces if covering}

    def tag(s: Evidence) -> str:
        if s.kind in TAGGED:
            return s.short
        if s in linked:
            return ""
        # A phrase naming two actors ("the two countries") links to one; the other's tag says it
        # is another actor of the same words ("+ Russia"), not the only one they name.
        return f"+ {s.short}" if s.kind == "mention" else s.short

    def opening(at: int) -> tuple[Opening, ...]:
        # A zero-length span opens at its offset too, so its anchor still exists.
        return tuple(Opening(s, tag(s)) for s in starting.get(at, ()))

    out = []
    for part, lo, hi in (("before", 0, body_start), ("body", body_start, body_end), ("after", body_end, n)):
        segments = tuple(Segment(text[a:b], a, covering, opening(a)) for a, b, covering in pieces if lo <= a and b <= hi)
        if segments:
            out.append(Region(part, lo, hi, segments))
    return out


def seed_html(parts: list[Region]) -> Markup:
    """The regions as the article page shows them: exactly the HTML the Jinja loop this replaced
    wrote (tests/test_datasette.py renders that loop and compares). Written in Python because the
    loop took half of the page's time (4 ms of 8.5 for a 4.5 KB article with 120 spans): Jinja
    awaits every expression of every segment."""
    out: list[str] = []
    for region in parts:
        if region.furniture:
            label = f"Page furniture {escape(region.part)} the article body (characters {region.start}–{region.end}), not extracted"
        else:
            label = f"Article body (characters {region.start}–{region.end})"
        out.append(f'<div class="region region-{escape(region.part)}{" furniture" if region.furniture else ""}" data-label="{label}">')
        for seg in region.segments:
            for op in seg.opening:
                ev = op.evidence
                if op.tag:
                    out.append(f'<a class="tag tag-{escape(ev.kind)}" id="{escape(ev.anchor)}" href="{escape(ev.url)}" '
                               f'data-tag="{escape(op.tag)}" title="{escape(ev.kind)}: {escape(ev.label)}"></a>')
                else:
                    out.append(f'<span id="{escape(ev.anchor)}"></span>')
            link = seg.link
            if link is not None:
                kinds = "".join(f" ev-{escape(k)}" for k in seg.kinds)
                shared = " ev-shared" if seg.shared_by_claims else ""
                # data-ev: the anchors of every span covering the segment, so the page can mark all of
                # a span's segments when a link arrives at its anchor (#claim-004-c25).
                covering = " ".join(str(escape(e.anchor)) for e in seg.covering)
                out.append(f'<a class="ev{kinds}{shared}" href="{escape(link.url)}" title="{escape(seg.title)}" '
                           f'data-ev="{covering}">{escape(seg.text)}</a>')
            else:
                out.append(str(escape(seg.text)))
        out.append("</div>")
    return Markup("".join(out))
