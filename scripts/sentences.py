"""Body sentences, found with pysbd, for the rule that every sentence is accounted for."""
from __future__ import annotations

import re
from functools import lru_cache

import pysbd

from .spans import Span

_HAS_CONTENT = re.compile(r"\w")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=False)


def sentences(text: str, body: Span) -> list[Span]:
    """Sentence spans of the body, trimmed of surrounding white space.

    Lines are segmented one at a time: headings, list items and table rows carry no full stop,
    and pysbd would otherwise run them into the next sentence. Segments without a letter or
    digit (table rules like |---|) assert nothing and are not returned.
    """
    out: list[Span] = []
    pos = body.start
    for line in text[body.start : body.end].split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not _HAS_CONTENT.search(line):
            continue
        cursor = line_start
        for seg in _segmenter().segment(line):
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
