"""A fast reader for records in canonical form, the form `make format` writes.

The full reader (yamlio) builds ruamel's node tree so that every value keeps its line; at about
30 ms a record it was most of the cost of validating. Records are nearly always canonical: block
mappings and sequences indented with spaces, one value per line, plain, single- or double-quoted
scalars, flow lists of ids and literal blocks. This reader handles exactly that subset, line by
line, and returns None for anything else (anchors, tags, comments after values, folded or
multi-line scalars, tabs, unusual escapes, duplicate keys ...): the caller then uses the full
reader, which also reports the problem with its line. It never guesses.

Plain scalars are typed by ruamel's own YAML 1.2 resolver table and scalar constructors, so a
value reads the same whichever reader read it (tests/test_performance_paths.py compares them).
"""
from __future__ import annotations

import re
from typing import Any, Optional

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode

from .yamlio import _STR_TAGS, _yaml, scalar_constructors

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?$")
# Characters the subset accepts anywhere: line feed and printable text. Tabs, CR, NEL, the
# Unicode line and paragraph separators, a BOM and control characters all go to the full reader.
_OUTSIDE_SUBSET = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_DOUBLE_QUOTED = re.compile(r'(?:[^"\\]|\\["\\])*')  # only \" and \\ escapes; others: full reader
_UNESCAPE = re.compile(r'\\(["\\])')
_FLOW_SPECIAL = re.compile(r"[\[\]{}'\"#:]")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


def _resolver_parts():
    # A YAML instance of our own, never used to parse, so no %YAML directive can ever switch its
    # resolver away from 1.2.
    y = _yaml()
    scalars = scalar_constructors(y)
    table = y.resolver.versioned_resolver  # first character -> [(tag, regexp)], as resolve() uses it

    def rules(entries) -> tuple:
        # ruamel compiles these lazily behind a proxy that costs an attribute lookup per match.
        return tuple((str(tag), re.compile(regexp.pattern, regexp.flags)) for tag, regexp in entries)

    any_first = rules(table.get(None, []))
    by_first = {first: rules(entries) + any_first for first, entries in table.items() if first is not None}
    return by_first, any_first, scalars


_BY_FIRST, _ANY_FIRST, _SCALARS = _resolver_parts()
_TEXT_KEYS: set[str] = set()  # keys already known to read as text


class _NotCanonical(Exception):
    """The text is outside the subset: the full reader must read it."""


# Plain scalars already read: ids, enum values and actor ids recur in every record. Only text,
# numbers, booleans and None are kept (immutable), and the memo is emptied when it grows large.
_MEMO: dict[str, Any] = {}
_MEMO_MAX = 200_000


def plain_scalar(value: str) -> Any:
    """A plain scalar's value under YAML 1.2, as ruamel's resolver and constructors give it."""
    try:
        return _MEMO[value]
    except KeyError:
        pass
    if value[:1] not in _BY_FIRST and not _ANY_FIRST:
        return value  # no resolver rule starts with this character: text
    result = _resolve_plain(value)
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[value] = result
    return result


def _resolve_plain(value: str) -> Any:
    for tag, regexp in _BY_FIRST.get(value[:1], _ANY_FIRST):
        if regexp.match(value):
            if tag in _STR_TAGS:
                return value
            if tag not in _SCALARS:
                raise _NotCanonical(tag)
            try:
                return _SCALARS[tag](ScalarNode(tag, value))
            except (YAMLError, ValueError) as exc:
                raise _NotCanonical(value) from exc
    return value


class _Reader:
    def __init__(self, text: str):
        self.lines = text.split("\n")[:-1]  # the text ends with a line break
        # (line number, indent, content) of every line that is neither blank nor a comment
        self.tokens = [(n, len(line) - len(content), content) for n, line in enumerate(self.lines)
                       if (content := line.lstrip(" ")) and content[0] != "#"]
        self.t = 0  # index of the next token to read

    def peek(self) -> Optional[tuple[int, int, str]]:
        return self.tokens[self.t] if self.t < len(self.tokens) else None

    # Nodes -------------------------------------------------------------------------------
    def block(self, parent_indent: int, *, in_mapping: bool) -> Any:
        """The value of `key:` with nothing after the colon: a nested block, or null."""
        nxt = self.peek()
        if nxt is None:
            return None
        _, indent, content = nxt
        is_item = content == "-" or content.startswith("- ")
        if indent > parent_indent:
            return self.sequence(indent) if is_item else self.mapping(indent)
        if indent == parent_indent and is_item and in_mapping:
            return self.sequence(indent)  # YAML lets a mapping's sequence sit at the key's indent
        return None

    def mapping(self, indent: int, first: Optional[str] = None) -> dict:
        """A block mapping whose keys sit at `indent`; `first` is an entry already cut off a '- ' line."""
        out: dict = {}
        tokens = self.tokens
        while True:
            if first is not None:
                content, first = first, None
            else:
                if self.t >= len(tokens):
                    return out
                _, at, content = tokens[self.t]
                if at < indent:
                    return out
                if at > indent:
                    raise _NotCanonical("continuation line")
            self.t += 1
            m = _KEY.match(content)
            if not m:
                raise _NotCanonical("not a key")
            key = m[1]
            if key not in _TEXT_KEYS:
                if not isinstance(plain_scalar(key), str):
                    raise _NotCanonical("key that is not text")
                _TEXT_KEYS.add(key)
            if key in out:
                raise _NotCanonical("duplicate key")
            rest = m[2]
            if rest:
                rest = rest.rstrip(" ")
            out[key] = self.scalar(rest, indent) if rest else self.block(indent, in_mapping=True)

    def sequence(self, indent: int) -> list:
        out: list = []
        tokens = self.tokens
        while self.t < len(tokens):
            _, at, content = tokens[self.t]
            if at < indent or (at == indent and not content.startswith("- ")):
                return out  # the caller decides whether what follows may follow
            if at > indent:
                raise _NotCanonical("not a sequence item")
            content = content[2:]
            item = content.lstrip(" ")
            if not item or item[0] == "-":
                raise _NotCanonical("empty or nested item")
            if _KEY.match(item):
                out.append(self.mapping(indent + 2 + len(content) - len(item), first=item))
            else:
                self.t += 1
                out.append(self.scalar(item.rstrip(" "), indent))
        return out

    def scalar(self, value: str, parent_indent: int) -> Any:
        first = value[0]
        if first == "'":
            inner = value[1:-1]
            if len(value) < 2 or value[-1] != "'" or "'" in inner.replace("''", ""):
                raise _NotCanonical("single-quoted")
            return inner.replace("''", "'")
        if first == '"':
            inner = value[1:-1]
            if len(value) < 2 or value[-1] != '"' or not _DOUBLE_QUOTED.fullmatch(inner):
                raise _NotCanonical("double-quoted")
            return _UNESCAPE.sub(r"\1", inner) if "\\" in inner else inner
        if first == "[":
            return self.flow_list(value)
        if first == "|":
            return self.literal(value, parent_indent)
        if first in _INDICATORS or ": " in value or " #" in value or value.endswith(":"):
            raise _NotCanonical("indicator")
        return plain_scalar(value)

    def flow_list(self, value: str) -> list:
        inner = value[1:-1].strip(" ")
        if value[-1] != "]" or _FLOW_SPECIAL.search(inner):
            raise _NotCanonical("flow list")
        if not inner:
            return []
        items = [item.strip(" ") for item in inner.split(",")]
        if any(not item or item[0] in _INDICATORS for item in items):
            raise _NotCanonical("flow item")
        return [plain_scalar(item) for item in items]

    def literal(self, header: str, parent_indent: int) -> str:
        if header not in ("|", "|-"):
            raise _NotCanonical("block scalar header")
        lines = self.lines
        i = self.tokens[self.t - 1][0] + 1  # the line after the header
        body: list[str] = []
        block_indent = None
        while i < len(lines):
            line = lines[i]
            if not line:
                if block_indent is None:
                    raise _NotCanonical("leading blank line in a literal block")
                body.append("")
                i += 1
                continue
            indent = len(line) - len(line.lstrip(" "))
            if indent == len(line):
                raise _NotCanonical("white space line in a literal block")
            if block_indent is None:
                if indent <= parent_indent:
                    break
                block_indent = indent
            elif indent < block_indent:
                if indent > parent_indent:
                    raise _NotCanonical("literal block indentation")
                break
            body.append(line[block_indent:])
            i += 1
        while self.t < len(self.tokens) and self.tokens[self.t][0] < i:
            self.t += 1  # the block's lines are content, not nodes
        while body and not body[-1]:
            body.pop()
        if not body:
            raise _NotCanonical("empty literal block")
        return "\n".join(body) + ("\n" if header == "|" else "")


def fast_load(text: str) -> Optional[Any]:
    """The data of a record in canonical form, or None when the full reader must read it."""
    if not text.endswith("\n") or _OUTSIDE_SUBSET.search(text):
        return None
    reader = _Reader(text)
    try:
        first = reader.peek()
        if first is None or first[1] != 0:
            return None
        data = reader.mapping(0)
        return None if reader.peek() is not None else data
    except _NotCanonical:
        return None
