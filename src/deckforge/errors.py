"""The one error type for user mistakes: a position, a message and a hint."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DeckforgeError", "DeckforgeErrors", "did_you_mean", "display_path"]


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """A hint naming the option closest to ``word`` ("did you mean `x`?"), or ''."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


def display_path(path: Path | str) -> str:
    """Show ``path`` relative to the working directory when it lies below it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


@dataclass(frozen=True, order=True)
class DeckforgeError:
    """A mistake in the user's input, reported like a compiler diagnostic."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    field: str = ""

    def format(self) -> str:
        where = display_path(self.path)
        if self.line:
            where += f":{self.line}:{self.col}"
        text = f"{where}: error: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {
            "path": display_path(self.path),
            "line": self.line,
            "col": self.col,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


class DeckforgeErrors(Exception):
    """One or more user mistakes, sorted by position."""

    def __init__(self, errors: Iterable[DeckforgeError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(e.format() for e in self.errors))
