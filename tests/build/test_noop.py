"""A no-op build loads nothing; any changed input, or a changed dist/, takes a full build; the note cache."""


from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import deckforge.build.run as build_module
from deckforge.store import CACHE_DIR_NAME
from fastpaths import EPOCH, bench_project, dist_bytes, edit_one_card
from helpers import make_deck, png_bytes, run, write

# The note cache, the no-op stamp and the manifest writer
# (build/run.py, build/stamp.py, notes/cache.py, notes/manifest.py).

def _counting_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count how often a build loads the decks (a no-op build loads nothing)."""

    calls: list[int] = []
    real = build_module.load_notes

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(build_module, "load_notes", counted)
    return calls


def _media_project(root: Path) -> None:
    bench_project(root)
    write(root / "decks/bench/pics.yaml",
          "cards:\n  - id: with-image\n    front: 'See ![dot](img/dot.png)'\n    back: A dot.\n")
    (root / "decks/bench/img").mkdir()
    (root / "decks/bench/img/dot.png").write_bytes(png_bytes())


def test_a_noop_build_loads_nothing_and_reports_like_a_full_one(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _media_project(tmp_path)
    first = run(tmp_path, "build", env=EPOCH)
    assert first.exit_code == 0 and "wrote 2 file(s)" in first.output
    built = dist_bytes(tmp_path)
    full = run(tmp_path, "build", env={**EPOCH, "DECKFORGE_CACHE": "0"})  # loads and compares
    calls = _counting_loads(monkeypatch)
    noop = run(tmp_path, "build", env={"SOURCE_DATE_EPOCH": "1767300000"})
    assert calls == [] and noop.exit_code == 0
    assert noop.output == full.output and noop.output.endswith("dist/ already up to date\n")
    assert dist_bytes(tmp_path) == built


@pytest.mark.parametrize("change", ["yaml", "new-file", "image", "sources", "template", "manifest",
                                    "apkg", "removed-apkg"])
def test_any_changed_input_defeats_the_noop_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 change: str) -> None:
    import deckforge.notetypes as notetypes

    _media_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    built = dist_bytes(tmp_path)
    decks, dist = tmp_path / "decks", tmp_path / "dist"
    if change == "yaml":
        edit_one_card(decks)
    elif change == "new-file":
        (decks / "bench/notes.txt").write_text("not a card file\n")
    elif change == "image":
        (decks / "bench/img/dot.png").write_bytes(png_bytes(rgb=(1, 2, 3)))
    elif change == "sources":
        with open(decks / "sources.yaml", "a") as f:
            f.write("      more: More\n")
    elif change == "template":
        read = notetypes._template
        monkeypatch.setattr(notetypes, "_template",
                            lambda name: read(name) + ("\n/* v2 */" if name == "style.css" else ""))
    elif change == "manifest":
        (dist / "manifest.json").write_bytes(built["manifest.json"] + b"\n")
    elif change == "apkg":
        blob = bytearray(built["bench.apkg"])
        blob[len(blob) // 2] ^= 1
        (dist / "bench.apkg").write_bytes(bytes(blob))
    else:
        (dist / "bench.apkg").unlink()
    calls = _counting_loads(monkeypatch)
    result = run(tmp_path, "build", env={**EPOCH, "SOURCE_DATE_EPOCH": "1767225700"})
    assert result.exit_code == 0, result.output
    assert calls == [1]
    if change in ("manifest", "apkg", "removed-apkg"):
        assert dist_bytes(tmp_path) == built  # dist/ is made what the sources build again
    elif change in ("yaml", "image", "template"):
        assert dist_bytes(tmp_path)["bench.apkg"] != built["bench.apkg"]


def test_a_stamp_for_other_dist_bytes_is_not_trusted(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    bench_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    built = dist_bytes(tmp_path)
    edit_one_card(tmp_path / "decks")
    assert run(tmp_path, "build", env={**EPOCH, "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    # Put the first build's files back: the stamp of the second build must not cover them.
    for name, data in built.items():
        (tmp_path / "dist" / name).write_bytes(data)
    calls = _counting_loads(monkeypatch)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    assert calls == [1] and dist_bytes(tmp_path) != built


def test_cached_notes_build_what_uncached_ones_build(tmp_path: Path) -> None:
    roots = [tmp_path / n for n in ("plain", "cached")]
    for root in roots:
        _media_project(root)
    env = {**EPOCH, "DECKFORGE_CACHE": "0"}
    assert run(roots[0], "build", env=env).exit_code == 0
    assert run(roots[1], "build", env=EPOCH).exit_code == 0  # miss: fills the note cache
    notes = list((roots[1] / CACHE_DIR_NAME / "notes").rglob("*"))
    assert len([p for p in notes if p.is_file()]) == 3  # card files without images only
    assert dist_bytes(roots[1]) == dist_bytes(roots[0])
    for root in roots:
        shutil.rmtree(root / "dist")
        edit_one_card(root / "decks")
    assert run(roots[0], "build", env={**env, "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    # Hits for the unchanged files, a miss for the edited one.
    assert run(roots[1], "build", env={**EPOCH, "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    assert dist_bytes(roots[1]) == dist_bytes(roots[0])


def test_errors_with_a_warm_note_cache_are_the_uncached_ones(tmp_path: Path) -> None:
    make_deck(tmp_path, "deck", {"a.yaml": "cards:\n  - id: same\n    front: Q\n    back: A\n",
                                 "b.yaml": "cards:\n  - id: other\n    front: Q\n    back: A\n"})
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0  # both files cached
    write(tmp_path / "decks/deck/b.yaml", "cards:\n  - id: same\n    front: Q2\n    back: A\n")
    warm = run(tmp_path, "build", env=EPOCH)
    cold = run(tmp_path, "build", env={**EPOCH, "DECKFORGE_CACHE": "0"})
    assert warm.exit_code == cold.exit_code == 1
    assert "duplicate card id `same`" in warm.output and warm.output == cold.output
