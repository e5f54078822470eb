"""Read YAML 1.2 records safely, keeping the line of every value for error messages.

Records come from strangers, so the reader refuses what YAML allows but a record never needs:
anchors and aliases (an alias bomb must not expand), duplicate keys (YAML would keep one
silently), a BOM, non-UTF-8 bytes and oversized files. Timestamps are not resolved: a date
stays the string it looks like, because records hold EDTF strings, not Python dates.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import re

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.tokens import ScalarToken

from .problems import Problem

MAX_BYTES = 1024 * 1024  # a record of a 5 KB article is ~20 KB; 1 MiB leaves ample room


Path_ = tuple  # a field path: ('claims', 3, 'quote')


@dataclass
class Loaded:
    data: Any
    lines: dict[tuple, int]  # field path -> 1-based line of its key (or item)

    def line_of(self, path: tuple) -> int:
        """Line of the deepest part of `path` that the file has (a missing field → its parent)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class YamlError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(problem.format())
        self.problem = problem


def _yaml() -> YAML:
    y = YAML(typ="safe", pure=True)
    y.version = (1, 2)
    return y


def scalar_constructors(y: YAML) -> dict:
    """The YAML 1.2 core schema, built by ruamel's own scalar constructors; any other tag
    (!!python/object, !!binary, custom tags) is refused."""
    c = y.constructor
    return {
        "tag:yaml.org,2002:null": c.construct_yaml_null,
        "tag:yaml.org,2002:bool": c.construct_yaml_bool,
        "tag:yaml.org,2002:int": c.construct_yaml_int,
        "tag:yaml.org,2002:float": c.construct_yaml_float,
    }


_Y = _yaml()
_SCALARS = scalar_constructors(_Y)
_STR_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"}
_SEQ_TAG, _MAP_TAG = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def read_bytes(path: Path, display: str, *, what: str = "file") -> bytes:
    """The file's bytes, after checking its size (a file over MAX_BYTES is not read at all)."""
    code = "seed-missing" if what == "seed" else "yaml-syntax"
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise YamlError(_too_large(display, size))
        return path.read_bytes()
    except IsADirectoryError:  # said in words of its own: strerror's differ between systems
        raise YamlError(Problem(display, 0, "", code, "cannot read: it is a folder, not a file"))
    except OSError as exc:  # gone or unreadable
        raise YamlError(Problem(display, 0, "", code, f"cannot read: {exc.strerror}"))


def read_text(path: Path, display: str, *, what: str = "file") -> str:
    """Bytes → str with the checks every input file shares (size, BOM, UTF-8)."""
    return decode_text(read_bytes(path, display, what=what), display)


def _too_large(display: str, size: int) -> Problem:
    return Problem(display, 0, "", "file-too-large", f"{size:,} bytes; the limit is {MAX_BYTES:,}")


def decode_text(raw: bytes, display: str) -> str:
    """The UTF-8 text of bytes already read, or a located problem (too large, BOM, not UTF-8)."""
    if len(raw) > MAX_BYTES:
        raise YamlError(_too_large(display, len(raw)))
    if raw.startswith(b"\xef\xbb\xbf"):
        raise YamlError(Problem(display, 1, "", "bom", "starts with a UTF-8 byte order mark"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(Problem(display, line, "", "not-utf8", f"byte 0x{raw[exc.start]:02x} at offset {exc.start} is not UTF-8"))


def _tab_near(text: str, line: int, named: bool) -> tuple[int, tuple[str, ...]] | None:
    """The line (1-based) holding the tab behind an error, and what to say of it. A tab in the
    indentation of the line reported or the one before it (where it can surface as another
    error, on the next line); when the error names a tab (`named`), also one inside the line.
    A tab inside a quoted value is valid YAML, so a tab elsewhere on the line before is not blamed."""
    lines = text.split("\n")
    for n in (line, line - 1):
        if not 1 <= n <= len(lines) or "\t" not in lines[n - 1]:
            continue
        content = lines[n - 1]
        column = content.index("\t") + 1
        if not content[: column - 1].strip(" "):
            return n, (f"the line is indented with a tab (column {column}): YAML forbids tabs for indentation; indent with spaces",)
        if named and n == line:
            return n, (f"a tab at column {column}, inside the line: use a space (a tab may stand only inside a quoted value)",)
    return None


# Control characters but tab and line feed: C0, DEL and C1 (what `control_character` reports).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def control_character(text: str, at: int, display: str, *, what: str = "") -> Problem:
    """The problem of a control character at offset `at` of `text`, located by line and column."""
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    import unicodedata  # here: loading its tables costs every command's start

    code = ord(text[at])
    name = _C0[code] if code < 32 else "DEL" if code == 0x7F else unicodedata.name(text[at], "") or "a C1 control character"
    return Problem(display, line, "", "control-character", f"control character U+{code:04X} ({name}) at column {column}{what}")


_C0 = ("NUL SOH STX ETX EOT ENQ ACK BEL BS TAB LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US").split()


def _spaces(n: int) -> str:
    return f"{n} space" + ("" if n == 1 else "s")


def _line_indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous_content_line(lines: list[str], n: int) -> int:
    """The number (1-based) of the last line before line `n` holding more than a comment, or 0."""
    for m in range(n - 1, 0, -1):
        stripped = lines[m - 1].strip()
        if stripped and not stripped.startswith("#"):
            return m
    return 0


def _key_column(line: str) -> int:
    """The column (0-based) where a line's key (or list item's key) starts."""
    m = re.match(r" *(?:- +)?", line)
    return m.end()


def _unclosed_quote(text: str, exc: MarkedYAMLError) -> tuple[int, str, tuple[str, ...]] | None:
    """(line, message, detail) when the error comes from a quoted value whose closing quote is
    missing: YAML then reads on to the end of the file, or to the next quote character, and says
    so there. Records keep each value on one line, so a quoted value that runs over lines and ends
    where the error is is the one to blame, at the line where it starts."""
    quote_names = {'"': "double", "'": "single"}
    if exc.context == "while scanning a quoted scalar" and exc.context_mark is not None:
        if not re.search(r"unexpected (end of stream|document separator)", exc.problem or ""):
            return None  # a bad escape inside the value: where YAML says
        start = exc.context_mark
        char = text[start.index] if start.index < len(text) else '"'
        return (start.line + 1, f"the {quote_names.get(char, 'double')}-quoted value that starts here is not closed: "
                f"no closing {char} before the end of the file", ())
    mark = exc.problem_mark
    if mark is None:
        return None
    last = None
    try:
        for token in _Y.scan(text):
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, ScalarToken) and token.style in quote_names:
                last = token
    except YAMLError:
        pass
    if last is None or last.start_mark.line == last.end_mark.line or last.end_mark.line != mark.line:
        return None
    char = last.style
    return (last.start_mark.line + 1, f"the {quote_names[char]}-quoted value that starts here is not closed on its line: "
            f"YAML reads on to the {char} on line {last.end_mark.line + 1} and fails there",
            (f"line {mark.line + 1}: {exc.problem}",))


def _indentation(text: str, line: int, column: int, message: str) -> tuple[int, str, tuple[str, ...]] | None:
    """(line, message, detail) when the error is what a line indented wrongly gives: a key
    indented deeper than the key above it reads as more of that key's value ("mapping values are
    not allowed here", at the line's own key), and a line indented to no level open above it ends
    the mapping or list it was meant to be in ("expected <block end>, but found ...")."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    content = lines[line - 1]
    before = _previous_content_line(lines, line)
    if not before:
        return None
    above = lines[before - 1]
    indent, above_key = _key_column(content), _key_column(above)
    shown = (f"line {before}: {above.rstrip()[:80]!r}", f"line {line}: {content.rstrip()[:80]!r}")
    if "mapping values are not allowed" in message:
        # Only when YAML stopped at the line's own key: a ': ' inside a value is the other cause
        # (the detail then says how to quote it).
        head = re.match(r" *(?:- +)?[^ :#'\"\[{][^:#]*?:(?= |$)", content)
        if head is None or head.end() - 1 != column or indent <= above_key:
            return None
        if not re.match(r" *(?:- +)?[^ :#][^:#]*?: +[^ #]", above):
            return None  # the line above holds no key with its value on the line
        return (line, f"indentation: this line's key is indented by {_spaces(indent)}, deeper than line {before}'s "
                f"({above_key}), so YAML reads it as more of line {before}'s value", shown)
    if re.search(r"expected <block end>, but found '(\?|<block mapping start>|<block sequence start>)'", message):
        return (line, f"indentation: this line is indented by {_spaces(_line_indent(content))} and line {before}'s key by "
                f"{above_key}: YAML cannot place this line in any mapping or list open above it", shown)
    return None


def _key_without_colon_space(text: str, line: int, message: str) -> tuple[int, tuple[str, ...]] | None:
    """The line before the one reported, when it holds a key written `key:value` or `key value`:
    YAML reads it as text and notices only on the next line (a mapping value, or no ':')."""
    if not ("could not find expected ':'" in message or "mapping values are not allowed" in message) or line < 2:
        return None
    before = text.split("\n")[line - 2]
    if m := re.match(r"\s*(?:-\s+)?([a-z_]+):(?=[^\s])", before):
        return line - 1, (f"{m[1]!r} needs a space after its colon: write '{m[1]}: ...'",)
    if "could not find expected ':'" in message and (m := re.match(r"\s*(?:-\s+)?([a-z_]+) (?=\S)", before)) and ":" not in before:
        return line - 1, (f"{m[1]!r} has no colon: write '{m[1]}: ...'",)
    return None


def _misindented_item(text: str, line: int) -> str | None:
    """What to say of a list item indented less than the items of its list before it."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines) or not lines[line - 1].lstrip(" ").startswith("-"):
        return None
    column = len(lines[line - 1]) - len(lines[line - 1].lstrip(" "))
    for n in range(line - 1, 0, -1):
        other = lines[n - 1]
        stripped = other.lstrip(" ")
        if stripped.startswith("- ") and len(other) - len(stripped) > column:
            return (f"this list item starts at column {column + 1}, the item of line {n} at column "
                    f"{len(other) - len(stripped) + 1}: items of one list start in the same column")
    return None


def _too_deep(text: str, display: str) -> Problem:
    # ruamel's scanner and composer recurse once per level: 1,000 nested [ or { exhaust Python's
    # stack. Blamed on the line holding the longest run of them, where the nesting is.
    runs = [(len(m[0]), text.count("\n", 0, m.start()) + 1) for m in re.finditer(r"(?:[\[{]\s*)+", text)]
    line = max(runs)[1] if runs else 0
    return Problem(display, line, "", "yaml-syntax", "nesting too deep: lists or mappings inside each other hundreds of levels deep")


def loads(text: str, display: str) -> Loaded:
    try:
        return _loads(text, display)
    except RecursionError:
        raise YamlError(_too_deep(text, display)) from None


def _loads(text: str, display: str) -> Loaded:
    try:
        node = _Y.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = (exc.problem or str(exc)).strip()
        detail = ()
        tab = _tab_near(text, line, named="'\\t'" in message)
        column = mark.column if mark else 0
        found = None if tab is not None else (_unclosed_quote(text, exc) or _indentation(text, line, column, message))
        if tab is not None:  # a tab can also surface as another error, on the line after it
            line, detail = tab
        elif found is not None:
            line, message, detail = found
        elif (key := _key_without_colon_space(text, line, message)) is not None:
            line, detail = key
        elif "could not find expected ':'" in message:
            detail = (f"a key needs ': ' (a colon and a space) before its value: check line {max(line - 1, 1)} and this one",)
        elif "mapping values are not allowed" in message:
            detail = ("a text value containing ': ' must be quoted: key: 'text: more text'",)
        elif "expected <block end>, but found '-'" in message and (item := _misindented_item(text, line)) is not None:
            detail = (item,)
        elif "expected <block end>, but found" in message:
            detail = ("a value that starts with a quote character must be quoted as a whole: "
                      "key: '\"words\" more words' (double a ' inside single quotes)",)
        raise YamlError(Problem(display, line, "", "yaml-syntax", message, detail))
    except ReaderError as exc:  # a character YAML does not allow, anywhere in the file
        if isinstance(exc.character, str) or exc.position is None or not 0 <= exc.position < len(text):
            raise YamlError(Problem(display, 1, "", "yaml-syntax", str(exc).strip().splitlines()[0]))
        raise YamlError(control_character(text, exc.position, display))
    except YAMLError as exc:
        raise YamlError(Problem(display, 0, "", "yaml-syntax", str(exc).strip().splitlines()[0]))
    lines: dict[tuple, int] = {(): 1}
    if node is None:
        return Loaded(None, lines)
    return Loaded(_construct(node, (), lines, display, set()), lines)


def _construct(node, path: tuple, lines: dict, display: str, seen: set) -> Any:
    # An alias makes the composer hand back the anchored node again; seeing a node twice, or
    # any anchor at all, is refused before anything is expanded.
    if id(node) in seen or getattr(node, "anchor", None):
        raise YamlError(Problem(display, node.start_mark.line + 1, _dotted(path), "yaml-anchor", "anchors and aliases are not allowed"))
    seen.add(id(node))
    tag = str(node.tag)
    if isinstance(node, ScalarNode):
        if tag in _STR_TAGS:
            return node.value
        if tag in _SCALARS:
            try:
                return _SCALARS[tag](node)
            except (YAMLError, ValueError) as exc:
                raise YamlError(Problem(display, node.start_mark.line + 1, _dotted(path), "yaml-syntax", f"bad scalar {node.value!r}: {exc}"))
    elif (isinstance(node, SequenceNode) and tag == _SEQ_TAG) or (isinstance(node, MappingNode) and tag == _MAP_TAG):
        pass
    else:
        tag = "?"
    if tag not in _STR_TAGS and tag not in _SCALARS and tag not in (_SEQ_TAG, _MAP_TAG):
        raise YamlError(Problem(display, node.start_mark.line + 1, _dotted(path), "yaml-syntax", f"tag {node.tag} is not allowed; records use plain YAML values"))
    if isinstance(node, SequenceNode):
        out = []
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            out.append(_construct(item, path + (i,), lines, display, seen))
        return out
    if isinstance(node, MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = _construct(key_node, path, {}, display, seen)
            if not isinstance(key, (str, int)):
                raise YamlError(Problem(display, key_node.start_mark.line + 1, _dotted(path), "yaml-syntax", "mapping keys must be plain text"))
            if key in out:
                raise YamlError(Problem(display, key_node.start_mark.line + 1, _dotted(path + (key,)), "yaml-duplicate-key",
                                        f"key {key!r} appears twice (first at line {lines[path + (key,)]})"))
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _construct(value_node, path + (key,), lines, display, seen)
        return out
    raise YamlError(Problem(display, node.start_mark.line + 1, _dotted(path), "yaml-syntax", f"unsupported node {type(node).__name__}"))


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted
