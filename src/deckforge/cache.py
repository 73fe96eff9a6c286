"""Load and schema-check a YAML file fast: a content-keyed cache, then yaml-rs, then PyYAML.

The cache lives in ``.deckforge-cache/`` next to ``decks/`` (git-ignored; delete it any time).
An entry is keyed by the file's bytes, the deckforge version and the schemas, and holds only
what a *valid* file parsed to, so every error still comes from the loader and jsonschema,
word for word. Other entries:

- the notes a valid card file compiled to (rendered fields, hash, GUID), keyed by its bytes,
  its deck id, the note types and deckforge's code: a rebuild neither types nor renders
  unchanged files;
- per compiled deck, which .apkg bytes it packaged to (an unchanged deck is not packaged
  again), and per .apkg written, what its deck held (one line per note: place, time, content
  hash), how its collection was cut into compressed pieces, and the collection itself (one per
  deck): a deck whose notes only changed in place is packaged by updating that collection
  (package.updated_collection_at), reusing the pieces that come out the same;
- the stamp of the last build into a dist/: the hash of every file under decks/ (with its size,
  times and inode, so unchanged files are not read again), the code and note types, the hash
  of every file it wrote, and where each card file's notes sit in its deck. While everything
  matches, ``deckforge build`` has nothing to do; when only card files changed in place, it
  compiles just those (delta.py).

Entries of one source file or deck are grouped, and only the newest few versions of each are
kept. A damaged entry fails its checksum and is ignored. ``DECKFORGE_CACHE=0`` turns the cache
off; ``DECKFORGE_FAST=0`` turns off the yaml-rs reader and the compiled schema check too (the
tests compare both ways).
"""

from __future__ import annotations

import hashlib
import marshal
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import DeckforgeError
from .loader import MAX_FILE_BYTES, RawDocument

if TYPE_CHECKING:
    from .compiler import CompiledDeck, CompiledNote, NoteSource
    from .package import Packed

__all__ = ["CACHE_DIR_NAME", "Packaging", "Previous", "Sources", "Stamp", "apkg_bytes_reusing",
           "cache_dir", "cached_notes", "code_salt", "collection_path", "deck_fingerprint",
           "dist_matches", "file_digests", "has_stamp", "input_files", "inputs_digest",
           "keep_collection", "load_checked", "new_collection_path", "note_line", "notes_cache_enabled", "package_key",
           "place_of", "previous_package", "read_stamp", "remember_package", "store_notes",
           "write_stamp"]

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
    for module in ("loader.py", "fastyaml.py", "schema.py", "cache.py"):
        # Editing the parser in a checkout must not serve results of the old code.
        h.update((here / module).read_bytes())
    try:
        import yaml_rs

        h.update(str(yaml_rs.__version__).encode())
    except ImportError:  # pragma: no cover - then nothing takes the fast path anyway
        pass
    from importlib.metadata import version

    h.update(version("jsonschema-rs").encode())  # its yes/no lets files onto the fast path
    return h.digest()


def _key(kind: str, raw: bytes) -> str:
    return hashlib.sha256(_salt(kind) + raw).hexdigest()


def _read(folder: Path, key: str, group: str = "") -> bytes | None:
    """A cache entry's payload, or None when it is missing or damaged."""
    try:
        blob = (folder / (group or key[:2]) / key).read_bytes()
    except OSError:
        return None
    digest, payload = blob[:32], blob[32:]
    if len(digest) != 32 or hashlib.sha256(payload).digest() != digest:
        return None
    return payload


def _write(folder: Path, key: str, payload: bytes, group: str = "", keep: int = 0) -> None:
    """Store an entry. With ``group`` (``_group``: one source file, one deck), only the
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


def _group(*parts: str) -> str:
    """The folder of the cache entries of one source file or deck (see ``_write``)."""
    return "g-" + hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _file_group(path: Path, decks_dir: Path) -> str:
    try:
        rel = path.absolute().relative_to(decks_dir.absolute()).as_posix()
    except ValueError:
        rel = str(path.absolute())
    return _group("file", rel)


_KEEP_VERSIONS = 3
"""Entries kept per source file (its parse, its notes) and per deck (its rows)."""


def load_checked(path: Path, kind: str, decks_dir: Path) -> Result:
    """Parse ``path`` and check it against the ``kind`` schema: (document, errors, broken cards).

    Gives what ``load_yaml`` then ``check_document`` give; broken cards is None when the file
    as a whole is broken.
    """
    fast = _enabled("DECKFORGE_FAST")
    if fast:
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
    if fast and not errors and kind != "cards" and _enabled("DECKFORGE_CACHE"):
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
    from .loader import parse_yaml

    again, _ = parse_yaml(path, raw)
    if again is not None and again.data == doc.data:  # the file did not change meanwhile
        _write(cache_dir(decks_dir), _key(kind, raw), payload, _file_group(path, decks_dir),
               _KEEP_VERSIONS)


def _fast(path: Path, kind: str, decks_dir: Path) -> RawDocument | None:
    """The document of a valid, plain file from the cache or yaml-rs; None to use the loader."""
    from .fastyaml import FastDocument, fast_parse
    from .schema import is_valid

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
    group = _file_group(path, decks_dir)
    payload = _MEMORY.get(key) or (_read(folder, key, group) if use_disk else None)
    if payload is None:
        if kind != "cards":
            return None  # the loader reads it (and _remember caches it)
        parsed = fast_parse(raw)
        if parsed is None or not is_valid(kind, parsed[0]):
            return None
        payload = marshal.dumps((parsed[0], [list(p) for p in parsed[1]]))
        if use_disk:
            _write(folder, key, payload, group, _KEEP_VERSIONS)
        _MEMORY[key] = payload
        return FastDocument(path, parsed[0], list(parsed[1]))
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

    from .notetypes import NOTE_TYPES

    here = Path(__file__).parent
    h = hashlib.sha256(b"deckforge-apkg-1\n" + __version__.encode())
    for part in (_version("genanki", "genanki"), sqlite3.sqlite_version, zlib.ZLIB_RUNTIME_VERSION):
        h.update(str(part).encode() + b"\0")
    for module in ("package.py", "fastpackage.py", "preview.py", "notetypes.py", "cache.py"):
        h.update((here / module).read_bytes())
    for key, nt in sorted(NOTE_TYPES.items()):
        h.update(f"{key}\0{nt.id}\0{nt.content_hash()}\0".encode())
    return h.digest()


def _deck_record(deck: CompiledDeck) -> tuple[tuple[Any, ...], str]:
    """Everything ``apkg_bytes(deck)`` reads: the deck's data, and one line per note.

    A line is the note's place (card id, GUID, note type, sub-deck, removed or not), a NUL, then
    its content: a live note's time and content hash (the compiler made it of the note type,
    fields and sorted tags; hashing 50,000 notes' fields again took a quarter second), else the
    time, fields and tags themselves. Strings are written with repr, so no line holds a raw NUL
    or newline and no two notes share a line.
    """
    meta = (deck.id, deck.name, deck.description_html, deck.anki_deck_ids, deck.id_base,
            deck.note_type_mods, [(name, hashlib.sha256(data).hexdigest()) for name, data in deck.media])
    place = {name: i for i, (name, _) in enumerate(deck.anki_deck_ids)}
    return meta, "\n".join([note_line(n, place) for n in deck.notes])


def note_line(n: CompiledNote, place: dict[str, int]) -> str:
    """A note's line of ``_deck_record`` (``place``: sub-deck name -> its index)."""
    return (f"{n.card_id!r}\0{n.guid!r}\0{n.note_type.key!r}\0{place.get(n.deck_name, n.deck_name)!r}"
            f"\0{n.removed:d}\0"
            + (f"{n.mod:d}\0{n.hash}" if n.hash and not n.removed else repr((n.mod, n.fields, n.tags))))


def _deck_blob(deck: CompiledDeck) -> bytes:
    return marshal.dumps(_deck_record(deck))


def deck_fingerprint(deck: CompiledDeck) -> str:
    """A hash of everything ``apkg_bytes(deck)`` reads (and of the code that writes it)."""
    return hashlib.sha256(_package_salt() + _deck_blob(deck)).hexdigest()


def _rows_key(apkg_digest: bytes) -> str:
    return hashlib.sha256(_package_salt() + b"rows\0" + apkg_digest).hexdigest()


def place_of(line: str) -> list[str]:
    """The place part of a ``note_line``."""
    return line.split("\0", 5)[:5]


@dataclass
class Previous:
    """What dist/ holds of a deck: its .apkg, the hash of it, what the cache says that .apkg was
    built from (``_deck_record`` as marshalled), the compressed length of each piece of its
    collection, and the collection itself (read only when the record is known)."""

    apkg: bytes = b""
    digest: bytes = b""
    rows: bytes | None = None
    pieces: tuple[int, ...] = ()
    collection: bytes | None = None

    def packed(self) -> Packed:
        from .package import Packed

        return Packed(self.apkg, self.pieces)


def previous_package(dist_dir: Path, deck_id: str, decks_dir: Path) -> Previous:
    """What dist/ holds of deck ``deck_id`` (see ``Previous``); nothing when the cache is off."""
    from .package import Packed, collection_of, holds_collection, open_collection

    if not notes_cache_enabled():
        return Previous()
    try:
        apkg = (dist_dir / f"{deck_id}.apkg").read_bytes()
    except OSError:
        return Previous()
    digest = hashlib.sha256(apkg).digest()
    made = (_read(cache_dir(decks_dir) / "made", _rows_key(digest)) or b"").decode("ascii", "replace")
    key, _, lengths = made.partition("\n")
    valid = len(key) == 64 and all(c in "0123456789abcdef" for c in key)
    rows = _read(cache_dir(decks_dir) / "rows", key, _group("deck", deck_id)) if valid else None
    if rows is None:
        return Previous(apkg, digest)
    try:
        pieces = tuple(int(n) for n in lengths.split(",")) if lengths else ()
    except ValueError:
        pieces = ()
    # The collection as the build that wrote the .apkg left it, else inflated from the .apkg.
    try:
        collection: bytes | None = collection_path(decks_dir, deck_id, digest).read_bytes()
    except OSError:
        collection = None
    if collection is None or not holds_collection(apkg, collection):
        collection = (open_collection(Packed(apkg, pieces)) if pieces else None) or collection_of(apkg)
    return Previous(apkg, digest, rows, pieces, collection)


def collection_path(decks_dir: Path, deck_id: str, digest: bytes | None) -> Path:
    """Where the cache keeps the collection inside deck ``deck_id``'s .apkg of hash ``digest``
    (None: a name for a new one). One per deck: a 50,000-card deck's is about 50 MB."""
    deck = hashlib.sha256(deck_id.encode()).hexdigest()[:16]
    name = digest.hex() if digest is not None else f"new-{os.getpid()}"
    return cache_dir(decks_dir) / "collections" / f"{deck}-{name}.anki2"


def new_collection_path(decks_dir: Path, deck_id: str) -> Path | None:
    """``collection_path(…, None)``, ready for a new file (its folder made, a leftover of an
    interrupted build removed); None when the cache cannot be written."""
    path = collection_path(decks_dir, deck_id, None)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    except OSError:
        return None
    return path


def keep_collection(decks_dir: Path, deck_id: str, apkg: bytes) -> None:
    """File the collection a build just left at ``collection_path(…, None)`` as the one inside
    ``apkg``; the deck's earlier one is deleted."""
    new = collection_path(decks_dir, deck_id, None)
    target = collection_path(decks_dir, deck_id, hashlib.sha256(apkg).digest())
    prefix = target.name.split("-", 1)[0] + "-"
    try:
        if new.exists():
            os.replace(new, target)
        # (Not the ``new-`` files another build may be writing right now.)
        for other in target.parent.glob(prefix + "*.anki2"):
            if other != target and len(other.stem) == len(target.stem):
                other.unlink()
    except OSError:
        pass


def _updated(deck: CompiledDeck, old: Previous, record: tuple[tuple[Any, ...], str],
             keep: Path | None) -> Packed | None:
    """``apkg_bytes(deck)`` made by updating the collection inside ``old`` (package.py), when the
    cache says what deck ``old`` was built from and that deck has the same layout; else None.
    The new collection is written to ``keep`` (``new_collection_path``) and read from there."""
    from .package import layout_of, packed_apkg, updated_collection_at

    if old.rows is None or old.collection is None or keep is None:
        return None
    try:
        old_meta, old_text = marshal.loads(old.rows)
        meta, text = record
        if not isinstance(old_text, str):
            return None
        old_notes, notes = old_text.split("\n"), text.split("\n")
        # Same deck, Anki deck ids and id base, and the same notes in the same places.
        if old_meta[0] != meta[0] or old_meta[3] != meta[3] or old_meta[4] != meta[4] \
                or len(old_notes) != len(notes) or len(notes) != len(deck.notes):
            return None
        changed = [i for i, (a, b) in enumerate(zip(old_notes, notes, strict=True)) if a != b]
        if any(place_of(old_notes[i]) != place_of(notes[i]) for i in changed) \
                or len(changed) > len(notes) // 4:
            return None  # moved, added or removed notes (or many edits): build afresh
    except (ValueError, EOFError, TypeError, IndexError):
        return None
    if not updated_collection_at(keep, layout_of(deck), old.collection,
                                 [(i, deck.notes[i]) for i in changed]):
        return None
    return packed_apkg(dict(deck.media), keep, old.packed(), old.collection)


def apkg_bytes_reusing(deck: CompiledDeck, dist_dir: Path, decks_dir: Path) -> bytes:
    """``apkg_bytes(deck)``, read from dist/ when a build of the same deck wrote that very file.

    The cache records, per fingerprint of a compiled deck, the hash of the .apkg it gave. When
    dist/ holds a file with that hash, it is exactly what packaging would write again. It also
    records, per .apkg it wrote, what the deck held; when dist/ holds such a file of a deck with
    the same notes in the same places, only the rows that differ are rewritten (``_updated``).
    """
    job = Packaging(deck, dist_dir, decks_dir)
    job.share()
    return job.run()


class Packaging:
    """``apkg_bytes_reusing`` of one deck, split so that its Python work can overlap its SQLite
    and zlib work (which release the GIL): ``run`` packages, in a thread; meanwhile the caller
    waits for ``busy`` (set when only such work is left, or when ``run`` needs the record), then
    calls ``share``, which computes the deck's record (``_deck_record``: a tenth of a second
    for 50,000 notes) in the calling thread. ``run`` waits for that record: the caller must
    call ``share`` (again, harmlessly) even when it stops early."""

    def __init__(self, deck: CompiledDeck, dist_dir: Path, decks_dir: Path) -> None:
        from concurrent.futures import Future
        from threading import Event

        self.deck, self.dist_dir, self.decks_dir = deck, dist_dir, decks_dir
        self.busy = Event()
        self._record: Future[tuple[tuple[tuple[Any, ...], str], bytes, str] | None] = Future()

    def share(self) -> None:
        """Compute the deck's record, key and marshalled record for ``run``."""
        if self._record.done():
            return
        if not notes_cache_enabled():
            self._record.set_result(None)  # not recorded
            return
        try:
            record = _deck_record(self.deck)
            blob = marshal.dumps(record)
            self._record.set_result((record, blob, package_key(blob)))
        except BaseException as exc:  # pragma: no cover - handed to ``run``, which raises it
            self._record.set_exception(exc)

    def _shared(self) -> tuple[tuple[tuple[Any, ...], str], bytes, str]:
        shared = self._record.result()
        assert shared is not None  # the cache is on
        return shared

    def run(self) -> bytes:
        try:
            return self._run()
        finally:
            self.busy.set()

    def _run(self) -> bytes:
        from .package import apkg_bytes

        deck, dist_dir, decks_dir = self.deck, self.dist_dir, self.decks_dir
        if not notes_cache_enabled():
            self.busy.set()
            return apkg_bytes(deck)
        old = previous_package(dist_dir, deck.id, decks_dir)
        keep = new_collection_path(decks_dir, deck.id)
        if not old.apkg:
            # Nothing in dist/ to reuse or update: package at once, the record meanwhile.
            packed = _fresh(deck, keep, self.busy.set)
            self.busy.set()
            _, blob, key = self._shared()
        else:
            self.busy.set()
            record, blob, key = self._shared()
            recorded = _read(cache_dir(decks_dir) / "apkg", key)
            if recorded is not None and old.digest == recorded:
                return old.apkg
            updated = _updated(deck, old, record, keep)
            del old, record  # before packaging afresh: peak memory
            packed = updated if updated is not None else _fresh(deck, keep)
        # What this deck holds, by fingerprint; which .apkg it gave ("made").
        remember_package(decks_dir, deck.id, key, packed, blob)
        keep_collection(decks_dir, deck.id, packed.apkg)
        return packed.apkg


def _fresh(deck: CompiledDeck, keep: Path | None,
           rows_written: Callable[[], None] | None = None) -> Packed:
    """The .apkg of ``deck`` packaged afresh, its collection written to ``keep``
    (``new_collection_path``) and read from there in pieces (a 50,000-card deck's is 50 MB:
    never held in memory whole); in memory when the cache cannot be written. ``rows_written``
    is called once the rows are in (see ``package.write_collection``)."""
    import sqlite3

    from .package import _collection, packed_apkg, write_collection

    if keep is not None:
        try:
            write_collection(deck, keep, rows_written)
            return packed_apkg(dict(deck.media), keep)
        except (OSError, sqlite3.OperationalError):
            pass
    return packed_apkg(dict(deck.media), _collection(deck))


def package_key(blob: bytes) -> str:
    """The cache key of a deck whose ``_deck_record`` marshals to ``blob``."""
    return hashlib.sha256(_package_salt() + blob).hexdigest()


def remember_package(decks_dir: Path, deck_id: str, key: str, packed: Packed,
                     blob: bytes | None = None) -> None:
    """Record that the deck of ``key`` (its record ``blob``, unless already stored) packaged to
    ``packed``: which .apkg it gave, and what that .apkg was made from."""
    if blob is not None:
        _write(cache_dir(decks_dir) / "rows", key, blob, _group("deck", deck_id), _KEEP_VERSIONS)
    digest = hashlib.sha256(packed.apkg).digest()
    _write(cache_dir(decks_dir) / "apkg", key, digest)
    _write(cache_dir(decks_dir) / "made", _rows_key(digest),
           f"{key}\n{','.join(map(str, packed.pieces))}".encode("ascii"))


@cache
def code_salt() -> bytes:
    """A hash of deckforge's code, templates and schemas and of the libraries that shape output.

    Part of every key below: editing any of them in a checkout must not serve old results.
    """
    import sqlite3
    import zlib

    here = Path(__file__).parent
    h = hashlib.sha256(b"deckforge-code-1\n" + __version__.encode() + b"\0")
    for folder in (here, here / "templates", here / "schema"):
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.endswith((".pyc", ".pyo")):
                h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for dist, module in _LIBRARIES:
        h.update(f"{dist}={_version(dist, module)}\0".encode())
    h.update(f"sqlite={sqlite3.sqlite_version}\0zlib={zlib.ZLIB_RUNTIME_VERSION}\0".encode())
    return h.digest()


_LIBRARIES = (("genanki", "genanki"), ("markdown-it-py", "markdown_it"), ("mdurl", "mdurl"),
              ("yaml-rs", "yaml_rs"), ("PyYAML", "yaml"), ("jsonschema", "jsonschema"),
              ("chevron", "chevron"))
"""The libraries that shape deckforge's output: (distribution, module)."""


def _version(dist: str, module: str) -> str:
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


def notes_cache_enabled() -> bool:
    """Whether builds may use the note and no-op caches below (both switches on)."""
    return _enabled("DECKFORGE_CACHE") and _enabled("DECKFORGE_FAST")


def _notes_key(deck_id: str, digest: str) -> str:
    """The key of the notes of a card file of deck ``deck_id`` whose bytes hash to ``digest``
    (sha256, hex)."""
    return hashlib.sha256(_notes_salt() + deck_id.encode() + b"\0" + digest.encode()).hexdigest()


def _notes_salt() -> bytes:
    from .notetypes import NOTE_TYPES

    # The note types as this process sees them now (not cached: tests swap them): a note's
    # fields follow its type's field list.
    types = repr(sorted((k, nt.id, nt.version, nt.fields) for k, nt in NOTE_TYPES.items()))
    return code_salt() + b"notes\0" + types.encode() + b"\0"


def cached_notes(decks_dir: Path, deck_id: str, path: Path, digest: str) -> list[NoteSource] | None:
    """The notes a valid card file ``path`` in deck ``deck_id`` whose bytes hash to ``digest``
    (sha256, hex) compiled to, if cached."""
    payload = _read(cache_dir(decks_dir) / "notes", _notes_key(deck_id, digest),
                    _file_group(path, decks_dir))
    if payload is None:
        return None
    try:
        rows = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    # Written by ``store_notes`` of this very code (the key holds its hash, the payload a
    # checksum): the note tuples as they were, with marshal keeping tuples tuples.
    if type(rows) is not list or any(type(r) is not tuple or len(r) != 9 for r in rows):
        return None
    return rows


def store_notes(decks_dir: Path, deck_id: str, path: Path, digest: str,
                notes: list[NoteSource]) -> None:
    """Remember what a valid card file without images or includes compiled to."""
    if any(n[7] for n in notes):
        return  # images are other files: such notes are not cached
    _write(cache_dir(decks_dir) / "notes", _notes_key(deck_id, digest), marshal.dumps(list(notes)),
           _file_group(path, decks_dir), _KEEP_VERSIONS)


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
    from .notetypes import NOTE_TYPES

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
    """Each deck's ``package.Layout``, as a plain tuple."""
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
    return notes_cache_enabled() and (cache_dir(decks_dir) / "stamp" / key[:2] / key).is_file()


def read_stamp(decks_dir: Path, dist_dir: Path, only: list[str] | None,
               check: bool = True) -> Stamp | None:
    """What the last build of ``only`` into ``dist_dir`` left, if dist/ still holds exactly
    the files it wrote (not looked at when ``check`` is false); else None."""
    if not notes_cache_enabled():
        return None
    payload = _read(cache_dir(decks_dir) / "stamp", _stamp_key(dist_dir, only))
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
    if notes_cache_enabled():
        data = dict(stamp.__dict__, sources=dict(stamp.sources))
        _write(cache_dir(decks_dir) / "stamp", _stamp_key(dist_dir, only), marshal.dumps(data))


def file_digests(files: dict[str, bytes]) -> dict[str, str]:
    """The sha256 of each of ``files`` (name -> bytes), as a ``Stamp`` records them."""
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
