"""Notes: typed cards -> rendered notes (``source``) -> notes dated against the manifest (``compile``).

``load_notes`` is the entry for a build: card file by card file, from the note cache (``cache``)
or compiled in worker processes (``workers``); ``compile_notes`` gives each note its GUID, time
and Anki deck and records them in the ``manifest``."""

from __future__ import annotations

from .compile import compile_notes, compile_project
from .files import load_notes

__all__ = ["compile_notes", "compile_project", "load_notes"]
