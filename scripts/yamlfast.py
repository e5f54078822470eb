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

Speed: one compiled regex cuts every line into its head (indentation, an optional `- ` item
marker and an optional `key:`) and the rest, in C, and checks on the way that the line holds
only characters of the subset. Heads recur (the same keys at the same indentation in every
record), so what a head means is worked out once and remembered; so are short values (ids, enum
values, dates, numbers), keyed by their text as written. The Python loop over lines then does
little more than compare indentations and store values.
"""
from __future__ import annotations

import re
from typing import Any, Optional

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import ScalarNode

from .yamlio import _STR_TAGS, _yaml, scalar_constructors

# Characters the subset accepts within a line: printable text. Tabs, CR, NEL, the Unicode line
# and paragraph separators, a BOM and control characters all go to the full reader.
_SUBSET = "\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff"
# One line: (head, rest). The head is the indentation, an optional "- " item marker (the dash,
# then spaces) and an optional key with its colon and the spaces after it; the rest is the value
# as written, trailing spaces included. The key must be followed by a space or the line's end
# ("a:b" is a plain scalar, not a key). A line with a character outside the subset does not
# match at all, and `^` stops the search from starting again inside it: fast_load counts tokens
# against line breaks to see that. Every part of a head is in the subset.
# The quantifiers are possessive: nothing after them could match what they gave back, and sre
# then keeps no backtracking state (a third faster).
_LINE = re.compile(r"^( *+(?:- ++)?+(?:[A-Za-z_][A-Za-z0-9_]*+:(?: ++|(?=\n)))?+)([" + _SUBSET + r"]*+)\n", re.M)
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


class _NotCanonical(Exception):
    """The text is outside the subset: the full reader must read it."""


# Plain scalars already read: ids, enum values and actor ids recur in every record. Only text,
# numbers, booleans and None are kept (immutable), and the memo is emptied when it grows large.
_MEMO: dict[str, Any] = {}
_MEMO_MAX = 200_000
_MISSING = object()


def plain_scalar(value: str) -> Any:
    """A plain scalar's value under YAML 1.2, as ruamel's resolver and constructors give it."""
    result = _MEMO.get(value, _MISSING)  # not try/except: a miss would cost a raise
    if result is not _MISSING:
        return result
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


# What a head means: (entry, at, item, key, key_is_text, bare).
#   at     the indentation (column of the first character that is not a space);
#   item   for a "- " line, the column where the item's content starts, else -1;
#   key    the key, or None; key_is_text: whether YAML reads it as text (not null, true ...);
#   entry  `at` for a "key:" line without "- " whose key is text, else -1, so that one
#          comparison with a mapping's indentation says "this line is that mapping's next entry";
#   bare   no "- " and no key: a blank line, a comment, or text (a literal block's line, or a
#          line out of place).
# A key that is not text is only refused when its line is read as an entry: inside a literal
# block "true: x" is just text.
_SHAPES: dict[str, tuple] = {}


def _shape(head: str) -> tuple:
    body = head.lstrip(" ")
    at = len(head) - len(body)
    item = -1
    if body[:1] == "-":  # the regex only lets "-" into a head as "- " then spaces
        body = body[1:].lstrip(" ")
        item = len(head) - len(body)
    key = body[: body.index(":")] if body else None
    key_is_text = False
    if key is not None:
        try:
            key_is_text = isinstance(plain_scalar(key), str)
        except _NotCanonical:
            pass
    shape = (at if item < 0 and key_is_text else -1, at, item, key, key_is_text, item < 0 and key is None)
    if len(_SHAPES) >= _MEMO_MAX:
        _SHAPES.clear()
    _SHAPES[head] = shape
    return shape


# Values already read, keyed by the rest of their line as written (quotes and trailing spaces
# included), so that a hit skips every check below: what a rest reads as depends on nothing else.
# Only short ones are kept: ids, enum values, dates and numbers recur from record to record, prose
# rarely does. Only immutable values (text, numbers, booleans, None); flow lists are kept as
# tuples and copied.
_VALUES: dict[str, Any] = {}
_FLOWS: dict[str, tuple] = {}
_KEEP_MAX_LEN = 32


def _value(raw: str) -> Any:
    """The value of a scalar or flow list written as `raw` (not a literal block), remembered."""
    value = raw.rstrip(" ")
    first = value[0]
    if first not in _INDICATORS:  # plain
        if ": " in value or " #" in value or value[-1] == ":":
            raise _NotCanonical("indicator")
        # plain_scalar's answer, without its memo when no resolver rule starts with `first`
        result = value if first not in _BY_FIRST and not _ANY_FIRST else plain_scalar(value)
    elif first == "'":
        inner = value[1:-1]
        if len(value) < 2 or value[-1] != "'" or "'" in inner.replace("''", ""):
            raise _NotCanonical("single-quoted")
        result = inner.replace("''", "'")
    elif first == '"':
        inner = value[1:-1]
        if len(value) < 2 or value[-1] != '"' or not _DOUBLE_QUOTED.fullmatch(inner):
            raise _NotCanonical("double-quoted")
        result = _UNESCAPE.sub(r"\1", inner) if "\\" in inner else inner
    elif first == "[":
        items = _FLOWS.get(raw)
        if items is None:
            items = _flow_list(value)
            if len(_FLOWS) >= _MEMO_MAX:
                _FLOWS.clear()
            _FLOWS[raw] = items
        return list(items)
    else:
        raise _NotCanonical("indicator")  # "|" included: literal blocks are _literal's
    if len(raw) <= _KEEP_MAX_LEN:
        if len(_VALUES) >= _MEMO_MAX:
            _VALUES.clear()
        _VALUES[raw] = result
    return result


def _flow_list(value: str) -> tuple:
    inner = value[1:-1].strip(" ")
    if value[-1] != "]" or _FLOW_SPECIAL.search(inner):
        raise _NotCanonical("flow list")
    if not inner:
        return ()
    items = [item.strip(" ") for item in inner.split(",")]
    if any(not item or item[0] in _INDICATORS for item in items):
        raise _NotCanonical("flow item")
    return tuple(plain_scalar(item) for item in items)


# The reader. Token i is line i, as (head, rest). Each node function takes the index of the
# node's first line (and what the caller already unpacked of it) and returns the node and the
# index of the line after it. Blank and comment lines (a bare head with an empty rest or one
# starting with "#") are skipped wherever a node may start or end, as if they were not there.
#
# Records nest four deep. Far deeper nesting goes to the full reader: its recursion gives out a
# few hundred levels down, and this reader must not read what that one cannot.
_MAX_DEPTH = 64


def _mapping(tokens: list, i: int, indent: int, key: str, rest: str, depth: int) -> tuple[dict, int]:
    """A block mapping whose keys sit at `indent`. Token i is its first entry, `key: rest`, as
    the caller checked: a "key:" line at `indent`, or a "- key:" line whose key sits at `indent`,
    with a key that is text."""
    if depth > _MAX_DEPTH:
        raise _NotCanonical("nested too deeply")
    n, shapes, values = len(tokens), _SHAPES, _VALUES
    out: dict = {}
    while True:
        i += 1
        if key in out:
            raise _NotCanonical("duplicate key")
        if rest:
            value = values.get(rest, _MISSING)  # looked up here: most values are remembered
            if value is _MISSING:
                value, i = _unremembered(tokens, rest, indent, i)
            out[key] = value
            open_key = None
        else:
            out[key] = None  # unless a nested block follows
            open_key = key
        # The next entry. A line less indented ends the mapping; after "key:" with nothing after
        # the colon, a more indented line (or a "- " line at the key's indent: YAML lets a
        # mapping's sequence sit there) starts the key's value.
        while True:
            if i >= n:
                return out, i
            head, rest = tokens[i]
            try:
                entry, at, item, key, _, bare = shapes[head]
            except KeyError:
                entry, at, item, key, _, bare = _shape(head)
            if entry == indent:
                break
            if bare and (not rest or rest[0] == "#"):
                i += 1
                continue
            if open_key is not None and (at > indent or (at == indent and item >= 0)):
                if item >= 0:
                    out[open_key], i = _sequence(tokens, i, at, depth + 1)
                elif entry == at:
                    out[open_key], i = _mapping(tokens, i, at, key, rest, depth + 1)
                else:
                    raise _NotCanonical("not a key")
                open_key = None
                continue
            if at < indent:
                return out, i
            raise _NotCanonical("continuation line" if at > indent else "not a key")


def _sequence(tokens: list, i: int, indent: int, depth: int) -> tuple[list, int]:
    """A block sequence whose "- " markers sit at `indent`; token i is its first item."""
    if depth > _MAX_DEPTH:
        raise _NotCanonical("nested too deeply")
    n, shapes, values = len(tokens), _SHAPES, _VALUES
    out: list = []
    while i < n:
        head, rest = tokens[i]
        try:
            _, at, item, key, key_is_text, bare = shapes[head]
        except KeyError:
            _, at, item, key, key_is_text, bare = _shape(head)
        if at != indent or item < 0:
            if bare and (not rest or rest[0] == "#"):
                i += 1
                continue
            if at <= indent:
                break  # the caller decides whether what follows may follow
            raise _NotCanonical("not a sequence item")
        if key is not None:
            if not key_is_text:
                raise _NotCanonical("key that is not text")
            value, i = _mapping(tokens, i, item, key, rest, depth + 1)
        else:
            if not rest or rest[0] == "-":
                raise _NotCanonical("empty or nested item")
            i += 1
            value = values.get(rest, _MISSING)
            if value is _MISSING:
                value, i = _unremembered(tokens, rest, indent, i)
        out.append(value)
    return out, i


def _unremembered(tokens: list, rest: str, parent_indent: int, i: int) -> tuple[Any, int]:
    """The value written as `rest` on the line before token i, and the index after it."""
    if rest[0] == "|":
        return _literal(tokens, rest, parent_indent, i)
    return _value(rest), i


def _literal(tokens: list, rest: str, parent_indent: int, i: int) -> tuple[str, int]:
    """A literal block whose header is `rest`; token i is the line after the header."""
    header = rest.rstrip(" ")
    if header not in ("|", "|-"):
        raise _NotCanonical("block scalar header")
    n = len(tokens)
    body: list[str] = []
    block_indent = None
    while i < n:
        line = "".join(tokens[i])  # the line as written: a block's lines are text, not nodes
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
    while body and not body[-1]:
        body.pop()
    if not body:
        raise _NotCanonical("empty literal block")
    return "\n".join(body) + ("\n" if header == "|" else ""), i


def fast_load(text: str) -> Optional[Any]:
    """The data of a record in canonical form, or None when the full reader must read it."""
    if not text.endswith("\n"):
        return None
    tokens = _LINE.findall(text)
    if len(tokens) != text.count("\n"):
        return None  # a line with a character outside the subset matched nothing
    try:
        for i, (head, rest) in enumerate(tokens):
            entry, _, _, key, _, bare = _SHAPES.get(head) or _shape(head)
            if not (bare and (not rest or rest[0] == "#")):
                break
        else:
            return None  # nothing but blank and comment lines
        if entry != 0:
            return None  # the first node is not a key (that is text) at the left margin
        data, i = _mapping(tokens, i, 0, key, rest, 0)
        return data if i >= len(tokens) else None
    except _NotCanonical:
        return None
