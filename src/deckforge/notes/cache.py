"""The notes each valid card file compiled to, kept in the store by the file's bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from ..notes.source import decode_notes, encode_notes
from ..store import KEEP_VERSIONS, cache_dir, code_salt, file_group, read_entry, write_entry

if TYPE_CHECKING:
    from .source import NoteSource


def _notes_key(deck_id: str, digest: str) -> str:
    """The key of the notes of a card file of deck ``deck_id`` whose bytes hash to ``digest``
    (sha256, hex)."""
    return hashlib.sha256(_notes_salt() + deck_id.encode() + b"\0" + digest.encode()).hexdigest()


def _notes_salt() -> bytes:
    from ..notetypes import NOTE_TYPES

    # The note types as this process sees them now (not cached: tests swap them): a note's
    # fields follow its type's field list.
    types = repr(sorted((k, nt.id, nt.version, nt.fields) for k, nt in NOTE_TYPES.items()))
    return code_salt() + b"notes\0" + types.encode() + b"\0"


def cached_notes(decks_dir: Path, deck_id: str, path: Path, digest: str) -> list[NoteSource] | None:
    """The notes a valid card file ``path`` in deck ``deck_id`` whose bytes hash to ``digest``
    (sha256, hex) compiled to, if cached."""
    payload = read_entry(cache_dir(decks_dir) / "notes", _notes_key(deck_id, digest),
                    file_group(path, decks_dir))
    if payload is None:
        return None
    # Written by ``store_notes`` of this very code (the key holds its hash, the payload a
    # checksum).
    return decode_notes(payload)


def store_notes(decks_dir: Path, deck_id: str, path: Path, digest: str,
                notes: list[NoteSource]) -> None:
    """Remember what a valid card file without images or includes compiled to."""
    if any(n.media for n in notes):
        return  # images are other files: such notes are not cached
    write_entry(cache_dir(decks_dir) / "notes", _notes_key(deck_id, digest), encode_notes(notes),
           file_group(path, decks_dir), KEEP_VERSIONS)
