"""Frozen, typed objects for decks and cards: past validation nothing re-checks their shape."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .media import MediaFile

__all__ = ["CARD_TYPES", "Card", "Deck", "Project", "SourceRef"]

CARD_TYPES = ("basic", "reversible", "cloze", "choice")


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

    def field(self, name: str) -> str:
        return dict(self.fields).get(name, "")

    @property
    def location(self) -> tuple[str, int, int]:
        return (str(self.path), self.line, self.col)


@dataclass(frozen=True)
class Deck:
    """A deck folder: metadata and its cards, in file then card order."""

    id: str
    name: str
    description: str
    folder: Path
    cards: tuple[Card, ...]
    files: tuple[Path, ...]

    def subdeck_name(self, card: Card) -> str:
        return f"{self.name}::{card.subdeck}" if card.subdeck else self.name


@dataclass(frozen=True)
class Project:
    """Everything under a ``decks/`` folder."""

    root: Path
    decks: tuple[Deck, ...]
    sources: dict[str, frozenset[str]]
    """Known source names and their section slugs (from ``decks/sources.yaml``)."""
