"""Body sentences, found with pysbd, for the rule that every sentence is accounted for."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from .spans import Span

_HAS_CONTENT = re.compile(r"\w")
# pysbd builds about 520 distinct regular expressions from strings on every call, and CPython
# 3.11's `re` cache keeps 512, evicting the oldest first: each line then recompiles most of
# them. A larger cache makes segmentation about 1.7x faster (docs/performance.md).
_RE_CACHE_SIZE = 4096


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd  # imported on first use: validating from the cache never segments

    if getattr(re, "_MAXCACHE", _RE_CACHE_SIZE) < _RE_CACHE_SIZE:
        re._MAXCACHE = _RE_CACHE_SIZE
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def _lines(text: str, body: Span) -> Iterable[tuple[int, str]]:
    """(offset, line) of every body line with a letter or digit."""
    pos = body.start
    for line in text[body.start : body.end].split("\n"):
        line_start = pos
        pos += len(line) + 1
        if _HAS_CONTENT.search(line):
            yield line_start, line


def segment(line: str) -> list[str]:
    """pysbd's `Segmenter.segment(line)`, for this segmenter's settings (clean=False, no spans).

    pysbd finds the sentences, then locates each in the line with a regular expression compiled
    for that one sentence (`re.escape(sentence) + r"\s*"`, the first match ending after the
    previous one): a quarter of its time, and a flood of one-off patterns through `re`'s cache.
    This locates them the same way with str.find. pysbd is pinned (==0.3.4), and
    tests/test_performance_paths.py checks this against `Segmenter.segment` line by line.
    """
    pysbd_segmenter = _segmenter()
    found, prior_end = [], 0
    for sentence in pysbd_segmenter.processor(line).process():
        if not sentence:
            return pysbd_segmenter.segment(line)  # never seen; pysbd's own way for it
        pos = 0
        while (start := line.find(sentence, pos)) != -1:
            end = start + len(sentence)
            while end < len(line) and line[end].isspace():  # `\s*`: re's \s is str.isspace
                end += 1
            if end > prior_end:
                found.append(line[start:end])
                prior_end = end
                break
            pos = end  # finditer's matches do not overlap
    return found


def _line_sentences(text: str, line_start: int, line: str) -> list[Span]:
    out: list[Span] = []
    cursor = line_start
    for seg in segment(line):
        piece = seg.strip()
        if not piece:
            continue
        # pysbd returns the text unchanged (clean=False); locate each piece in order.
        found = text.find(piece, cursor, line_start + len(line))
        if found == -1:  # defensive: never lose text if pysbd ever rewrites a segment
            found, piece = cursor, text[cursor : line_start + len(line)].strip()
        cursor = found + len(piece)
        if _HAS_CONTENT.search(piece):
            out.append(Span(found, found + len(piece)))
    return out


def sentences(text: str, body: Span) -> list[Span]:
    """Sentence spans of the body, trimmed of surrounding white space.

    Lines are segmented one at a time: headings, list items and table rows carry no full stop,
    and pysbd would otherwise run them into the next sentence. Segments without a letter or
    digit (table rules like |---|) assert nothing and are not returned.
    """
    out: list[Span] = []
    for line_start, line in _lines(text, body):
        out += _line_sentences(text, line_start, line)
    return out


def unaccounted(text: str, body: Span, covered: list[Span]) -> list[Span]:
    """The body sentences that overlap no span in `covered`, exactly as `sentences` finds them.

    Every sentence lies inside one line and holds a letter or digit, so a line whose letters and
    digits are all covered cannot hold an unaccounted sentence, whatever pysbd makes of it: only
    the other lines are segmented (in the five real records, 18 lines of 67).
    """
    chars = list(text)  # the text with every covered character blanked out
    for span in covered:
        chars[span.start : span.end] = " " * (span.end - span.start)
    uncovered = "".join(chars)
    out: list[Span] = []
    for line_start, line in _lines(text, body):
        if not _HAS_CONTENT.search(uncovered, line_start, line_start + len(line)):
            continue
        out += [s for s in _line_sentences(text, line_start, line) if not any(c.overlaps(s) for c in covered)]
    return out
