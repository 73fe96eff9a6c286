"""Load and schema-check a YAML file fast: a content-keyed cache, then yaml-rs, then PyYAML.

The cache lives in ``.deckforge-cache/`` next to ``decks/`` (git-ignored; delete it any time).
An entry is keyed by the file's bytes, the deckforge version and the schemas, and holds only
what a *valid* file parsed to, so every error still comes from the loader and jsonschema,
word for word. A damaged entry fails its checksum and is ignored. ``DECKFORGE_CACHE=0`` turns
the cache off; ``DECKFORGE_FAST=0`` turns off the fast parser and validator too.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import tempfile
from functools import cache
from pathlib import Path

from . import __version__
from .errors import DeckforgeError
from .loader import MAX_FILE_BYTES, RawDocument

__all__ = ["CACHE_DIR_NAME", "cache_dir", "load_checked"]

CACHE_DIR_NAME = ".deckforge-cache"
_FORMAT = b"deckforge-doc-1\n"

Result = tuple[RawDocument | None, list[DeckforgeError], set[int] | None]
# Cache payloads by key, for the second load of a build in the same process.
_MEMORY: dict[str, bytes] = {}


def _enabled(name: str) -> bool:
    return os.environ.get(name, "1") not in ("0", "", "false", "no")


def cache_dir(decks_dir: Path) -> Path:
    """Where the parse cache of ``decks_dir`` lives."""
    return decks_dir.absolute().parent / CACHE_DIR_NAME


@cache
def _salt(kind: str) -> bytes:
    """What besides a file's bytes decides what it parses to: code version and schema."""
    here = Path(__file__).parent
    h = hashlib.sha256(_FORMAT + __version__.encode())
    h.update((here / "schema" / f"{kind}.schema.json").read_bytes())
    for module in ("loader.py", "fastyaml.py", "fastschema.py", "cache.py"):
        # Editing the parser in a checkout must not serve results of the old code.
        h.update((here / module).read_bytes())
    return h.digest()


def _key(kind: str, raw: bytes) -> str:
    return hashlib.sha256(_salt(kind) + raw).hexdigest()


def _read(folder: Path, key: str) -> bytes | None:
    """A cache entry's payload, or None when it is missing or damaged."""
    try:
        blob = (folder / key[:2] / key).read_bytes()
    except OSError:
        return None
    digest, payload = blob[:32], blob[32:]
    if len(digest) != 32 or hashlib.sha256(payload).digest() != digest:
        return None
    return payload


def _write(folder: Path, key: str, payload: bytes) -> None:
    target = folder / key[:2] / key
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only checkout builds as well, only slower


def load_checked(path: Path, kind: str, decks_dir: Path) -> Result:
    """Parse ``path`` and check it against the ``kind`` schema: (document, errors, broken cards).

    Gives what ``load_yaml`` then ``check_document`` give; broken cards is None when the file
    as a whole is broken.
    """
    if kind == "cards" and _enabled("DECKFORGE_FAST"):
        doc = _fast(path, kind, decks_dir)
        if doc is not None:
            return doc, [], set()
    # The reference path: every error is worded here.
    from .loader import load_yaml
    from .schema import check_document

    loaded, errors = load_yaml(path)
    if loaded is None:
        return None, errors, None
    errors, bad = check_document(kind, loaded)
    return loaded, errors, bad


def _fast(path: Path, kind: str, decks_dir: Path) -> RawDocument | None:
    """The document of a valid, plain file from the cache or yaml-rs; None to use the loader."""
    from .fastschema import is_valid
    from .fastyaml import FastDocument, fast_parse

    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    key = _key(kind, raw)
    use_disk = _enabled("DECKFORGE_CACHE")
    folder = cache_dir(decks_dir)
    payload = _MEMORY.get(key) or (_read(folder, key) if use_disk else None)
    if payload is None:
        parsed = fast_parse(raw)
        if parsed is None or not is_valid(kind, parsed[0]):
            return None
        payload = marshal.dumps((parsed[0], [list(p) for p in parsed[1]]))
        if use_disk:
            _write(folder, key, payload)
    try:
        data, positions = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    _MEMORY[key] = payload
    return FastDocument(path, data, [(int(p[0]), int(p[1])) for p in positions])
