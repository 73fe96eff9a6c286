"""The notes of every deck, card file by card file: from the note cache, else compiled in workers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from ..load.cards import CardLoader
from ..load.discover import find_deck_folders, yaml_files
from ..load.project import load_project
from ..model import Exam, Project
from ..notes.source import note_rows, notes_from_rows
from .cache import cached_notes, notes_cache_enabled, store_notes
from .source import OBJECTIVE_TAG, DeckNotes, NoteSource, note_source, pinned_order
from .workers import job_count, map_in_order


def load_notes(decks_dir: Path, only: list[str] | None = None,
               placed: dict[str, tuple[str, int, int]] | None = None,
               digests: Mapping[str, str] | None = None) -> list[DeckNotes]:
    """``[DeckNotes.of(deck) for deck in load_project(decks_dir, only).decks]``, file by file.

    A valid card file that neither includes other files nor shows images is cached by its bytes
    (notes/cache.py): a rebuild takes its notes without typing or rendering it again. Files not in
    the cache are compiled in worker processes when there are many (workers.py). Anything at all
    wrong (an error in a file, a duplicate id, an unknown deck) is left to ``load_project``,
    which raises with every error, so messages and their order stay exactly the same.

    ``placed`` receives, for each card file of the decks returned (path under ``decks_dir``),
    its deck id, the place of its first note in the deck and its number of notes. ``digests``:
    the sha256 of files already hashed, by path under ``decks_dir`` (see ``compile_files``).
    """
    if not decks_dir.is_dir():
        return _notes_of(load_project(decks_dir, only))
    use_cache = notes_cache_enabled()
    loader = CardLoader(decks_dir)
    loader.sources()
    metas: list[tuple[str, str, str, tuple[str, ...]]] = []
    exams: list[Exam | None] = []
    work: list[tuple[int, Path]] = []  # (deck index, card file)
    for folder in find_deck_folders(decks_dir):
        meta_path = folder / "deck.yaml"
        meta = loader.document(meta_path, "deck") if meta_path.is_file() else None
        exams.append(loader.exam(meta) if meta is not None else None)
        if meta is None or loader.errors:
            return _notes_of(load_project(decks_dir, only))
        work.extend((len(metas), p) for p in yaml_files(folder) if p != meta_path)
        metas.append((meta.data["id"], meta.data["name"], meta.data.get("description", ""),
                      tuple(meta.data.get("start", ()))))
    found = compile_files(decks_dir, [(metas[i][0], path) for i, path in work], use_cache, digests)
    if found is None:
        return _notes_of(load_project(decks_dir, only))
    notes: list[list[NoteSource]] = [[] for _ in metas]
    where: dict[str, tuple[str, int, int]] = {}
    root = decks_dir.absolute()
    for (i, path), file_notes in zip(work, found, strict=True):
        where[path.absolute().relative_to(root).as_posix()] = (metas[i][0], len(notes[i]), len(file_notes))
        notes[i].extend(file_notes)
    for (deck_id, _, _, start), deck_notes in zip(metas, notes, strict=True):
        if start:
            _repin(where, deck_id, deck_notes, start)
    decks = [DeckNotes(deck_id, name, description, tuple(deck_notes), start)
             for (deck_id, name, description, start), deck_notes in zip(metas, notes, strict=True)]
    if any(len({n.card_id for n in d.notes}) != len(d.notes) for d in decks) \
            or not _links_hold(decks, exams):
        return _notes_of(load_project(decks_dir, only))  # duplicate ids, bad links: worded there
    ids = [d.id for d in decks]
    if len(set(ids)) != len(ids) or (only and any(d not in ids for d in only)):
        return _notes_of(load_project(decks_dir, only))
    if placed is not None:
        placed.update((rel, spot) for rel, spot in where.items() if not only or spot[0] in only)
    return [d for d in decks if not only or d.id in only]


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


def _links_hold(decks: list[DeckNotes], exams: list[Exam | None]) -> bool:
    """Whether the decks' notes meet the checks ``load_project`` makes across files: objective
    tags name objectives of the deck's exam, pinned cards are the deck's own, and a shared note
    is the same in every deck."""
    shared: dict[str, str] = {}
    for deck, exam in zip(decks, exams, strict=True):
        known = exam.objective_ids() if exam is not None else {}
        own = {n.card_id for n in deck.notes if not n.placement.startswith("::")}
        if not set(deck.start) <= own:
            return False
        for n in deck.notes:
            if any(t.startswith(OBJECTIVE_TAG) and t[len(OBJECTIVE_TAG):] not in known for t in n.tags):
                return False
            if n.placement.startswith("::") and shared.setdefault(n.guid, n.hash) != n.hash:
                return False
    return True


def compile_files(decks_dir: Path, files: list[tuple[str, Path]], use_cache: bool,
                  digests: Mapping[str, str] | None = None) -> list[list[NoteSource]] | None:
    """The notes of each (deck id, card file), in order; None when any file has a problem.

    Files found in the note cache are taken from it; the others are compiled, in worker
    processes when there is enough of them (workers.py), and cached. ``digests`` gives the sha256
    of files (by path under ``decks_dir``) already hashed (the others are hashed here).
    """
    found: list[list[NoteSource] | None] = [None] * len(files)
    todo: list[tuple[int, str, Path, str]] = []
    root = decks_dir.absolute()
    for i, (deck_id, path) in enumerate(files):
        digest = ""
        if use_cache:
            digest = (digests or {}).get(path.absolute().relative_to(root).as_posix(), "") \
                or hashlib.sha256(path.read_bytes()).hexdigest()
        hit = cached_notes(decks_dir, deck_id, path, digest) if use_cache else None
        if hit is None:
            todo.append((i, deck_id, path, digest))
        found[i] = hit
    jobs = job_count(sum(p.stat().st_size for _, _, p, _ in todo)) if len(todo) > 1 else 1
    compile_one = partial(_compile_file, decks_dir, use_cache)
    work = [t[1:] for t in todo]
    # With workers, the first file is compiled here first: what it sets up once (imports, the
    # compiled schema check, cache keys) is then inherited by every forked worker.
    results = [] if jobs == 1 else [compile_one(work[0])]
    results += map_in_order(compile_one, work[len(results):], jobs)
    for k, (i, *_) in enumerate(todo):
        rows, results[k] = results[k], None  # each file's tuples become its notes, one by one
        notes = notes_from_rows(rows) if rows is not None else None
        if notes is None:
            return None
        found[i] = notes
    return [n for n in found if n is not None]


def _compile_file(decks_dir: Path, use_cache: bool,
                  work: tuple[str, Path, str]) -> list[tuple[Any, ...]] | None:
    """Type, render and hash the cards of one file (and cache its notes): the notes as plain
    rows (``note_rows``: they may come back from a worker process); None on any problem, or
    when the file no longer hashes to the digest given (then the caller loads afresh)."""
    deck_id, path, digest = work
    if use_cache:
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                return None
        except OSError:
            return None
    found = _file_notes(decks_dir, use_cache, deck_id, path, digest)
    return None if found is None else note_rows(found[0])


def standalone_notes(decks_dir: Path, deck_id: str, path: Path, digest: str) -> list[NoteSource] | None:
    """The notes of a valid card file of deck ``deck_id`` (its bytes hashing to ``digest``) that
    includes no other file and shows no image; None otherwise."""
    found = _file_notes(decks_dir, True, deck_id, path, digest)
    if found is None or found[1] or any(n.media for n in found[0]):
        return None
    return found[0]


def _file_notes(decks_dir: Path, use_cache: bool, deck_id: str, path: Path,
                digest: str) -> tuple[list[NoteSource], bool] | None:
    """The notes of a card file and whether it includes others; None on any problem."""
    loader = CardLoader(decks_dir)
    cards = loader.card_file(path)
    if loader.errors:
        return None
    notes = [note_source(deck_id, card) for card in cards]
    doc = loader.docs.get(path)
    includes = doc is None or "include" in doc.data
    if use_cache and not includes:
        store_notes(decks_dir, deck_id, path, digest, notes)
    return notes, includes


def _notes_of(project: Project) -> list[DeckNotes]:
    return [DeckNotes.of(deck) for deck in project.decks]
