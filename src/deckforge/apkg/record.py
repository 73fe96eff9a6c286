"""What a packaged deck was made from: its record (one line per note), its fingerprint and keys."""

from __future__ import annotations

import hashlib
import marshal
from typing import TYPE_CHECKING, NamedTuple

from ..store import code_salt

if TYPE_CHECKING:
    from ..notes.compile import CompiledDeck, CompiledNote


def package_salt() -> bytes:
    """Everything besides a compiled deck that decides its .apkg bytes: the code (with the
    libraries and SQLite: ``code_salt``) and the note types as this process sees them (not
    cached: tests swap them)."""
    from ..notetypes import NOTE_TYPES

    h = hashlib.sha256(code_salt() + b"apkg\0")
    for key, nt in sorted(NOTE_TYPES.items()):
        h.update(f"{key}\0{nt.id}\0{nt.content_hash()}\0".encode())
    return h.digest()


class DeckRecord(NamedTuple):
    """Everything ``apkg_bytes(deck)`` reads: the deck's data, and one line per note.

    A line is the note's place (card id, GUID, note type, sub-deck, removed or not), a NUL, then
    its content: a live note's time and content hash (the compiler made it of the note type,
    fields and sorted tags; hashing 50,000 notes' fields again took a quarter second), else the
    time, fields and tags themselves. Strings are written with repr, so no line holds a raw NUL
    or newline and no two notes share a line. ``encode``/``decode_record`` are the one way to
    bytes and back (the store keeps it; a rebuild after edits patches it).
    """

    deck_id: str
    name: str
    description_html: str
    anki_deck_ids: tuple[tuple[str, int], ...]
    id_base: int
    note_type_mods: tuple[tuple[int, int], ...]
    media: tuple[tuple[str, str], ...]
    """(media name, sha256 of its bytes)."""
    text: str
    """The notes' lines, joined by newlines (one string: 50,000 lines as objects cost memory)."""

    def encode(self) -> bytes:
        return marshal.dumps((tuple(self[:7]), self.text))

    def same_layout(self, other: DeckRecord) -> bool:
        """The same deck, Anki deck ids and id base (so notes keep their rows' ids)."""
        return (self.deck_id, self.anki_deck_ids, self.id_base) == \
            (other.deck_id, other.anki_deck_ids, other.id_base)


def decode_record(blob: bytes) -> DeckRecord | None:
    """``DeckRecord.encode`` undone; None for bytes it did not write."""
    try:
        meta, text = marshal.loads(blob)
        deck_id, name, description, deck_ids, id_base, mods, media = meta
        if not isinstance(text, str):
            return None
        return DeckRecord(deck_id, name, description, tuple(map(tuple, deck_ids)), id_base,
                          tuple(map(tuple, mods)), tuple(map(tuple, media)), text)
    except (ValueError, EOFError, TypeError, AttributeError):
        return None


def deck_record(deck: CompiledDeck) -> DeckRecord:
    """The record of ``deck`` (see ``DeckRecord``)."""
    place = {name: i for i, (name, _) in enumerate(deck.anki_deck_ids)}
    return DeckRecord(deck.id, deck.name, deck.description_html, deck.anki_deck_ids, deck.id_base,
                      deck.note_type_mods,
                      tuple((name, hashlib.sha256(data).hexdigest()) for name, data in deck.media),
                      "\n".join([note_line(n, place) for n in deck.notes]))


def note_line(n: CompiledNote, place: dict[str, int]) -> str:
    """A note's line of ``deck_record`` (``place``: sub-deck name -> its index)."""
    return (f"{n.card_id!r}\0{n.guid!r}\0{n.note_type.key!r}\0{place.get(n.deck_name, n.deck_name)!r}"
            f"\0{n.removed:d}\0"
            + (f"{n.mod:d}\0{n.hash}" if n.hash and not n.removed else repr((n.mod, n.fields, n.tags))))


def rows_key(apkg_digest: bytes) -> str:
    return hashlib.sha256(package_salt() + b"rows\0" + apkg_digest).hexdigest()


def place_of(line: str) -> list[str]:
    """The place part of a ``note_line``."""
    return line.split("\0", 5)[:5]


def live_content(line: str) -> tuple[list[str], int, str] | None:
    """A live note's ``note_line`` undone: (its place, its time, its content hash); None for a
    removed note's line, or one without a hash."""
    parts = line.split("\0")
    if len(parts) != 7 or parts[4] != "0" or not parts[5].isdigit():
        return None
    return parts[:5], int(parts[5]), parts[6]


def package_key(blob: bytes) -> str:
    """The cache key of a deck whose record encodes to ``blob``."""
    return hashlib.sha256(package_salt() + blob).hexdigest()
