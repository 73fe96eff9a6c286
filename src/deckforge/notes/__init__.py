"""Notes: typed cards -> rendered notes (``source``) -> notes dated against the manifest (``compile``).

``load_notes`` is the entry for a build: the notes of a checked project (``load.load_project``),
card file by card file, from the note cache (``cache``) or rendered in worker processes
(``deckforge.workers``); ``compile_notes`` gives each note its GUID, time and Anki deck and records them
in the ``manifest``."""

from __future__ import annotations

from .compile import compile_notes, compile_project
from .files import load_notes

__all__ = ["compile_notes", "compile_project", "load_notes"]
