"""Package a deck reusing dist/: the same .apkg when nothing changed, an updated collection when
notes only changed in place, else afresh; what each .apkg was made from is kept in the store."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..store import KEEP_VERSIONS, cache_dir, cache_on, entry_group, read_entry, write_entry
from .record import DeckRecord, deck_record, decode_record, package_key, place_of, rows_key

if TYPE_CHECKING:
    from ..notes.compile import CompiledDeck
    from .archive import Packed


@dataclass
class Previous:
    """What dist/ holds of a deck: its .apkg, the hash of it, what the cache says that .apkg was
    built from (``deck_record`` as marshalled), the compressed length of each piece of its
    collection, and the collection itself (read only when the record is known)."""

    apkg: bytes = b""
    digest: bytes = b""
    rows: bytes | None = None
    pieces: tuple[int, ...] = ()
    collection: bytes | None = None

    def packed(self) -> Packed:
        from .archive import Packed

        return Packed(self.apkg, self.pieces)


def previous_package(dist_dir: Path, deck_id: str, decks_dir: Path) -> Previous:
    """What dist/ holds of deck ``deck_id`` (see ``Previous``); nothing when the cache is off."""
    from .archive import Packed, collection_of, holds_collection, open_collection

    if not cache_on():
        return Previous()
    try:
        apkg = (dist_dir / f"{deck_id}.apkg").read_bytes()
    except OSError:
        return Previous()
    digest = hashlib.sha256(apkg).digest()
    made = (read_entry(cache_dir(decks_dir) / "made", rows_key(digest)) or b"").decode("ascii", "replace")
    key, _, lengths = made.partition("\n")
    valid = len(key) == 64 and all(c in "0123456789abcdef" for c in key)
    rows = read_entry(cache_dir(decks_dir) / "rows", key, entry_group("deck", deck_id)) if valid else None
    if rows is None:
        return Previous(apkg, digest)
    try:
        pieces = tuple(int(n) for n in lengths.split(",")) if lengths else ()
    except ValueError:
        pieces = ()
    # The collection as the build that wrote the .apkg left it, else inflated from the .apkg.
    try:
        collection: bytes | None = collection_path(decks_dir, deck_id, digest).read_bytes()
    except OSError:
        collection = None
    if collection is None or not holds_collection(apkg, collection):
        collection = (open_collection(Packed(apkg, pieces)) if pieces else None) or collection_of(apkg)
    return Previous(apkg, digest, rows, pieces, collection)


def collection_path(decks_dir: Path, deck_id: str, digest: bytes | None) -> Path:
    """Where the cache keeps the collection inside deck ``deck_id``'s .apkg of hash ``digest``
    (None: a name for a new one). One per deck: a 50,000-card deck's is about 50 MB."""
    deck = hashlib.sha256(deck_id.encode()).hexdigest()[:16]
    name = digest.hex() if digest is not None else f"new-{os.getpid()}"
    return cache_dir(decks_dir) / "collections" / f"{deck}-{name}.anki2"


def new_collection_path(decks_dir: Path, deck_id: str) -> Path | None:
    """``collection_path(…, None)``, ready for a new file (its folder made, a leftover of an
    interrupted build removed); None when the cache cannot be written."""
    path = collection_path(decks_dir, deck_id, None)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    except OSError:
        return None
    return path


def keep_collection(decks_dir: Path, deck_id: str, apkg: bytes) -> None:
    """File the collection a build just left at ``collection_path(…, None)`` as the one inside
    ``apkg``; the deck's earlier one is deleted."""
    new = collection_path(decks_dir, deck_id, None)
    target = collection_path(decks_dir, deck_id, hashlib.sha256(apkg).digest())
    prefix = target.name.split("-", 1)[0] + "-"
    try:
        if new.exists():
            os.replace(new, target)
        # (Not the ``new-`` files another build may be writing right now.)
        for other in target.parent.glob(prefix + "*.anki2"):
            if other != target and len(other.stem) == len(target.stem):
                other.unlink()
    except OSError:
        pass


def _updated(deck: CompiledDeck, old: Previous, record: DeckRecord, keep: Path | None) -> Packed | None:
    """``apkg_bytes(deck)`` made by updating the collection inside ``old`` (collection.py), when
    the store says what deck ``old`` was built from and that deck has the same layout; else
    None. The new collection is written to ``keep`` (``new_collection_path``) and read from there."""
    from .archive import packed_apkg
    from .collection import layout_of, updated_collection_at

    if old.rows is None or old.collection is None or keep is None:
        return None
    before = decode_record(old.rows)
    if before is None or not before.same_layout(record):
        return None
    old_notes, notes = before.text.split("\n"), record.text.split("\n")
    # The same notes in the same places.
    if len(old_notes) != len(notes) or len(notes) != len(deck.notes):
        return None
    changed = [i for i, (a, b) in enumerate(zip(old_notes, notes, strict=True)) if a != b]
    if any(place_of(old_notes[i]) != place_of(notes[i]) for i in changed) \
            or len(changed) > len(notes) // 4:
        return None  # moved, added or removed notes (or many edits): build afresh
    if not updated_collection_at(keep, layout_of(deck), old.collection,
                                 [(i, deck.notes[i]) for i in changed]):
        return None
    return packed_apkg(dict(deck.media), keep, old.packed(), old.collection)


def package(deck: CompiledDeck, dist_dir: Path, decks_dir: Path) -> bytes:
    """The .apkg of ``deck``: the one in dist/ when the store says it was made from the same
    record, else the one in dist/ updated in place, else packaged afresh (``apkg_bytes``
    without the store). The deck's record (``deck_record``: a tenth of a second for 50,000
    notes, in Python) is computed in a thread while SQLite and zlib work, which release the GIL."""
    from .archive import apkg_bytes

    if not cache_on():
        return apkg_bytes(deck)
    with ThreadPoolExecutor(max_workers=1) as side:
        recording = side.submit(_recorded, deck)
        old = previous_package(dist_dir, deck.id, decks_dir)
        keep = new_collection_path(decks_dir, deck.id)
        if not old.apkg:
            # Nothing in dist/ to reuse or update: package at once, the record meanwhile.
            packed = _fresh(deck, keep)
            _, blob, key = recording.result()
        else:
            record, blob, key = recording.result()
            recorded = read_entry(cache_dir(decks_dir) / "apkg", key)
            if recorded is not None and old.digest == recorded:
                return old.apkg
            updated = _updated(deck, old, record, keep)
            del old, record  # before packaging afresh: peak memory
            packed = updated if updated is not None else _fresh(deck, keep)
    # What this deck holds, by fingerprint; which .apkg it gave ("made").
    remember_package(decks_dir, deck.id, key, packed, blob)
    keep_collection(decks_dir, deck.id, packed.apkg)
    return packed.apkg


def _recorded(deck: CompiledDeck) -> tuple[DeckRecord, bytes, str]:
    """The deck's record, marshalled, and its cache key."""
    record = deck_record(deck)
    blob = record.encode()
    return record, blob, package_key(blob)


def _fresh(deck: CompiledDeck, keep: Path | None) -> Packed:
    """The .apkg of ``deck`` packaged afresh, its collection written to ``keep``
    (``new_collection_path``) and read from there in pieces (a 50,000-card deck's is 50 MB:
    never held in memory whole); in memory when the cache cannot be written."""
    import sqlite3

    from .archive import packed_apkg
    from .collection import collection_bytes, write_collection

    if keep is not None:
        try:
            write_collection(deck, keep)
            return packed_apkg(dict(deck.media), keep)
        except (OSError, sqlite3.OperationalError):
            pass
    return packed_apkg(dict(deck.media), collection_bytes(deck))


def remember_package(decks_dir: Path, deck_id: str, key: str, packed: Packed,
                     blob: bytes | None = None) -> None:
    """Record that the deck of ``key`` (its record ``blob``, unless already stored) packaged to
    ``packed``: which .apkg it gave, and what that .apkg was made from."""
    if blob is not None:
        write_entry(cache_dir(decks_dir) / "rows", key, blob, entry_group("deck", deck_id), KEEP_VERSIONS)
    digest = hashlib.sha256(packed.apkg).digest()
    write_entry(cache_dir(decks_dir) / "apkg", key, digest)
    write_entry(cache_dir(decks_dir) / "made", rows_key(digest),
           f"{key}\n{','.join(map(str, packed.pieces))}".encode("ascii"))
