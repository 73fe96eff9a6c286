"""The committed record of what each release shipped: hashes and modification times."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DeckforgeError, DeckforgeErrors

__all__ = ["MANIFEST_NAME", "Manifest", "NoteRecord", "NoteTypeRecord", "DeckRecord"]

MANIFEST_NAME = "manifest.json"
FORMAT = 1


@dataclass
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
        data = {
            "format": FORMAT,
            "note_types": {k: self.note_types[k].to_json() for k in sorted(self.note_types)},
            "decks": {k: self.decks[k].to_json() for k in sorted(self.decks)},
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
