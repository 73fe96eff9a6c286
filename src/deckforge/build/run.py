"""``deckforge build``: nothing to do, a quick rebuild after edits (delta.py), or a full build."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..apkg.archive import apkg_bytes, read_notes
from ..apkg.collection import layout_of
from ..apkg.reuse import package
from ..errors import DeckforgeError, DeckforgeErrors
from ..load.project import load_project
from ..model import Project
from ..notes.compile import Change, CompiledDeck, compile_notes, compile_project
from ..notes.files import load_notes, plain_file_notes, render_into_cache
from ..notes.manifest import MANIFEST_NAME, Manifest
from ..notes.source import DeckNotes, NoteSource
from .commit import commit_locked, dist_lock, lock_path, recover
from .stamp import (
    Sources,
    Stamp,
    dist_matches,
    file_digests,
    has_stamp,
    input_files,
    inputs_digest,
    read_stamp,
    write_stamp,
)

if TYPE_CHECKING:
    from .delta import Delta


@dataclass
class BuildResult:
    decks: list[CompiledDeck]
    changes: list[Change]
    files: dict[str, bytes] = field(default_factory=dict)
    """Every file dist/ should hold after the build, by name."""
    written: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    """With check=True: the files of dist/ that differ from what the sources build."""
    counts: list[tuple[str, int, int]] = field(default_factory=list)
    """(deck id, live notes, removed notes) of every deck built, in build order."""


def plan_build(decks_dir: Path, dist_dir: Path, now: int,
               only: list[str] | None = None, notes: list[DeckNotes] | None = None,
               reuse: bool = True, site: dict[str, bytes] | None = None) -> BuildResult:
    """Compile the decks and produce the bytes of every dist/ file, without writing anything.

    ``notes``: the decks as ``load_notes`` gave them (else the project goes through the gate
    here and is compiled uncached).
    ``reuse``: take what the cache knows of dist/'s packages (apkg/reuse.py); else package afresh.
    """
    def previous(deck_id: str, guids: list[str]) -> dict[str, tuple[str, dict[str, str], list[str]]]:
        return read_notes(dist_dir / f"{deck_id}.apkg", guids)

    if notes is None:
        project = load_project(decks_dir, only)
        site = practice_site(project, only)
        decks, new_manifest, changes = compile_project(project,
                                                       Manifest.load(dist_dir / MANIFEST_NAME), now,
                                                       previous)
    else:
        with _no_cycle_collection():
            decks, new_manifest, changes = compile_notes(notes, Manifest.load(dist_dir / MANIFEST_NAME),
                                                         now, previous)
    # An unchanged deck whose .apkg is in dist/ is not packaged again, and one whose notes only
    # changed in place is packaged by updating the one in dist/ (apkg/reuse.py).
    files = {f"{d.id}.apkg": package(d, dist_dir, decks_dir) if reuse else apkg_bytes(d)
             for d in decks}
    manifest_text = new_manifest.to_text().encode("utf-8")
    files[MANIFEST_NAME] = manifest_text
    files.update(site or {})
    counts = [(d.id, sum(1 for n in d.notes if not n.removed), sum(1 for n in d.notes if n.removed))
              for d in decks]
    return BuildResult(decks=decks, changes=changes, files=files, counts=counts)


def build(decks_dir: Path, dist_dir: Path, now: int, only: list[str] | None = None,
          check: bool = False) -> BuildResult:
    """Build the decks into ``dist_dir`` (or, with ``check``, report what differs).

    Raises DeckforgeErrors for invalid input; then dist/ is not touched.
    """
    if check:
        # A full comparison: every package is built afresh, whatever the cache holds.
        result = plan_build(decks_dir, dist_dir, now, only, reuse=False)
        result.stale = sorted(name for name, data in result.files.items()
                              if not (dist_dir / name).is_file()
                              or (dist_dir / name).read_bytes() != data)
        return result
    dist_abs = dist_dir.absolute()
    # What the last build hashed, for the files that have not changed since (stamp.py).
    last = read_stamp(decks_dir, dist_abs, only, check=False) if decks_dir.is_dir() else None
    sources = input_files(decks_dir, last.known() if last else None) if decks_dir.is_dir() else Sources()
    inputs = inputs_digest(decks_dir, sources) if decks_dir.is_dir() else ""
    # A build that wrote dist/ left a stamp (and the lock file, so taking the lock creates no
    # file): read under the lock, where no other build can be swapping dist/.
    quick = bool(inputs) and dist_abs.is_dir() and has_stamp(decks_dir, dist_abs, only) \
        and lock_path(dist_abs).is_file()
    try:
        if quick:
            with dist_lock(dist_abs):
                recover(dist_abs)
                stamp = read_stamp(decks_dir, dist_abs, only, check=False)
                if stamp is not None and stamp.inputs == inputs and dist_matches(dist_abs, stamp):
                    # Nothing changed since the build that wrote what dist/ holds (and checked
                    # it through the gate): done.
                    return BuildResult(decks=[], changes=[], counts=stamp.decks)
        # The one gate, whichever way the build goes on: invalid input fails here, before
        # dist/ is locked. (Files it types in workers have their notes rendered there too.)
        prepare = partial(render_into_cache, decks_dir)
        project = load_project(decks_dir, only, prepare)
        site = practice_site(project, only)  # (from the project the gate checked)
        dist_abs.parent.mkdir(parents=True, exist_ok=True)
        # Plan under the lock too: a build reading the manifest and the decks while another
        # swaps dist/ could pair an old manifest with new decks. If a file changed since it
        # was hashed, the project goes through the gate again.
        with dist_lock(dist_abs):
            recover(dist_abs)
            now_sources = input_files(decks_dir, sources)
            if now_sources != sources:
                sources, inputs = now_sources, inputs_digest(decks_dir, now_sources)
                project = load_project(decks_dir, only, prepare)
                site = practice_site(project, only)
            stamp = read_stamp(decks_dir, dist_abs, only, check=False) if quick else None
            # Only card files edited in place: compile those alone (delta.py), the project
            # let go first (a quick rebuild's peak memory); if that takes a full build after
            # all, the project goes through the gate again (from the store).
            delta = None
            edited = None if stamp is None else _edited(stamp, sources)
            if stamp is not None and edited:
                edited_notes = {rel: plain_file_notes(project, stamp.cards[rel][0], rel,
                                                      sources[rel]) for rel in edited}
                del project
                delta = _plan_delta(decks_dir, dist_abs, now, stamp, sources, inputs, edited_notes)
                if delta is None:
                    project = load_project(decks_dir, only, prepare)
            if delta is not None:
                delta.files.update(site)
                delta.stamp.files.update(file_digests(site))
                with ThreadPoolExecutor(max_workers=1) as side:
                    # (Cache writes and dist/'s writes mostly wait on the disk.)
                    remembered = [side.submit(learn) for learn in delta.remember]
                    written = commit_locked(dist_abs, delta.files)
                    for future in remembered:
                        future.result()
                write_stamp(decks_dir, dist_abs, only, delta.stamp)
                return BuildResult(decks=[], changes=delta.changes, files=delta.files,
                                   written=written, counts=delta.stamp.decks)
            placed: dict[str, tuple[str, int, int]] = {}
            notes = load_notes(project, placed, sources)
            del project
            result = plan_build(decks_dir, dist_abs, now, only, notes, site=site)
            del notes
            result.written = commit_locked(dist_abs, result.files)
            write_stamp(decks_dir, dist_abs, only, Stamp(
                inputs=inputs, decks=result.counts, files=file_digests(result.files),
                sources=sources, cards=placed,
                layouts={d.id: tuple(layout_of(d)) for d in result.decks},
                stats=sources.stats, hashed_at=sources.hashed_at))
    except OSError as exc:
        raise _write_error(dist_dir, exc) from exc
    return result


def _edited(stamp: Stamp, sources: Sources) -> list[str] | None:
    from .delta import edited_card_files  # only a rebuild after an edit needs delta.py

    return edited_card_files(stamp, sources)


def practice_site(project: Project, only: list[str] | None) -> dict[str, bytes]:
    """The practice exams (``deckforge practice``) that dist/ carries under ``practice/``."""
    from ..practice import dist_practice_files

    return dist_practice_files(project, only)


def _plan_delta(decks_dir: Path, dist_dir: Path, now: int, stamp: Stamp, sources: Sources,
                inputs: str, notes: dict[str, list[NoteSource] | None]) -> Delta | None:
    from .delta import plan_delta

    return plan_delta(decks_dir, dist_dir, now, stamp, sources, inputs, notes)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading the manifest and compiling make hundreds of thousands of small objects and no
    reference cycles, and the cyclic collector walks them again and again (about 0.1 s of a
    one-card rebuild of 50,000 cards). Not elsewhere: with it off for the whole build, the
    peak memory of a cold build grew by 25 MB at 50,000 cards."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _write_error(dist_dir: Path, exc: OSError) -> DeckforgeErrors:
    return DeckforgeErrors([DeckforgeError(str(dist_dir), 0, 0, f"cannot write the decks: {exc}")])
