"""Parse and schema-check one YAML file: from the store, else yaml-rs, else PyYAML (which words errors).

An entry is keyed by the file's bytes and the code's fingerprint (``store.code_salt``), and
holds only what a *valid* file parsed to, so every error still comes from the loader and
jsonschema, word for word. ``DECKFORGE_FAST=0`` turns off yaml-rs and jsonschema-rs."""

from __future__ import annotations

import hashlib
import marshal
import stat
from pathlib import Path

from ..errors import DeckforgeError
from ..store import KEEP_VERSIONS, cache_dir, cache_on, code_salt, enabled, file_group, read_entry, write_entry
from .pyyaml import MAX_FILE_BYTES, RawDocument

_FORMAT = b"deckforge-doc-1\n"


Result = tuple[RawDocument | None, list[DeckforgeError], set[int] | None]


# Cache payloads by key, for the second load of a build in the same process.
_MEMORY: dict[str, bytes] = {}


def _salt(kind: str) -> bytes:
    """What besides a file's bytes decides what it parses to: the code (with its schemas and
    libraries: ``code_salt``) and the kind of file."""
    return code_salt() + _FORMAT + kind.encode() + b"\0"


def _key(kind: str, raw: bytes) -> str:
    return hashlib.sha256(_salt(kind) + raw).hexdigest()


def load_checked(path: Path, kind: str, decks_dir: Path) -> Result:
    """Parse ``path`` and check it against the ``kind`` schema: (document, errors, broken cards).

    Gives what ``load_yaml`` then ``check_document`` give; broken cards is None when the file
    as a whole is broken.
    """
    fast = enabled("DECKFORGE_FAST")
    if fast:
        doc = _fast(path, kind, decks_dir)
        if doc is not None:
            return doc, [], set()
    # The reference path: every error is worded here.
    from .pyyaml import load_yaml
    from .schema import check_document

    loaded, errors = load_yaml(path)
    if loaded is None:
        return None, errors, None
    errors, bad = check_document(kind, loaded)
    if fast and not errors and kind != "cards" and cache_on():
        _remember(path, kind, decks_dir, loaded)
    return loaded, errors, bad


def _remember(path: Path, kind: str, decks_dir: Path, doc: RawDocument) -> None:
    """Cache what a valid deck.yaml or sources.yaml holds, so a rebuild needs neither PyYAML
    nor jsonschema for it (card files are cached as yaml-rs reads them, in ``_fast``)."""
    try:
        raw = path.read_bytes()
        payload = marshal.dumps((doc.data, []))
    except (OSError, ValueError):
        return  # unreadable now, or data marshal cannot keep: just not cached
    from .pyyaml import parse_yaml

    again, _ = parse_yaml(path, raw)
    if again is not None and again.data == doc.data:  # the file did not change meanwhile
        write_entry(cache_dir(decks_dir), _key(kind, raw), payload, file_group(path, decks_dir),
               KEEP_VERSIONS)


def _fast(path: Path, kind: str, decks_dir: Path) -> RawDocument | None:
    """The document of a valid, plain file from the cache or yaml-rs; None to use the loader."""
    from .schema import is_valid
    from .yamlrs import FastDocument, fast_parse

    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    key = _key(kind, raw)
    use_disk = cache_on()
    folder = cache_dir(decks_dir)
    group = file_group(path, decks_dir)
    payload = _MEMORY.get(key) or (read_entry(folder, key, group) if use_disk else None)
    if payload is None:
        if kind != "cards":
            return None  # the loader reads it (and _remember caches it)
        parsed = fast_parse(raw)
        if parsed is None or not is_valid(kind, parsed[0]):
            return None
        payload = marshal.dumps((parsed[0], [list(p) for p in parsed[1]]))
        if use_disk:
            write_entry(folder, key, payload, group, KEEP_VERSIONS)
        _MEMORY[key] = payload
        return FastDocument(path, parsed[0], list(parsed[1]))
    try:
        data, positions = marshal.loads(payload)
        cards = [(int(p[0]), int(p[1])) for p in positions]
    except (ValueError, EOFError, TypeError, IndexError, KeyError):
        return None  # not what this code writes: read the file instead
    _MEMORY[key] = payload
    return FastDocument(path, data, cards)
