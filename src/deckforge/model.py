"""Frozen, typed objects for decks and cards: past validation nothing re-checks their shape."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["CARD_TYPES", "Card", "Case", "Deck", "Exam", "MediaFile", "Objective", "Pair", "Project",
           "Section", "SourceRef"]

CARD_TYPES = ("basic", "reversible", "cloze", "choice", "order", "match")


@dataclass(frozen=True)
class MediaFile:
    """An image as shipped: its content-hashed Anki media name and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class SourceRef:
    """A citation: ``name#section`` plus optional free text."""

    name: str
    section: str
    detail: str

    @classmethod
    def parse(cls, text: str) -> SourceRef:
        ref, _, detail = text.partition(" ")
        name, _, section = ref.partition("#")
        return cls(name, section, detail.strip())

    def __str__(self) -> str:
        ref = f"{self.name}#{self.section}" if self.section else self.name
        return f"{ref} {self.detail}".strip()


@dataclass(frozen=True)
class Pair:
    """One pair of a matching item: a left-hand item and the right-hand item it matches."""

    left: str
    right: str


@dataclass(frozen=True)
class Case:
    """A case study of a card file (``cases:``), which questions name with ``case:``."""

    id: str
    title: str
    text: str
    """Markdown: paragraphs, lists, a table."""


@dataclass(frozen=True)
class Card:
    """One YAML card: the unit of identity (one Anki note)."""

    id: str
    type: str
    fields: tuple[tuple[str, str], ...]
    """The card's text fields in schema order, e.g. (("front", ...), ("back", ...))."""
    choices: tuple[str, ...]
    answer: tuple[int, ...]
    tags: tuple[str, ...]
    sources: tuple[SourceRef, ...]
    as_of: str
    notes: str
    lint_ignore: tuple[str, ...]
    subdeck: str
    path: Path
    line: int
    col: int
    media: tuple[tuple[str, MediaFile], ...] = ()
    """Images the text refers to: (Markdown image target as written, the file it ships as)."""
    shuffle: bool = True
    """For a choice card: whether Anki may show its options in a new order each study day."""
    objectives: tuple[str, ...] = ()
    """Ids of the exam objectives (in the deck's ``exam``) the card teaches or tests."""
    library: str = ""
    """For a card of a library file (``decks/_x/``): the library folder's name, which with the
    card id makes its identity wherever it is included."""
    home: str = ""
    """For a library card: the Anki deck it lives in (its file's ``deck:``)."""
    whys: tuple[str, ...] = ()
    """For a choice card: each option's ``why`` ("" for an option without one), parallel to
    ``choices``; empty when no option has one."""
    steps: tuple[str, ...] = ()
    """For an order card: the steps in the correct order."""
    pairs: tuple[Pair, ...] = ()
    """For a match card: the pairs, in the order written."""
    case: Case | None = None
    """The case study the question belongs to (``case:``), if any."""

    @property
    def choose(self) -> int:
        """How many options a choice card asks for: 1, or more for a multiple-response item."""
        return len(self.answer)

    @property
    def is_question(self) -> bool:
        """Whether the card is an exam-style item (choice, order or match), not a fact card."""
        return self.type in ("choice", "order", "match")

    def field(self, name: str) -> str:
        return dict(self.fields).get(name, "")

    @property
    def location(self) -> tuple[str, int, int]:
        return (str(self.path), self.line, self.col)


@dataclass(frozen=True)
class Objective:
    """One objective of an exam guide (a numbered sub-objective or task statement)."""

    id: str
    text: str


@dataclass(frozen=True)
class Section:
    """One section (domain) of an exam guide, with its weight in percent as (low, high)."""

    id: str
    name: str
    weight: tuple[float, float]
    objectives: tuple[Objective, ...]


@dataclass(frozen=True)
class Exam:
    """The exam a deck prepares for, from its ``deck.yaml``."""

    code: str
    name: str
    vendor: str
    state: str
    """bookable, beta or retired."""
    guide_version: str
    guide_date: str
    sections: tuple[Section, ...]

    def objective_ids(self) -> dict[str, Section]:
        """Each objective id, with the section it belongs to."""
        return {o.id: s for s in self.sections for o in s.objectives}


@dataclass(frozen=True)
class Deck:
    """A deck folder: metadata and its cards, in file then card order."""

    id: str
    name: str
    description: str
    folder: Path
    cards: tuple[Card, ...]
    files: tuple[Path, ...]
    exam: Exam | None = None
    start: tuple[str, ...] = ()
    """Ids of the cards a new learner sees first: they sit in the deck itself, in this order."""


@dataclass(frozen=True)
class Project:
    """Everything under a ``decks/`` folder."""

    root: Path
    decks: tuple[Deck, ...]
    sources: dict[str, frozenset[str]]
    """Known source names and their section slugs (from ``decks/sources.yaml``)."""
