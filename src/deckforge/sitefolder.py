"""A generated site's folder (preview, practice) replaced whole: written beside it, then swapped in."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import DeckforgeError, DeckforgeErrors

__all__ = ["replace_site"]


def replace_site(out: Path, files: dict[str, bytes], marker: str, command: str, what: str) -> None:
    """Make ``out`` hold exactly ``files`` (relative paths → bytes, ``marker`` among them).

    ``out`` must not exist, be empty, or hold an earlier site (it has ``marker``): a folder
    ``deckforge <command>`` did not write is never replaced. A failed run leaves the old site
    whole. Raises DeckforgeErrors, worded with ``what`` ("the preview").
    """
    out = out.absolute()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / marker).is_file())):
        raise DeckforgeErrors([DeckforgeError(
            str(out), 0, 0, f"not a {command} folder: it exists and was not written by deckforge {command}",
            "choose another folder with --out, or empty this one")])
    staging: Path | None = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
        for name, data in sorted(files.items()):
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        staging.chmod(0o755)
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        if out.exists():
            out.rename(old)
        staging.rename(out)
        staging = None
        if old.exists():
            shutil.rmtree(old)
    except OSError as exc:
        raise DeckforgeErrors([DeckforgeError(str(out), 0, 0, f"cannot write {what}: {exc}")]) from exc
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
