"""The gate: every deck under ``decks/`` typed and checked (``load_project``), or some paths checked.

Every command that reads decks/ gets the project from ``load_project``, and nothing past it
checks or reads card files again."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from .. import cloze
from ..errors import DeckforgeError, DeckforgeErrors
from ..model import Card, Deck, Project
from .cards import CardLoader
from .checks import DECK_CHECKS, PROJECT_CHECKS
from .discover import find_deck_folders, yaml_files
from .typed import type_in_workers

Prepare = Callable[[str, Path, bytes, list[Card]], None]
"""Work on the cards of a plain card file (deck id, path, its bytes, its cards) in a worker."""


def load_project(decks_dir: Path, only: list[str] | None = None,
                 prepare: Prepare | None = None) -> Project:
    """Every deck under ``decks_dir`` (or only the deck ids in ``only``), typed and checked:
    each file (parse.py, schema.py, cards.py), each deck (``checks.DECK_CHECKS``) and across
    decks (``checks.PROJECT_CHECKS``), always all decks whatever ``only`` keeps.

    Raises DeckforgeErrors with every problem found, sorted by position. Its fast paths are
    behind it: parsed files (parse.py) and typed cards (typed.py) come from the store.
    ``prepare(deck id, path, cards)`` is called where a plain card file not in the store yet
    is typed in a worker process (the build renders its notes there, into the note cache);
    it decides nothing: the checks run here, after, on every card.
    """
    loader = CardLoader(decks_dir)
    if not decks_dir.is_dir():
        raise DeckforgeErrors([DeckforgeError(str(decks_dir), 0, 0, "no decks folder here",
                                              "run deckforge in the folder that holds decks/, "
                                              "or pass --decks PATH")])
    sources = loader.sources()
    folders = find_deck_folders(decks_dir)
    # Plain card files not typed yet are typed in worker processes first (typed.py).
    work: list[tuple[str, Path]] = []
    for folder in folders:
        meta = loader.document(folder / "deck.yaml", "deck") \
            if (folder / "deck.yaml").is_file() else None
        deck_id = str(meta.data["id"]) if meta is not None else ""
        work += [(deck_id, p) for p in yaml_files(folder) if p.name != "deck.yaml"]
    type_in_workers(decks_dir, work, partial(_type_file, decks_dir, prepare))
    decks: list[Deck] = []
    for folder in folders:
        deck = loader.deck(folder)
        if deck is not None:
            for deck_check in DECK_CHECKS:
                deck_check(loader, deck)
            decks.append(deck)
    for project_check in PROJECT_CHECKS:
        project_check(loader, decks)
    if loader.errors:
        raise DeckforgeErrors(loader.errors)
    if only:
        unknown = [d for d in only if d not in {deck.id for deck in decks}]
        if unknown:
            raise DeckforgeErrors([DeckforgeError(
                str(decks_dir), 0, 0, f"no deck with id `{d}`",
                "known decks: " + ", ".join(sorted({deck.id for deck in decks}))) for d in unknown])
        decks = [d for d in decks if d.id in only]
    return Project(root=decks_dir, decks=tuple(decks), sources=sources)


def _type_file(decks_dir: Path, prepare: Prepare | None, work: tuple[str, Path]) -> None:
    """Type one card file of deck ``work[0]`` (in a worker process): its cards go to the store
    if it is plain, and to ``prepare``."""
    deck_id, path = work
    try:
        raw = path.read_bytes()
    except OSError:
        return
    loader = CardLoader(decks_dir)
    cards = loader.card_file(path)
    if prepare is not None and deck_id and not loader.errors \
            and all(c.path == path and not c.media for c in cards) \
            and "include" not in getattr(loader.docs.get(path), "data", {"include": 1}):
        with contextlib.suppress(OSError):
            if path.read_bytes() == raw:  # the cards are those of these bytes
                prepare(deck_id, path, raw, cards)


def _under(path: Path, roots: list[Path]) -> bool:
    p = path.resolve()
    return any(p == r or r in p.parents for r in roots)


def validate_paths(decks_dir: Path, paths: list[Path]) -> tuple[list[DeckforgeError], Project | None]:
    """Validate the whole project; with ``paths``, keep only problems in files under them."""
    roots = [p.resolve() for p in paths]
    missing = [p for p in paths if not p.exists()]
    if missing:
        return [DeckforgeError(str(p), 0, 0, "no such file or folder") for p in missing], None
    outside = [p for p in paths if not _under(p, [decks_dir.resolve()])]
    errors: list[DeckforgeError] = []
    for path in outside:
        files = yaml_files(path) if path.is_dir() else [path]
        loader = CardLoader(decks_dir)
        for f in files:
            kind = "deck" if f.name == "deck.yaml" else "sources" if f.name == "sources.yaml" else "cards"
            if kind == "cards":
                loader.card_file(f)
            else:
                loader.document(f, kind)
        errors.extend(loader.errors)
    if len(outside) == len(paths) and paths:
        return sorted(errors), (None if errors else Project(decks_dir, (), {}))
    try:
        project = load_project(decks_dir)
    except DeckforgeErrors as exc:
        found = [e for e in exc.errors if not paths or _under(Path(e.path), roots)]
        return sorted(errors + found), None
    if paths:
        def concerned(deck: Deck) -> bool:
            # A deck matters when a PATH lies inside it, holds it, or is a file it includes.
            files = {*(c.path.resolve() for c in deck.cards), *(f.resolve() for f in deck.files)}
            folder = deck.folder.resolve()
            return any(_under(folder, [r]) or _under(r, [folder]) or r in files for r in roots)

        project = Project(project.root, tuple(d for d in project.decks if concerned(d)),
                          project.sources)
    return sorted(errors), project


def anki_card_count(card: Card) -> int:
    """How many Anki cards a note of ``card`` makes."""
    if card.type == "reversible":
        return 2
    if card.type == "cloze":
        return len(cloze.card_numbers(card.field("text")))
    return 1


def deck_stats(deck: Deck) -> dict[str, Any]:
    types = {t: sum(1 for c in deck.cards if c.type == t) for t in ("basic", "reversible", "cloze", "choice")}
    return {"id": deck.id, "name": deck.name, "notes": len(deck.cards),
            "cards": sum(anki_card_count(c) for c in deck.cards), "types": types}
