"""The committed record of what each release shipped: hashes and modification times."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from pathlib import Path
from typing import Any

from ..errors import DeckforgeError, DeckforgeErrors

__all__ = ["MANIFEST_NAME", "Manifest", "NoteRecord", "NoteTypeRecord", "DeckRecord"]

MANIFEST_NAME = "manifest.json"
FORMAT = 1


@dataclass(slots=True)
class NoteRecord:
    """One note as last shipped. ``snapshot`` keeps a removed note's content so it can still ship."""

    guid: str
    hash: str
    mod: int
    removed: bool = False
    snapshot: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"guid": self.guid, "hash": self.hash, "mod": self.mod}
        if self.removed:
            out["removed"] = True
            out["snapshot"] = self.snapshot
        return out


@dataclass
class NoteTypeRecord:
    id: int
    version: int
    fields: list[str]
    hash: str
    mod: int

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "fields": self.fields,
                "hash": self.hash, "mod": self.mod}


@dataclass
class DeckRecord:
    created: int
    notes: dict[str, NoteRecord] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"created": self.created,
                "notes": {k: self.notes[k].to_json() for k in sorted(self.notes)}}


@dataclass
class Manifest:
    """Per deck and note: GUID, content hash, modification time; per note type likewise."""

    decks: dict[str, DeckRecord] = field(default_factory=dict)
    note_types: dict[str, NoteTypeRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"unknown manifest format {data.get('format')!r}")
            return cls(
                decks={
                    deck_id: DeckRecord(
                        created=int(d["created"]),
                        notes={cid: NoteRecord(guid=n["guid"], hash=n["hash"], mod=int(n["mod"]),
                                               removed=bool(n.get("removed", False)),
                                               snapshot=n.get("snapshot"))
                               for cid, n in d["notes"].items()})
                    for deck_id, d in data["decks"].items()},
                note_types={key: NoteTypeRecord(id=int(t["id"]), version=int(t["version"]),
                                                fields=list(t["fields"]), hash=t["hash"],
                                                mod=int(t["mod"]))
                            for key, t in data["note_types"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DeckforgeErrors([DeckforgeError(
                str(path), 0, 0, f"manifest is damaged: {exc}",
                "restore it from git (git checkout -- dist/manifest.json); deleting it makes "
                "every note look new and learners' next import will not update edited cards")]) from exc

    def to_text(self) -> str:
        """The manifest as JSON text: exactly ``json.dumps(data, indent=1, sort_keys=True,
        ensure_ascii=False)``, written line by line for the notes (json's encoder spends
        most of a 50,000-note build's manifest time walking small dicts)."""
        head = json.dumps({"format": FORMAT, "decks": {},
                           "note_types": {k: self.note_types[k].to_json() for k in sorted(self.note_types)}},
                          indent=1, sort_keys=True, ensure_ascii=False)
        prefix = '{\n "decks": {}'
        assert head.startswith(prefix)  # "decks" sorts first
        return '{\n "decks": ' + self._decks_text() + head[len(prefix):] + "\n"

    def _decks_text(self) -> str:
        enc = encode_basestring
        decks = []
        for deck_id in sorted(self.decks):
            deck = self.decks[deck_id]
            if type(deck.created) is not int:
                return _dumps(self.decks, 1)
            notes = []
            for card_id in sorted(deck.notes):
                n = deck.notes[card_id]
                if n.removed or type(n.mod) is not int or type(n.guid) is not str or type(n.hash) is not str:
                    notes.append(f"    {enc(card_id)}: {_dumps(n.to_json(), 4)}")
                else:
                    notes.append(_live_note_text(card_id, n))
            notes_text = "{\n" + ",\n".join(notes) + "\n   }" if notes else "{}"
            decks.append(f'  {enc(deck_id)}: {{\n   "created": {deck.created!r},\n'
                         f'   "notes": {notes_text}\n  }}')
        return "{\n" + ",\n".join(decks) + "\n }" if decks else "{}"


def _live_note_text(card_id: str, n: NoteRecord) -> str:
    """How ``to_text`` writes a live note's record (a line of its own, then four more)."""
    enc = encode_basestring
    return (f'    {enc(card_id)}: {{\n     "guid": {enc(n.guid)},\n     "hash": {enc(n.hash)},\n'
            f'     "mod": {n.mod!r}\n    }}')


_PATCH_MAX = 32
"""Beyond this many records, reading and writing the whole manifest is as fast."""


def patch_live_notes(text: str, edits: list[tuple[str, NoteRecord, NoteRecord]]) -> str | None:
    """``text``, a manifest as ``to_text`` wrote it, with each (card id, old record, new record)
    of ``edits`` rewritten: what ``to_text`` would write with the new records. For live notes
    whose GUID and time are ints and strings; None when a record is not there exactly once."""
    if len(edits) > _PATCH_MAX:
        return None
    spots = []
    for card_id, old, new in edits:
        if old.removed or new.removed or type(old.mod) is not int or type(new.mod) is not int:
            return None
        # From the start of a line to its closing brace: the GUID is unique to its deck and
        # card, so the text of the record is found once (checked).
        block = "\n" + _live_note_text(card_id, old)
        at = text.find(block)
        if at < 0 or text.find(block, at + 1) >= 0:
            return None
        spots.append((at, len(block), "\n" + _live_note_text(card_id, new)))
    out: list[str] = []
    done = 0
    for at, length, replacement in sorted(spots):
        if at < done:
            return None
        out += (text[done:at], replacement)
        done = at + length
    out.append(text[done:])
    return "".join(out)


def _dumps(value: Any, level: int) -> str:
    """json.dumps of ``value`` as it appears nested ``level`` deep in an indent=1 document."""
    text = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)
    # JSON text holds no raw newline inside strings, so every newline starts a line.
    return text.replace("\n", "\n" + " " * level)
