"""One canonical YAML form for records and registries: load through the models, dump back.

congress-legislators-style: a check rewrites each file in memory and shows the diff when it
changed, so reviews never argue about quoting, order or indentation.
"""
from __future__ import annotations

import difflib
import io
from pathlib import Path
from typing import Optional

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.tokens import CommentToken, ScalarToken

from schema.record import Record
from schema.registry import ActorRegistry, PropositionRegistry

from .layout import Layout
from .problems import Problem
from .validate import parse

RECORD_HEADER = "# yaml-language-server: $schema=../../schema/record.schema.json\n"
ACTORS_HEADER = """\
# yaml-language-server: $schema=../schema/actors.schema.json
# The actor registry: one entry per real-world entity, whatever the spelling. Every spelling
# the articles use is an alias (exact, case-sensitive, word-bounded; the longest alias wins).
# wikidata only where certain; country is ISO 3166-1 alpha-3. Group actors stand for speakers
# a text leaves unnamed: two rows with the same group actor need not be the same people.
# kind, country and wikidata identify the entity (from outside the texts, only where certain);
# a description says what the texts say of it, nothing more.
"""
PROPOSITIONS_HEADER = """\
# yaml-language-server: $schema=../schema/propositions.schema.json
# Cross-article propositions: statements that claims from several articles support, contradict
# or qualify. Different wordings of one statement by the same speaker belong to one proposition.
"""
# Lists of short ids read best on one line.
FLOW_LISTS = {"subjects", "co_speakers", "keywords", "roles"}


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.version = None
    y.width = 100_000  # never fold: one value per line keeps diffs and grep simple
    y.indent(mapping=2, sequence=4, offset=2)
    y.preserve_quotes = False
    return y


def _key_order(mapping: dict) -> list[str]:
    # id first; then the model's own fields in declaration order; the evidence (quote,
    # occurrence) and the curator's note last. Inherited fields would otherwise come first.
    tail = [k for k in ("quote", "occurrence", "note") if k in mapping]
    head = [k for k in ("id",) if k in mapping]
    return head + [k for k in mapping if k not in head and k not in tail] + tail


def _tree(value, key: Optional[str] = None):
    if isinstance(value, dict):
        out = CommentedMap()
        for k in _key_order(value):
            out[k] = _tree(value[k], k)
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_tree(v) for v in value)
        if key in FLOW_LISTS:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, float) and value.is_integer():
        return int(value)  # models hold numbers as float; 157 reads better than 157.0
    if isinstance(value, str) and "\n" in value and not any(line != line.rstrip() for line in value.split("\n")):
        return LiteralScalarString(value)
    return value


def dump(model: BaseModel, header: str) -> str:
    data = model.model_dump(mode="json", exclude_defaults=True)
    buf = io.StringIO()
    _yaml().dump(_tree(data), buf)
    return header + buf.getvalue()


def canonical_registry(model: BaseModel) -> BaseModel:
    if isinstance(model, ActorRegistry):
        return ActorRegistry(actors=sorted(model.actors, key=lambda a: a.id))
    if isinstance(model, PropositionRegistry):
        return PropositionRegistry(propositions=sorted(model.propositions, key=lambda p: p.id))
    return model


def targets(layout: Layout) -> list[tuple[Path, type[BaseModel], str]]:
    return [(layout.actors, ActorRegistry, ACTORS_HEADER), (layout.propositions, PropositionRegistry, PROPOSITIONS_HEADER)] + [
        (p, Record, RECORD_HEADER) for p in layout.record_files()
    ]


def comments(text: str, header: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The YAML comments of `text` that its canonical form drops (the header's are kept): those
    after a value on its line, and those on lines of their own, each as (line, comment).

    Read with ruamel's round-trip scanner, which alone knows a ' #' inside a quote or a block
    text from a comment; it runs only on files that are not already canonical."""
    kept = set(header.splitlines())
    after, own = [], []
    for token in YAML().scan(text):
        for i, held in enumerate(getattr(token, "comment", None) or ()):
            for comment in (held if isinstance(held, list) else [held]):
                if not isinstance(comment, CommentToken):
                    continue
                # One token can hold several comment lines, and blank lines after them.
                for n, line in enumerate(comment.value.split("\n")):
                    if line.strip() and line.rstrip() not in kept:
                        at = comment.start_mark.line + 1 + n
                        inline = i == 0 and n == 0 and isinstance(token, ScalarToken) and token.end_mark.line + 1 == at
                        (after if inline else own).append((at, line.strip()))
    return sorted(set(after)), sorted(set(own))


def format_files(layout: Layout, *, check: bool) -> tuple[list[Problem], list[tuple[str, str]]]:
    """Return (problems that stop formatting, [(file, unified diff)] of files not canonical).

    With check=False the files are rewritten in place (only those that parse and validate, and
    have no comment after a value: ' #' in an unquoted text starts one, and what follows it,
    which the writer may have meant as part of the text, would be dropped)."""
    problems, changed = [], []
    dropped: list[tuple[str, int]] = []
    for path, model, header in targets(layout):
        display = layout.rel(path)
        parsed, _, p = parse(model, path, display)
        if parsed is None or p:  # a record with consistency problems is not rewritten either
            problems += p
            continue
        # Bytes, not read_text: its universal newlines would read a CRLF file as canonical, and
        # `format` would then rewrite a file `format --check` had passed.
        current = path.read_bytes().decode("utf-8")
        wanted = dump(canonical_registry(parsed), header)
        if current != wanted:
            after, own = comments(current, header)
            if after:
                problems += [Problem(display, line, "", "not-canonical",
                                     f"{comment!r} after the value is a YAML comment, not part of the value: `make format` would drop it")
                             for line, comment in after]
                continue
            dropped += [(display, len(own))] if own else []
            diff = "".join(difflib.unified_diff(current.splitlines(True), wanted.splitlines(True), display, f"{display} (canonical)"))
            if "\r" in current:
                diff = f"{display}: has CR (Windows) line endings; canonical form ends lines with LF alone\n" + diff
            changed.append((display, diff))
            if not check:
                tmp = path.with_suffix(".yaml.tmp")
                tmp.write_text(wanted, encoding="utf-8")
                tmp.replace(path)
    return problems, changed, dropped
