"""The Anki note types deckforge ships: fixed ids, fields, templates and one stylesheet."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

from .cloze import card_numbers

__all__ = ["NoteType", "NOTE_TYPES", "note_type_for", "stable_id"]


def stable_id(*parts: str) -> int:
    """A positive 47-bit integer derived from ``parts``: the same parts give the same id forever."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:6], "big") % (1 << 47) + (1 << 40)


@cache
def _template(name: str) -> str:
    return resources.files("deckforge").joinpath("templates").joinpath(name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Template:
    name: str
    front: str
    back: str
    requires: tuple[str, tuple[int, ...]] = ("all", (0,))
    """When a note has this card: when "all" or "any" of these fields (by index) are not empty,
    as genanki works it out from the front template (a test compares the two)."""
    scripts: tuple[str, ...] = ()
    """Scripts in templates/ that both sides end with, inline in one element: they travel and
    update with the note type itself, and no card field ever becomes part of them."""

    @property
    def qfmt(self) -> str:
        return _template(self.front) + self.script_html

    @property
    def afmt(self) -> str:
        return _template(self.back) + self.script_html

    @property
    def script(self) -> str:
        """The names of the scripts, e.g. "choice_shuffle.js + item_answer.js" ("" for none)."""
        return " + ".join(self.scripts)

    @property
    def script_html(self) -> str:
        """The ``<script>`` element both sides end with, or "" without a script."""
        if not self.scripts:
            return ""
        return "<script>\n" + "".join(_template(name) for name in self.scripts) + "</script>\n"


@dataclass(frozen=True)
class NoteType:
    """A note type. ``fields`` must never change within a ``version``: Anki matches note types by
    id, and a changed field list makes it copy the note type and stop updating learners' notes.
    Templates and CSS may change freely: a newer modification time updates them in place."""

    key: str
    version: int
    name: str
    fields: tuple[str, ...]
    templates: tuple[Template, ...]
    is_cloze: bool = False

    @cached_property
    def id(self) -> int:  # read for every note a build hashes: computed once
        return stable_id("deckforge-notetype", self.key, str(self.version))

    @property
    def css(self) -> str:
        return _template("style.css")

    def field_id(self, name: str) -> int:
        return stable_id("deckforge-field", self.key, name)

    def template_id(self, name: str) -> int:
        return stable_id("deckforge-template", self.key, name)

    def content_hash(self) -> str:
        """Hash of everything a learner's copy of this note type holds."""
        payload = {
            "name": self.name,
            "fields": list(self.fields),
            "templates": [[t.name, t.qfmt, t.afmt] for t in self.templates],
            "css": self.css,
            "cloze": self.is_cloze,
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()


# The daily shuffle, then answering on the card (choice, order and match cards).
_ITEM_SCRIPTS = ("choice_shuffle.js", "item_answer.js")

NOTE_TYPES: dict[str, NoteType] = {
    nt.key: nt
    for nt in (
        NoteType("basic", 1, "deckforge Basic", ("Front", "Back", "Source"),
                 (Template("Card 1", "basic_front.html", "basic_back.html"),)),
        NoteType("reversible", 1, "deckforge Basic (and reversed)", ("Front", "Back", "Source"),
                 (Template("Card 1", "basic_front.html", "basic_back.html"),
                  Template("Card 2", "reverse_front.html", "reverse_back.html", ("all", (1,))))),
        NoteType("cloze", 1, "deckforge Cloze", ("Text", "Extra", "Source"),
                 (Template("Cloze", "cloze_front.html", "cloze_back.html"),), is_cloze=True),
        NoteType("choice", 1, "deckforge Multiple choice",
                 ("Question", "Choices", "Answer", "ChoicesMarked", "Explanation", "Source"),
                 (Template("Card 1", "choice_front.html", "choice_back.html", ("any", (0, 1)),
                           scripts=_ITEM_SCRIPTS),)),
        # Exam items of their own kinds (issue 22): new note types, so the choice note type
        # keeps its fields (a changed field list would make Anki copy it, see DESIGN.md §2).
        NoteType("order", 1, "deckforge Ordering",
                 ("Question", "Steps", "Answer", "Explanation", "Source"),
                 (Template("Card 1", "order_front.html", "order_back.html", ("any", (0, 1)),
                           scripts=_ITEM_SCRIPTS),)),
        NoteType("match", 1, "deckforge Matching",
                 ("Question", "Pairs", "Answer", "Explanation", "Source"),
                 (Template("Card 1", "match_front.html", "match_back.html", ("any", (0, 1)),
                           scripts=_ITEM_SCRIPTS),)),
    )
}


def note_type_for(card_type: str) -> NoteType:
    return NOTE_TYPES[card_type]


def card_ordinals(nt: NoteType, fields: Sequence[str]) -> tuple[int, ...]:
    """The template ordinals of the cards a note of ``nt`` with ``fields`` makes, as genanki
    would make them (cloze deletions counted the way Anki counts them)."""
    if nt.is_cloze:
        # genanki finds clozes with a regex that misses nested ones; use Anki's parsing.
        return tuple(n - 1 for n in card_numbers(fields[nt.fields.index("Text")]))
    return tuple(o for o, t in enumerate(nt.templates)
                 if (any if t.requires[0] == "any" else all)(fields[i] for i in t.requires[1]))
