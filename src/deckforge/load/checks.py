"""The checks that look across card files: within a deck, and across the decks of a project.

The gate (``load_project``) runs every check in ``DECK_CHECKS`` on each deck once its files are
typed, then every check in ``PROJECT_CHECKS`` on all decks; a check adds its errors to the
loader. To add a check: write ``def check_x(loader, deck)`` (or ``(loader, decks)``) here and
list it below. No command has a check of its own: whatever it reads came through the gate.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ..errors import DeckforgeError, did_you_mean, display_path
from ..model import Card, Deck
from .pyyaml import RawDocument


class CardLoader(Protocol):
    """What a check may use of the loader (load/cards.py) that typed the decks."""

    errors: list[DeckforgeError]
    """Where a check adds its errors."""
    docs: dict[Path, RawDocument | None]
    include_sites: dict[int, tuple[Path | str, int, int]]
    """id() of an included card -> where the deck's file includes it."""

    def document(self, path: Path, kind: str) -> RawDocument | None:
        """A file as parsed (for positions in an error), read only when not read yet."""


def check_unique_ids(loader: CardLoader, deck: Deck) -> None:
    """A card id is used once in a deck (its own files and the library cards it includes)."""
    first: dict[str, Card] = {}
    for card in deck.cards:
        if card.id in first:
            # An included card is reported where the deck includes it: that is what to edit.
            path, line, col = loader.include_sites.get(id(card), card.location)
            message = f"duplicate card id `{card.id}`"
            if id(card) in loader.include_sites:
                message += f" (included from {display_path(card.path)}:{card.line})"
            loader.errors.append(DeckforgeError(
                str(path), line, col, message,
                f"already used at {_describe(loader, first[card.id])}; "
                "ids must be unique in a deck", "id"))
        else:
            first[card.id] = card


def _describe(loader: CardLoader, card: Card) -> str:
    where = f"{display_path(card.path)}:{card.line}:{card.col}"
    site = loader.include_sites.get(id(card))
    if site is not None:
        where += f" (included at {display_path(site[0])}:{site[1]}:{site[2]})"
    return where


def check_objectives(loader: CardLoader, deck: Deck) -> None:
    """The objectives a card links are objectives of its deck's exam."""
    meta = loader.docs.get(deck.folder / "deck.yaml")
    exam = deck.exam
    known = exam.objective_ids() if exam is not None else {}
    for card in deck.cards:
        if not card.objectives or (exam is not None and all(o in known for o in card.objectives)):
            continue
        # Only to word an error: the card's file (not read again when its cards were cached).
        doc = loader.document(card.path, "cards")
        if doc is None or meta is None:
            continue
        if exam is None:
            loader.errors.append(doc.error(_objectives_at(doc, card),
                                           f"card `{card.id}` links objectives, but deck "
                                           f"`{deck.id}` has no exam",
                                           f"describe the exam and its objectives under `exam:` "
                                           f"in {display_path(meta.path)}"))
            continue
        for obj in card.objectives:
            if obj not in known:
                suggestion = did_you_mean(obj, known)
                hint = f"{suggestion} " if suggestion else ""
                loader.errors.append(doc.error(_objectives_at(doc, card),
                                               f"unknown objective `{obj}` for exam {exam.code}",
                                               hint + "the objectives are listed under "
                                               f"exam.sections in {display_path(meta.path)}"))


def _objectives_at(doc: RawDocument, card: Card) -> tuple[Any, ...]:
    """Where a card's objectives are written: the card's own, or its file's default."""
    for i, raw in enumerate(doc.data.get("cards", ())):
        if isinstance(raw, dict) and raw.get("id") == card.id:
            return ("cards", i, "objectives") if "objectives" in raw else ("objectives",)
    return ("objectives",)


def check_start(loader: CardLoader, deck: Deck) -> None:
    """The pinned cards (``start:``) are cards of the deck's own folder."""
    meta = loader.docs.get(deck.folder / "deck.yaml")
    if meta is None or not deck.start:
        return
    by_id = {c.id: c for c in deck.cards}
    for i, card_id in enumerate(deck.start):
        card = by_id.get(card_id)
        if card is None:
            loader.errors.append(meta.error(("start", i), f"no card `{card_id}` in this deck",
                                            did_you_mean(card_id, by_id) or
                                            "list ids of cards in this deck's folder"))
        elif card.library:
            loader.errors.append(meta.error(
                ("start", i), f"`{card_id}` is a shared card: it lives in {card.home}",
                "pin a card of this deck's own folder"))


def check_deck_ids(loader: CardLoader, decks: list[Deck]) -> None:
    """A deck id is used by one deck folder."""
    seen: dict[str, Deck] = {}
    for deck in decks:
        if deck.id in seen:
            loader.errors.append(DeckforgeError(
                str(deck.folder / "deck.yaml"), 1, 1, f"duplicate deck id `{deck.id}`",
                f"also used by {seen[deck.id].folder}/deck.yaml", "id"))
        seen[deck.id] = deck


def check_shared_ids(loader: CardLoader, decks: list[Deck]) -> None:
    """A shared card's identity is its library and id: two library files of one library may not
    both use an id, as decks including them would ship two notes under one GUID."""
    first: dict[tuple[str, str], Card] = {}
    for deck in decks:
        for card in deck.cards:
            if not card.library:
                continue
            other = first.setdefault((card.library, card.id), card)
            if other.path != card.path:
                error = DeckforgeError(
                    str(card.path), card.line, card.col,
                    f"card id `{card.id}` is also used in {display_path(other.path)}:{other.line}",
                    f"ids of shared cards must be unique in decks/{card.library}/: rename one",
                    "id")
                if error not in loader.errors:  # once, however many decks include both
                    loader.errors.append(error)


DECK_CHECKS: tuple[Callable[[CardLoader, Deck], None], ...] = (
    check_unique_ids, check_objectives, check_start)
"""Run on every deck whose deck.yaml is valid, in this order."""

PROJECT_CHECKS: tuple[Callable[[CardLoader, list[Deck]], None], ...] = (
    check_deck_ids, check_shared_ids)
"""Run once on every deck of the project."""
