"""Builds through the store (parsed files, packaged decks) give the bytes and errors of builds without it."""


from __future__ import annotations

import shutil
from pathlib import Path

import deckforge.load.parse
from deckforge.apkg.collection import collection_bytes
from deckforge.load import load_project
from deckforge.load.yamlrs import fast_parse
from deckforge.notes import compile_project
from deckforge.notes.manifest import Manifest
from deckforge.store import CACHE_DIR_NAME
from fastpaths import EPOCH, SLOW, bench_project, build_errors, dist_bytes, edit_one_card
from helpers import make_deck, run, write
from oracles.genanki_writer import collection_genanki


def test_cache_miss_hit_and_slow_path_build_the_same_bytes(tmp_path: Path) -> None:
    roots = [tmp_path / n for n in ("slow", "fast")]
    for root in roots:
        bench_project(root)
    assert run(roots[0], "build", env=SLOW).exit_code == 0
    assert not (roots[0] / CACHE_DIR_NAME).exists()
    assert run(roots[1], "build", env=EPOCH).exit_code == 0  # fills the cache
    assert (roots[1] / CACHE_DIR_NAME).is_dir()
    assert dist_bytes(roots[1]) == dist_bytes(roots[0])
    shutil.rmtree(roots[1] / "dist")
    deckforge.load.parse._MEMORY.clear()
    assert run(roots[1], "build", env=EPOCH).exit_code == 0  # every file from the cache
    assert dist_bytes(roots[1]) == dist_bytes(roots[0])
    for root in roots:
        edit_one_card(root / "decks")
        assert run(root, "build", env={**(SLOW if root is roots[0] else EPOCH),
                                       "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    assert dist_bytes(roots[1]) == dist_bytes(roots[0])


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    bench_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    before = dist_bytes(tmp_path)
    entries = [p for p in (tmp_path / CACHE_DIR_NAME).rglob("*") if p.is_file()]
    assert entries
    for i, entry in enumerate(entries):
        blob = entry.read_bytes()
        # Truncated, bit-flipped, empty: each must fail its checksum, not crash or mislead.
        entry.write_bytes([blob[: len(blob) // 2], blob[:-1] + bytes([blob[-1] ^ 1]), b""][i % 3])
    shutil.rmtree(tmp_path / "dist")
    deckforge.load.parse._MEMORY.clear()
    result = run(tmp_path, "build", env=EPOCH)
    assert result.exit_code == 0, result.output
    assert dist_bytes(tmp_path) == before


def test_errors_found_after_the_fast_path_are_worded_and_placed_identically(tmp_path: Path) -> None:
    # Valid YAML and schema (the fast path reads them), wrong in ways only deckforge checks.
    make_deck(tmp_path, "deck", {
        "a.yaml": """\
            cards:
              - id: same
                front: Q
                back: A
              - id: hole
                type: cloze
                text: no deletion here
              - id: pick
                type: choice
                question: Which?
                choices: [x, y]
                answer: 5
            """,
        "b.yaml": """\
            tags: [t]
            cards:
              - id: same
                front: Again
                back: B
              - id: blank
                front: "   "
                back: B
            """})
    assert fast_parse((tmp_path / "decks/deck/a.yaml").read_bytes()) is not None
    slow = build_errors(tmp_path, SLOW)
    assert slow[0] == 1 and "duplicate card id" in slow[1] and "out of range" in slow[1]
    assert build_errors(tmp_path, EPOCH) == slow  # fast path, fills the cache
    assert build_errors(tmp_path, EPOCH) == slow  # from the cache


def test_schema_errors_are_worded_identically_with_a_warm_cache(tmp_path: Path) -> None:
    make_deck(tmp_path, "deck", {"a.yaml": "cards:\n  - id: ok\n    front: Q\n    back: A\n"})
    assert run(tmp_path, "validate", env=EPOCH).exit_code == 0
    write(tmp_path / "decks/deck/a.yaml", "cards:\n  - id: ok\n    front: Q\n    bakc: A\n")
    slow = build_errors(tmp_path, SLOW)
    assert slow[0] == 1 and "unknown field `bakc`" in slow[1]
    assert build_errors(tmp_path, EPOCH) == slow


def test_bulk_inserted_notes_give_the_bytes_genanki_writes(tmp_path: Path) -> None:
    bench_project(tmp_path)
    (tmp_path / "decks/bench/sub.yaml").write_text(
        "subdeck: Part two\ntags: [x]\ncards:\n  - id: extra-one\n    front: Q\n    back: A\n"
        "  - id: extra-two\n    type: cloze\n    text: '{{c1::a {{c2::b}}}} c'\n", encoding="utf-8")
    decks, _, _ = compile_project(load_project(tmp_path / "decks"), Manifest(), 1_767_225_600,
                                  lambda deck_id, guids: {})
    assert decks and any(n.note_type.is_cloze for n in decks[0].notes)
    for deck in decks:
        # Rows from tuples, in bulk (apkg/collection.py) against genanki's own Note objects.
        assert collection_bytes(deck) == collection_genanki(deck)


def test_an_unchanged_deck_reuses_its_apkg_only_when_dist_holds_what_was_built(tmp_path: Path) -> None:
    bench_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    built = dist_bytes(tmp_path)
    assert list((tmp_path / CACHE_DIR_NAME / "apkg").rglob("*"))
    assert run(tmp_path, "build", "--check", env=EPOCH).exit_code == 0
    # A dist/ file that is not what was built is never taken for it.
    blob = bytearray(built["bench.apkg"])
    blob[len(blob) // 2] ^= 1
    (tmp_path / "dist" / "bench.apkg").write_bytes(bytes(blob))
    check = run(tmp_path, "build", "--check", env=EPOCH)
    assert check.exit_code == 1 and "bench.apkg: out of date" in check.output
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    assert dist_bytes(tmp_path) == built
