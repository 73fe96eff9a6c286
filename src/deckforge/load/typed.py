"""The typed cards of a plain card file, kept in the store by the file's bytes (the gate's fast path).

A deck's card file that includes nothing, shows no image and has no error types to the same
cards whatever else is in the project: its cards depend on its bytes and the code alone. The
cross-file checks still run on every card, cached or not (load/checks.py)."""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

from ..model import Card, SourceRef
from ..store import KEEP_VERSIONS, cache_dir, cache_on, code_salt, file_group, read_entry, write_entry

_FORMAT = b"deckforge-cards-1\0"


def _key(raw: bytes) -> str:
    return hashlib.sha256(code_salt() + _FORMAT + raw).hexdigest()


def read_bytes(path: Path) -> bytes | None:
    """The bytes of a card file, when the cache is on and the file can be read."""
    if not cache_on():
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def cached_cards(decks_dir: Path, path: Path, raw: bytes) -> list[Card] | None:
    """The cards of the deck card file ``path`` whose bytes are ``raw``, if cached."""
    payload = read_entry(cache_dir(decks_dir) / "cards", _key(raw), file_group(path, decks_dir))
    if payload is None:
        return None
    try:
        rows = marshal.loads(payload)
        return [Card(r[0], r[1], r[2], r[3], r[4], r[5],
                     tuple(SourceRef(*s) for s in r[6]), r[7], r[8], r[9], r[10], path,
                     r[11], r[12], (), r[13], r[14]) for r in rows]
    except (ValueError, EOFError, TypeError, IndexError):
        return None  # not what this code writes: type the file instead


def store_cards(decks_dir: Path, path: Path, raw: bytes, cards: list[Card]) -> None:
    """Remember the cards of a valid deck card file without includes or images."""
    try:
        if path.read_bytes() != raw:
            return  # changed while it was typed
        payload = marshal.dumps([
            (c.id, c.type, c.fields, c.choices, c.answer, c.tags,
             tuple((s.name, s.section, s.detail) for s in c.sources), c.as_of, c.notes,
             c.lint_ignore, c.subdeck, c.line, c.col, c.shuffle, c.objectives) for c in cards])
    except (OSError, ValueError):
        return
    write_entry(cache_dir(decks_dir) / "cards", _key(raw), payload, file_group(path, decks_dir),
                KEEP_VERSIONS)
