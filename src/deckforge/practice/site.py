"""The practice site's files: an index and a page per exam deck (with the images its questions
show), written by ``deckforge practice`` and, under ``practice/``, by ``deckforge build``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import DeckforgeError, DeckforgeErrors
from ..model import Deck, Project
from ..sitefolder import replace_site
from .items import deck_items
from .page import deck_page, index_page

MARKER = ".deckforge-practice"
"""File that marks a folder as written by ``deckforge practice`` (and so safe to replace)."""

DIST_FOLDER = "practice"
"""Where ``deckforge build`` puts the site inside dist/."""


@dataclass(frozen=True)
class PracticeResult:
    out: Path
    decks: int
    questions: int


def exam_decks(project: Project) -> list[Deck]:
    """The decks that prepare for an exam (only they get a practice page)."""
    return [d for d in project.decks if d.exam is not None]


def practice_files(project: Project, index: bool = True) -> dict[str, bytes]:
    """Every file of the practice site of ``project``, by path relative to the site's folder;
    nothing when no deck has an exam. ``index``: include ``index.html`` (which lists every
    exam deck of ``project``)."""
    files: dict[str, bytes] = {}
    listed: list[tuple[Deck, int]] = []
    for deck in exam_decks(project):
        items, cases = deck_items(deck)
        listed.append((deck, len(items)))
        files[f"{deck.id}/index.html"] = deck_page(deck, items, cases).encode("utf-8")
        asked = {item["id"] for item in items}
        for card in deck.cards:
            if card.id in asked:
                for _, media in card.media:
                    files[f"{deck.id}/{media.name}"] = media.data
    if listed and index:
        files["index.html"] = index_page(listed).encode("utf-8")
    return files


def dist_practice_files(project: Project, only: list[str] | None = None) -> dict[str, bytes]:
    """The practice site as ``deckforge build`` writes it into dist/ (under ``practice/``).

    With ``only`` (a build of some decks), the pages of those decks alone: the index lists
    every exam deck, so only a build of all decks writes it.
    """
    files = practice_files(project, index=not only)
    return {f"{DIST_FOLDER}/{name}": data for name, data in files.items()}


def write_practice(project: Project, out: Path) -> PracticeResult:
    """Write the practice site of ``project`` into ``out``, replacing an earlier one there.

    Raises DeckforgeErrors if ``out`` holds anything that is not an earlier practice site, or
    if no deck has an exam.
    """
    files = practice_files(project)
    if not files:
        raise DeckforgeErrors([DeckforgeError(str(project.root), 0, 0, "no deck prepares for an exam",
                                              "describe the exam under `exam:` in a deck.yaml, "
                                              "or name an exam deck")])
    files[MARKER] = b"written by deckforge practice; the folder is replaced on each run\n"
    out = out.absolute()
    replace_site(out, files, MARKER, "practice", "the practice site")
    decks = exam_decks(project)
    return PracticeResult(out=out, decks=len(decks), questions=sum(len(deck_items(d)[0]) for d in decks))
