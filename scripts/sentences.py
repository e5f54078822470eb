"""Body sentences, found with sentencex, for the rule that every sentence is accounted for.

sentencex is Wikimedia's rule-based segmenter (abbreviations, initials, decimals, quotes), pinned
in requirements.lock. It is compiled, about 2 µs a line; pysbd, the segmenter used at first, took
about 440 µs and was most of the cost of a cold build (docs/performance.md). On the five seeds the two
agree on 128 of 130 lines (CHANGELOG.md lists the two that differ).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from typing import Iterable

import sentencex

from .spans import Span

_HAS_CONTENT = re.compile(r"\w")
LANGUAGE = "en"


def _lines(text: str, body: Span) -> Iterable[tuple[int, str]]:
    """(offset, line) of every body line with a letter or digit."""
    pos = body.start
    for line in text[body.start : body.end].split("\n"):
        line_start = pos
        pos += len(line) + 1
        if _HAS_CONTENT.search(line):
            yield line_start, line


def _line_sentences(line_start: int, line: str) -> list[Span]:
    """The sentences of one line, trimmed of white space; pieces without a letter or digit (a
    table rule like |---|, a lone bullet) assert nothing and are left out."""
    out: list[Span] = []
    for boundary in sentencex.get_sentence_boundaries(LANGUAGE, line):
        # Offsets are in characters (code points), as Python's str indexes them.
        start, end = boundary["start_index"], boundary["end_index"]
        piece = line[start:end]
        stripped = piece.strip()
        if not stripped or not _HAS_CONTENT.search(stripped):
            continue
        start += len(piece) - len(piece.lstrip())
        out.append(Span(line_start + start, line_start + start + len(stripped)))
    return out


def sentences(text: str, body: Span) -> list[Span]:
    """Sentence spans of the body, trimmed of surrounding white space.

    Lines are segmented one at a time: headings, list items and table rows carry no full stop,
    and a segmenter would otherwise run them into the next sentence.
    """
    out: list[Span] = []
    for line_start, line in _lines(text, body):
        out += _line_sentences(line_start, line)
    return out


def _merged(covered: list[Span]) -> list[tuple[int, int]]:
    """The covered spans as disjoint (start, end) runs, in order. An empty span is kept as an
    empty run: Span.overlaps counts it as overlapping a sentence that strictly contains it."""
    runs: list[list[int]] = []
    for start, end in sorted((c.start, c.end) for c in covered):
        if runs and start <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([start, end])
    return [(a, b) for a, b in runs]


def unaccounted(text: str, body: Span, covered: list[Span]) -> list[Span]:
    """The body sentences that overlap no span in `covered`, exactly as `sentences` finds them.

    Every sentence lies inside one line and holds a letter or digit, so a line whose letters and
    digits are all covered cannot hold an unaccounted sentence, whatever the segmenter makes of
    it: only the other lines are segmented (in the five real records, 18 lines of 67). A
    sentence overlaps a covered span exactly when it overlaps a run of covered characters.
    """
    runs = _merged(covered)
    starts = [a for a, _ in runs]
    out: list[Span] = []
    for line_start, line in _lines(text, body):
        if not _holds_uncovered_text(text, line_start, line_start + len(line), runs, starts):
            continue
        for s in _line_sentences(line_start, line):
            j = bisect_right(starts, s.end - 1) - 1  # the last run starting before the sentence ends
            if j < 0 or runs[j][1] <= s.start:
                out.append(s)
    return out


def _holds_uncovered_text(text: str, lo: int, hi: int, runs: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether text[lo:hi] has a letter or digit outside every covered run."""
    at = lo
    for i in range(max(bisect_right(starts, lo) - 1, 0), len(runs)):
        start, end = runs[i]
        if start >= hi:
            break
        if start > at and _HAS_CONTENT.search(text, at, start):
            return True
        at = max(at, end)
        if at >= hi:
            return False
    return bool(_HAS_CONTENT.search(text, at, hi))
