"""Build: decks/ -> dist/ (``run``): nothing to do (``stamp``), a quick rebuild after edits
(``delta``), or load -> notes -> apkg in full; dist/ is replaced as a whole (``commit``)."""

from __future__ import annotations

from .run import BuildResult, build, plan_build

__all__ = ["BuildResult", "build", "plan_build"]
