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

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

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
    except OSError as exc:  # gone, unreadable, or a folder
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


def loads(text: str, display: str) -> Loaded:
    try:
        node = _Y.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = (exc.problem or str(exc)).strip()
        detail = ()
        tab = _tab_near(text, line, named="'\\t'" in message)
        if tab is not None:  # a tab can also surface as another error, on the line after it
            line, detail = tab
        elif "mapping values are not allowed" in message:
            detail = ("a text value containing ': ' must be quoted: key: 'text: more text'",)
        elif "expected <block end>, but found" in message:
            detail = ("a value that starts with a quote character must be quoted as a whole: "
                      "key: '\"words\" more words' (double a ' inside single quotes)",)
        raise YamlError(Problem(display, line, "", "yaml-syntax", message, detail))
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
