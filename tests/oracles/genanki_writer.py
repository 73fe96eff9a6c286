"""The reference for apkg/collection.py: genanki's own Note objects write every row.

deckforge writes the same rows from plain tuples, in bulk (``write_collection``); this writer
lets genanki 0.13.1 (pinned) do it note by note, as it would on its own. Used only by tests.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import tempfile
import warnings
from pathlib import Path

import genanki

from deckforge.apkg.collection import genanki_model, layout_of, scratch_pragmas, seal
from deckforge.cloze import card_numbers
from deckforge.notes.compile import CompiledDeck
from deckforge.notetypes import NOTE_TYPES

__all__ = ["collection_genanki"]


def collection_genanki(deck: CompiledDeck) -> bytes:
    """The collection database of ``deck`` as genanki writes it, with deckforge's note times."""
    models = {nt.key: genanki_model(nt) for nt in NOTE_TYPES.values()}
    gdecks = {name: genanki.Deck(deck_id, name) for name, deck_id in deck.anki_deck_ids}
    gdecks[deck.name].description = deck.description_html
    for due, note in enumerate(deck.notes):
        gnote = genanki.Note(model=models[note.note_type.key], fields=list(note.fields),
                             tags=list(note.tags), guid=note.guid, due=due)
        if note.note_type.is_cloze:
            # genanki finds clozes with a regex that misses nested ones ({{c1::a {{c2::b}}}});
            # Anki does not add cards on import, so use Anki's own parsing of the deletions.
            text = note.fields[note.note_type.fields.index("Text")]
            gnote.cards = [genanki.Card(n - 1) for n in card_numbers(text)]
        gdecks[note.deck_name].add_note(gnote)
    layout = layout_of(deck)
    with tempfile.TemporaryDirectory(prefix="deckforge-") as tmp:
        db_path = os.path.join(tmp, "collection.anki2")
        conn = sqlite3.connect(os.path.join(tmp, "scratch.anki2"))
        try:
            cur = conn.cursor()
            scratch_pragmas(cur)
            with warnings.catch_warnings():
                # Fields are already escaped HTML; genanki's tag heuristics only add noise.
                warnings.simplefilter("ignore")
                genanki.Package([gdecks[name] for name, _ in deck.anki_deck_ids]).write_to_db(
                    cur, layout.timestamp, itertools.count(deck.id_base))
            # genanki stamps every note and note type with one time; ours differ per note.
            ids = dict(cur.execute("SELECT guid, id FROM notes").fetchall())
            cur.executemany("UPDATE notes SET mod = ? WHERE id = ?",
                            [(n.mod, ids[n.guid]) for n in deck.notes])
            cur.execute("UPDATE cards SET mod = (SELECT mod FROM notes WHERE notes.id = cards.nid)")
            seal(conn, layout, db_path)
        finally:
            conn.close()
        return Path(db_path).read_bytes()
