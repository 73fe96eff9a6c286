"""Cloze deletions: the one parser that finds, numbers and checks them, for every command."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["MAX_NESTING", "MAX_NUMBER", "ClozeProblem", "Deletion", "card_numbers", "check",
           "deletions", "parse", "plain_text"]

MAX_NUMBER = 500
"""The highest card number of a cloze note: Anki makes every deletion above c500 card 500."""
MAX_NESTING = 10
"""Anki ignores deletions opened inside this many open ones."""
_MAX_PARSED = 65535  # Anki reads the number as a u16: a bigger one makes the opening plain text

# Anki's grammar (rslib/src/cloze.rs): "{{c", ASCII digits, "::" opens; "}}" closes the newest
# open deletion; the first "::" inside a deletion starts its hint. Everything else is text.
_TOKEN_RE = re.compile(r"\{\{c([0-9]+)::|\}\}")
_OPENING_RE = re.compile(r"\{\{c([0-9]+)::")
# What authors write for an opening that Anki reads as text: one colon, a capital C, spaces.
_NEAR_MISS_RE = re.compile(r"\{\{[ \t]*[cC][ \t]*[0-9]+[ \t]*::?")


@dataclass
class Deletion:
    """One cloze deletion: its number, where it opens in the text, what it hides, its hint."""

    number: int
    start: int
    """Offset of its ``{{c`` in the text."""
    opening: str
    """Its opening as written, e.g. ``{{c1::``."""
    nodes: list[str | Deletion] = field(default_factory=list)
    hint: str | None = None

    @property
    def text(self) -> str:
        """What the deletion hides, as plain text (nested deletions' text included)."""
        return "".join(n if isinstance(n, str) else n.text for n in self.nodes)

    def inner(self) -> list[Deletion]:
        return [n for n in self.nodes if isinstance(n, Deletion)]


@dataclass(frozen=True, order=True)
class ClozeProblem:
    """A mistake in cloze text: where (an offset into the text), what, and how to fix it."""

    offset: int
    token: str
    """The text at ``offset`` the problem is about (e.g. ``{{c0::``)."""
    message: str
    hint: str


def _openings(text: str) -> list[tuple[int, int, int]]:
    """Each token Anki reads: (offset, end, number), number -1 for a closing ``}}``."""
    tokens = []
    for m in _TOKEN_RE.finditer(text):
        digits = m.group(1)
        if digits is None:
            tokens.append((m.start(), m.end(), -1))
        elif int(digits) <= _MAX_PARSED:
            tokens.append((m.start(), m.end(), int(digits)))
    return tokens


def parse(text: str) -> list[str | Deletion]:
    """Split ``text`` into text and (possibly nested) deletions, forgiving stray markers as
    Anki does: a ``}}`` with nothing open is text; an unclosed deletion drops itself and
    everything after it; openings nested deeper than ``MAX_NESTING`` are ignored."""
    output: list[str | Deletion] = []
    open_: list[Deletion] = []
    pos = 0
    outer_mark = 0  # where in ``output`` the outermost open deletion began

    def add_text(chunk: str) -> None:
        if not chunk:
            return
        if open_:
            deletion = open_[-1]
            head, sep, tail = chunk.partition("::")
            if sep:
                chunk, deletion.hint = head, tail
            deletion.nodes.append(chunk)
        else:
            output.append(chunk)

    for start, end, number in _openings(text):
        add_text(text[pos:start])
        pos = end
        if number >= 0:
            if not open_:
                outer_mark = len(output)
            if len(open_) < MAX_NESTING:
                open_.append(Deletion(number, start, text[start:end]))
        elif open_:
            deletion = open_.pop()
            (open_[-1].nodes if open_ else output).append(deletion)
        else:
            output.append("}}")
    add_text(text[pos:])
    if open_:
        del output[outer_mark:]
    return output


def deletions(text: str) -> list[Deletion]:
    """Every deletion Anki sees in ``text``, outer ones before the ones they hold."""
    found: list[Deletion] = []

    def walk(nodes: list[str | Deletion]) -> None:
        for n in nodes:
            if isinstance(n, Deletion):
                found.append(n)
                walk(n.nodes)

    walk(parse(text))
    return found


def card_numbers(text: str) -> list[int]:
    """The numbers of the cards Anki makes from a cloze field holding ``text`` (1-based,
    ascending); empty when it makes none (then Anki shows an error card)."""
    tokens = _openings(text)
    # Deletions that open and close in turn (by far the most common text) need no parse.
    if all((t[2] >= 0) == (i % 2 == 0) for i, t in enumerate(tokens)) and len(tokens) % 2 == 0:
        numbers = {t[2] for t in tokens[0::2]}
    else:
        numbers = {d.number for d in deletions(text)}
    return sorted({min(n, MAX_NUMBER) for n in numbers if n > 0})


def plain_text(text: str) -> str:
    """``text`` as a learner reads it on the back of a card: markers and hints removed."""
    return "".join(n if isinstance(n, str) else n.text for n in parse(text))


_HINT_NUMBER = "write {{c1::...}}: each number makes one Anki card, and Anki makes none for "


def check(text: str) -> list[ClozeProblem]:
    """Every mistake in the cloze text ``text``, in text order; empty when it is sound."""
    problems: list[ClozeProblem] = []
    openings = list(_OPENING_RE.finditer(text))
    for m in openings:
        number = int(m.group(1))
        if number < 1:
            problems.append(ClozeProblem(
                m.start(), m.group(0),
                f"cloze deletion `{m.group(0)}` is numbered {number}: numbers start at 1",
                _HINT_NUMBER + f"c{m.group(1)}"))
        elif number > MAX_NUMBER:
            problems.append(ClozeProblem(
                m.start(), m.group(0),
                f"cloze deletion `{m.group(0)}` is numbered {number}: Anki numbers cards up to "
                f"{MAX_NUMBER}",
                f"renumber it; Anki turns every deletion above c{MAX_NUMBER} into card "
                f"{MAX_NUMBER}, and one above c{_MAX_PARSED} into plain text"))
    near = [m for m in _NEAR_MISS_RE.finditer(text) if not _OPENING_RE.fullmatch(m.group(0))]
    for m in near:
        problems.append(ClozeProblem(
            m.start(), m.group(0), f"`{m.group(0)}` is not a cloze deletion: Anki shows it as text",
            "write a deletion as {{c1::hidden text}}: lower-case c, the number, two colons"))
    if not openings and not near:
        return [ClozeProblem(0, "", "cloze text has no deletion",
                             "mark what to hide as {{c1::hidden text}}")]
    open_: list[tuple[int, str]] = []
    for start, end, number in _openings(text):
        if number < 0:
            if open_:
                open_.pop()
        elif len(open_) < MAX_NESTING:
            open_.append((start, text[start:end]))
        else:
            problems.append(ClozeProblem(
                start, text[start:end], f"cloze deletions nested more than {MAX_NESTING} deep",
                "Anki ignores the deeper ones; nest fewer deletions"))
    if open_:
        start, token = open_[0]
        problems.append(ClozeProblem(
            start, token, f"cloze deletion `{token}` is never closed",
            "end every deletion with }} — Anki drops the text after an unclosed one"))
    else:
        for d in deletions(text):
            if not d.text.strip() and not d.inner() and 1 <= d.number <= MAX_NUMBER:
                problems.append(ClozeProblem(
                    d.start, d.opening, f"cloze deletion `{d.opening}` hides nothing",
                    f"write the hidden text between `{d.opening}` and `}}}}`"))
    return sorted(problems)
