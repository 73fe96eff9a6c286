"""Turn validated decks into notes with stable GUIDs and modification times, via the manifest."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import DeckforgeError, DeckforgeErrors
from .manifest import DeckRecord, Manifest, NoteRecord, NoteTypeRecord
from .model import Deck, Project
from .notetypes import NOTE_TYPES, NoteType, stable_id
from .render import render_fields, render_markdown

__all__ = ["REMOVED_TAG", "Change", "CompiledDeck", "CompiledNote", "compile_project", "note_guid"]

REMOVED_TAG = "deckforge::removed"
_BASE91 = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           "!#$%&()*+,-./:;<=>?@[]^_`{|}~")

# Reads the notes of a previously built deck: guid -> (note type key, fields by name, tags).
PreviousNotes = Callable[[str, list[str]], Mapping[str, tuple[str, dict[str, str], list[str]]]]


def note_guid(deck_id: str, card_id: str) -> str:
    """The Anki GUID of a card: derived from its deck id and card id only, never from content."""
    n = int.from_bytes(hashlib.sha256(f"deckforge\x1f{deck_id}\x1f{card_id}".encode()).digest()[:8],
                       "big")
    out = []
    while n:
        n, r = divmod(n, len(_BASE91))
        out.append(_BASE91[r])
    return "".join(reversed(out)) or "a"


@dataclass(frozen=True)
class CompiledNote:
    card_id: str
    guid: str
    note_type: NoteType
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck_name: str
    mod: int
    removed: bool


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


@dataclass(frozen=True, order=True)
class Change:
    deck_id: str
    kind: str  # added | edited | removed | restored | notetype
    card_id: str
    detail: str = ""


def _hash(payload: Any) -> str:
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _note_hash(nt: NoteType, fields: dict[str, str], tags: tuple[str, ...]) -> str:
    return _hash({"notetype": [nt.key, nt.id], "fields": fields, "tags": sorted(tags)})


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


def _compile_deck(deck: Deck, old: DeckRecord | None, now: int, nt_mods: dict[str, int],
                  previous: PreviousNotes) -> tuple[CompiledDeck, DeckRecord, list[Change]]:
    record = DeckRecord(created=old.created if old else now)
    notes: list[CompiledNote] = []
    changes: list[Change] = []
    live = set()
    for card in deck.cards:
        nt = NOTE_TYPES[card.type]
        fields = render_fields(card)
        tags = tuple(sorted(card.tags))
        h = _note_hash(nt, fields, tags)
        guid = note_guid(deck.id, card.id)
        prev = old.notes.get(card.id) if old else None
        if prev is not None and prev.hash == h and not prev.removed:
            mod = prev.mod
        else:
            mod = max(now, prev.mod + 1) if prev is not None else now
            kind = "added" if prev is None else ("restored" if prev.removed else "edited")
            changes.append(Change(deck.id, kind, card.id))
        record.notes[card.id] = NoteRecord(guid=guid, hash=h, mod=mod)
        live.add(card.id)
        notes.append(CompiledNote(card.id, guid, nt, tuple(fields.get(f, "") for f in nt.fields), tags,
                                  deck.subdeck_name(card), mod, removed=False))
    gone = sorted(cid for cid in (old.notes if old else {}) if cid not in live)
    fresh = [cid for cid in gone if old is not None and not old.notes[cid].removed]
    found = previous(deck.id, [old.notes[cid].guid for cid in fresh]) if (old and fresh) else {}
    for cid in gone:
        assert old is not None
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
        fields = {f: snapshot["fields"].get(f, "") for f in nt.fields}
        h = _note_hash(nt, fields, tuple(snapshot["tags"]))
        mod = prev.mod if (prev.removed and prev.hash == h) else max(now, prev.mod + 1)
        record.notes[cid] = NoteRecord(guid=prev.guid, hash=h, mod=mod, removed=True,
                                       snapshot=snapshot)
        notes.append(CompiledNote(cid, prev.guid, nt, tuple(fields[f] for f in nt.fields),
                                  tuple(snapshot["tags"]), snapshot["deck"], mod, removed=True))
    names = sorted({deck.name, *(n.deck_name for n in notes)})
    used = sorted({n.note_type.key for n in notes})
    id_base = record.created * 1000 + (stable_id("deckforge-ids", deck.id) % 1000) * 1_000_000
    compiled = CompiledDeck(
        id=deck.id, name=deck.name,
        description_html=render_markdown(deck.description) if deck.description else "",
        anki_deck_ids=tuple((n, stable_id("deckforge-deck", deck.id, n)) for n in names),
        notes=tuple(notes), id_base=id_base,
        note_type_mods=tuple((NOTE_TYPES[k].id, nt_mods[k]) for k in used),
        media=tuple(sorted({m.name: m.data for card in deck.cards for _, m in card.media}.items())))
    return compiled, record, changes


def compile_project(project: Project, manifest: Manifest, now: int,
                    previous: PreviousNotes) -> tuple[list[CompiledDeck], Manifest, list[Change]]:
    """Compile every deck of ``project`` against ``manifest``; return decks, new manifest, changes.

    ``now`` is the modification time given to notes whose content changed; notes whose content is
    unchanged keep the time recorded in the manifest, so rebuilding never disturbs learners.
    """
    new = Manifest(decks=dict(manifest.decks))
    nt_mods, changes = _note_types(manifest, new, now)
    compiled: list[CompiledDeck] = []
    for deck in project.decks:
        result, record, deck_changes = _compile_deck(deck, manifest.decks.get(deck.id), now,
                                                     nt_mods, previous)
        compiled.append(result)
        new.decks[deck.id] = record
        changes.extend(deck_changes)
    return compiled, new, sorted(changes)
