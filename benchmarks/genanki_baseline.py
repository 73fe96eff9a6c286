"""The baseline: plain genanki writing given notes (exported from a built deck) in one Package."""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

__all__ = ["export_notes", "write_with_genanki"]


def export_notes(apkg: Path, out: Path) -> int:
    """Write the note types, decks and notes of ``apkg`` as JSON; return the number of notes."""
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(apkg) as zf:
            zf.extract("collection.anki2", tmp)
        conn = sqlite3.connect(Path(tmp) / "collection.anki2")
        try:
            models_json, decks_json = conn.execute("SELECT models, decks FROM col").fetchone()
            rows = conn.execute(
                "SELECT n.guid, n.mid, n.flds, n.tags, MIN(c.did) FROM notes n JOIN cards c ON c.nid = n.id "
                "GROUP BY n.id ORDER BY n.id").fetchall()
        finally:
            conn.close()
    models = {mid: {"name": m["name"], "fields": [f["name"] for f in m["flds"]],
                    "templates": [{"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]} for t in m["tmpls"]],
                    "css": m["css"], "cloze": m["type"] == 1}
              for mid, m in json.loads(models_json).items()}
    decks = {did: d["name"] for did, d in json.loads(decks_json).items() if did != "1"}
    notes = [{"guid": g, "mid": str(mid), "fields": flds.split("\x1f"), "tags": tags.split(), "deck": str(did)}
             for g, mid, flds, tags, did in rows]
    out.write_text(json.dumps({"models": models, "decks": decks, "notes": notes}), encoding="utf-8")
    return len(notes)


def write_with_genanki(notes_json: Path, apkg: Path) -> None:
    """What a hand-written genanki script does: make the notes and write one package."""
    import genanki

    data: dict[str, Any] = json.loads(notes_json.read_text(encoding="utf-8"))
    models = {mid: genanki.Model(int(mid), m["name"], fields=[{"name": f} for f in m["fields"]],
                                 templates=m["templates"], css=m["css"],
                                 model_type=genanki.Model.CLOZE if m["cloze"] else genanki.Model.FRONT_BACK)
              for mid, m in data["models"].items()}
    decks = {did: genanki.Deck(int(did), name) for did, name in data["decks"].items()}
    for n in data["notes"]:
        decks[n["deck"]].add_note(genanki.Note(model=models[n["mid"]], fields=n["fields"], tags=n["tags"],
                                               guid=n["guid"]))
    genanki.Package(list(decks.values())).write_to_file(str(apkg), timestamp=1_700_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export", help="export the notes of a built .apkg to JSON")
    ex.add_argument("apkg", type=Path)
    ex.add_argument("out", type=Path)
    wr = sub.add_parser("write", help="write the notes of a JSON export with genanki")
    wr.add_argument("notes", type=Path)
    wr.add_argument("apkg", type=Path)
    args = parser.parse_args()
    if args.cmd == "export":
        print(export_notes(args.apkg, args.out))
    else:
        write_with_genanki(args.notes, args.apkg)


if __name__ == "__main__":
    main()
