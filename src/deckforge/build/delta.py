"""Rebuild after edits inside card files by compiling only those files (``build`` tries it
after the gate).

Every build leaves a stamp in the store (stamp.py): the hash of each file under decks/ and of
each file it wrote to dist/, where each card file's notes sit in its deck, and each deck's
collection layout. When dist/ still holds what that build wrote and the only files that changed
are card files whose notes keep their card ids, note types, sub-decks and number, a rebuild is
handed those files' notes from the project the gate checked (``notes.files.plain_file_notes``),
compiles them as a full build does (``notes.compile.live_note``, ``dated``), rewrites the edited
notes' records in the manifest and their lines in the deck's record (``apkg.record``) and their
rows in the collection (``apkg.collection.updated_collection_at``), and reuses each 4 MiB piece
of the compressed collection that came out the same. The bytes are those a full build writes
(the tests build both ways and compare); in any other case ``plan_delta`` returns None and the
full build runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..apkg.archive import packed_apkg
from ..apkg.collection import Layout, updated_collection_at
from ..apkg.record import decode_record, live_content, note_line, package_key, place_of
from ..apkg.reuse import keep_collection, new_collection_path, previous_package, remember_package
from ..notes.compile import Change, CompiledNote, dated, live_note
from ..notes.manifest import MANIFEST_NAME, Manifest, NoteRecord, patch_live_notes
from ..notes.source import NoteSource
from .stamp import Sources, Stamp, dist_matches, file_digests

__all__ = ["Delta", "edited_card_files", "plan_delta"]

# An edited note: its deck, card id, and its manifest record before and after.
_Edit = tuple[str, str, NoteRecord, NoteRecord]


@dataclass
class Delta:
    """What a rebuild by ``plan_delta`` writes: the files of dist/ that it rewrites (by name),
    the changes to report, the stamp to leave for the next build, and what to record in the
    cache meanwhile (these can run while dist/ is written)."""

    files: dict[str, bytes]
    changes: list[Change]
    stamp: Stamp
    remember: list[Callable[[], None]] = field(default_factory=list)


def edited_card_files(stamp: Stamp, sources: Sources) -> list[str] | None:
    """The card files (paths under decks/) edited since the build of ``stamp``, the files under
    decks/ now hashing to ``sources``; None when more than card files changed in place."""
    if stamp.sources.keys() != sources.keys() or MANIFEST_NAME not in stamp.files:
        return None  # a file added or removed
    edited = [rel for rel, digest in sources.items() if stamp.sources[rel] != digest]
    if not edited or any(rel not in stamp.cards for rel in edited):
        return None  # nothing, or something besides card files (deck.yaml, a library, an image)
    return edited


def plan_delta(decks_dir: Path, dist_dir: Path, now: int, stamp: Stamp, sources: Sources,
               inputs: str, notes: Mapping[str, list[NoteSource] | None]) -> Delta | None:
    """The rebuild of ``stamp``'s dist/ after the edits of card files ``notes`` names, with the
    notes each now gives (``notes.files.plain_file_notes`` of the project the gate checked;
    None for one whose notes depend on more than its bytes); the files under ``decks_dir`` now
    hash to ``sources`` (``stamp.input_files``, digest ``inputs``). None when a full build is
    needed."""
    edited = edited_card_files(stamp, sources)
    if edited is None or sorted(edited) != sorted(notes):
        return None
    by_deck: dict[str, list[str]] = {}
    for rel in edited:
        by_deck.setdefault(stamp.cards[rel][0], []).append(rel)
    files: dict[str, bytes] = {}
    edits: list[_Edit] = []
    remember: list[Callable[[], None]] = []
    read: dict[str, str] = {}  # sha256 of the files of dist/ read
    layouts = dict(stamp.layouts)
    for deck_id, rels in sorted(by_deck.items()):
        found = _deck(decks_dir, dist_dir, now, deck_id, [(rel, notes[rel]) for rel in rels],
                      stamp, remember, read)
        if found is None:
            return None
        apkg, deck_edits, layout = found
        edits += deck_edits
        if deck_edits:
            files[f"{deck_id}.apkg"] = apkg
            layouts[deck_id] = tuple(layout)
    if edits:
        manifest = _manifest(dist_dir / MANIFEST_NAME, edits, read)
        if manifest is None:
            return None
        files[MANIFEST_NAME] = manifest
    # dist/ must hold what the stamp says (a file changed by hand takes a full build, which
    # writes it again): the files read above were hashed as they were read.
    if not dist_matches(dist_dir, stamp, read):
        return None
    changes = sorted(Change(deck_id, "edited", card_id) for deck_id, card_id, _, _ in edits)
    return Delta(files, changes, Stamp(inputs=inputs, decks=stamp.decks,
                                       files={**stamp.files, **file_digests(files)},
                                       sources=sources, cards=stamp.cards, layouts=layouts,
                                       stats=sources.stats, hashed_at=sources.hashed_at),
                 remember)


def _deck(decks_dir: Path, dist_dir: Path, now: int, deck_id: str,
          edited: list[tuple[str, list[NoteSource] | None]], stamp: Stamp,
          remember: list[Callable[[], None]], read: dict[str, str]
          ) -> tuple[bytes, list[_Edit], Layout] | None:
    """The .apkg of deck ``deck_id`` after the edits in its card files ``edited`` (each with
    its notes), the notes edited and the deck's layout; None when that takes a full build. What
    the cache should learn of the new .apkg is added to ``remember``."""
    if deck_id not in stamp.layouts or any(notes is None for _, notes in edited):
        return None
    layout = Layout(*stamp.layouts[deck_id])
    old = previous_package(dist_dir, deck_id, decks_dir)
    if old.rows is None or old.collection is None:
        return None
    read[f"{deck_id}.apkg"] = old.digest.hex()
    record = decode_record(old.rows)
    # Images are further entries of the package: such decks are built in full.
    if record is None or record.deck_id != deck_id or record.media \
            or record.anki_deck_ids != layout.anki_deck_ids or record.id_base != layout.id_base:
        return None
    lines = record.text.split("\n")
    place = {name: i for i, (name, _) in enumerate(layout.anki_deck_ids)}
    changed: list[tuple[int, CompiledNote]] = []
    edits: list[_Edit] = []
    for rel, notes in edited:
        _, start, count = stamp.cards[rel]
        if notes is None or len(notes) != count or start + count > len(lines):
            return None  # notes added or removed
        for due, note in enumerate(notes, start):
            found = live_content(lines[due])
            if found is None:
                return None
            old_place, old_mod, old_hash = found
            h = note.hash
            new_note = live_note(layout.name, False, note, dated(old_mod, h == old_hash, now))
            line = note_line(new_note, place)
            if place_of(line) != old_place:
                return None  # another card id, note type or sub-deck: the layout changes
            if h != old_hash:
                changed.append((due, new_note))
                lines[due] = line
                edits.append((deck_id, note.card_id, NoteRecord(note.guid, old_hash, old_mod),
                              NoteRecord(note.guid, h, new_note.mod)))
    if not changed:
        return old.apkg, [], layout
    if len(changed) > len(lines) // 4:
        return None  # many edits: packaging afresh is as fast
    layout = layout._replace(timestamp=max(layout.timestamp, *(n.mod for _, n in changed)))
    # Same deck.yaml, note types and code as the last build: only the collection's time moves.
    # The new collection is written where the cache keeps it, and read from there in pieces.
    path = new_collection_path(decks_dir, deck_id)
    if path is None or not updated_collection_at(path, layout, old.collection, changed,
                                                 only_times=True):
        return None
    packed = packed_apkg({}, path, old.packed(), old.collection)

    def learn() -> None:
        blob = record._replace(text="\n".join(lines)).encode()
        remember_package(decks_dir, deck_id, package_key(blob), packed, blob)
        keep_collection(decks_dir, deck_id, packed.apkg)

    remember.append(learn)
    return packed.apkg, edits, layout


def _manifest(path: Path, edits: list[_Edit], read: dict[str, str]) -> bytes | None:
    """The manifest at ``path`` (as the last build wrote it) with the ``edits`` made."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    read[path.name] = hashlib.sha256(raw).hexdigest()
    patched = patch_live_notes(text, [(card_id, old, new) for _, card_id, old, new in edits])
    if patched is None:  # many records: read and write the whole manifest
        manifest = Manifest.load(path)
        for deck_id, card_id, old, new in edits:
            deck = manifest.decks.get(deck_id)
            if deck is None or deck.notes.get(card_id) != old:
                return None
            deck.notes[card_id] = new
        patched = manifest.to_text()
    return patched.encode("utf-8")
