"""One card as a note: its rendered fields, tags, GUID, Anki deck and content hash (``NoteSource``)."""

from __future__ import annotations

import hashlib
import marshal
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from ..model import Card, Deck
from ..notetypes import NOTE_TYPES, NoteType, card_ordinals
from ..render.markdown import render_fields

REMOVED_TAG = "deckforge::removed"


OBJECTIVE_TAG = "objective::"
"""Prefix of the tag a note gets for each exam objective its card links (``objective::3.2``)."""


_BASE91 = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           "!#$%&()*+,-./:;<=>?@[]^_`{|}~")


_BASE91_PAIRS = tuple(a + b for a in _BASE91 for b in _BASE91)


def note_guid(deck_id: str, card_id: str) -> str:
    """The Anki GUID of a card: derived from its deck id and card id only, never from content."""
    return _base91(int.from_bytes(
        hashlib.sha256(f"deckforge\x1f{deck_id}\x1f{card_id}".encode()).digest()[:8], "big"))


def card_guid(deck_id: str, card: Card) -> str:
    """The GUID of ``card``'s note in deck ``deck_id``: a shared card's is its library's, the
    same in every deck that includes it."""
    return note_guid(card.library or deck_id, card.id)


def _base91(n: int) -> str:
    """``n`` (below 2**64) in base 91, most significant digit first, without leading zeros
    ("a"): two digits at a time (91**10 > 2**64), as a build spends time here for every card."""
    out = []
    for _ in range(5):
        n, r = divmod(n, 8281)
        out.append(_BASE91_PAIRS[r])
    return "".join(reversed(out)).lstrip("a") or "a"


def note_hash(nt: NoteType, fields: Sequence[str], tags: tuple[str, ...]) -> str:
    """The content hash of a note (``fields`` in note-type order): the sha256 of the compact,
    key-sorted JSON of its note type, fields by name and sorted tags, written out directly
    (encode_basestring is the function json.dumps uses for strings; a test compares both)."""
    if len(fields) != len(nt.fields):
        raise ValueError(f"{nt.key} has {len(nt.fields)} fields, not {len(fields)}")
    order, head, tail = _hash_layout(nt)
    parts = ",".join([f"{name}:{encode_basestring(fields[i])}" for i, name in order])
    tag_list = ",".join([encode_basestring(t) for t in sorted(tags)])
    return hashlib.sha256(f"{head}{parts}{tail}{tag_list}]}}".encode()).hexdigest()


@cache
def _hash_layout(nt: NoteType) -> tuple[tuple[tuple[int, str], ...], str, str]:
    """What ``note_hash`` writes the same for every note of ``nt``: (field index, encoded
    name) in name order, and the text before and after the fields."""
    order = tuple((i, encode_basestring(name)) for name, i in
                  sorted((name, i) for i, name in enumerate(nt.fields)))
    return order, '{"fields":{', f'}},"notetype":[{encode_basestring(nt.key)},{nt.id}],"tags":['


class NoteSource(NamedTuple):
    """What a build needs of one card. Plain data, so that a card file's notes can be cached
    (notes/cache.py), rendered in worker processes (workers.py) and a rebuild skip rendering
    them: ``encode_notes`` and ``decode_notes`` are the one way to bytes and back."""

    card_id: str
    type: str
    fields: tuple[str, ...]
    """Rendered fields, in note-type order."""
    tags: tuple[str, ...]
    """Sorted."""
    placement: str
    """Its sub-deck, or a shared card's own deck (see ``placement``)."""
    hash: str
    """The note's content hash (``note_hash``)."""
    guid: str
    media: tuple[tuple[str, bytes], ...]
    """Images as (media name, bytes)."""
    ords: tuple[int, ...]
    """Template ordinals of its Anki cards."""


def note_rows(notes: Sequence[NoteSource]) -> list[tuple[Any, ...]]:
    """A card file's notes as plain tuples (what marshal writes, e.g. from a worker process)."""
    return [tuple(n) for n in notes]


def notes_from_rows(rows: Any) -> list[NoteSource] | None:
    """``note_rows`` undone; None for anything it did not make."""
    if type(rows) is not list or any(type(r) is not tuple or len(r) != len(NoteSource._fields)
                                     for r in rows):
        return None
    return [NoteSource._make(r) for r in rows]


def encode_notes(notes: Sequence[NoteSource]) -> bytes:
    """A card file's notes as bytes, for the store."""
    return marshal.dumps(note_rows(notes))


def decode_notes(payload: bytes) -> list[NoteSource] | None:
    """``encode_notes`` undone; None for bytes it did not write."""
    try:
        return notes_from_rows(marshal.loads(payload))
    except (ValueError, EOFError, TypeError):
        return None


def note_source(deck_id: str, card: Card) -> NoteSource:
    """Render and hash one card into what compiling its note needs."""
    nt = NOTE_TYPES[card.type]
    rendered = render_fields(card)
    fields = tuple(rendered.get(f, "") for f in nt.fields)
    tags = tuple(sorted({*card.tags, *(OBJECTIVE_TAG + o for o in card.objectives)}))
    media = tuple((m.name, m.data) for _, m in card.media)
    # A shared card is one note wherever it is included: its identity is its library's.
    return NoteSource(card.id, card.type, fields, tags, placement(card), note_hash(nt, fields, tags),
                      card_guid(deck_id, card), media, card_ordinals(nt, fields))


def card_deck_name(deck: Deck, card: Card) -> str:
    """The Anki deck a card's note lands in: the deck itself for a pinned card."""
    return deck.name if card.id in deck.start else subdeck_name(deck.name, placement(card))


def pinned_order(card_ids: Sequence[str], start: Sequence[str]) -> list[int]:
    """The order of a deck's notes (indices into ``card_ids``): the pinned ones first, in the
    order ``start`` gives, then the others as they come."""
    rank = {card_id: i for i, card_id in enumerate(start)}
    return sorted(range(len(card_ids)), key=lambda k: rank.get(card_ids[k], len(rank)))


def placement(card: Card) -> str:
    """Where a card's note goes, as a ``NoteSource`` carries it: its sub-deck ("" for the deck
    itself) or, for a shared card, ``::`` and the full name of its library's deck (no sub-deck
    name starts with a colon, so the two cannot be confused)."""
    return f"::{card.home}" if card.library else card.subdeck


def subdeck_name(deck_name: str, subdeck: str) -> str:
    """The Anki deck a note placed at ``subdeck`` (see ``placement``) of deck ``deck_name``
    goes to."""
    if subdeck.startswith("::"):
        return subdeck[2:]
    return f"{deck_name}::{subdeck}" if subdeck else deck_name


@dataclass(frozen=True)
class DeckNotes:
    """A deck as a build sees it: metadata and the notes of its cards, in file then card order."""

    id: str
    name: str
    description: str
    notes: tuple[NoteSource, ...]
    start: tuple[str, ...] = ()
    """Ids of the cards a new learner sees first: their notes go in the deck itself."""

    @classmethod
    def of(cls, deck: Deck) -> DeckNotes:
        return cls(deck.id, deck.name, deck.description,
                   tuple(note_source(deck.id, card) for card in deck.cards), deck.start)
