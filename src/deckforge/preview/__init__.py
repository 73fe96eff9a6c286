"""Preview: typed cards -> a static site showing each card as Anki renders it.

``write_preview`` is the entry (``site``); ``anki`` emulates Anki's template language and cloze rules."""

from __future__ import annotations

from .site import preview_files, write_preview

__all__ = ["preview_files", "write_preview"]
