"""Render a note's cards as Anki does: its template language, cloze rules and field filters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..cloze import Deletion, parse
from ..cloze import card_numbers as cloze_ordinals  # the cards of a cloze field, as Anki counts
from ..notetypes import NoteType

_TAG_RE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


# Anki's test for "field is empty" in {{#Field}}: only whitespace, <br> and <div> tags.
_EMPTY_RE = re.compile(r"(?:\s|</?(?:br|div)\s?/?>)*", re.IGNORECASE)


_MATHJAX_RE = re.compile(r"(\\[(\[])(.*?)(\\[)\]])", re.DOTALL | re.IGNORECASE)


_HTML_TAG_RE = re.compile(r"<!--.*?-->|<.*?>", re.DOTALL)


@dataclass(frozen=True)
class CardFace:
    """One Anki card of a note: its template, ordinal and the HTML of both sides (no <style>)."""

    template: str
    ord: int
    question: str
    answer: str


def _parse(template: str) -> list[object]:
    """Parse into text, ("field", name, filters), ("if"/"unless", name, children) nodes."""
    root: list[object] = []
    stack: list[tuple[str, list[object]]] = [("", root)]
    pos = 0
    for m in _TAG_RE.finditer(template):
        if m.start() > pos:
            stack[-1][1].append(template[pos:m.start()])
        pos = m.end()
        tag = m.group(1).strip()
        if tag[:1] in "#^":
            children: list[object] = []
            stack[-1][1].append(("if" if tag[0] == "#" else "unless", tag[1:].strip(), children))
            stack.append((tag[1:].strip(), children))
        elif tag[:1] == "/":
            if len(stack) == 1 or stack[-1][0] != tag[1:].strip():
                raise ValueError(f"template closes {{{{{tag}}}}} that is not open")
            stack.pop()
        else:
            stack[-1][1].append(("field", tag, []))
    if len(stack) != 1:
        raise ValueError(f"template leaves {{{{#{stack[-1][0]}}}}} open")
    if pos < len(template):
        root.append(template[pos:])
    return root


def _field_empty(text: str) -> bool:
    return _EMPTY_RE.fullmatch(text) is not None


def render_template(template: str, fields: Mapping[str, str], ordinal: int, question: bool,
                    front_side: str = "") -> str:
    """Fill ``template`` with ``fields`` for the card with 1-based cloze ``ordinal``."""

    def walk(nodes: list[object]) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
                continue
            assert isinstance(node, tuple)
            kind, name, children = node
            if kind in ("if", "unless"):
                if name not in fields:
                    raise ValueError(f"template refers to unknown field {name!r}")
                if _field_empty(fields[name]) == (kind == "unless"):
                    out.append(walk(children))
                continue
            *filters, field_name = name.split(":")
            if field_name == "FrontSide" and not filters:
                out.append(front_side)
                continue
            if field_name not in fields:
                raise ValueError(f"template refers to unknown field {field_name!r}")
            value = fields[field_name]
            for f in reversed(filters):
                if f != "cloze":
                    raise ValueError(f"template filter {f!r} is not supported by the preview")
                value = render_cloze(value, ordinal, question)
            out.append(value)
        return "".join(out)

    return walk(_parse(template))


def _encode_attribute(text: str) -> str:
    """Anki's attribute encoding (the htmlescape crate): every non-alphanumeric Latin-1 character
    becomes a hex entity."""
    named = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
    out = []
    for ch in text:
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif ch in named:
            out.append(named[ch])
        elif ord(ch) < 0x100:
            out.append(f"&#x{ord(ch):02X};")
        else:
            out.append(ch)
    return "".join(out)


def _reveal(nodes: list[str | Deletion], ordinal: int, question: bool) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node.number != ordinal:
            out.append(f'<span class="cloze-inactive" data-ordinal="{node.number}">'
                       f"{_reveal(node.nodes, ordinal, question)}</span>")
        elif question:
            hidden = _encode_attribute(_reveal(node.nodes, ordinal, True))
            hint = "..." if node.hint is None else node.hint
            out.append(f'<span class="cloze" data-cloze="{hidden}" data-ordinal="{node.number}">'
                       f"[{hint}]</span>")
        else:
            out.append(f'<span class="cloze" data-ordinal="{node.number}">'
                       f"{_reveal(node.nodes, ordinal, False)}</span>")
    return "".join(out)


def _contains(nodes: list[str | Deletion], ordinal: int) -> bool:
    return any(isinstance(n, Deletion) and (n.number == ordinal or _contains(n.nodes, ordinal))
               for n in nodes)


def render_cloze(text: str, ordinal: int, question: bool) -> str:
    """The ``{{cloze:Field}}`` filter: the deletions of ``ordinal`` hidden (question) or shown."""
    nodes = parse(text)
    if not _contains(nodes, ordinal):
        return ""
    revealed = _reveal(nodes, ordinal, question)
    # Anki removes markup inside MathJax, so a deletion inside \( \) hides without a <span>.
    return _MATHJAX_RE.sub(lambda m: m.group(1) + _HTML_TAG_RE.sub("", m.group(2)) + m.group(3),
                           revealed)


def card_faces(note_type: NoteType, fields: Mapping[str, str]) -> list[CardFace]:
    """Every Anki card a note of ``note_type`` with ``fields`` makes, rendered as Anki does."""
    faces: list[CardFace] = []
    if note_type.is_cloze:
        template = note_type.templates[0]
        cloze_fields = [f for f in note_type.fields if f"cloze:{f}" in template.qfmt]
        numbers = sorted({n for f in cloze_fields for n in cloze_ordinals(fields[f])})
        for n in numbers:
            q = render_template(template.qfmt, fields, n, True)
            a = render_template(template.afmt, fields, n, False, q)
            faces.append(CardFace(template.name, n - 1, q, a))
        return faces
    for i, template in enumerate(note_type.templates):
        q = render_template(template.qfmt, fields, i + 1, True)
        a = render_template(template.afmt, fields, i + 1, False, q)
        faces.append(CardFace(template.name, i, q, a))
    return faces
