"""The stamp of the last build: the hash of every input and output file, and where each card
file's notes sit (what a no-op or a quick rebuild after an edit checks)."""

from __future__ import annotations

import hashlib
import marshal
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..store import cache_dir, cache_on, code_salt, read_entry, write_entry

if TYPE_CHECKING:
    pass


FileStat = tuple[int, int, int, int]
"""A file's size, modification and change times (ns) and inode."""


class Sources(dict[str, str]):
    """``input_files``: path -> sha256 of each file, with the stat of each file when it was
    hashed and the time (ns) hashing began."""

    def __init__(self, digests: dict[str, str] | None = None,
                 stats: dict[str, FileStat] | None = None, hashed_at: int = 0) -> None:
        super().__init__(digests or {})
        self.stats: dict[str, FileStat] = stats or {}
        self.hashed_at = hashed_at


_SETTLED_NS = 2_000_000_000
"""A file unchanged this long before it was hashed is trusted to be unchanged while its stat
says so (file times are coarse: a write just after hashing could keep the same times)."""


def input_files(decks_dir: Path, known: Sources | None = None) -> Sources:
    """Every file under ``decks_dir`` (path relative to it -> sha256 of its bytes) and every
    folder (path + "/" -> ""), in path order: all a build reads from there.

    As git does, a file ``known`` hashed is not read again when its size, times and inode are
    the same and it had not changed for two seconds when it was hashed.
    """
    import time

    root = decks_dir.absolute()
    out = Sources(hashed_at=time.time_ns())
    trusted_before = (known.hashed_at if known is not None else 0) - _SETTLED_NS
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        rel = path.relative_to(root).as_posix()
        try:
            st = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            now = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            if known is not None and known.stats.get(rel) == now and rel in known \
                    and st.st_mtime_ns < trusted_before and st.st_ctime_ns < trusted_before:
                out[rel] = known[rel]
            else:
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            out.stats[rel] = now
        elif stat.S_ISDIR(st.st_mode):
            out[rel + "/"] = ""
    return out


def inputs_digest(decks_dir: Path, files: dict[str, str] | None = None) -> str:
    """A hash of every file under ``decks_dir`` (``input_files``), the code and the note types."""
    from ..notetypes import NOTE_TYPES

    h = hashlib.sha256(code_salt())
    # The note types as this process sees them (their templates are read at run time).
    for key, nt in sorted(NOTE_TYPES.items()):
        h.update(f"{key}\0{nt.id}\0{nt.content_hash()}\0".encode())
    for name, digest in (input_files(decks_dir) if files is None else files).items():
        h.update(f"{name}\0{digest}\0".encode())
    return h.hexdigest()


def _stamp_key(dist_dir: Path, only: list[str] | None) -> str:
    where = f"{dist_dir.absolute()}\0{only!r}".encode()
    return hashlib.sha256(code_salt() + b"stamp\0" + where).hexdigest()


def _digests(dist_dir: Path, names: list[str]) -> dict[str, str] | None:
    out = {}
    for name in names:
        try:
            out[name] = hashlib.sha256((dist_dir / name).read_bytes()).hexdigest()
        except OSError:
            return None
    return out


@dataclass
class Stamp:
    """What a build left for the next one (``write_stamp``)."""

    inputs: str
    """``inputs_digest`` of what it built from."""
    decks: list[tuple[str, int, int]]
    """(deck id, live notes, removed notes) of every deck built, for the report."""
    files: dict[str, str]
    """The sha256 of every file it wrote to dist/, by name."""
    sources: dict[str, str]
    """``input_files`` of what it built from."""
    cards: dict[str, tuple[str, int, int]]
    """Each card file compiled (path under decks/): deck id, place of its first note in the
    deck, number of notes."""
    layouts: dict[str, tuple[Any, ...]]
    """Each deck's ``apkg.collection.Layout``, as a plain tuple."""
    stats: dict[str, FileStat]
    """``Sources.stats`` of ``sources``."""
    hashed_at: int
    """``Sources.hashed_at`` of ``sources``."""

    def known(self) -> Sources:
        """What the build knew of the files under decks/ (see ``input_files``)."""
        return Sources(self.sources, self.stats, self.hashed_at)


def has_stamp(decks_dir: Path, dist_dir: Path, only: list[str] | None) -> bool:
    """Whether a build of ``only`` into ``dist_dir`` left a stamp (not checked: ``read_stamp``)."""
    key = _stamp_key(dist_dir, only)
    return cache_on() and (cache_dir(decks_dir) / "stamp" / key[:2] / key).is_file()


def read_stamp(decks_dir: Path, dist_dir: Path, only: list[str] | None,
               check: bool = True) -> Stamp | None:
    """What the last build of ``only`` into ``dist_dir`` left, if dist/ still holds exactly
    the files it wrote (not looked at when ``check`` is false); else None."""
    if not cache_on():
        return None
    payload = read_entry(cache_dir(decks_dir) / "stamp", _stamp_key(dist_dir, only))
    if payload is None:
        return None
    try:
        data = marshal.loads(payload)
        stamp = Stamp(**data)
        if not (isinstance(stamp.inputs, str) and isinstance(stamp.files, dict)
                and isinstance(stamp.sources, dict) and isinstance(stamp.cards, dict)
                and isinstance(stamp.layouts, dict) and isinstance(stamp.decks, list)
                and isinstance(stamp.stats, dict) and isinstance(stamp.hashed_at, int)):
            return None
        stamp.decks = [(str(d), int(live), int(removed)) for d, live, removed in stamp.decks]
    except (ValueError, EOFError, KeyError, TypeError):
        return None
    if check and not dist_matches(dist_dir, stamp):
        return None
    return stamp


def dist_matches(dist_dir: Path, stamp: Stamp, known: dict[str, str] | None = None) -> bool:
    """Whether dist/ holds exactly the files ``stamp`` says its build wrote; ``known`` gives
    the sha256 of files already read (the others are hashed here)."""
    known = known or {}
    rest = sorted(name for name in stamp.files if name not in known)
    return all(stamp.files[n] == d for n, d in known.items() if n in stamp.files) \
        and _digests(dist_dir, rest) == {n: stamp.files[n] for n in rest}


def write_stamp(decks_dir: Path, dist_dir: Path, only: list[str] | None, stamp: Stamp) -> None:
    """Record what a build made of which inputs (see ``read_stamp``)."""
    if cache_on():
        data = dict(stamp.__dict__, sources=dict(stamp.sources))
        write_entry(cache_dir(decks_dir) / "stamp", _stamp_key(dist_dir, only), marshal.dumps(data))


def file_digests(files: dict[str, bytes]) -> dict[str, str]:
    """The sha256 of each of ``files`` (name -> bytes), as a ``Stamp`` records them."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
