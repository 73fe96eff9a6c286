"""The typed cards of a plain card file, kept in the store by the file's bytes (the gate's fast path).

A deck's card file that includes nothing, shows no image and has no error types to the same
cards whatever else is in the project: its cards depend on its bytes and the code alone. The
checks across files still run on every card, cached or not (load/checks.py). A cold build of
many files types them in worker processes first (``type_in_workers``), each storing its cards
here, so the gate then reads them all from the store."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import marshal
from collections.abc import Callable
from functools import lru_cache
from operator import attrgetter
from pathlib import Path

from ..model import Card, SourceRef
from ..store import KEEP_VERSIONS, cache_dir, cache_on, code_salt, file_group, read_entry, write_entry
from ..workers import job_count, map_in_order

_FORMAT = b"deckforge-cards-1\0"
_KEPT = tuple(f.name for f in dataclasses.fields(Card) if f.name not in ("sources", "path", "media"))
"""The fields a row holds after the card's sources, in order (every field of a card but its
path, which is the file's, and its images, which a cached card has none of)."""

_kept = attrgetter(*_KEPT)

# Many cards cite the same source; a citation is immutable, so one object serves all.
_source = lru_cache(maxsize=4096)(SourceRef)


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
    # Half a million small objects and no cycles: the cyclic collector would walk them again
    # and again. A card is made from its row's fields without its (frozen) __init__: four
    # times faster, the same card (tests/load/test_typed_cache.py).
    collecting = gc.isenabled()
    gc.disable()
    try:
        rows = marshal.loads(payload)
        new = object.__new__
        cards: list[Card] = []
        for row in rows:
            if len(row) != len(_KEPT) + 1:
                return None
            card = new(Card)
            fields = card.__dict__
            fields.update(zip(_KEPT, row[1:], strict=True))
            fields["sources"] = tuple([_source(*s) for s in row[0]])
            fields["path"] = path
            fields["media"] = ()
            cards.append(card)
        return cards
    except (ValueError, EOFError, TypeError):
        return None  # not what this code writes: type the file instead
    finally:
        if collecting:
            gc.enable()


def store_cards(decks_dir: Path, path: Path, raw: bytes, cards: list[Card]) -> None:
    """Remember the cards of a valid deck card file without includes or images."""
    try:
        if path.read_bytes() != raw:
            return  # changed while it was typed
        payload = marshal.dumps([
            (tuple([(s.name, s.section, s.detail) for s in c.sources]), *_kept(c)) for c in cards])
    except (OSError, ValueError):
        return  # unreadable now, or a field marshal cannot write: just not cached
    write_entry(cache_dir(decks_dir) / "cards", _key(raw), payload, file_group(path, decks_dir),
                KEEP_VERSIONS)


def type_in_workers(decks_dir: Path, work: list[tuple[str, Path]],
                    type_file: Callable[[tuple[str, Path]], None]) -> None:
    """Type the card files of ``work`` (deck id, path) not in the store yet with ``type_file``
    (which stores the cards of a plain, valid file), in worker processes when there is enough
    of them."""
    if not cache_on() or len(work) < 2:
        return
    todo: list[tuple[str, Path]] = []
    size = 0
    for deck_id, path in work:
        raw = read_bytes(path)
        if raw is not None and not (cache_dir(decks_dir) / "cards" / file_group(path, decks_dir)
                                    / _key(raw)).is_file():
            todo.append((deck_id, path))
            size += len(raw)
    jobs = job_count(size) if len(todo) > 1 else 1
    if jobs > 1:
        map_in_order(type_file, todo, jobs)
