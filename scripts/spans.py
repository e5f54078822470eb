"""Evidence spans: resolve a quote to code point offsets, and explain a quote that is not found."""
from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from typing import NamedTuple, Optional

# Characters a copy-paste or an editor commonly changes; used only to explain a miss.
_LOOKALIKES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
    "\u2026": "...",
}
_NAMES = {
    "\u2018": "left single quote ‘", "\u2019": "right single quote ’", "\u201c": "left double quote “",
    "\u201d": "right double quote ”", "\u2013": "en dash –", "\u2014": "em dash —", "\u00a0": "no-break space",
    "'": "straight quote '", '"': 'straight double quote "', "-": "hyphen -", " ": "space", "\n": "line break",
    "\u2026": "ellipsis …",
}


class Span(NamedTuple):
    """Code point offsets [start, end) of a text. A named tuple, not a frozen dataclass: a record
    makes some 150 of them, and a frozen dataclass took 1 µs each to make (a tuple, 0.3)."""

    start: int
    end: int

    def inside(self, other: "Span") -> bool:
        return other.start <= self.start and self.end <= other.end

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class Miss:
    code: str  # quote-not-found | quote-ambiguous | occurrence-out-of-range | span-outside-body
    message: str
    detail: tuple[str, ...] = ()


def occurrences(text: str, quote: str, lo: int = 0, hi: Optional[int] = None) -> list[int]:
    hi = len(text) if hi is None else hi
    found, i = [], text.find(quote, lo, hi)
    while i != -1:
        found.append(i)
        i = text.find(quote, i + 1, hi)
    return found


def resolve(text: str, quote: str, occurrence: Optional[int], within: Span, *, scope: str, outside_code: str = "span-outside-body") -> Span | Miss:
    """Find `quote` inside `within`; `scope` names it in messages ('body' or 'seed')."""
    if occurrence is None:  # the usual case, a quote found exactly once, without making lists
        first = text.find(quote, within.start, within.end)
        if first != -1 and text.find(quote, first + 1, within.end) == -1:
            return Span(first, first + len(quote))
    starts = occurrences(text, quote, within.start, within.end)
    if not starts:
        if scope == "body" and occurrences(text, quote):
            return Miss(outside_code, "quote is in the page furniture, outside the body",
                        (f"body is characters {within.start}..{within.end} of the seed",))
        if len(quote) > within.end - within.start:  # no passage is like it; placing it is quadratic in its length (a pasted page took 16 s)
            return Miss("quote-not-found", f"quote not found in the {scope}: it is {len(quote):,} characters, "
                                           f"longer than the whole {scope} ({within.end - within.start:,})")
        return Miss("quote-not-found", f"quote not found in the {scope}", closest_passage(text[within.start:within.end], quote))
    if occurrence is None:
        if len(starts) > 1:
            return Miss("quote-ambiguous", f"quote occurs {len(starts)} times in the {scope}; add occurrence: 1..{len(starts)}",
                        tuple(f"occurrence {n} at offset {s}: {_context(text, s, len(quote))}" for n, s in enumerate(starts, 1)))
        occurrence = 1
    if occurrence > len(starts):
        return Miss("occurrence-out-of-range", f"occurrence {occurrence} asked for, but the quote occurs {len(starts)} time(s) in the {scope}")
    s = starts[occurrence - 1]
    return Span(s, s + len(quote))


def _context(text: str, start: int, length: int, pad: int = 25) -> str:
    lo, hi = max(0, start - pad), min(len(text), start + length + pad)
    return repr(("…" if lo else "") + text[lo:hi] + ("…" if hi < len(text) else ""))


def _fold(s: str) -> str:
    s = "".join(_LOOKALIKES.get(c, c) for c in s)
    return re.sub(r"\s+", " ", s)


def _folded_end(text: str, start: int, length: int) -> int:
    """Where the passage of `text` from `start` ends whose folded form (_fold) is `length` long."""
    folded, i = 0, start
    while i < len(text) and folded < length:
        if text[i].isspace():
            while i < len(text) and text[i].isspace():
                i += 1
            folded += 1
        else:
            folded += len(_LOOKALIKES.get(text[i], text[i]))
            i += 1
    return i


PROBE = 200  # characters of each part of a long quote used to find where it would be
# Longest quote scored and compared whole (difflib is quadratic: 0.3 s at 3,000 characters, 11 s
# at 15,000); a longer one, far longer than a claim's words, is placed and its first difference shown.
WHOLE = 5000


def _first_difference(haystack: str, quote: str, best: int) -> tuple[str, ...]:
    passage = haystack[best : best + len(quote)]
    same = next((i for i, (a, b) in enumerate(zip(quote, passage)) if a != b), min(len(quote), len(passage)))
    lines = [f"closest passage (placed by its start, middle and end; {len(quote):,} characters, too long to compare "
             f"whole): characters {best:,}-{best + len(passage):,} of the text searched, beginning {passage[:120]!r}"]
    if same < len(quote):
        lines.append(f"differs: the first {same:,} characters match; then the quote has {quote[same:same + 40]!r} "
                     f"where the text has {passage[same:same + 40]!r}")
    return tuple(lines)


def _placed(haystack: str, starts: list[int], part: str) -> tuple[int, float]:
    """(the word start where `part`, folded, is most like the text, and how alike)."""
    best, best_score = 0, -1.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(part)
    for s in starts:
        matcher.set_seq1(_fold(haystack[s : s + len(part) + 10])[: len(part)])
        if matcher.real_quick_ratio() <= best_score or matcher.quick_ratio() <= best_score:
            continue
        score = matcher.ratio()
        if score > best_score:
            best, best_score = s, score
    return best, best_score


def closest_passage(haystack: str, quote: str) -> tuple[str, ...]:
    """The passage of `haystack` most like `quote`, and what differs (error path only)."""
    if not haystack.strip():
        return ("the text searched is empty",)
    n = len(quote)
    # Candidate windows start at word starts; the best is refined by difflib's ratio. A long quote
    # is placed by three parts of PROBE characters (its start, middle and end: difflib's ratio is
    # quadratic, and a mistyped quote of 4,000 characters took 9 s to place whole; one part alone
    # misplaces a quote that begins a sentence too early), then scored whole at each place found.
    starts = [m.start() for m in re.finditer(r"\S+", haystack)] or [0]
    qf = _fold(quote)
    if len(qf) <= PROBE:
        best, best_score = _placed(haystack, starts, qf)
    else:
        places = {}
        for offset in (0, (len(qf) - PROBE) // 2, len(qf) - PROBE):
            at, score = _placed(haystack, starts, qf[offset : offset + PROBE])
            # where the quote would begin, had this part been found in place: the word start there
            place = starts[max(0, bisect.bisect_right(starts, max(0, at - offset)) - 1)]
            places[place] = max(score, places.get(place, -1.0))
        if n > WHOLE:
            return _first_difference(haystack, quote, max(places, key=lambda s: (places[s], -s)))
        scored = [(difflib.SequenceMatcher(None, _fold(haystack[s : s + n + 10])[: len(qf)], qf, autojunk=False).ratio(), -s)
                  for s in places]
        best_score, best = max(scored)
        best = -best
    # As long as the quote once folded: a quote with a doubled space ("said  about") is one
    # character longer than its passage, which n characters would overrun into the next word.
    end = folded_end = _folded_end(haystack, best, len(qf))
    # Extend to the end of the word so the passage never stops mid-word ("Apri").
    while end < len(haystack) and end < best + len(qf) + 20 and not haystack[end].isspace():
        end += 1
    # ...but not to the punctuation after it ("delegates." for a quote ending "delegates"), which
    # would be reported as a difference the quote never had.
    while quote[-1:].isalnum() and end > folded_end and not haystack[end - 1].isalnum():
        end -= 1
    passage = haystack[best:end]
    diffs = _differences(quote, passage)
    # Scores are taken with look-alike characters and runs of spaces folded together: a passage
    # that differs only in those is "alike but for" them, not "100% alike".
    # A share under 1 is never rounded up to 100%: one character wrong in 3,000 is "99% alike".
    share = round(best_score * 100) if best_score == 1.0 else min(99, round(best_score * 100))
    alike = "alike but for look-alike characters or spacing" if best_score == 1.0 and diffs else f"{share}% alike"
    lines = [f"closest passage ({alike}): {passage!r}"]
    if diffs:
        lines.append("differs: " + "; ".join(diffs))
    return tuple(lines)


def _differences(quote: str, passage: str) -> list[str]:
    out: list[str] = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, quote, passage, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        q, p = quote[a0:a1], passage[b0:b1]
        # Name look-alike characters (curly quote, dash, no-break space); show other text as is.
        label = lambda s: ", ".join(_NAMES[c] for c in s) if all(c in _NAMES for c in s) else repr(s)  # noqa: E731
        if op == "replace":
            out.append(f"quote has {label(q)} where the text has {label(p)}")
        elif op == "delete":
            out.append(f"quote has extra {label(q)}")
        else:
            out.append(f"text has {label(p)} missing from the quote")
        if len(out) == 4:
            break
    return out
