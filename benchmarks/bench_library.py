"""Hand-written pieces against the library that does the same job, on a built deck.

    .venv/bin/python benchmarks/bench_library.py benchmarks/out/deck-50000/dist/bench.apkg

- the zip writer (apkg/archive.py: the collection deflated in pieces, on two threads) against
  zipfile with fixed timestamps (one stream, level 1 as well), cold (no earlier pieces to reuse);
- the GUID helper (notes/source.py: ``note_guid``) against genanki's ``guid_for`` on as many
  ids as the deck has notes. (genanki hashes ``a__b``, deckforge ``deckforge\\x1fa\\x1fb``: the
  GUIDs differ, so the switch would re-key every shipped note; this measures the time only.)

Prints the fastest of ``--repeat`` runs of each, in seconds.
"""

from __future__ import annotations

import argparse
import io
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import genanki

from deckforge.apkg.archive import _ZIP_TIME, collection_of, packed_apkg
from deckforge.notes.source import note_guid


def best(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def zipfile_apkg(collection: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in (("collection.anki2", collection), ("media", b"{}")):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return buf.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("apkg", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    collection = collection_of(args.apkg.read_bytes())
    assert collection is not None
    import sqlite3
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".anki2") as f:
        f.write(collection)
        f.flush()
        notes = sqlite3.connect(f.name).execute("select count(*) from notes").fetchone()[0]
    ids = [f"card-{i:06d}" for i in range(notes)]
    rows = [
        ("zip: apkg/archive.py", best(lambda: packed_apkg({}, collection), args.repeat)),
        ("zip: zipfile, fixed times", best(lambda: zipfile_apkg(collection), args.repeat)),
        ("guid: note_guid", best(lambda: [note_guid("bench", i) for i in ids], args.repeat)),
        ("guid: genanki.guid_for", best(lambda: [genanki.guid_for("bench", i) for i in ids],
                                        args.repeat)),
    ]
    print(f"{args.apkg}: collection {len(collection):,} bytes, {notes:,} notes")
    for name, seconds in rows:
        print(f"{name:28} {seconds:.3f} s")


if __name__ == "__main__":
    main()
