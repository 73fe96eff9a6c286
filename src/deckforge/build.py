"""Build every deck into dist/ all at once, or check that dist/ is up to date."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .compiler import Change, CompiledDeck, compile_project
from .errors import DeckforgeError, DeckforgeErrors
from .manifest import MANIFEST_NAME, Manifest
from .package import apkg_bytes, read_notes
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
    files = {f"{d.id}.apkg": apkg_bytes(d) for d in decks}
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
        _recover(dist_dir)
        changed = sorted(name for name, data in files.items()
                         if not (dist_dir / name).is_file() or (dist_dir / name).read_bytes() != data)
        if not changed:
            return []
        staging = Path(tempfile.mkdtemp(prefix=f".{dist_dir.name}.new-", dir=dist_dir.parent))
        staging.chmod(0o755)
        if dist_dir.is_dir():
            for item in sorted(dist_dir.iterdir()):
                if item.is_file() and item.name not in files:
                    shutil.copy2(item, staging / item.name)
        for name, data in sorted(files.items()):
            with open(staging / name, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        old = dist_dir.with_name(f".{dist_dir.name}.old")
        if dist_dir.exists():
            dist_dir.rename(old)
        staging.rename(dist_dir)
        if old.exists():
            shutil.rmtree(old)
        return changed


def build(decks_dir: Path, dist_dir: Path, now: int, only: list[str] | None = None,
          check: bool = False) -> BuildResult:
    """Build the decks into ``dist_dir`` (or, with ``check``, report what differs).

    Raises DeckforgeErrors for invalid input; then dist/ is not touched.
    """
    result = plan_build(decks_dir, dist_dir, now, only)
    if check:
        result.stale = sorted(name for name, data in result.files.items()
                              if not (dist_dir / name).is_file()
                              or (dist_dir / name).read_bytes() != data)
        return result
    try:
        result.written = commit_dist(dist_dir, result.files)
    except OSError as exc:
        raise DeckforgeErrors([DeckforgeError(str(dist_dir), 0, 0,
                                              f"cannot write the decks: {exc}")]) from exc
    return result
