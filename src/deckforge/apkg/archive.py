"""Zip a collection and media into an .apkg, byte for byte reproducibly, reusing compressed pieces."""

from __future__ import annotations

import collections
import contextlib
import io
import json
import os
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..notes.compile import CompiledDeck
from ..notetypes import NOTE_TYPES
from .collection import collection_bytes

if TYPE_CHECKING:
    pass


_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# Level 1 compresses 4-5x faster than the default 6 for about 13% larger decks.
_ZLIB_LEVEL = 1


class Packed(NamedTuple):
    """An .apkg's bytes and the compressed length of each piece of its collection (``_deflate``),
    by which a later build reuses the pieces that come out the same."""

    apkg: bytes
    pieces: tuple[int, ...]


def _zip(entries: list[tuple[str, bytes | Path]], previous: Packed | None = None,
         old_collection: bytes | None = None) -> Packed:
    """A zip archive of ``entries`` (name, bytes or the file holding them), every byte fixed by
    their names and contents.

    Written directly (zipfile cannot take data compressed elsewhere): entries deflated in
    pieces (``_deflate``), all dated 1980-01-01, mode 0644, made on Unix, no extra fields.
    The first entry's pieces equal to those of ``old_collection`` are taken from ``previous``.
    """
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    first: tuple[int, ...] = ()
    for at, (name, data) in enumerate(entries):
        old = _old_pieces(previous, old_collection) if at == 0 else None
        packed, pieces, crc, size = _deflate(data, old)
        if at == 0:
            first = pieces
        encoded = name.encode("utf-8")
        if max(size, len(packed), offset) >= 0xFFFFFFFF:
            return Packed(_zip_large(entries), ())
        fields = (20, 0, 8, 0, _DOS_DATE, crc, len(packed), size, len(encoded), 0)
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded
        central.append(struct.pack("<IH", 0x02014B50, (3 << 8) | 20)
                       + struct.pack("<HHHHHIIIHH", *fields)
                       + struct.pack("<HHHII", 0, 0, 0, 0o100644 << 16, offset) + encoded)
        out += (local, packed)
        offset += len(local) + len(packed)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory),
                      offset, 0)
    return Packed(b"".join([*out, directory, end]), first)


_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the earliest date a zip entry can hold


_PIECE = 1 << 22


_LOCAL = struct.Struct("<IHHHHHIIIHH")


# The first entry of an archive ``_zip`` wrote, cut into its compressed pieces: (raw bytes it
# inflates to, compressed pieces).
_OldPieces = tuple[bytes, list[memoryview]]


def _first_entry(apkg: bytes) -> tuple[memoryview, int, int] | None:
    """The compressed bytes of an archive's first entry, its CRC and size (``_zip``'s layout)."""
    if len(apkg) < _LOCAL.size:
        return None
    sig, _, _, method, _, _, crc, packed, size, name_len, extra = _LOCAL.unpack_from(apkg)
    start = _LOCAL.size + name_len + extra
    if sig != 0x04034B50 or method != 8 or start + packed > len(apkg):
        return None
    return memoryview(apkg)[start:start + packed], crc, size


def _split(packed: memoryview, pieces: tuple[int, ...]) -> list[memoryview] | None:
    if not pieces or sum(pieces) != len(packed):
        return None
    out, at = [], 0
    for n in pieces:
        out.append(packed[at:at + n])
        at += n
    return out


def _old_pieces(previous: Packed | None, raw: bytes | None) -> _OldPieces | None:
    if previous is None or raw is None:
        return None
    entry = _first_entry(previous.apkg)
    parts = None if entry is None else _split(entry[0], previous.pieces)
    return None if parts is None else (raw, parts)


def holds_collection(apkg: bytes, collection: bytes) -> bool:
    """Whether the first entry of ``apkg`` (as ``_zip`` wrote it) has the size and CRC of
    ``collection``."""
    entry = _first_entry(apkg)
    return entry is not None and entry[2] == len(collection) and zlib.crc32(collection) == entry[1]


def open_collection(shipped: Packed) -> bytes | None:
    """The collection inside an .apkg ``_zip`` wrote, its pieces inflated in threads; None when
    the archive is not laid out as ``shipped.pieces`` say."""
    entry = _first_entry(shipped.apkg)
    if entry is None:
        return None
    packed, crc, size = entry
    parts = _split(packed, shipped.pieces)
    if parts is None:
        return None

    def one(part: memoryview) -> bytes:
        return zlib.decompressobj(-15).decompress(part)

    try:
        with ThreadPoolExecutor(max_workers=min(len(parts), os.cpu_count() or 1)) as pool:
            data = b"".join(pool.map(one, parts))
    except zlib.error:
        return None
    return data if len(data) == size and zlib.crc32(data) == crc else None


def _deflate(data: bytes | Path, old: _OldPieces | None = None
             ) -> tuple[bytes, tuple[int, ...], int, int]:
    """``data`` (or the file holding it) as one raw deflate stream, made of independently
    compressed 4 MiB pieces: (stream, compressed length of each piece, CRC-32, size).

    Each piece but the last ends with a full flush (byte-aligned, no back-references across
    it), so the pieces are compressed in threads (zlib releases the GIL) and simply joined, as
    pigz does. The pieces are fixed, so the bytes do not depend on the number of threads. A
    file is read a few pieces ahead of the threads, never held whole (a 50,000-card deck's
    collection is 50 MB). A piece whose bytes (and being last or not) equal one of ``old`` is
    taken from there.
    """
    size = data.stat().st_size if isinstance(data, Path) else len(data)
    count = max(1, -(-size // _PIECE))
    last = count - 1

    def one(i: int, piece: bytes) -> bytes:
        if old is not None and i < len(old[1]) and (i == last) == (i == len(old[1]) - 1) \
                and old[0][i * _PIECE:(i + 1) * _PIECE] == piece:
            return bytes(old[1][i])
        z = zlib.compressobj(_ZLIB_LEVEL, zlib.DEFLATED, -15)
        return z.compress(piece) + z.flush(zlib.Z_FINISH if i == last else zlib.Z_FULL_FLUSH)

    with contextlib.ExitStack() as stack:
        if isinstance(data, Path):
            f = stack.enter_context(open(data, "rb"))
            pieces: Iterator[bytes] = (f.read(_PIECE) for _ in range(count))
        else:
            pieces = (data[i * _PIECE:(i + 1) * _PIECE] for i in range(count))
        if count == 1:
            piece = next(pieces)
            packed = one(0, piece)
            return packed, (len(packed),), zlib.crc32(piece), size
        threads = min(count, os.cpu_count() or 1)
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=threads))
        crc = 0
        running: collections.deque[Future[bytes]] = collections.deque()
        done: list[bytes] = []
        for i, piece in enumerate(pieces):
            # (Bytes, not memoryviews: comparing memoryviews goes byte by byte, 20 times slower.)
            running.append(pool.submit(one, i, piece))
            crc = zlib.crc32(piece, crc)
            del piece
            while len(running) > threads:
                done.append(running.popleft().result())
        done += [future.result() for future in running]
    return b"".join(done), tuple(len(p) for p in done), crc, size


def _zip_large(entries: list[tuple[str, bytes | Path]]) -> bytes:
    """The archive through zipfile (ZIP64) for entries past the classic format's 4 GiB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", allowZip64=True) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            zf.writestr(info, data.read_bytes() if isinstance(data, Path) else data,
                        compress_type=zipfile.ZIP_DEFLATED, compresslevel=_ZLIB_LEVEL)
    return buf.getvalue()


def apkg_bytes(deck: CompiledDeck, media: Mapping[str, bytes] | None = None,
               collection: bytes | None = None) -> bytes:
    """The complete .apkg of ``deck``: the same input always gives the same bytes.

    ``media`` (name -> bytes) defaults to the images the deck's cards show; ``collection`` to
    ``collection_bytes(deck)`` (``updated_collection_at`` gives the same bytes faster).
    """
    return packed_apkg(dict(deck.media) if media is None else media,
                       collection_bytes(deck) if collection is None else collection).apkg


def packed_apkg(media: Mapping[str, bytes], collection: bytes | Path, previous: Packed | None = None,
                old_collection: bytes | None = None) -> Packed:
    """The .apkg holding ``collection`` (or the file holding it) and ``media`` (name -> bytes);
    the collection's pieces that equal those of ``old_collection`` are taken from ``previous``,
    the .apkg holding it."""
    media = dict(sorted(media.items()))
    names = list(media)
    entries: list[tuple[str, bytes | Path]] = [("collection.anki2", collection),
               ("media", json.dumps({str(i): n for i, n in enumerate(names)}).encode())]
    entries += [(str(i), media[n]) for i, n in enumerate(names)]
    return _zip(entries, previous, old_collection)


def collection_of(apkg: bytes) -> bytes | None:
    """The collection database inside the bytes of an .apkg, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(apkg)) as zf:
            return zf.read("collection.anki2")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zlib.error):
        return None


def read_notes(apkg: Path, guids: list[str]) -> dict[str, tuple[str, dict[str, str], list[str]]]:
    """Notes of a deck deckforge built earlier: guid -> (note type key, fields, tags)."""
    if not apkg.is_file() or not guids:
        return {}
    by_id = {nt.id: nt for nt in NOTE_TYPES.values()}
    with tempfile.TemporaryDirectory(prefix="deckforge-") as tmp:
        try:
            with zipfile.ZipFile(apkg) as zf:
                zf.extract("collection.anki2", tmp)
        except (zipfile.BadZipFile, KeyError):
            return {}
        conn = sqlite3.connect(os.path.join(tmp, "collection.anki2"))
        try:
            rows = conn.execute("SELECT guid, mid, flds, tags FROM notes").fetchall()
        finally:
            conn.close()
    wanted = set(guids)
    found: dict[str, tuple[str, dict[str, str], list[str]]] = {}
    for guid, mid, flds, tags in rows:
        nt = by_id.get(int(mid))
        if guid in wanted and nt is not None:
            found[guid] = (nt.key, dict(zip(nt.fields, flds.split("\x1f"), strict=False)), tags.split())
    return found
