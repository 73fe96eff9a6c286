"""A fast path for plain card files: yaml-rs reads them when it provably agrees with the loader.

PyYAML (in loader.py) stays the reference: it gives every value a position and explains every
error. yaml-rs reads YAML 1.2, which differs from PyYAML's YAML 1.1 in small ways (``yes``,
``017``, ``1e3``...), and gives no positions. So a file takes this path only when nothing in it
can differ: no anchors, aliases, tags, directives or control characters, no text PyYAML would
read as a number or boolean, and a ``cards:`` list whose items can be found line by line.
Anything else returns None and the caller uses the loader. Positions other than where each
card starts are read by re-parsing with PyYAML, which only error messages need.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .loader import MAX_DEPTH, MAX_FILE_BYTES, RawDocument, parse_yaml

__all__ = ["FastDocument", "fast_parse"]

# Characters the loader treats specially or rejects (tabs, CR, controls, odd line breaks).
_BAD_CHAR_RE = re.compile("[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]")
# Node properties (&anchor, *alias, !tag), complex keys (?) and reserved indicators where a
# block node may start: at a line's indent, after `: ` or after `- `. Errs towards finding too
# much; that only costs the fast path.
_INDICATOR_RE = re.compile(r"(?:\n|[:-] )[ ]*[&*!?@`%]")
# Numbers YAML 1.1 and 1.2 read differently: leading zeros (octal in 1.1) and 0o.
_NUMBER_RE = re.compile(r"[ \n][-+]?0[0-9oO]")
# A flow list or map as a value or list item, up to the end of its line.
_FLOW_RE = re.compile(r"[:\n-][ ]*([\[{][^\n]*)")
# Inside one: `key: value` pairs (where YAML 1.1 and 1.2 disagree), comments, node properties
# and numbers as above after `[`, `{` or `,`.
_FLOW_BAD_RE = re.compile(r":(?:[ ,\[\]{}]|$)|[ ,\[{]#|[\[{,][ ]*(?:[&*!?@`%]|[-+]?0[0-9oO])")
_COMMENT_LINE_RE = re.compile(r"\n[ ]*#[^\n]*")
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_ITEM_RE = re.compile(r"-( +)([A-Za-z_][A-Za-z0-9_]*)[ ]*:(?:[ ]|$)")


def _node_starts_at(text: str, at: int) -> bool:
    """Whether a block node may start at ``at``, judged from its line alone.

    True at a line's indent (after any `- `), and after the first `: ` of `key: ` when the
    key is plain. A later `: ` is inside a value: quoted text (a plain one may not hold `: `,
    which both parsers reject). Errs towards True; a wrong True only costs the fast path.
    """
    head = text[text.rfind("\n", 0, at) + 1:at].lstrip(" ")
    while head.startswith("- "):
        head = head[2:].lstrip(" ")
    if not head or head.startswith(("'", '"', "?", "-", "[", "{")):
        return True
    first = head.find(": ")
    return first >= 0 and head[first + 2:].strip(" ") == ""


def _exotic(text: str) -> bool:
    """True when the text uses YAML that the two parsers may read differently."""
    if _BAD_CHAR_RE.search(text):
        return True
    # No node starts on a line whose first character is `#` (a comment, or text inside a
    # block or multi-line scalar), so such lines cannot hide an anchor, tag or number.
    # (The patterns look at the character before; a newline in front covers the first line.)
    text = _COMMENT_LINE_RE.sub("", "\n" + text)
    if "\n%" in text or "\n---" in text or "\n..." in text:
        return True  # directives and document markers
    if any(_node_starts_at(text, m.end() - 1) for m in _INDICATOR_RE.finditer(text)):
        return True
    if any(_node_starts_at(text, m.start() + 1) for m in _NUMBER_RE.finditer(text)):
        return True
    for m in _FLOW_RE.finditer(text):
        if not _node_starts_at(text, m.start(1)):
            continue
        rest = m.group(1).rstrip(" ")
        # It must close on its line.
        if _FLOW_BAD_RE.search(rest) or not rest.endswith(("]", "}")):
            return True
    return False


def _typed_patterns() -> dict[str, re.Pattern[str]]:
    """PyYAML's own rules for plain text it reads as something other than text, by first character."""
    import yaml

    typed = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
             "tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}
    out: dict[str, re.Pattern[str]] = {}
    for first, rules in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        patterns = [regexp.pattern for tag, regexp in rules if tag in typed]
        if patterns:
            out[first or ""] = re.compile("|".join(f"(?:{p})" for p in patterns), re.X)
    return out


_TYPED: dict[str, re.Pattern[str]] = {}


def _plain_in_both(text: str) -> bool:
    """True if PyYAML, too, reads ``text`` as text when it is written unquoted."""
    if not _TYPED:
        _TYPED.update(_typed_patterns())
    rule = _TYPED.get(text[:1])
    return rule is None or rule.match(text) is None


def _strings(value: Any) -> list[str]:
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            out.extend(k for k in v if isinstance(k, str))
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return out


def _same_data(value: Any, depth: int) -> bool:
    """Whether the loader would build exactly ``value``: plain text, whole numbers, lists, maps."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(value, str):
        return _plain_in_both(value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and k != "<<" and _plain_in_both(k) and _same_data(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, list):
        return all(_same_data(v, depth + 1) for v in value)
    # Whole numbers agree once _NUMBER_RE found no leading zero; floats, booleans and nulls
    # (and anything else) are left to the loader.
    return type(value) is int


def _card_positions(text: str, cards: list[Any]) -> list[tuple[int, int]] | None:
    """Where each item of the top-level ``cards:`` block list starts, or None if unsure."""
    lines = text.split("\n")
    heads = [i for i, line in enumerate(lines) if line.startswith("cards:")]
    if len(heads) != 1:
        return None
    rest = lines[heads[0]][6:].strip(" ")
    if rest and not rest.startswith("#"):
        return None  # `cards: [...]` or `cards: &anchor`: leave it to the loader
    positions: list[tuple[int, int]] = []
    dash = -1
    for number in range(heads[0] + 1, len(lines)):
        line = lines[number]
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(line) - len(body)
        if dash < 0:
            dash = indent
        if indent < dash or (indent == dash and not body.startswith("-")):
            break  # the list ends at the first line indented less than its dashes
        if indent != dash:
            continue
        # Every item of the list: `- key: ...`, whose key is the card's first one.
        m = _ITEM_RE.match(body)
        i = len(positions)
        if m is None or i >= len(cards) or not isinstance(cards[i], dict) or not cards[i]:
            return None
        if next(iter(cards[i])) != m.group(2):
            return None
        positions.append((number + 1, dash + 1 + len(m.group(1)) + 1))
    if len(positions) != len(cards):
        return None
    return positions


class FastDocument(RawDocument):
    """A RawDocument that knows where its cards start; other positions come from PyYAML on demand."""

    def __init__(self, path: Path, data: Any, cards: list[tuple[int, int]]) -> None:
        super().__init__(path=path, data=data)
        self._cards = cards
        self._full = False

    def _complete(self) -> None:
        if self._full:
            return
        self._full = True
        try:
            raw = self.path.read_bytes()
        except OSError:
            return
        doc, _ = parse_yaml(self.path, raw)
        if doc is not None:
            self.positions, self.key_positions, self.scalar_text = (
                doc.positions, doc.key_positions, doc.scalar_text)

    def position(self, path: tuple[Any, ...]) -> tuple[int, int]:
        p = tuple(path)
        if (not self._full and len(p) == 2 and p[0] == "cards" and isinstance(p[1], int)
                and 0 <= p[1] < len(self._cards)):
            return self._cards[p[1]]
        self._complete()
        return super().position(p)

    def key_position(self, path: tuple[Any, ...]) -> tuple[int, int]:
        self._complete()
        return super().key_position(path)


def fast_parse(raw: bytes) -> tuple[Any, list[tuple[int, int]]] | None:
    """The data of a plain card file and where each card starts, or None to use the loader."""
    if len(raw) > MAX_FILE_BYTES:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.endswith("\n") or _exotic(text):
        # yaml-rs keeps a block scalar's line break even when the file ends without one
        return None
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - yaml-rs is a dependency; PyYAML still works
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - any complaint at all: PyYAML explains it
        return None
    if not isinstance(data, dict) or "include" in data or not isinstance(data.get("cards"), list):
        return None
    if "\\" in text and any(_CONTROL_RE.search(s) for s in _strings(data)):
        return None  # an escape such as "\\a" made a control character: the loader rejects it
    if not _same_data(data, 0):
        return None
    positions = _card_positions(text, data["cards"])
    if positions is None:
        return None
    return data, positions
