"""The notes of every deck of a checked project, card file by card file: from the note cache,
else rendered (in worker processes when there are many)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..model import Card, Deck, Project
from ..store import cache_on
from ..workers import job_count, map_in_order
from .cache import cached_notes, store_notes
from .source import DeckNotes, NoteSource, note_rows, note_source, notes_from_rows, pinned_order

_WORK: list[tuple[str, tuple[Card, ...]]] = []
"""The (deck id, cards) of each card file to render, for forked workers to read (set just
before they start: they inherit it)."""


def load_notes(project: Project, placed: dict[str, tuple[str, int, int]] | None = None,
               digests: Mapping[str, str] | None = None) -> list[DeckNotes]:
    """``[DeckNotes.of(deck) for deck in project.decks]``, card file by card file.

    ``project`` comes from the gate (``load_project``): it is valid. The notes of a card file
    that includes nothing and shows no image are cached by its bytes (notes/cache.py); files not
    in the cache are rendered in worker processes when there are many (workers.py).

    ``placed`` receives, for each card file (path under the decks folder), its deck id, the
    place of its first note in the deck and its number of notes. ``digests``: the sha256 of
    files already hashed, by path under the decks folder.
    """
    use_cache = cache_on()
    root = project.root.absolute()
    pieces: list[tuple[Deck, Path, tuple[Card, ...]]] = []
    for deck in project.decks:
        first = 0
        for path, count in zip(deck.files, deck.file_cards, strict=True):
            pieces.append((deck, path, deck.cards[first:first + count]))
            first += count
    found: list[list[NoteSource] | None] = [None] * len(pieces)
    keys: list[tuple[str, str] | None] = [None] * len(pieces)
    for i, (deck, path, cards) in enumerate(pieces):
        if use_cache and _plain(path, cards):
            rel = path.absolute().relative_to(root).as_posix()
            digest = (digests or {}).get(rel) or _digest(path)
            if digest:
                keys[i] = (deck.id, digest)
                found[i] = cached_notes(project.root, deck.id, path, digest)
    todo = [i for i, notes in enumerate(found) if notes is None]
    _render(pieces, todo, found)
    for i in todo:
        key = keys[i]
        notes = found[i]
        if key is not None and notes is not None:
            store_notes(project.root, key[0], pieces[i][1], key[1], notes)
    decks: list[DeckNotes] = []
    where: dict[str, tuple[str, int, int]] = {}
    k = 0
    for deck in project.decks:
        deck_notes: list[NoteSource] = []
        for path in deck.files:
            notes = found[k] or []
            where[path.absolute().relative_to(root).as_posix()] = (deck.id, len(deck_notes), len(notes))
            deck_notes.extend(notes)
            k += 1
        if deck.start:
            _repin(where, deck.id, deck_notes, deck.start)
        decks.append(DeckNotes(deck.id, deck.name, deck.description, tuple(deck_notes), deck.start))
    if placed is not None:
        placed.update(where)
    return decks


def render_into_cache(decks_dir: Path, deck_id: str, path: Path, raw: bytes,
                      cards: list[Card]) -> None:
    """Render the notes of a plain card file of deck ``deck_id`` whose bytes are ``raw`` into
    the note cache: the build passes this to the gate (``load_project(prepare=...)``), which
    calls it in the worker process that types the file, so a cold build renders in those
    workers and ``load_notes`` finds every plain file's notes in the cache."""
    store_notes(decks_dir, deck_id, path, hashlib.sha256(raw).hexdigest(),
                [note_source(deck_id, card) for card in cards])


def _plain(path: Path, cards: tuple[Card, ...]) -> bool:
    """Whether a card file's notes depend on its bytes alone: no includes, no images."""
    return all(c.path == path and not c.media for c in cards)


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _render(pieces: list[tuple[Deck, Path, tuple[Card, ...]]], todo: list[int],
            found: list[list[NoteSource] | None]) -> None:
    """Render the notes of the card files ``todo``, in worker processes when there are many."""
    work_bytes = 0
    for i in todo:
        with contextlib.suppress(OSError):
            work_bytes += pieces[i][1].stat().st_size
    jobs = job_count(work_bytes) if len(todo) > 1 else 1
    _WORK[:] = [(pieces[i][0].id, pieces[i][2]) for i in todo]
    try:
        results: list[list[tuple[Any, ...]] | None] = list(
            map_in_order(_rows_of, range(len(todo)), jobs))
    finally:
        _WORK.clear()
    for k, i in enumerate(todo):
        rows, results[k] = results[k], None  # each file's tuples become its notes, one by one
        found[i] = notes_from_rows(rows)


def _rows_of(k: int) -> list[tuple[Any, ...]]:
    """The notes of the ``k``-th file to render, as plain rows (they may come from a worker)."""
    deck_id, cards = _WORK[k]
    return note_rows([note_source(deck_id, card) for card in cards])


def _repin(where: dict[str, tuple[str, int, int]], deck_id: str, notes: list[NoteSource],
           start: tuple[str, ...]) -> None:
    """Where each card file's notes sit once the deck's pinned notes come first (as compiling
    orders them): a file holding a pinned note is no longer in one piece and is left out, so a
    rebuild after editing it is a full one."""
    order = pinned_order([n.card_id for n in notes], start)
    pinned = sorted(order[: sum(n.card_id in start for n in notes)])
    for rel, (deck, first, count) in list(where.items()):
        if deck != deck_id:
            continue
        if any(first <= k < first + count for k in pinned):
            del where[rel]
        else:
            where[rel] = (deck, len(pinned) + first - sum(k < first for k in pinned), count)


def plain_file_notes(project: Project, deck_id: str, rel: str, digest: str) -> list[NoteSource] | None:
    """The notes of card file ``rel`` (path under the decks folder, its bytes hashing to
    ``digest``) of deck ``deck_id``, when they depend on its bytes alone; None otherwise."""
    root = project.root.absolute()
    for deck in project.decks:
        if deck.id != deck_id:
            continue
        first = 0
        for path, count in zip(deck.files, deck.file_cards, strict=True):
            cards = deck.cards[first:first + count]
            first += count
            if path.absolute().relative_to(root).as_posix() != rel:
                continue
            if not _plain(path, cards):
                return None
            notes = cached_notes(project.root, deck_id, path, digest) if cache_on() else None
            if notes is None:
                notes = [note_source(deck_id, card) for card in cards]
                if cache_on():
                    store_notes(project.root, deck_id, path, digest, notes)
            return notes
    return None
