"""Render: card text (a Markdown subset) -> sanitized HTML fields of a note.

``render_fields`` is the entry (``markdown``); plain one-line text takes the fast path in ``plain``."""

from __future__ import annotations

from .markdown import image_sources, render_fields, render_inline, render_markdown

__all__ = ["image_sources", "render_fields", "render_inline", "render_markdown"]
