"""A fast path for plain card files: yaml-rs reads them when it provably agrees with the loader.

PyYAML (in pyyaml.py) stays the reference: it gives every value a position and explains every
error. yaml-rs reads YAML 1.2, which differs from PyYAML's YAML 1.1 in small ways (``yes``,
``017``, ``1e3``...), and gives no positions. So a file takes this path only when nothing in it
can differ: no anchors, aliases, tags, directives or control characters, no text PyYAML would
read as a number or boolean, and a ``cards:`` list whose items can be found line by line.
Anything else returns None and the caller uses the loader. Other positions come from PyYAML,
which only error messages need. The checks run over whole files at C speed; the precise checks
in Python run only where a cheap screen found something they might reject.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import chain, filterfalse
from pathlib import Path
from typing import Any

from .pyyaml import MAX_DEPTH, MAX_FILE_BYTES, RawDocument, parse_yaml

__all__ = ["FastDocument", "fast_parse"]

# The loader treats specially or rejects tabs, CR, other control characters (C0, DEL, C1),
# U+FEFF and U+2028/U+2029. In valid UTF-8 an ASCII byte is always that character, and each
# of the others has one encoding, so the bytes are searched (faster than the text):
_ORDINARY_ASCII = bytes([0x0A, *range(0x20, 0x7F), *range(0x80, 0x100)])  # all but the bad ASCII
_BAD_UTF8 = (b"\xef\xbb\xbf", b"\xe2\x80\xa8", b"\xe2\x80\xa9")  # U+FEFF, U+2028, U+2029
_C1_RE = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080..U+009F
# Node properties (&anchor, *alias, !tag), complex keys (?) and reserved indicators where a block
# node may start: at a line's indent, after `: ` or `- ` (errs towards finding too much).
_INDICATOR_RE = re.compile(r"(?:\n|[:-] )[ ]*[&*!?@`%]")
# Numbers YAML 1.1 and 1.2 read differently: leading zeros (octal in 1.1) and 0o.
_NUMBER_RE = re.compile(r"[ \n][-+]?0[0-9oO]")
# A flow list or map as a value or list item, up to the end of its line.
_FLOW_RE = re.compile(r"[:\n-][ ]*([\[{][^\n]*)")
# Inside one: `key: value` pairs (1.1 and 1.2 disagree), comments, properties and numbers.
_FLOW_BAD_RE = re.compile(r":(?:[ ,\[\]{}]|$)|[ ,\[{]#|[\[{,][ ]*(?:[&*!?@`%]|[-+]?0[0-9oO])")
_COMMENT_LINE_RE = re.compile(r"\n[ ]*#[^\n]*")
# A key whose value is a block scalar (`|`, `>`, no explicit indentation); group 1: its column.
_BLOCK_KEY_RE = re.compile(r"^((?: *- +)* *)[A-Za-z_][A-Za-z0-9_-]*: +[|>][+-]?$")
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")

# The screen: together these match wherever _exotic_in_detail could find something
# (ignoring comments and whether a node starts there), so text they miss is not exotic. Each
# starts with one fixed character, which the regex engine skips to quickly. `(?=(?P<x>...))(?P=x)`
# takes what it matches at once, without trying less (an atomic group before Python 3.11).
# _FLOW_BAD_LINE is _FLOW_RE's group plus the test on it, from a `[` or `{` to the end of its
# line: a last character (spaces aside) other than `]` or `}` (which covers a `:` at the end),
# or something else _FLOW_BAD_RE finds; the last pattern only if the line has a character it
# needs.
_FLOW_BAD_LINE = (r"(?=[\[{])(?:(?![^\n]*[\]}] *(?:\n|\Z))|(?=[^\n]*:[ ,\[\]{}])|(?=[^\n]*#(?<=[ ,\[{]#))"
                  r"|(?=(?=(?P<other>[^\n&*!?@`%0]*))(?P=other)[&*!?@`%0])"
                  r"[^\n]*?[\[{,] *(?:[&*!?@`%]|[-+]?0[0-9oO]))")
_SCREEN = tuple(re.compile(p) for p in (
    rf"\n(?:---|\.\.\.|(?=(?P<indent> *))(?P=indent)(?:[&*!?@`%]|{_FLOW_BAD_LINE}))",  # at an indent
    rf": *(?=[&*!?@`%\[{{])(?:(?<= )[&*!?@`%]|{_FLOW_BAD_LINE})",  # after `:`
    rf"- *(?=[&*!?@`%\[{{])(?:(?<= )[&*!?@`%]|{_FLOW_BAD_LINE})",  # after `-`
    r"0(?:(?<=[ \n]0)|(?<=[ \n][-+]0))[0-9oO]",  # _NUMBER_RE, found from its `0`
))


def _bad_chars(raw: bytes) -> bool:
    """Whether ``raw`` (valid UTF-8) holds a character the loader treats specially or rejects."""
    if raw.translate(None, _ORDINARY_ASCII):
        return True
    if raw.isascii():
        return False
    return any(seq in raw for seq in _BAD_UTF8) or _C1_RE.search(raw) is not None


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
    """True when the text uses YAML that the two parsers may read differently.

    (Control characters and other odd ones are _bad_chars' to find.)
    """
    return _screened(text) and _exotic_in_detail(text)


def _screened(text: str) -> bool:
    """Whether _SCREEN finds anything: False means _exotic_in_detail would find nothing."""
    text = "\n" + text  # as in _exotic_in_detail
    return any(screen.search(text) for screen in _SCREEN)


def _exotic_in_detail(text: str) -> bool:
    """_exotic's checks, with a Python call per match (slow on long files)."""
    # The patterns look at the character before; a newline in front covers the first line.
    text = "\n" + text
    # No node starts on a line whose first character is `#` (a comment, or text inside a
    # block or multi-line scalar), so such lines cannot hide an anchor, tag or number.
    text = _COMMENT_LINE_RE.sub("", text)
    text = _without_block_scalars(text)
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


def _without_block_scalars(text: str) -> str:
    """The text less the lines inside block scalars, where no node starts (a code fence or bold
    word opening such a line is text to both parsers)."""
    kept, inside = [], -1  # inside: the column of the key whose block scalar the lines are in
    for line in text.split("\n"):
        if inside >= 0 and (not line.strip(" ") or len(line) - len(line.lstrip(" ")) > inside):
            continue
        block = _BLOCK_KEY_RE.match(line)
        inside = len(block.group(1)) if block else -1
        kept.append(line)
    return "\n".join(kept)


_TYPED_TAGS = frozenset({"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                         "tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"})


@cache
def _typed_rules() -> dict[str, tuple[str, ...]]:
    """PyYAML's own rules for plain text it reads as something other than text, by first character."""
    import yaml

    out: dict[str, tuple[str, ...]] = {}
    for first, rules in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        patterns = tuple(regexp.pattern for tag, regexp in rules if tag in _TYPED_TAGS)
        if patterns:
            out[first or ""] = patterns
    return out


@cache
def _typed_patterns() -> dict[str, re.Pattern[str]]:
    """_typed_rules, one regex per first character."""
    return {first: re.compile("|".join(f"(?:{p})" for p in patterns), re.X)
            for first, patterns in _typed_rules().items()}


def _plain_in_both(text: str) -> bool:
    """True if PyYAML, too, reads ``text`` as text when it is written unquoted — or if yaml-rs
    would not have read it as text unquoted either, so that it was quoted in the file (as
    objective ids such as "3.2" are), and PyYAML reads a quoted scalar as text too."""
    rule = _typed_patterns().get(text[:1])
    return rule is None or rule.match(text) is None or _typed_in_yaml_12(text)


@cache
def _typed_in_yaml_12(text: str) -> bool:
    """Whether yaml-rs reads ``text``, written unquoted as a value, as something other than text."""
    if "\n" in text or text != text.strip():
        return False
    try:
        import yaml_rs

        data: Any = yaml_rs.loads(f"v: {text}\n", parse_datetime=False)
        return not isinstance(data["v"], str)
    except Exception:  # noqa: BLE001 - anything unusual: leave the file to the loader
        return False


@cache
def _typed_screen() -> re.Pattern[str] | None:
    """_plain_in_both for many texts at once: finds, in texts joined and framed by NULs, each
    text it rejects (and any piece of a text with a NUL in it that it would reject).

    Each text takes the rules of its first character, as there; ``^`` and ``$`` become the
    NULs around it, and ``\\n?`` is the line break ``$`` allows before the end. None if a rule
    is not a ``^...$`` pattern this can rewrite.
    """
    groups: dict[tuple[str, ...], list[str]] = {}  # rules -> the first characters taking them
    for first, patterns in _typed_rules().items():
        bodies = []
        for pattern in (p.strip() for p in patterns):
            body = pattern[1:-1]
            if pattern[:1] != "^" or pattern[-1:] != "$" or "^" in body or "$" in body:
                return None
            bodies.append(body)
        groups.setdefault(tuple(bodies), []).append(first)

    def starting(firsts: list[str]) -> str:
        return "|".join([f"[{re.escape(''.join(firsts))}]"] * any(firsts) + [r"\x00"] * ("" in firsts))

    alternatives = "|".join(f"(?=(?:{starting(firsts)}))(?:{'|'.join(f'(?:{b})' for b in bodies)})"
                            for bodies, firsts in groups.items())
    # (Most texts fail the first lookahead, whose first characters have no rules at all.)
    return re.compile(rf"\x00(?={starting(list(_typed_rules()))})(?:{alternatives})\n?(?=\x00)", re.X)


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


_is_text = str.__instancecheck__  # isinstance(value, str), as a C function for filter()


def _card_file_texts(data: dict[Any, Any]) -> list[str] | None:
    """Every key and text in a card file of the usual shape, or None for any other shape.

    The usual shape: ``cards`` is a list of maps with text keys, and every other value (at the
    top or in a card) is text, a whole number or a list of those. That is four levels deep at
    most, far from MAX_DEPTH. Gathered with C-level iteration, not a call per value.
    """
    cards = data["cards"]
    values = [v for k, v in data.items() if k != "cards"]
    try:
        values.extend(chain.from_iterable(map(dict.values, cards)))
    except TypeError:  # a card that is not a map
        return None
    keys = set(data).union(*cards)
    texts = list(filter(_is_text, values))
    if len(texts) < len(values):
        others = list(filterfalse(_is_text, values))
        items = list(chain.from_iterable(v for v in others if type(v) is list))
        texts.extend(filter(_is_text, items))
        if not all(type(v) is int for v in chain((v for v in others if type(v) is not list),
                                                 filterfalse(_is_text, items))):
            return None
    if not all(type(k) is str for k in keys) or "<<" in keys:
        return None
    texts.extend(keys)
    return texts


def _same_card_data(data: dict[Any, Any]) -> bool:
    """``_same_data(data, 0)`` for a file with a ``cards`` list, found without a call per value."""
    texts = _card_file_texts(data)
    screen = _typed_screen()
    if texts is None or screen is None or screen.search("\x00" + "\x00".join(texts) + "\x00"):
        return _same_data(data, 0)  # an unusual shape, or text that may be typed: look closely
    return True


# Blank and comment lines up to the first other line after `cards:`, whose indent is the dashes'.
_FIRST_ITEM_RE = re.compile(r"(?:\n[ ]*(?:#[^\n]*)?(?=\n|\Z))*\n( *)(?=[^ \n#])")


@cache
def _list_res(dash: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """For a block list whose dashes are indented ``dash`` spaces: where it ends, and its items.

    It ends at the first line that is not blank, a comment, indented deeper than the dashes or
    a dash at their indent. Each such dash line is an item, and must read `- key: ...` (else
    the key group is None). The spaces are written out so that the regex engine skips quickly
    to the fixed text of an item: a line break, the spaces, `-`.
    """
    spaces = " " * dash
    end = re.compile(rf"\n(?!{spaces} )(?!{spaces}-)(?! *(?:#|\n|\Z))")
    item = re.compile(rf"\n{spaces}-(?:( +)([A-Za-z_][A-Za-z0-9_]*)[ ]*:(?=[ \n]|\Z))?")
    return end, item


def _card_positions(text: str, cards: list[Any]) -> list[tuple[int, int]] | None:
    """Where each item of the top-level ``cards:`` block list starts, or None if unsure."""
    if text.count("\ncards:") + text.startswith("cards:") != 1:
        return None
    head = 0 if text.startswith("cards:") else text.index("\ncards:") + 1
    head_end = text.find("\n", head)
    if head_end < 0:
        head_end = len(text)
    rest = text[head + 6:head_end].strip(" ")
    if rest and not rest.startswith("#"):
        return None  # `cards: [...]` or `cards: &anchor`: leave it to the loader
    first = _FIRST_ITEM_RE.match(text, head_end)
    if first is None:
        return [] if not cards else None
    dash = len(first.group(1))
    start = first.end() - dash - 1  # the line break before the first item
    end_re, item_re = _list_res(dash)
    end = end_re.search(text, start)
    items = list(item_re.finditer(text, start, len(text) if end is None else end.start()))
    if len(items) != len(cards):
        return None
    positions: list[tuple[int, int]] = []
    line, at = 1, 0  # the line of text[at]
    for m, card in zip(items, cards, strict=True):
        # Every item of the list is `- key: ...`, whose key is the card's first one.
        spaces, key = m.groups()
        if key is None or not isinstance(card, dict) or next(iter(card), None) != key:
            return None
        line += text.count("\n", at, m.start())
        at = m.start()
        positions.append((line + 1, dash + 2 + len(spaces)))
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
    if not text.endswith("\n") or _bad_chars(raw) or _exotic(text):
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
    if not _same_card_data(data):
        return None
    positions = _card_positions(text, data["cards"])
    if positions is None:
        return None
    return data, positions
