"""Import packages into an older Anki engine and report what a learner gets (run by
`make compat`, in a venv of its own per Anki version: their wheels pin other dependencies).

    python old_anki_import.py RELEASE.apkg NEW.apkg [MORE.apkg...]

Imports each package in turn into a fresh collection, with the importer that version uses
(the backend's from 23.10, the legacy Python one before), then renders every card. Exits 1 if a
card renders empty, an item card (choice, order, match) lacks the answering script on either
side after the last import (its note type was not updated in place), or a note type was copied.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter

import anki.lang
from anki.collection import Collection

MARK = "answer an exam item"  # from templates/item_answer.js


def main(paths: list[str]) -> int:
    anki.lang.set_lang("en_US")
    col = Collection(os.path.join(tempfile.mkdtemp(), "collection.anki2"))
    version = getattr(anki, "version", "") or anki.buildinfo.version  # type: ignore[attr-defined]
    for path in paths:
        try:
            from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
        except ImportError:  # before 23.10
            from anki.importing.apkg import AnkiPackageImporter

            importer = AnkiPackageImporter(col, path)
            importer.run()
            print(f"anki {version}: {os.path.basename(path)}: legacy importer, {len(importer.log)} log lines")
            continue
        out = col.import_anki_package(ImportAnkiPackageRequest(
            package_path=path, options=ImportAnkiPackageOptions(with_scheduling=False)))
        log = out.log
        print(f"anki {version}: {os.path.basename(path)}: new {len(log.new)}, updated "
              f"{len(log.updated)}, duplicate {len(log.duplicate)}, conflicting {len(log.conflicting)}")
    names = {m["id"]: m["name"] for m in col.models.all()}
    print(dict(Counter(names[col.get_note(n).mid] for n in col.find_notes(""))))
    bad = []
    items = ("deckforge Multiple choice", "deckforge Ordering", "deckforge Matching")
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        q, a = card.question(), card.answer()
        if not q.strip() or not a.strip():
            bad.append(f"card {cid} renders empty")
        if names[card.note().mid] in items and (MARK not in q or MARK not in a):
            bad.append(f"card {cid} ({names[card.note().mid]}) lacks the answering script")
    copies = [n for n in names.values() if n.endswith("+")]
    print(f"{len(col.find_cards(''))} cards rendered; problems: {len(bad)}; copied note types: {copies}")
    for line in bad[:10]:
        print("  " + line)
    col.close()
    return 1 if bad or copies else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
