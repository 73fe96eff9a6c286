"""A deck whose notes only changed in place is packaged by updating the .apkg in dist/ (apkg/reuse.py,
apkg_collection.updated_collection_at): the bytes are always those of a fresh, cache-free build."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import deckforge.apkg.archive as apkg_archive
import deckforge.apkg.collection as apkg_collection
import deckforge.load.parse
from deckforge.store import CACHE_DIR_NAME
from helpers import ROOT, dist_files, run

sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_deck import generate  # noqa: E402

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
LATER = {"SOURCE_DATE_EPOCH": "1767225700"}
FRESH = {**LATER, "DECKFORGE_CACHE": "0"}


@pytest.fixture(autouse=True)
def _no_memory() -> None:
    deckforge.load.parse._MEMORY.clear()


def dist_bytes(root: Path) -> dict[str, bytes]:
    return dist_files(root / "dist")


def _built(tmp_path: Path) -> Path:
    root = tmp_path / "cached"
    generate(root, 60, 3)
    assert run(root, "build", env=EPOCH).exit_code == 0
    return root


def _edit(root: Path, name: str, old: str, new: str, count: int = 1) -> None:
    path = root / "decks" / "bench" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _same_as_fresh(tmp_path: Path, root: Path, change: Callable[[Path], None],
                   monkeypatch: pytest.MonkeyPatch) -> int:
    """Apply ``change`` to ``root`` and to a cache-free copy of it, build both; assert that
    dist/ holds the same bytes; return how often the cached build packaged a deck afresh."""
    fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(root / "decks", fresh / "decks")
    shutil.copytree(root / "dist", fresh / "dist")
    change(root)
    change(fresh)
    calls: list[int] = []
    real = apkg_collection.write_collection

    def counted(deck: Any, path: Path, *args: Any) -> None:
        calls.append(1)
        real(deck, path, *args)

    monkeypatch.setattr(apkg_collection, "write_collection", counted)
    result = run(root, "build", env=LATER)
    assert result.exit_code == 0, result.output
    monkeypatch.undo()
    assert run(fresh, "build", env=FRESH).exit_code == 0
    assert dist_bytes(root) == dist_bytes(fresh)
    assert run(root, "build", "--check", env=LATER).exit_code == 0
    return len(calls)


def test_an_edited_field_updates_the_package_in_place(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = _built(tmp_path)
    assert _same_as_fresh(tmp_path, root, lambda r: _edit(r, "cards-0001.yaml", "    back: ",
                                                          "    back: Edited "), monkeypatch) == 0
    # Again, from the package that was itself updated in place.
    assert _same_as_fresh(tmp_path, root, lambda r: _edit(r, "cards-0002.yaml", "    front: ",
                                                          "    front: Twice "), monkeypatch) == 0


def test_edited_tags_and_many_fields_update_in_place(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = _built(tmp_path)

    def change(r: Path) -> None:
        _edit(r, "cards-0000.yaml", "tags: [t", "tags: [renamed, t")
        _edit(r, "cards-0002.yaml", "    extra: ", "    extra: More ", 2)

    assert _same_as_fresh(tmp_path, root, change, monkeypatch) == 0


def test_a_note_type_change_rewrites_the_collection_row(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = _built(tmp_path)

    def change(r: Path) -> None:
        # As if the templates had changed since the last release: the note type gets a new time.
        manifest = r / "dist" / "manifest.json"
        data = json.loads(manifest.read_text(encoding="utf-8"))
        data["note_types"]["basic"]["hash"] = "0" * 64
        manifest.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                            encoding="utf-8")
        _edit(r, "cards-0001.yaml", "    back: ", "    back: Edited ")

    assert _same_as_fresh(tmp_path, root, change, monkeypatch) == 0


@pytest.mark.parametrize("change", [
    pytest.param(lambda r: _edit(r, "cards-0001.yaml", "  - id: card-000020\n",
                                 "  - id: card-000020\n    front: New?\n    back: New.\n"
                                 "  - id: card-new\n"), id="added card"),
    pytest.param(lambda r: _edit(r, "cards-0001.yaml", "  - id: card-000025\n", "  - id: card-moved\n"),
                 id="renamed card"),
    pytest.param(lambda r: _edit(r, "cards-0000.yaml", "{{c2::", "{{c3::x}} {{c2::"),
                 id="new cloze deletion"),
    pytest.param(lambda r: _edit(r, "cards-0001.yaml", "subdeck: Part 1", "subdeck: Part 7"),
                 id="moved to another sub-deck"),
])
def test_a_changed_layout_is_packaged_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            change: Callable[[Path], None]) -> None:
    root = _built(tmp_path)
    assert _same_as_fresh(tmp_path, root, change, monkeypatch) == 1


def test_a_removed_card_ships_as_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _built(tmp_path)

    def change(r: Path) -> None:
        path = r / "decks" / "bench" / "cards-0001.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"  - id: card-000021\n(    .*\n)+", "", text), encoding="utf-8")

    assert _same_as_fresh(tmp_path, root, change, monkeypatch) == 1
    # The next edit updates the package holding the removed note in place.
    assert _same_as_fresh(tmp_path, root, lambda r: _edit(r, "cards-0002.yaml", "    back: ",
                                                          "    back: Later "), monkeypatch) == 0


def test_a_damaged_row_index_or_package_is_packaged_afresh(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    root = _built(tmp_path)
    for entry in (root / CACHE_DIR_NAME / "rows").rglob("*"):
        if entry.is_file():
            blob = entry.read_bytes()
            entry.write_bytes(blob[:-1] + bytes([blob[-1] ^ 1]))
    assert _same_as_fresh(tmp_path, root, lambda r: _edit(r, "cards-0001.yaml", "    back: ",
                                                          "    back: Edited "), monkeypatch) == 1

    def damage(r: Path) -> None:
        # A collection in dist/ that is not what the cache says it is: its rows are checked.
        _edit(r, "cards-0002.yaml", "    back: ", "    back: Again ")
        apkg = r / "dist" / "bench.apkg"
        db = apkg_archive.collection_of(apkg.read_bytes())
        assert db is not None
        apkg.write_bytes(apkg_archive._zip([("collection.anki2", _shift_card_ords(db, r / "work.anki2")),
                                       ("media", b"{}")]).apkg)

    # The damaged package's own hash has no row index: packaged afresh, dist/ rewritten.
    assert _same_as_fresh(tmp_path, root, damage, monkeypatch) == 1


def test_a_collection_that_disagrees_with_its_index_is_not_updated(tmp_path: Path) -> None:
    root = _built(tmp_path)
    db = apkg_archive.collection_of((root / "dist" / "bench.apkg").read_bytes())
    assert db is not None
    compiled = _compiled(root)
    layout, first = apkg_collection.layout_of(compiled), [(0, compiled.notes[0])]
    assert apkg_collection.updated_collection_at(tmp_path / "a.anki2", layout, db, first)
    assert not apkg_collection.updated_collection_at(
        tmp_path / "b.anki2", layout, _shift_card_ords(db, tmp_path / "work.anki2"), first)
    assert not apkg_collection.updated_collection_at(tmp_path / "c.anki2", layout,
                                             b"not a database" * 10, first)
    assert not (tmp_path / "b.anki2").exists() and not (tmp_path / "c.anki2").exists()


def _shift_card_ords(db: bytes, work: Path) -> bytes:
    """``db`` with every card's template ordinal moved: rows no longer what their index says."""
    work.write_bytes(db)
    conn = sqlite3.connect(work)
    conn.execute("UPDATE cards SET ord = ord + 5")
    conn.commit()
    conn.close()
    damaged = work.read_bytes()
    work.unlink()
    return damaged


def _compiled(root: Path) -> Any:
    from deckforge.build.run import plan_build

    result = plan_build(root / "decks", root / "dist", 1767225600, reuse=False)
    return result.decks[0]
