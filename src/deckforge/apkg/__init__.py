"""Package: compiled notes -> an Anki collection (``collection``) -> an ``.apkg`` (``archive``).

``package`` is the entry for a build (a plain function): it reuses what dist/ holds (``reuse``, keyed by the
deck's ``record``) and packages afresh otherwise; ``apkg_bytes`` packages without the store."""

from __future__ import annotations

from .archive import apkg_bytes
from .reuse import package

__all__ = ["apkg_bytes", "package"]
