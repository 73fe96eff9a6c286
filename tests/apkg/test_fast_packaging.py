"""Packaging the fast way: a deck zipped in pieces imports into Anki; note types as genanki works them out."""


from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

import deckforge.apkg.archive as apkg_archive
import deckforge.apkg.collection as apkg_collection
from deckforge.notetypes import NOTE_TYPES
from fastpaths import EPOCH, bench_project, generate
from helpers import collection, import_apkg, run


def test_a_deck_zipped_in_pieces_imports_into_anki(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # 6,000 cards make a collection of several 4 MiB pieces, compressed in threads and joined.
    from deckforge.apkg.archive import _PIECE, _deflate

    generate(tmp_path, 6000, 12)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    apkg = tmp_path / "dist" / "bench.apkg"
    with zipfile.ZipFile(apkg) as zf:
        assert zf.testzip() is None
        data = zf.read("collection.anki2")
    assert len(data) > _PIECE  # two pieces at least
    threaded, pieces, crc, size = _deflate(data)
    assert (crc, size) == (zlib.crc32(data), len(data))
    # The bytes depend on the pieces, not on how many threads compressed them, nor on
    # whether they are read from a file.
    assert _deflate(tmp_path / "copy.anki2" if (tmp_path / "copy.anki2").write_bytes(data)
                    else data) == (threaded, pieces, crc, size)
    monkeypatch.setattr(apkg_archive.os, "cpu_count", lambda: 1)
    assert _deflate(data) == (threaded, pieces, crc, size)
    assert zlib.decompress(threaded, -15) == data
    assert len(pieces) == -(-len(data) // _PIECE) and sum(pieces) == len(threaded)
    with collection(tmp_path / "anki") as col:
        counts = import_apkg(col, apkg)
        assert (counts.new, counts.updated, counts.conflicting) == (6000, 0, 0)
        assert col.note_count() == 6000


def test_a_machine_that_cannot_start_workers_builds_in_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing.context

    def no_pool(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "no /dev/shm")  # as in containers without shared memory

    monkeypatch.setattr(multiprocessing.context.ForkContext, "Pool", no_pool)
    bench_project(tmp_path)
    result = run(tmp_path, "build", env={**EPOCH, "DECKFORGE_JOBS": "2"})
    assert result.exit_code == 0 and "120 notes" in result.output


def test_notes_sort_and_have_cards_as_genanki_works_it_out() -> None:
    for nt in NOTE_TYPES.values():
        model = apkg_collection.genanki_model(nt)
        assert model.sort_field_index == apkg_collection.SORT_FIELD
        if not nt.is_cloze:
            assert model._req == [[o, t.requires[0], list(t.requires[1])]
                                  for o, t in enumerate(nt.templates)]
