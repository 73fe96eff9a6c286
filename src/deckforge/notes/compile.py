"""Compile decks' notes against the manifest: modification times, removed notes, note types."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import DeckforgeError, DeckforgeErrors
from ..model import Project
from ..notetypes import NOTE_TYPES, NoteType, stable_id
from ..render.markdown import render_markdown
from .manifest import DeckRecord, Manifest, NoteRecord, NoteTypeRecord
from .source import REMOVED_TAG, DeckNotes, NoteSource, note_hash, pinned_order, subdeck_name

# Reads the notes of a previously built deck: guid -> (note type key, fields by name, tags).
PreviousNotes = Callable[[str, list[str]], Mapping[str, tuple[str, dict[str, str], list[str]]]]


class CompiledNote(NamedTuple):
    """A note as packaged. (A named tuple: a build makes one per card, and a tuple is made
    twice as fast as a frozen dataclass.)"""

    card_id: str
    guid: str
    note_type: NoteType
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck_name: str
    mod: int
    removed: bool
    hash: str = ""
    """A live note's content hash (note type, fields, sorted tags; see ``note_hash``): it
    stands for the fields and tags in the deck fingerprint and the deck's record (apkg/record.py)."""
    ords: tuple[int, ...] | None = None
    """The template ordinals of its cards, when known (else packaging works them out)."""


@dataclass(frozen=True)
class CompiledDeck:
    id: str
    name: str
    description_html: str
    anki_deck_ids: tuple[tuple[str, int], ...]
    """(deck name, Anki deck id) for the deck and each of its sub-decks, sorted by name."""
    notes: tuple[CompiledNote, ...]
    id_base: int
    note_type_mods: tuple[tuple[int, int], ...]
    media: tuple[tuple[str, bytes], ...] = ()
    """The image files the deck's notes show: (content-hashed media name, bytes), sorted."""


class Change(NamedTuple):
    """A change a build reports; sorts by deck, kind, card id, detail."""

    deck_id: str
    kind: str  # added | edited | removed | restored | notetype
    card_id: str
    detail: str = ""


def dated(previous: int, unchanged: bool, now: int) -> int:
    """A note's modification time: the one it shipped with while its content is unchanged,
    else ``now`` (never earlier than that shipped time + 1, so Anki sees it as newer)."""
    return previous if unchanged else max(now, previous + 1)


def live_note(deck_name: str, pinned: bool, note: NoteSource, mod: int) -> CompiledNote:
    """The compiled live note of ``note`` in deck ``deck_name`` (in the deck itself when it is
    ``pinned``), modified at ``mod``: for a full build and a quick rebuild alike."""
    card_id, card_type, fields, tags, subdeck, h, guid, _, ords = note
    return CompiledNote(card_id, guid, NOTE_TYPES[card_type], fields, tags,
                        deck_name if pinned else subdeck_name(deck_name, subdeck), mod, False, h,
                        ords)


def _note_types(old: Manifest, new: Manifest, now: int) -> tuple[dict[str, int], list[Change]]:
    errors: list[DeckforgeError] = []
    changes: list[Change] = []
    mods: dict[str, int] = {}
    for key, nt in sorted(NOTE_TYPES.items()):
        rec = old.note_types.get(key)
        h = nt.content_hash()
        if rec is not None and rec.version == nt.version and rec.fields != list(nt.fields):
            errors.append(DeckforgeError(
                "src/deckforge/notetypes.py", 0, 0,
                f"the fields of note type `{nt.name}` changed ({', '.join(rec.fields)} -> "
                f"{', '.join(nt.fields)}) without a new version",
                f"Anki would copy the note type and stop updating learners' notes: bump its "
                f"version to {nt.version + 1} and tell learners to import with 'Merge note types'"))
            continue
        if rec is not None and rec.version == nt.version and rec.hash == h:
            mod = rec.mod
        else:
            mod = max(now, rec.mod + 1) if rec is not None else now
            if rec is not None:
                what = "new version" if rec.version != nt.version else "templates/styling"
                changes.append(Change("*", "notetype", key, what))
        new.note_types[key] = NoteTypeRecord(id=nt.id, version=nt.version, fields=list(nt.fields),
                                             hash=h, mod=mod)
        mods[key] = mod
    if errors:
        raise DeckforgeErrors(errors)
    return mods, changes


def _compile_deck(deck: DeckNotes, old: DeckRecord | None, now: int, nt_mods: dict[str, int],
                  previous: PreviousNotes, shared: _Shared) -> tuple[CompiledDeck, DeckRecord,
                                                                     list[Change]]:
    record = DeckRecord(created=old.created if old else now)
    changes: list[Change] = []
    notes = _live_notes(deck, old, now, shared, record, changes)
    notes += _removed_notes(deck, old, now, previous, shared, record, changes)
    names = sorted({deck.name, *(n.deck_name for n in notes)})
    used = sorted({n.note_type.key for n in notes})
    id_base = record.created * 1000 + (stable_id("deckforge-ids", deck.id) % 1000) * 1_000_000
    compiled = CompiledDeck(
        id=deck.id, name=deck.name,
        description_html=render_markdown(deck.description) if deck.description else "",
        anki_deck_ids=tuple((n, stable_id("deckforge-deck", deck.id, n)) for n in names),
        notes=tuple(notes), id_base=id_base,
        note_type_mods=tuple((NOTE_TYPES[k].id, nt_mods[k]) for k in used),
        media=tuple(sorted({name: data for n in deck.notes for name, data in n.media}.items())))
    return compiled, record, changes


def _live_notes(deck: DeckNotes, old: DeckRecord | None, now: int, shared: _Shared,
                record: DeckRecord, changes: list[Change]) -> list[CompiledNote]:
    """The deck's notes, dated against ``old`` (recorded in ``record``; added, edited and
    restored ones in ``changes``), pinned ones first."""
    notes: list[CompiledNote] = []
    old_notes = old.notes if old else {}
    new_notes = record.notes
    pinned = set(deck.start)
    for note in deck.notes:
        card_id, subdeck, h, guid = note.card_id, note.placement, note.hash, note.guid
        prev = old_notes.get(card_id)
        # A shared note is dated from its newest record in any deck, so that every deck
        # including it ships it with the same time.
        basis = shared.latest.get(guid, prev) if subdeck.startswith("::") else prev
        if basis is not None and basis.hash == h and not basis.removed:
            mod = basis.mod
        else:
            mod = dated(basis.mod, False, now) if basis is not None else now
        if prev is None or prev.hash != h or prev.removed:
            kind = "added" if prev is None else ("restored" if prev.removed else "edited")
            changes.append(Change(deck.id, kind, card_id))
        new_notes[card_id] = NoteRecord(guid, h, mod)
        notes.append(live_note(deck.name, card_id in pinned, note, mod))
    if pinned:  # new cards are shown in note order
        notes = [notes[k] for k in pinned_order([n.card_id for n in notes], deck.start)]
    return notes


def _removed_notes(deck: DeckNotes, old: DeckRecord | None, now: int, previous: PreviousNotes,
                   shared: _Shared, record: DeckRecord, changes: list[Change]) -> list[CompiledNote]:
    """The notes of cards that left the deck since ``old``, shipped again tagged as removed
    (recorded in ``record`` with what they showed; newly removed ones in ``changes``). A card
    that left this deck but is still shared by another is not a removal."""
    if old is None:
        return []
    live = {n.card_id for n in deck.notes}
    gone = sorted(cid for cid in old.notes
                  if cid not in live and old.notes[cid].guid not in shared.live)
    fresh = [cid for cid in gone if not old.notes[cid].removed]
    found = previous(deck.id, [old.notes[cid].guid for cid in fresh]) if fresh else {}
    notes: list[CompiledNote] = []
    for cid in gone:
        prev = old.notes[cid]
        snapshot = prev.snapshot if prev.removed else None
        if snapshot is None:
            shipped = found.get(prev.guid)
            if shipped is None:
                changes.append(Change(deck.id, "removed", cid, "not shipped: previous deck not found"))
                continue
            key, fields_by_name, tags_list = shipped
            snapshot = {"type": key, "fields": fields_by_name,
                        "tags": sorted({*tags_list, REMOVED_TAG}), "deck": deck.name}
            changes.append(Change(deck.id, "removed", cid))
        nt = NOTE_TYPES[snapshot["type"]]
        by_name = {f: snapshot["fields"].get(f, "") for f in nt.fields}
        h = note_hash(nt, tuple(by_name[f] for f in nt.fields), tuple(snapshot["tags"]))
        mod = dated(prev.mod, prev.removed and prev.hash == h, now)
        record.notes[cid] = NoteRecord(guid=prev.guid, hash=h, mod=mod, removed=True,
                                       snapshot=snapshot)
        notes.append(CompiledNote(cid, prev.guid, nt, tuple(by_name[f] for f in nt.fields),
                                  tuple(snapshot["tags"]), snapshot["deck"], mod, removed=True))
    return notes


def compile_project(project: Project, manifest: Manifest, now: int,
                    previous: PreviousNotes) -> tuple[list[CompiledDeck], Manifest, list[Change]]:
    """Compile every deck of ``project`` against ``manifest``; return decks, new manifest, changes.

    ``now`` is the modification time given to notes whose content changed; notes whose content is
    unchanged keep the time recorded in the manifest, so rebuilding never disturbs learners.
    """
    return compile_notes([DeckNotes.of(deck) for deck in project.decks], manifest, now, previous)


class _Shared(NamedTuple):
    """What compiling one deck needs to know of the others, for the notes they share."""

    latest: dict[str, NoteRecord]
    """GUID -> its live record with the newest time, in any deck of the manifest."""
    live: frozenset[str]
    """GUIDs of the live notes of every deck after this build."""


def _shared(decks: Sequence[DeckNotes], manifest: Manifest) -> _Shared:
    latest: dict[str, NoteRecord] = {}
    for record in manifest.decks.values():
        for note in record.notes.values():
            if not note.removed and (note.guid not in latest or note.mod > latest[note.guid].mod):
                latest[note.guid] = note
    built = {d.id for d in decks}
    live = {n.guid for d in decks for n in d.notes}
    live.update(n.guid for deck_id, record in manifest.decks.items() if deck_id not in built
                for n in record.notes.values() if not n.removed)
    return _Shared(latest, frozenset(live))


def compile_notes(decks: Sequence[DeckNotes], manifest: Manifest, now: int,
                  previous: PreviousNotes) -> tuple[list[CompiledDeck], Manifest, list[Change]]:
    """``compile_project`` of decks already rendered into notes (see ``note_source``)."""
    new = Manifest(decks=dict(manifest.decks))
    nt_mods, changes = _note_types(manifest, new, now)
    compiled: list[CompiledDeck] = []
    shared = _shared(decks, manifest)
    for deck in decks:
        result, record, deck_changes = _compile_deck(deck, manifest.decks.get(deck.id), now,
                                                     nt_mods, previous, shared)
        compiled.append(result)
        new.decks[deck.id] = record
        changes.extend(deck_changes)
    return compiled, new, sorted(changes)
