"""Replace dist/ as a whole, atomically, one build at a time."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def lock_path(dist_dir: Path) -> Path:
    return dist_dir.parent / f".{dist_dir.name}.lock"


@contextlib.contextmanager
def dist_lock(dist_dir: Path) -> Iterator[None]:
    """Serialise builds writing the same dist/ (a second build waits for the first)."""
    with open(lock_path(dist_dir), "a+b") as handle:
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


def recover(dist_dir: Path) -> None:
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
    with dist_lock(dist_dir):
        return commit_locked(dist_dir, files)


def commit_locked(dist_dir: Path, files: dict[str, bytes]) -> list[str]:
    recover(dist_dir)
    changed = sorted(name for name, data in files.items()
                     if not (dist_dir / name).is_file() or (dist_dir / name).read_bytes() != data)
    if not changed:
        return []
    staging = Path(tempfile.mkdtemp(prefix=f".{dist_dir.name}.new-", dir=dist_dir.parent))
    staging.chmod(0o755)
    _fault("staging")
    if dist_dir.is_dir():
        # (Files in sub-folders too: dist/practice/ holds the practice site.)
        for item in sorted(dist_dir.rglob("*")):
            name = item.relative_to(dist_dir).as_posix()
            if item.is_file() and name not in files:
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(item, staging / name)
    for name, data in sorted(files.items()):
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
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
