"""Read YAML files into plain data plus the source position of every value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import DeckforgeError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ALIAS_VALUES",
    "MAX_DEPTH",
    "RawDocument",
    "load_yaml",
    "parse_yaml",
]

MAX_FILE_BYTES = 8 * 1024 * 1024
"""Largest YAML file deckforge reads; bigger files are rejected before parsing."""
MAX_ALIAS_VALUES = 10_000
"""How many values YAML aliases (``*name``) may expand to in one file (stops "billion laughs")."""
MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted in one file."""

Path_ = tuple[Any, ...]

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SCALAR = yaml.constructor.SafeConstructor()
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_STR = "tag:yaml.org,2002:str"
_KNOWN_TAGS = frozenset("tag:yaml.org,2002:" + t for t in (
    "str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge", "value"))
# Control characters do not display, and YAML only lets them in through "\a"-style escapes.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TAG_NAMES = {
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:null": "empty (null)",
}


@dataclass
class RawDocument:
    """One YAML file as plain data, with the (line, col) of each value and mapping key."""

    path: Path
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    scalar_text: dict[Path_, tuple[str, str]] = field(default_factory=dict)
    """For values YAML did not read as text: path -> (what it became, the text as written)."""

    def position(self, path: Path_) -> tuple[int, int]:
        """The position of the value at ``path``, or of its nearest parent that has one."""
        p = tuple(path)
        while p not in self.positions and p:
            p = p[:-1]
        return self.positions.get(p, (1, 1))

    def key_position(self, path: Path_) -> tuple[int, int]:
        return self.key_positions.get(tuple(path)) or self.position(path)

    def error(self, path: Path_, message: str, hint: str = "", *, key: bool = False) -> DeckforgeError:
        line, col = self.key_position(path) if key else self.position(path)
        name = ".".join(str(p) for p in path if isinstance(p, str))
        return DeckforgeError(str(self.path), line, col, message, hint, name)


class _Builder:
    """Turns a composed YAML node graph into plain data, recording positions."""

    def __init__(self, doc: RawDocument) -> None:
        self.doc = doc
        self.seen: set[int] = set()
        self.alias_values = 0
        self.errors: list[DeckforgeError] = []

    def build(self, node: yaml.Node, path: Path_, depth: int, via_alias: bool) -> Any:
        if depth > MAX_DEPTH:
            raise _Abort(self._err(node, f"nesting deeper than {MAX_DEPTH} levels",
                                   "card files need only a few levels of nesting"))
        if id(node) in self.seen:
            via_alias = True
        self.seen.add(id(node))
        if via_alias:
            self.alias_values += 1
            if self.alias_values > MAX_ALIAS_VALUES:
                raise _Abort(self._err(
                    node, f"YAML aliases expand to more than {MAX_ALIAS_VALUES} values",
                    "write the values out instead of nesting anchors and aliases (*name)"))
        self.doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _KNOWN_TAGS:
            # `!!python/object`, `!!binary`, `!custom`: plain data is all a card file holds.
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.errors.append(self._err(node, f"YAML tag `{tag}` is not supported",
                                         "remove the tag; put text in quotes if it must stay text"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth, via_alias)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(n, (*path, i), depth + 1, via_alias) for i, n in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path_, depth: int, via_alias: bool) -> Any:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.errors.append(self._err(key_node, "YAML merge keys (<<) are not supported",
                                             "write the fields out in full"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.errors.append(self._err(key_node, "a field name must be plain text",
                                             "field names look like `front:`"))
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_seen:
                self.errors.append(self._err(
                    key_node, f"duplicate field `{key}` (first given on line {first_seen[key]})",
                    "YAML keeps only one of them; remove or rename the other", field=key))
                continue
            first_seen[key] = line
            self.doc.key_positions[path + (key,)] = (line, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*path, key), depth + 1, via_alias)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        bad = _CONTROL_RE.search(node.value)
        if bad:
            name = next((str(p) for p in reversed(path) if isinstance(p, str)), "text")
            self.errors.append(self._err(
                node, f"`{name}` contains the control character U+{ord(bad.group()):04X}",
                "remove it: control characters do not display on a card"))
        if node.tag in (_STR, _TIMESTAMP) or node.style:
            # Dates stay text as written: YAML 1.2 has no timestamps, and `as_of` is checked
            # against a pattern instead of being turned into a date and back.
            return str(node.value)
        try:
            value = _SCALAR.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            return str(node.value)
        finally:
            # The shared constructor caches every node it builds; drop it so nothing piles up.
            _SCALAR.constructed_objects.pop(node, None)
        if not isinstance(value, (bool, int, float)) and value is not None:
            # `!!binary`, `!!set` and other tags build objects no card field can hold.
            return str(node.value)
        if node.tag in _TAG_NAMES:
            self.doc.scalar_text[path] = (_TAG_NAMES[node.tag], str(node.value))
        return value

    def _err(self, node: yaml.Node, message: str, hint: str, field: str = "") -> DeckforgeError:
        m = node.start_mark
        return DeckforgeError(str(self.doc.path), m.line + 1, m.column + 1, message, hint, field)


class _Abort(Exception):
    def __init__(self, error: DeckforgeError) -> None:
        self.error = error


def _yaml_error(path: Path, exc: yaml.YAMLError, text: str) -> DeckforgeError:
    if isinstance(exc, yaml.reader.ReaderError):
        # Raised before parsing, with an offset instead of a line and column.
        at = min(max(exc.position, 0), len(text))
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        return DeckforgeError(str(path), line, col,
                              f"file contains the control character U+{exc.character:04X}",
                              "remove it: control characters do not display on a card")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    hint = ""
    lines = text.splitlines()
    bad_line = lines[line - 1] if 0 < line <= len(lines) else ""
    bad_char = bad_line[col - 1] if 0 < col <= len(bad_line) else ""
    opened = getattr(exc, "context_mark", None)
    if "\t" in problem or "\t" in bad_line[: max(col, 1)]:
        hint = "YAML indentation must use spaces, not tabs"
    elif "mapping values are not allowed" in problem and bad_line.lstrip().startswith("why:"):
        message = "invalid YAML: a `why` cannot follow a plain option"
        col = len(bad_line) - len(bad_line.lstrip()) + 1
        hint = "write the option as `- text: <option>`, with `why: <reason>` below `text:`, indented like it"
    elif "mapping values are not allowed" in problem:
        hint = 'text containing ": " must be quoted, e.g. front: "Q: what is it?"'
    elif "cannot start any token" in problem and bad_char and bad_char in "@`%":
        # The C parser leaves the character out of its message; name it from the text.
        hint = f'text starting with {bad_char} must be quoted, e.g. front: "{bad_char}..."'
    elif "end of stream" in problem and context and "quoted" in context and opened is not None:
        # The end of the file is a useless place to point at: show where the quote opened.
        line, col = opened.line + 1, opened.column + 1
        message = "invalid YAML: a quoted text is never closed"
        hint = "end it with the same quote it starts with; write '' for a ' inside '...'"
    elif context and "flow" in context and opened is not None:
        bracket = "[" if "sequence" in context else "{"
        hint = (f"the {bracket} on line {opened.line + 1}, column {opened.column + 1} is never "
                f"closed; text that starts with {bracket} must be quoted")
    elif "unknown escape character" in problem:
        hint = ("inside \"...\" a backslash starts an escape: write \\\\ for one backslash, "
                "or use '...' (MathJax like \\( x \\) needs no quotes at all)")
    elif "found undefined alias" in problem or "recursive" in problem:
        hint = "text starting with * or & must be quoted"
    elif "expected <block end>" in problem or "did not find expected" in problem:
        hint = "check the indentation of this line and the one before; quote text that starts with [ { > | or -"
    elif "found unhashable key" in problem:
        hint = "text starting with { or [ must be quoted"
    return DeckforgeError(str(path), line, col, message, hint)


def _too_big(path: Path, size: int) -> DeckforgeError:
    return DeckforgeError(str(path), 1, 1, f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                          "split the cards into several files")


def parse_yaml(path: Path, raw: bytes) -> tuple[RawDocument | None, list[DeckforgeError]]:
    """Parse ``raw`` (the bytes of ``path``) into a RawDocument, or return the errors."""
    doc = RawDocument(path=path, data=None)
    if len(raw) > MAX_FILE_BYTES:
        return None, [_too_big(path, len(raw))]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [DeckforgeError(str(path), line, col,
                                     f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
                                     "save the file as UTF-8")]
    text = text.removeprefix("\ufeff")
    bad = next((i for i, ch in enumerate(text) if ch == "\x00"), None)
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        return None, [DeckforgeError(str(path), line, bad - (text.rfind("\n", 0, bad) + 1) + 1,
                                     "file contains a NUL character", "is this a text file?")]
    try:
        node = yaml.compose(text, Loader=_BaseLoader)  # noqa: S506 - safe loader, compose only
    except yaml.YAMLError as exc:
        return None, [_yaml_error(path, exc, text)]
    except RecursionError:
        return None, [DeckforgeError(str(path), 1, 1, "nesting too deep to read",
                                     f"card files need at most {MAX_DEPTH} levels")]
    if node is None:
        doc.positions[()] = (1, 1)
        return doc, []
    builder = _Builder(doc)
    try:
        doc.data = builder.build(node, (), 0, False)
    except _Abort as abort:
        return None, [*builder.errors, abort.error]
    except RecursionError:
        return None, [DeckforgeError(str(path), 1, 1, "nesting too deep to read",
                                     f"card files need at most {MAX_DEPTH} levels")]
    if builder.errors:
        return None, builder.errors
    return doc, []


def load_yaml(path: Path) -> tuple[RawDocument | None, list[DeckforgeError]]:
    """Read and parse the YAML file at ``path``."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            # Refuse without reading it: the file may be huge (or endless, like a pipe).
            return None, [_too_big(path, size)]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [DeckforgeError(str(path), 0, 0, f"cannot read file: {exc.strerror}")]
    return parse_yaml(path, raw)
