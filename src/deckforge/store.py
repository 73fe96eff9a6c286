"""A checksummed key -> bytes store in ``.deckforge-cache/``, and the fingerprint of the code.

Entries are grouped (one source file, one deck) and only the newest few of a group are kept;
a damaged entry fails its checksum and reads as missing. The store knows nothing of decks:
each stage keys its own entries (load/parse.py, load/typed.py, notes/cache.py, apkg/record.py,
build/stamp.py), each key holding the one fingerprint of the code (``code_salt``).
``cache_on`` is the switch: ``DECKFORGE_CACHE=0`` turns every entry off."""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import cache
from pathlib import Path

from . import __version__

CACHE_DIR_NAME = ".deckforge-cache"


def enabled(name: str) -> bool:
    return os.environ.get(name, "1") not in ("0", "", "false", "no")


def cache_on() -> bool:
    """The cache switch: whether builds may keep and use entries of the store (parsed files
    aside, every entry: typed cards, notes, packages, the no-op stamp). ``DECKFORGE_CACHE=0``
    turns it off, and so does ``DECKFORGE_FAST=0`` (the reference path, with nothing kept)."""
    return enabled("DECKFORGE_CACHE") and enabled("DECKFORGE_FAST")


def cache_dir(decks_dir: Path) -> Path:
    """Where the parse cache of ``decks_dir`` lives."""
    return decks_dir.absolute().parent / CACHE_DIR_NAME


def read_entry(folder: Path, key: str, group: str = "") -> bytes | None:
    """A cache entry's payload, or None when it is missing or damaged."""
    try:
        blob = (folder / (group or key[:2]) / key).read_bytes()
    except OSError:
        return None
    digest, payload = blob[:32], blob[32:]
    if len(digest) != 32 or hashlib.sha256(payload).digest() != digest:
        return None
    return payload


def write_entry(folder: Path, key: str, payload: bytes, group: str = "", keep: int = 0) -> None:
    """Store an entry. With ``group`` (``entry_group``: one source file, one deck), only the
    ``keep`` newest entries of the group stay: the cache holds the versions of a file or deck
    lately built, not every version ever built."""
    target = folder / (group or key[:2]) / key
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, target)
        if group and keep:
            others = sorted((p.stat().st_mtime_ns, p.name) for p in target.parent.iterdir()
                            if p.name != key and not p.name.startswith(".tmp-"))
            for _, name in others[:max(0, len(others) - (keep - 1))]:
                (target.parent / name).unlink(missing_ok=True)
    except OSError:
        pass  # a read-only checkout builds as well, only slower


def entry_group(*parts: str) -> str:
    """The folder of the cache entries of one source file or deck (see ``write_entry``)."""
    return "g-" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def file_group(path: Path, decks_dir: Path) -> str:
    try:
        rel = path.absolute().relative_to(decks_dir.absolute()).as_posix()
    except ValueError:
        rel = str(path.absolute())
    return entry_group("file", rel)


KEEP_VERSIONS = 3
"""Entries kept per source file (its parse, its notes) and per deck (its rows)."""


@cache
def code_salt() -> bytes:
    """A hash of deckforge's code, templates and schemas and of the libraries that shape output.

    Part of every key below: editing any of them in a checkout must not serve old results.
    """
    import sqlite3
    import zlib

    here = Path(__file__).parent
    h = hashlib.sha256(b"deckforge-code-1\n" + __version__.encode() + b"\0")
    for path in sorted(here.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo"):
            h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for dist, module in _LIBRARIES:
        h.update(f"{dist}={library_version(dist, module)}\0".encode())
    h.update(f"sqlite={sqlite3.sqlite_version}\0zlib={zlib.ZLIB_RUNTIME_VERSION}\0".encode())
    return h.digest()


_LIBRARIES = (("genanki", "genanki"), ("markdown-it-py", "markdown_it"), ("mdurl", "mdurl"),
              ("yaml-rs", "yaml_rs"), ("PyYAML", "yaml"), ("jsonschema", "jsonschema"),
              ("jsonschema-rs", "jsonschema_rs"),
              ("chevron", "chevron"))
"""The libraries that shape deckforge's output: (distribution, module)."""


def library_version(dist: str, module: str) -> str:
    """The installed version of ``dist``, read from the name of its .dist-info folder next to
    ``module`` (importing importlib.metadata costs a build up to 0.04 s); else as importlib
    reports it; "-" when not installed."""
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None:
        return "-"
    if spec.origin:
        # A package's __init__.py sits in its folder; a one-file module in site-packages.
        site = Path(spec.origin).parent
        site = site.parent if spec.submodule_search_locations is not None else site
        # Named {name}-{version}.dist-info, with - and . in the name written as _.
        wanted = dist.lower().replace("-", "_").replace(".", "_")
        found = [version for name, _, version in
                 (n[:-len(".dist-info")].partition("-") for n in _dist_infos(str(site)))
                 if name.lower().replace(".", "_") == wanted]
        if len(found) == 1:
            return found[0]
    import importlib.metadata

    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover
        return "-"


@cache
def _dist_infos(site: str) -> tuple[str, ...]:
    try:
        return tuple(n for n in os.listdir(site) if n.endswith(".dist-info"))
    except OSError:
        return ()
