"""Write a deck's Anki collection (SQLite): genanki's schema, col row and note types, our rows."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..notes.compile import CompiledDeck, CompiledNote
from ..notetypes import NOTE_TYPES, NoteType, card_ordinals

if TYPE_CHECKING:
    import genanki


def genanki_model(nt: NoteType) -> genanki.Model:
    import genanki

    # Explicit field and template ids keep Anki's matching stable across releases.
    return genanki.Model(
        model_id=nt.id,
        name=nt.name,
        fields=[{"name": f, "id": nt.field_id(f)} for f in nt.fields],
        templates=[{"name": t.name, "qfmt": t.qfmt, "afmt": t.afmt, "id": nt.template_id(t.name)}
                   for t in nt.templates],
        css=nt.css,
        model_type=genanki.Model.CLOZE if nt.is_cloze else genanki.Model.FRONT_BACK,
    )


class Layout(NamedTuple):
    """What a deck's collection holds besides its notes' and cards' rows."""

    name: str
    description_html: str
    anki_deck_ids: tuple[tuple[str, int], ...]
    id_base: int
    note_type_mods: tuple[tuple[int, int], ...]
    models: tuple[tuple[str, str], ...]
    """(deck name, note type key) of the notes, in the order they first come."""
    timestamp: int
    """The collection's time: the latest note's (else the deck's creation)."""


def layout_of(deck: CompiledDeck) -> Layout:
    return Layout(deck.name, deck.description_html, deck.anki_deck_ids, deck.id_base,
                  deck.note_type_mods,
                  tuple(dict.fromkeys((n.deck_name, n.note_type.key) for n in deck.notes)),
                  max((n.mod for n in deck.notes), default=deck.id_base // 1000))


def genanki_layout(layout: Layout) -> tuple[dict[str, genanki.Model], dict[str, genanki.Deck]]:
    """genanki's note types and decks of a deck laid out as ``layout`` (holding no notes)."""
    import genanki

    models = {nt.key: genanki_model(nt) for nt in NOTE_TYPES.values()}
    gdecks = {name: genanki.Deck(deck_id, name) for name, deck_id in layout.anki_deck_ids}
    gdecks[layout.name].description = layout.description_html
    # genanki's Deck.write_to_db stores the note types of the notes it holds (in the order
    # their notes come).
    for name, key in layout.models:
        gdecks[name].add_model(models[key])
    return models, gdecks


# The rows genanki's Note.write_to_db inserts. The columns every row shares are written into
# the statements, so only the values that differ are bound (a big deck binds far fewer).
_NOTE_INSERT = "INSERT INTO notes VALUES(?,?,?,?,-1,?,?,?,0,0,'');"


_CARD_INSERT = "INSERT INTO cards VALUES(?,?,?,?,?,-1,0,0,?,0,0,0,0,0,0,0,0,'');"


def _note_values(note: CompiledNote, note_id: int, sort_field: int) -> tuple[Any, ...]:
    """What ``_NOTE_INSERT`` binds: id, guid, mid, mod, tags, flds, sfld."""
    fields = note.fields
    return (note_id, note.guid, note.note_type.id, note.mod, f" {' '.join(note.tags)} ",
            "\x1f".join(fields), fields[sort_field])


def note_row(note: CompiledNote, note_id: int) -> tuple[Any, ...]:
    """The whole row ``_NOTE_INSERT`` writes."""
    v = _note_values(note, note_id, SORT_FIELD)
    return (*v[:4], -1, *v[4:], 0, 0, "")


SORT_FIELD = 0
"""The field notes sort by: the first (genanki.Model's default, which ``genanki_model`` keeps; a test
checks it)."""


def card_ords(note: CompiledNote) -> tuple[int, ...]:
    return note.ords if note.ords is not None else card_ordinals(note.note_type, note.fields)


def _card_row(card_id: int, note_id: int, anki_id: int, card_ord: int, mod: int,
              due: int) -> tuple[Any, ...]:
    """The whole row ``_CARD_INSERT`` writes from (card_id, note_id, anki_id, card_ord, mod, due)."""
    return (card_id, note_id, anki_id, card_ord, mod, -1, 0, 0, due, 0, 0, 0, 0, 0, 0, 0, 0, "")


def scratch_pragmas(cur: sqlite3.Cursor) -> None:
    # A scratch file: no journal or fsync needed (the bytes written are the same).
    cur.execute("PRAGMA journal_mode = OFF")
    cur.execute("PRAGMA synchronous = OFF")


def collection_bytes(deck: CompiledDeck) -> bytes:
    """The collection database of ``deck`` (``write_collection``), as bytes."""
    with tempfile.TemporaryDirectory(prefix="deckforge-") as tmp:
        path = Path(tmp, "collection.anki2")
        write_collection(deck, path)
        return path.read_bytes()


def write_collection(deck: CompiledDeck, path: Path) -> None:
    """Write the collection database of ``deck`` to ``path`` (a new file): genanki's schema, col
    row and note types; our rows.

    The notes and cards rows are the ones genanki's ``Note.write_to_db`` inserts (same ids, in
    the same order, same values), built from plain tuples and inserted with one executemany
    per table (tests/oracles/genanki_writer.py lets genanki insert them; a test compares the bytes).
    """
    layout = layout_of(deck)
    _, gdecks = genanki_layout(layout)
    timestamp = layout.timestamp
    by_deck: dict[str, list[int]] = {name: [] for name in gdecks}
    notes = deck.notes
    for due, note in enumerate(notes):
        by_deck[note.deck_name].append(due)
    # genanki's order: deck by deck, note by note, each note's id followed by its cards' ids.
    # The rows are generated as they are inserted, not held in lists (a big deck's peak memory).
    placed: list[tuple[int, int, int, tuple[int, ...]]] = []  # note id, Anki deck id, due, ords
    next_id = deck.id_base
    for name, anki_id in deck.anki_deck_ids:
        for due in by_deck[name]:
            note = notes[due]
            ords = card_ords(note)
            placed.append((next_id, anki_id, due, ords))
            next_id += 1 + len(ords)
    del by_deck
    note_rows = (_note_values(notes[due], note_id, SORT_FIELD) for note_id, _, due, _ in placed)
    card_rows = ((note_id + k, note_id, anki_id, card_ord, notes[due].mod, due)
                 for note_id, anki_id, due, ords in placed for k, card_ord in enumerate(ords, 1))
    # The scratch database is a file (next to ``path``) rather than memory: its pages wait in
    # the OS's cache, not in this process (50 MB less at the peak of a 50,000-card build).
    with tempfile.TemporaryDirectory(prefix="deckforge-", dir=path.parent) as tmp:
        conn = sqlite3.connect(os.path.join(tmp, "scratch.anki2"))
        try:
            cur = conn.cursor()
            scratch_pragmas(cur)
            # What genanki's Package.write_to_db runs, with the indexes created after the rows
            # (filling an index once is faster than keeping it up to date row by row). Every
            # statement is its own transaction either way, so the file comes out the same.
            tables, indexes = _schema_parts()
            cur.executescript(tables)
            cur.executescript(_apkg_col())
            ids = itertools.count(deck.id_base)
            for name, _ in deck.anki_deck_ids:
                gdecks[name].write_to_db(cur, timestamp, ids)
            cur.executemany(_NOTE_INSERT, note_rows)
            cur.executemany(_CARD_INSERT, card_rows)
            del placed
            cur.executescript(indexes)
            seal(conn, layout, str(path))
        finally:
            conn.close()


def _apkg_col() -> str:
    """genanki's statement that writes the collection row."""
    from genanki.apkg_col import APKG_COL

    col: str = APKG_COL
    return col


@cache
def _schema_parts() -> tuple[str, str]:
    """genanki's collection schema, split into its tables and its indexes."""
    from genanki.apkg_schema import APKG_SCHEMA

    statements = [s.strip() for s in APKG_SCHEMA.split(";") if s.strip()]
    tables = [s for s in statements if not s.upper().startswith("CREATE INDEX")]
    indexes = [s for s in statements if s.upper().startswith("CREATE INDEX")]
    if len(tables) + len(indexes) != len(statements) or not indexes:  # pragma: no cover
        raise RuntimeError("unexpected genanki schema")
    return ";\n".join(tables) + ";\n", ";\n".join(indexes) + ";\n"


_HEADER_COUNTERS = ((24, 28), (40, 44), (92, 96))
"""Where a database file keeps its change counter, schema cookie and version-valid-for number:
the count of transactions and schema changes that made it, not its content."""


def updated_collection_at(path: Path, layout: Layout, base: bytes,
                          changed: Sequence[tuple[int, CompiledNote]],
                          only_times: bool = False) -> bool:
    """``collection_bytes(deck)`` made from ``base``, the collection of a deck with the same notes in
    the same order (card ids, GUIDs, note types, sub-decks, removed or not), the same Anki deck
    ids and the same id base, which differs from ``deck`` (laid out as ``layout``) at most in
    the ``changed`` notes, given with their places in the deck (fields, tags, times), and in the
    collection row.

    Those rows are rewritten in a copy of ``base``, which VACUUM then lays out canonically: the
    same rows give the same pages. Only the header's transaction counters tell how the file was
    made; they are taken from ``base`` (a fresh build with the same deck layout runs the same
    statements). Written to ``path`` (a new file); False, and nothing written, when ``base``
    does not hold what the positions say (then build afresh). ``only_times``: ``base`` was built
    with this very layout (deck description, note types and their times included), so of the
    collection row only its time can differ.
    """
    with tempfile.TemporaryDirectory(prefix="deckforge-", dir=path.parent) as tmp:
        deserialize = getattr(sqlite3.Connection, "deserialize", None)  # Python 3.11+
        if deserialize is None:  # pragma: no cover - Python 3.10: a copy on disk
            Path(tmp, "base.anki2").write_bytes(base)
        conn = sqlite3.connect(":memory:" if deserialize else os.path.join(tmp, "base.anki2"))
        try:
            if deserialize is not None:
                deserialize(conn, base)
            scratch_pragmas(conn.cursor())
            if not _rewrite(conn.cursor(), layout, changed, only_times):
                return False
            conn.commit()
            db_path = os.path.join(tmp, "collection.anki2")
            conn.execute("VACUUM INTO ?", (db_path,))
        except (sqlite3.Error, ValueError, TypeError, KeyError):
            return False  # not a collection this code wrote: build afresh
        finally:
            conn.close()  # frees the database in memory
        with open(db_path, "r+b") as f:
            if f.read(16) != base[:16] or len(base) < 100:
                return False
            for start, end in _HEADER_COUNTERS:
                f.seek(start)
                f.write(base[start:end])
        os.replace(db_path, path)
        return True


def _rewrite(cur: sqlite3.Cursor, layout: Layout, changed: Sequence[tuple[int, CompiledNote]],
             only_times: bool) -> bool:
    """Rewrite, in the collection of ``cur``, the rows of the ``changed`` notes and the col row
    (see ``updated_collection_at``); False when the rows there are not what they should be."""
    anki_ids = dict(layout.anki_deck_ids)
    note_ids: dict[str, int] = {}
    guids = [note.guid for _, note in changed]
    for at in range(0, len(guids), 500):
        chunk = guids[at:at + 500]
        note_ids.update((g, i) for i, g in cur.execute(
            f"SELECT id, guid FROM notes WHERE guid IN ({','.join('?' * len(chunk))})", chunk))
    if len(note_ids) != len(changed):
        return False
    for due, note in changed:
        note_id, anki_id = note_ids[note.guid], anki_ids[note.deck_name]
        old = cur.execute("SELECT * FROM cards WHERE nid = ? ORDER BY id", (note_id,)).fetchall()
        ords = card_ords(note)
        rows = [_card_row(row[0], note_id, anki_id, card_ord, note.mod, due)
                for row, card_ord in zip(old, ords, strict=False)]
        # The same cards, with only their time to change: else the layout differs.
        if len(old) != len(ords) or any(tuple(o[:4]) + tuple(o[5:]) != r[:4] + r[5:]
                                         for o, r in zip(old, rows, strict=True)):
            return False
        (mid,) = cur.execute("SELECT mid FROM notes WHERE id = ?", (note_id,)).fetchone()
        if mid != note.note_type.id:
            return False
        row = note_row(note, note_id)
        cur.execute("UPDATE notes SET guid=?, mid=?, mod=?, usn=?, tags=?, flds=?, sfld=?, "
                    "csum=?, flags=?, data=? WHERE id=?", (*row[1:], note_id))
        cur.execute("UPDATE cards SET mod = ? WHERE nid = ?", (note.mod, note_id))
    if cur.execute("SELECT count(*) FROM col").fetchone() != (1,):
        return False
    if only_times:
        # What ``finish`` sets that depends on the notes (the note types keep their times).
        cur.execute("UPDATE col SET mod = ?", (layout.timestamp * 1000,))
        return True
    # The collection row as a fresh build writes it (note types, decks, times).
    import genanki

    _, gdecks = genanki_layout(layout)
    fresh = sqlite3.connect(":memory:")
    try:
        fcur = fresh.cursor()
        genanki.Package([gdecks[name] for name, _ in layout.anki_deck_ids]).write_to_db(
            fcur, layout.timestamp, itertools.count(layout.id_base))
        finish(fcur, layout)
        col = fcur.execute("SELECT * FROM col").fetchall()
        columns = [d[0] for d in fcur.description]
    finally:
        fresh.close()
    if len(col) != 1:
        return False
    cur.execute(f"UPDATE col SET {', '.join(f'{c} = ?' for c in columns)}", col[0])
    return True


def seal(conn: sqlite3.Connection, layout: Layout, path: str) -> None:
    """Set the note types' and collection's times, commit, and write the database to ``path``
    with VACUUM INTO: its pages laid out canonically, whatever order the rows came in."""
    finish(conn.cursor(), layout)
    conn.commit()
    conn.execute("VACUUM INTO ?", (path,))


def finish(cur: sqlite3.Cursor, layout: Layout) -> None:
    """Give the note types their own modification times and the collection its times."""
    (models_json,) = cur.execute("SELECT models FROM col").fetchone()
    stored = json.loads(models_json)
    mods = dict(layout.note_type_mods)
    for model_id, model in stored.items():
        model["mod"] = mods.get(int(model_id), layout.timestamp)
    cur.execute("UPDATE col SET models = ?, mod = ?, crt = ?",
                (json.dumps(stored, sort_keys=True), layout.timestamp * 1000,
                 layout.id_base // 1000))
