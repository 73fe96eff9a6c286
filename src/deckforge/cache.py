"""Load and schema-check a YAML file fast: a content-keyed cache, then yaml-rs, then PyYAML.

The cache lives in ``.deckforge-cache/`` next to ``decks/`` (git-ignored; delete it any time).
An entry is keyed by the file's bytes, the deckforge version and the schemas, and holds only
what a *valid* file parsed to, so every error still comes from the loader and jsonschema,
word for word. A second kind of entry remembers which .apkg bytes a compiled deck packaged
to, so an unchanged deck is not packaged again. A damaged entry fails its checksum and is
ignored. ``DECKFORGE_CACHE=0`` turns the cache off; ``DECKFORGE_FAST=0`` turns off the
yaml-rs reader and the compiled schema check too (the tests compare both ways).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import DeckforgeError
from .loader import MAX_FILE_BYTES, RawDocument

if TYPE_CHECKING:
    from .compiler import CompiledDeck

__all__ = ["CACHE_DIR_NAME", "apkg_bytes_reusing", "cache_dir", "deck_fingerprint", "load_checked"]

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
    try:
        import yaml_rs

        h.update(str(yaml_rs.__version__).encode())
    except ImportError:  # pragma: no cover - then nothing takes the fast path anyway
        pass
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
        cards = [(int(p[0]), int(p[1])) for p in positions]
    except (ValueError, EOFError, TypeError, IndexError, KeyError):
        return None  # not what this code writes: read the file instead
    _MEMORY[key] = payload
    return FastDocument(path, data, cards)


@cache
def _package_salt() -> bytes:
    """Everything besides a compiled deck that decides its .apkg bytes."""
    import sqlite3
    import zlib

    import genanki

    from .notetypes import NOTE_TYPES

    here = Path(__file__).parent
    h = hashlib.sha256(b"deckforge-apkg-1\n" + __version__.encode())
    for part in (genanki.__version__, sqlite3.sqlite_version, zlib.ZLIB_RUNTIME_VERSION):
        h.update(str(part).encode() + b"\0")
    for module in ("package.py", "fastpackage.py", "preview.py", "notetypes.py", "cache.py"):
        h.update((here / module).read_bytes())
    for key, nt in sorted(NOTE_TYPES.items()):
        h.update(f"{key}\0{nt.id}\0{nt.content_hash()}\0".encode())
    return h.digest()


def deck_fingerprint(deck: CompiledDeck) -> str:
    """A hash of everything ``apkg_bytes(deck)`` reads (and of the code that writes it)."""
    h = hashlib.sha256(_package_salt())
    h.update(marshal.dumps((deck.id, deck.name, deck.description_html, deck.anki_deck_ids, deck.id_base,
                            deck.note_type_mods, [(name, hashlib.sha256(data).hexdigest())
                                                  for name, data in deck.media])))
    for n in deck.notes:
        h.update(marshal.dumps((n.card_id, n.guid, n.note_type.key, n.note_type.id, n.fields, n.tags,
                                n.deck_name, n.mod, n.removed)))
    return h.hexdigest()


def apkg_bytes_reusing(deck: CompiledDeck, dist_dir: Path, decks_dir: Path) -> bytes:
    """``apkg_bytes(deck)``, read from dist/ when a build of the same deck wrote that very file.

    The cache records, per fingerprint of a compiled deck, the hash of the .apkg it gave. When
    dist/ holds a file with that hash, it is exactly what packaging would write again.
    """
    from .package import apkg_bytes

    if not (_enabled("DECKFORGE_CACHE") and _enabled("DECKFORGE_FAST")):
        return apkg_bytes(deck)
    key = deck_fingerprint(deck)
    folder = cache_dir(decks_dir) / "apkg"
    recorded = _read(folder, key)
    target = dist_dir / f"{deck.id}.apkg"
    if recorded is not None:
        try:
            data = target.read_bytes()
        except OSError:
            data = b""
        if data and hashlib.sha256(data).digest() == recorded:
            return data
    data = apkg_bytes(deck)
    _write(folder, key, hashlib.sha256(data).digest())
    return data
