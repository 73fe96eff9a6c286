"""Practice: exam decks -> a static site with a timed mock exam, a report per section and a
practice mode, offline.

``write_practice`` is the entry (``site``); ``items`` maps each question to the record the page's
script reads, ``page`` writes the HTML around templates/practice.js."""

from __future__ import annotations

from .site import dist_practice_files, practice_files, write_practice

__all__ = ["dist_practice_files", "practice_files", "write_practice"]
