"""Build every deck into dist/ all at once, or check that dist/ is up to date."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cache import apkg_bytes_reusing
from .compiler import Change, CompiledDeck, compile_project
from .errors import DeckforgeError, DeckforgeErrors
from .manifest import MANIFEST_NAME, Manifest
from .package import read_notes
from .project import load_project

__all__ = ["BuildResult", "build", "plan_build", "commit_dist"]


@dataclass
class BuildResult:
    decks: list[CompiledDeck]
    changes: list[Change]
    files: dict[str, bytes] = field(default_factory=dict)
    """Every file dist/ should hold after the build, by name."""
    written: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    """With check=True: the files of dist/ that differ from what the sources build."""


def plan_build(decks_dir: Path, dist_dir: Path, now: int,
               only: list[str] | None = None) -> BuildResult:
    """Compile the decks and produce the bytes of every dist/ file, without writing anything."""
    project = load_project(decks_dir, only)
    manifest = Manifest.load(dist_dir / MANIFEST_NAME)

    def previous(deck_id: str, guids: list[str]) -> dict[str, tuple[str, dict[str, str], list[str]]]:
        return read_notes(dist_dir / f"{deck_id}.apkg", guids)

    decks, new_manifest, changes = compile_project(project, manifest, now, previous)
    # An unchanged deck whose .apkg is in dist/ is not packaged again (cache.py).
    files = {f"{d.id}.apkg": apkg_bytes_reusing(d, dist_dir, decks_dir) for d in decks}
    files[MANIFEST_NAME] = new_manifest.to_text().encode("utf-8")
    return BuildResult(decks=decks, changes=changes, files=files)


@contextlib.contextmanager
def _lock(dist_dir: Path) -> Iterator[None]:
    """Serialise builds writing the same dist/ (a second build waits for the first)."""
    lock_path = dist_dir.parent / f".{dist_dir.name}.lock"
    with open(lock_path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks; builds rarely overlap
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


_FAULT_ENV = "DECKFORGE_TEST_KILL_AT"
"""Tests set this to a step name of commit_dist to have the build SIGKILL itself there."""


def _fault(step: str) -> None:
    if os.environ.get(_FAULT_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return bool(renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b),
                          rename_exchange) == 0)


def _recover(dist_dir: Path) -> None:
    """Finish or undo a swap that an interrupted build left half done."""
    old = dist_dir.with_name(f".{dist_dir.name}.old")
    if not dist_dir.exists() and old.exists():
        old.rename(dist_dir)
    if old.exists():
        shutil.rmtree(old)
    for stale in dist_dir.parent.glob(f".{dist_dir.name}.new-*"):
        shutil.rmtree(stale, ignore_errors=True)


def commit_dist(dist_dir: Path, files: dict[str, bytes]) -> list[str]:
    """Make dist/ hold ``files`` (other files in it are kept) as one atomic step.

    The new dist/ is assembled in a sibling folder and swapped in with renames, so an
    interrupted build leaves the old dist/ or the new one, never a mix; the next build cleans up.
    """
    dist_dir = dist_dir.absolute()
    dist_dir.parent.mkdir(parents=True, exist_ok=True)
    with _lock(dist_dir):
        return _commit_locked(dist_dir, files)


def _commit_locked(dist_dir: Path, files: dict[str, bytes]) -> list[str]:
    _recover(dist_dir)
    changed = sorted(name for name, data in files.items()
                     if not (dist_dir / name).is_file() or (dist_dir / name).read_bytes() != data)
    if not changed:
        return []
    staging = Path(tempfile.mkdtemp(prefix=f".{dist_dir.name}.new-", dir=dist_dir.parent))
    staging.chmod(0o755)
    _fault("staging")
    if dist_dir.is_dir():
        for item in sorted(dist_dir.iterdir()):
            if item.is_file() and item.name not in files:
                shutil.copy2(item, staging / item.name)
    for name, data in sorted(files.items()):
        with open(staging / name, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _fault("writing")
    _fault("staged")
    if dist_dir.is_dir() and _exchange(staging, dist_dir):
        # dist/ now holds the new files and the staging folder the old ones: at no moment
        # was there no dist/ (two renames leave a gap between them).
        _fault("swapped")
        shutil.rmtree(staging)
        return changed
    old = dist_dir.with_name(f".{dist_dir.name}.old")
    if dist_dir.exists():
        dist_dir.rename(old)
        _fault("moved-old")
    staging.rename(dist_dir)
    _fault("swapped")
    if old.exists():
        shutil.rmtree(old)
    return changed


def build(decks_dir: Path, dist_dir: Path, now: int, only: list[str] | None = None,
          check: bool = False) -> BuildResult:
    """Build the decks into ``dist_dir`` (or, with ``check``, report what differs).

    Raises DeckforgeErrors for invalid input; then dist/ is not touched.
    """
    if check:
        result = plan_build(decks_dir, dist_dir, now, only)
        result.stale = sorted(name for name, data in result.files.items()
                              if not (dist_dir / name).is_file()
                              or (dist_dir / name).read_bytes() != data)
        return result
    load_project(decks_dir, only)  # invalid input fails here, before dist/ is even locked
    dist_abs = dist_dir.absolute()
    try:
        dist_abs.parent.mkdir(parents=True, exist_ok=True)
        # Plan under the lock too: a build reading the manifest and the decks while another
        # swaps dist/ could pair an old manifest with new decks.
        with _lock(dist_abs):
            _recover(dist_abs)
            result = plan_build(decks_dir, dist_abs, now, only)
            result.written = _commit_locked(dist_abs, result.files)
    except OSError as exc:
        raise DeckforgeErrors([DeckforgeError(str(dist_dir), 0, 0,
                                              f"cannot write the decks: {exc}")]) from exc
    return result
