"""Scaffold a record for a new article (`make new SEED=...`).

Copies the text into seeds/ under the contract's name and writes an annotated record,
pre-filled with what can be computed: the seed's name and sha256, a guessed title and body, and
one placeholder skip per body sentence, so the contributor starts from a complete sentence list.
Every guess is marked TODO, and validation refuses a record that still holds a TODO note.
"""
from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .layout import RECORD_NAME, SEED_NAME, Layout
from .problems import Problem
from .sentences import sentences
from .spans import Span, occurrences
from .yamlio import CONTROL, MAX_BYTES, YamlError, control_character, read_text

TODO = "TODO:"


@dataclass
class Scaffolded:
    article_id: str
    seed: Path
    record: Path


class ScaffoldError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.format())
        self.problem = problem


def next_article_id(layout: Layout) -> str:
    used = [int(m["article_id"]) for p in layout.seeds.glob("*.txt") if (m := SEED_NAME.match(p.name))]
    used += [int(m["article_id"]) for p in layout.records.glob("*.yaml") if (m := RECORD_NAME.match(p.name))]
    return f"{max(used, default=-1) + 1:03d}"


def _y(value: str) -> str:
    # A JSON string is a valid YAML 1.2 double-quoted scalar: safe for any characters.
    return json.dumps(value, ensure_ascii=False)


def _quote_for(text: str, span: Span, body: Span, seen: dict[str, list[int]]) -> tuple[str, Optional[int]]:
    """The sentence's quote, and its occurrence when the body holds it more than once. `seen`:
    the occurrences of the quotes found so far (a text that repeats a sentence is searched once
    for it, not once for each time)."""
    quote = text[span.start : span.end]
    hits = seen.get(quote)
    if hits is None:
        hits = seen[quote] = occurrences(text, quote, body.start, body.end)
    return quote, (bisect_left(hits, span.start) + 1 if len(hits) > 1 else None)


def guess_title(lines: list[str]) -> Optional[str]:
    """The first short line that reads like a headline (no final full stop)."""
    for line in lines:
        s = line.strip()
        if 15 <= len(s) <= 150 and not s.endswith((".", ":", "?", "!")) and len(s.split()) >= 3:
            return s
    return None


_LIST_OR_TABLE = re.compile(r"^\s*(?:[|•*\-]|[0-9]+[.)])")
# A run of this many furniture-like lines (dates, "Read More", headline lists) ends a block of prose.
_FURNITURE_GAP = 6


def _is_prose(line: str) -> bool:
    s = line.strip()
    return len(s) >= 80 and s.endswith((".", "!", "?", "\u201d", '"'))


def guess_body(text: str) -> Optional[Span]:
    """The largest block of prose lines; list items and table rows don't break a block, but a
    run of short furniture-like lines does (a related-headlines list after the article)."""
    blocks: list[list[re.Match]] = []
    gap = _FURNITURE_GAP + 1
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        if _is_prose(line):
            if gap > _FURNITURE_GAP:
                blocks.append([])
            blocks[-1].append(m)
            gap = 0
        elif line.strip() and not _LIST_OR_TABLE.match(line):
            gap += 1
    if not blocks:
        return None
    block = max(blocks, key=lambda b: sum(len(m.group()) for m in b))
    first, last = block[0], block[-1]
    # Start at the first word: never at indentation or a bullet marker.
    start = first.start() + re.match(r"\s*(?:[•*\-]\s+)?", first.group()).end()
    return Span(start, last.start() + len(last.group().rstrip()))


def _edge_quote(text: str, body: Span, *, opening: bool) -> tuple[str, Optional[int]]:
    """A short, unique-enough quote at the start or end of the body (whole words)."""
    words = list(re.finditer(r"\S+", text[body.start : body.end]))
    for n in range(6, min(len(words), 25) + 1):
        chosen = words[:n] if opening else words[-n:]
        lo, hi = body.start + chosen[0].start(), body.start + chosen[-1].end()
        quote = text[lo:hi]
        hits = occurrences(text, quote) if opening else occurrences(text, quote, body.start)
        if len(hits) == 1:
            return quote, None
    quote = text[body.start : body.end][:80] if opening else text[body.start : body.end][-80:]
    return quote, None


def render(article_id: str, seed_name: str, sha: str, text: str) -> str:
    lines = text.split("\n")
    title = guess_title(lines)
    body = guess_body(text) or Span(0, len(text.rstrip()))
    opens, _ = _edge_quote(text, body, opening=True)
    closes, _ = _edge_quote(text, body, opening=False)
    title_hits = len(occurrences(text, title)) if title else 0
    # Guidance goes on lines of its own or after a key with no value, never after a value: `make
    # format` stops at a comment after a value, which may be words cut off by " #".
    out = [
        "# yaml-language-server: $schema=../../schema/record.schema.json",
        f"# Record scaffolded by `make new` for seeds/{seed_name}.",
        "# Fill it in following CONTRIBUTING.md, then run `make validate`, `make format`, `make build`.",
        "# Every value must quote the exact characters of the seed; leave a value empty (with a note)",
        "# when the text does not give it. Notes starting with TODO: are errors until you resolve them.",
        f"article_id: '{article_id}'",
        "seed:",
        f"  file: {seed_name}",
        "  # never edit the seed: sha256 pins its text",
        f"  sha256: {sha}",
        "  # url: where the text was captured (only if known, never guessed)",
        "  # retrieved: when it was captured, as EDTF (only if known)",
        "# language: ISO 639-1",
        "language: en",
        "title:  # as printed; quote: where it is printed",
    ]
    if title:
        out += [f"  value: {_y(title)}", f"  quote: {_y(title)}"]
        if title_hits > 1:
            out += ["  # the title is printed more than once; say which", "  occurrence: 1"]
        out.append(f"  note: {_y(TODO + ' check the guessed title, then delete this note')}")
    else:
        out.append(f"  note: {_y(TODO + ' no title-like line was found; give the title with its quote, or say why there is none')}")
    out += [
        "publisher:  # the outlet as the text names it; empty (with a note) when it names none",
        f"  note: {_y(TODO + ' give value and quote, or say why the text names no publisher')}",
        "author:  # the byline as printed",
        f"  note: {_y(TODO + ' give value and quote, or say why there is no byline')}",
        "published:  # EDTF; basis: stated | inferred (say how in note) | unknown (no value)",
        "  basis: unknown",
        f"  note: {_y(TODO + ' give value, basis and quote, or say why the text gives no date')}",
        "# credited_sources:  # outlets the text credits (aggregators): - actor: <actor id>, quote: ...",
        "body:  # guessed: check that menus, share buttons and related headlines fall outside",
        "  opens:",
        f"    quote: {_y(opens)}",
        "  closes:",
        f"    quote: {_y(closes)}",
        "claims: []  # - id: c01, statement, kind (report|quote|paraphrase|analysis), speaker, co_speakers, subjects,",
        "            #   hedged, event_date, proposition, stance, quote (see CONTRIBUTING.md)",
        "figures: []  # - id: f01, claim, measure, value | value_min/value_max, approximate, unit, as_written, actor, quote",
    ]
    found = sentences(text, body)
    if found:
        out += ["skips:  # one placeholder per body sentence: replace each by claims/figures that quote it,",
                "        # or keep it as a skip with the right reason and delete its TODO note"]
    else:
        out.append("skips: []  # the guessed body holds no sentence (no letter or digit): check the body")
    seen: dict[str, list[int]] = {}
    for n, sentence in enumerate(found, 1):
        quote, occ = _quote_for(text, sentence, body, seen)
        out += [f"  - id: s{n:02d}", "    reason: no-checkable-content", f"    quote: {_y(quote)}"]
        if occ:
            out.append(f"    occurrence: {occ}")
        out.append(f"    note: {_y(TODO + ' code this sentence')}")
    # The body is a guess too; a YAML comment is not reported, so its TODO is in the notes.
    out.append(f"notes: {_y(TODO + ' check the guessed body (body.opens, body.closes: menus, share buttons and related headlines must fall outside), then describe the page: its quality and what lies outside the body')}")
    return "\n".join(out) + "\n"


def _archived(layout: Layout, existing: Path) -> str:
    """What `new` says of a text already archived as `existing`: with its record, or without one."""
    said = f"this text is already archived as {layout.rel(existing)}"
    m = SEED_NAME.match(existing.name)
    record = layout.records / f"{m['article_id']}.yaml" if m else None
    try:
        cited = record is not None and existing.name in record.read_text(encoding="utf-8", errors="replace")
    except OSError:
        cited = False
    if cited:
        return f"{said}, and {layout.rel(record)} cites it"
    where = f" ({layout.rel(record)} does not exist)" if record is not None and not record.exists() else ""
    return f"{said}, but no record cites it{where}"


def scaffold(layout: Layout, source: Path, *, article_id: Optional[str] = None) -> Scaffolded:
    display = str(source)
    try:
        text = read_text(source, display, what="seed")
    except YamlError as exc:  # the shared checks: size, BOM, UTF-8
        raise ScaffoldError(exc.problem)
    if not text.strip():  # a seed with no text can hold no evidence, and never changes once archived
        raise ScaffoldError(Problem(display, 0, "", "empty-text", "the text is empty or only white space; there is nothing to archive"))
    if "\r" in text:
        raise ScaffoldError(Problem(display, text[: text.index("\r")].count("\n") + 1, "", "crlf",
                                    "the text has CR line endings; convert it to LF before archiving it"))
    control = CONTROL.search(text)  # CR is refused as a line ending, above
    if control:  # offsets, quotes and sentences would hold characters no reader sees
        raise ScaffoldError(control_character(text, control.start(), display, what="; nothing was archived"))
    raw = text.encode("utf-8")
    sha = hashlib.sha256(raw).hexdigest()
    for existing in sorted(layout.seeds.glob("*.txt")):
        if hashlib.sha256(existing.read_bytes()).hexdigest() == sha:
            raise ScaffoldError(Problem(display, 0, "", "already-archived", _archived(layout, existing)))
    article_id = article_id or next_article_id(layout)
    seed = layout.seeds / f"{article_id}_{sha[:16]}.txt"
    record = layout.records / f"{article_id}.yaml"
    for path in (seed, record):
        if path.exists():
            raise ScaffoldError(Problem(layout.rel(path), 0, "", "would-overwrite", f"{layout.rel(path)} already exists; it is never overwritten"))
    content = render(article_id, seed.name, sha, text)
    size = len(content.encode("utf-8"))
    if size > MAX_BYTES:  # validation would refuse the record unread: archive nothing
        raise ScaffoldError(Problem(display, 0, "", "file-too-large",
                                    f"the text is {len(raw):,} bytes and its scaffolded record would be {size:,}; "
                                    f"a record's limit is {MAX_BYTES:,}"))
    layout.seeds.mkdir(parents=True, exist_ok=True)
    layout.records.mkdir(parents=True, exist_ok=True)
    # Exclusive creation: even a file that appeared since the check above is never overwritten.
    with open(seed, "xb") as fh:
        fh.write(raw)
    try:
        with open(record, "x", encoding="utf-8") as fh:
            fh.write(content)
    except FileExistsError:
        seed.unlink()
        raise ScaffoldError(Problem(layout.rel(record), 0, "", "would-overwrite", f"{layout.rel(record)} already exists; it is never overwritten"))
    return Scaffolded(article_id, seed, record)
