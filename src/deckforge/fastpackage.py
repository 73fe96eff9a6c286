"""genanki notes whose database rows are inserted in bulk (same rows, same bytes, less time).

genanki runs one INSERT per note and per card and checks every field with a regex that only
warns. For a deck of 50,000 notes that is most of the packaging time. ``BatchedNote`` computes
its rows with genanki's own properties (GUID, sort field, tags, cards) and ``NoteRows.flush``
inserts them with one ``executemany`` per table after ``Package.write_to_db``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

import genanki
from genanki.builtin_models import _fix_deprecated_builtin_models_and_warn

__all__ = ["BatchedNote", "NoteRows"]


@dataclass
class NoteRows:
    """Rows of the ``notes`` and ``cards`` tables, in the order genanki would insert them."""

    notes: list[tuple[Any, ...]] = field(default_factory=list)
    cards: list[tuple[Any, ...]] = field(default_factory=list)

    def flush(self, cursor: sqlite3.Cursor) -> None:
        cursor.executemany("INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);", self.notes)
        cursor.executemany("INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);", self.cards)
        self.notes.clear()
        self.cards.clear()


class BatchedNote(genanki.Note):  # type: ignore[misc]
    """A genanki Note that appends its rows to ``rows`` instead of inserting them one by one."""

    def __init__(self, rows: NoteRows, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rows = rows

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        # genanki 0.13.1's Note.write_to_db and Card.write_to_db (pinned in pyproject.toml),
        # without the per-row INSERT and without the HTML check, which only ever warns.
        self.fields = _fix_deprecated_builtin_models_and_warn(self.model, self.fields)  # type: ignore[has-type]
        self._check_number_model_fields_matches_num_fields()
        note_id = next(id_gen)
        self._rows.notes.append((note_id, self.guid, self.model.model_id, int(timestamp), -1,
                                 self._format_tags(), self._format_fields(), self.sort_field,
                                 0, 0, ""))
        for card in self.cards:
            self._rows.cards.append((next(id_gen), note_id, deck_id, card.ord, int(timestamp), -1,
                                     0, -1 if card.suspend else 0, self.due,
                                     0, 0, 0, 0, 0, 0, 0, 0, ""))
