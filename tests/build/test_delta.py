"""A rebuild after edits inside card files compiles only those files (build/delta.py): dist/ always
holds the bytes a full, cache-free build writes, and anything else takes the full build."""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import deckforge.build.delta
import deckforge.build.stamp
import deckforge.load.parse
import deckforge.store
from deckforge.store import CACHE_DIR_NAME
from helpers import ROOT, dist_files, run

sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_deck import generate  # noqa: E402

from helpers import ROOT

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}


@pytest.fixture(autouse=True)
def _no_memory() -> None:
    deckforge.load.parse._MEMORY.clear()


def dist_bytes(root: Path) -> dict[str, bytes]:
    return dist_files(root / "dist")


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _watch_delta(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A list that records, for each build, whether it took the delta path."""
    took: list[bool] = []
    real = deckforge.build.delta.plan_delta

    def watched(*args: Any) -> Any:
        result = real(*args)
        took.append(result is not None)
        return result

    monkeypatch.setattr(deckforge.build.delta, "plan_delta", watched)
    return took


class Rebuild:
    """A built project, and a cache-free twin that every change is also made to."""

    def __init__(self, tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp_path, self.root, self.monkeypatch = tmp_path, root, monkeypatch
        self.epoch = 1767225700

    def __call__(self, change: Callable[[Path], None]) -> tuple[bool, str]:
        """Make ``change`` in both, build both; assert dist/ is the same (and the output);
        return whether the rebuild took the delta path and what it printed."""
        fresh = self.tmp_path / f"fresh-{len(list(self.tmp_path.iterdir()))}"
        shutil.copytree(self.root / "decks", fresh / "decks")
        shutil.copytree(self.root / "dist", fresh / "dist")
        change(self.root)
        change(fresh)
        took = _watch_delta(self.monkeypatch)
        self.epoch += 100
        env = {"SOURCE_DATE_EPOCH": str(self.epoch)}
        result = run(self.root, "build", env=env)
        self.monkeypatch.undo()
        expected = run(fresh, "build", env={**env, "DECKFORGE_CACHE": "0"})
        assert (result.exit_code, result.output.replace(str(self.root), "R")) \
            == (expected.exit_code, expected.output.replace(str(fresh), "R"))
        assert dist_bytes(self.root) == dist_bytes(fresh)
        if result.exit_code == 0:
            assert run(self.root, "build", "--check", env=env).exit_code == 0
            # And the next build has nothing to do.
            assert run(self.root, "build", env=env).output.endswith("dist/ already up to date\n")
        return any(took), result.output


def _built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cards: int, files: int) -> Rebuild:
    root = tmp_path / "bench"
    generate(root, cards, files)
    assert run(root, "build", env=EPOCH).exit_code == 0
    return Rebuild(tmp_path, root, monkeypatch)


@pytest.fixture
def bench(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Rebuild:
    return _built(tmp_path, monkeypatch, 60, 3)


def _cards(n: int) -> Callable[[Path], Path]:
    return lambda r: r / "decks" / "bench" / f"cards-{n:04d}.yaml"


def test_an_edited_card_is_rebuilt_alone(bench: Rebuild) -> None:
    delta, output = bench(lambda r: _edit(_cards(1)(r), "    back: ", "    back: Edited "))
    assert delta and "wrote 2 file(s); 1 change(s)" in output
    # Again on top of that rebuild, in two files at once, fields and tags.
    delta, output = bench(lambda r: (_edit(_cards(0)(r), "    front: ", "    front: Twice "),
                                     _edit(_cards(2)(r), "tags: [t", "tags: [renamed, t")))
    assert delta and "2 change(s)" in output


def test_many_edited_cards_rewrite_the_whole_manifest(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # More records than the manifest is patched for (manifest._PATCH_MAX is 32).
    rebuild = _built(tmp_path, monkeypatch, 200, 4)

    def change(r: Path) -> None:
        _edit(_cards(1)(r), "    back: ", "    back: Many ", -1)
        _edit(_cards(1)(r), "    extra: ", "    extra: Many ", -1)

    delta, output = rebuild(change)
    assert delta
    edited = int(re.findall(r"; (\d+) change", output)[0])
    assert 32 < edited <= 50


def test_an_edit_that_changes_nothing_shipped_writes_nothing(bench: Rebuild) -> None:
    delta, output = bench(lambda r: _edit(_cards(1)(r), "cards:\n", "# A comment.\ncards:\n"))
    assert delta and output.endswith("dist/ already up to date\n")


@pytest.mark.parametrize("change", [
    pytest.param(lambda r: _edit(_cards(1)(r), "  - id: card-000020\n",
                                 "  - id: card-new\n    front: New?\n    back: New.\n"
                                 "    source: bench#intro\n  - id: card-000020\n"), id="added card"),
    pytest.param(lambda r: _edit(_cards(1)(r), "  - id: card-000025\n", "  - id: card-moved\n"),
                 id="renamed card"),
    pytest.param(lambda r: _edit(_cards(0)(r), "{{c2::", "{{c3::x}} {{c2::"),
                 id="new cloze deletion"),
    pytest.param(lambda r: re.sub and _cards(1)(r).write_text(
        re.sub(r"  - id: card-000021\n(    .*\n)+", "", _cards(1)(r).read_text(encoding="utf-8")),
        encoding="utf-8"), id="removed card"),
    pytest.param(lambda r: _edit(r / "decks" / "bench" / "deck.yaml", "name: ", "name: Renamed "),
                 id="deck.yaml"),
    pytest.param(lambda r: (r / "decks" / "bench" / "cards-0003.yaml").write_text(
        "cards:\n  - id: extra-1\n    front: A?\n    back: B.\n    source: bench#intro\n",
        encoding="utf-8"), id="new file"),
    pytest.param(lambda r: _edit(_cards(1)(r), "    back: ", "    bakc: "), id="invalid card"),
    pytest.param(lambda r: _edit(_cards(1)(r), "  - id: card-000021\n", "  - id: card-000020\n"),
                 id="duplicate id"),
])
def test_other_changes_take_the_full_build(bench: Rebuild, change: Callable[[Path], None]) -> None:
    delta, _ = bench(change)
    assert not delta


def test_a_moved_subdeck_takes_the_full_build(bench: Rebuild) -> None:
    text = _cards(1)(bench.root).read_text(encoding="utf-8")
    match = re.search(r"subdeck: (.*)\n", text)
    assert match is not None
    delta, _ = bench(lambda r: _edit(_cards(1)(r), match.group(0), "subdeck: Elsewhere\n"))
    assert not delta


def test_a_damaged_or_missing_cached_collection_is_read_from_the_package(bench: Rebuild) -> None:
    kept = list((bench.root / CACHE_DIR_NAME / "collections").glob("*.anki2"))
    assert len(kept) == 1
    kept[0].write_bytes(kept[0].read_bytes()[:-10] + b"0123456789")
    delta, _ = bench(lambda r: _edit(_cards(1)(r), "    back: ", "    back: Edited "))
    assert delta
    for path in (bench.root / CACHE_DIR_NAME / "collections").glob("*.anki2"):
        path.unlink()
    delta, _ = bench(lambda r: _edit(_cards(2)(r), "    back: ", "    back: Again "))
    assert delta


def test_a_changed_dist_takes_the_full_build(bench: Rebuild) -> None:
    # dist/ no longer what the last build wrote (a checkout of another release, say).
    delta, _ = bench(lambda r: (_edit(_cards(1)(r), "    back: ", "    back: Edited "),
                                (r / "dist" / "manifest.json").write_text(
                                    (r / "dist" / "manifest.json").read_text(encoding="utf-8")
                                    .replace('"mod": 1767225600', '"mod": 1767225601', 1),
                                    encoding="utf-8")))
    assert not delta


def test_edits_in_several_decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The shipped decks: five decks, a shared library included, one manifest for all.
    root = tmp_path / "shipped"
    shutil.copytree(ROOT / "decks", root / "decks")
    shutil.copytree(ROOT / "dist", root / "dist")
    assert run(root, "build", env=EPOCH).exit_code == 0
    rebuild = Rebuild(tmp_path, root, monkeypatch)
    google, aws = root / "decks" / "google-pmle", root / "decks" / "aws-ml-engineer-associate"

    def change(r: Path) -> None:
        for deck, name in (("google-pmle", "logistics.yaml"), ("aws-ml-engineer-associate", "d1-data.yaml")):
            path = r / "decks" / deck / name
            text = path.read_text(encoding="utf-8")
            at = text.index("    back: ") + len("    back: ")
            path.write_text(text[:at] + "(Edited.) " + text[at:], encoding="utf-8")

    assert google.is_dir() and aws.is_dir()
    delta, output = rebuild(change)
    assert delta and "2 change(s)" in output
    # A library file included by every deck is not a card file of one deck: full build.
    delta, _ = rebuild(lambda r: _edit(r / "decks" / "_shared" / "courses.yaml", "    back: ",
                                       "    back: (Edited.) "))
    assert not delta


def test_an_edit_is_seen_even_when_size_and_modification_time_are_kept(bench: Rebuild) -> None:
    # Files unchanged since the last build are not hashed again (their size, times and inode
    # say so, as in git); writing a file changes its change time, which cannot be set back.
    import os

    hashed: list[str] = []
    real = deckforge.build.stamp.hashlib.sha256

    def counting(data: bytes = b"") -> Any:
        hashed.append("x")
        return real(data)

    with pytest.MonkeyPatch.context() as mp:
        # Trust every file the last build hashed, however recently it was changed.
        mp.setattr(deckforge.build.stamp, "_SETTLED_NS", -10**12)
        assert run(bench.root, "build", env=EPOCH).output.endswith("already up to date\n")
        mp.setattr(deckforge.build.stamp.hashlib, "sha256", counting)
        deckforge.build.stamp.input_files(bench.root / "decks",
                                    deckforge.build.stamp.input_files(bench.root / "decks"))
        files = sum(1 for p in (bench.root / "decks").rglob("*") if p.is_file())
        assert len(hashed) == files  # the second listing read nothing
        mp.setattr(deckforge.build.stamp.hashlib, "sha256", real)
        before = _cards(1)(bench.root).stat()

        def change(r: Path) -> None:
            target = _cards(1)(r)
            text = target.read_text(encoding="utf-8")
            at = text.index("    back: ") + len("    back: ")
            target.write_text(text[:at] + ("X" if text[at] != "X" else "Y") + text[at + 1:],
                              encoding="utf-8")
            if r == bench.root:
                os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
                assert (target.stat().st_size, target.stat().st_mtime_ns) \
                    == (before.st_size, before.st_mtime_ns)

        delta, output = bench(change)
    assert delta and "1 change(s)" in output


def test_library_versions_are_read_as_importlib_reads_them() -> None:
    import importlib.metadata

    for dist, module in deckforge.store._LIBRARIES:
        assert deckforge.store.library_version(dist, module) == importlib.metadata.version(dist)


def test_the_cache_keeps_a_few_versions_of_each_file_and_deck(bench: Rebuild) -> None:
    cache = bench.root / CACHE_DIR_NAME
    for n in range(6):
        _edit(_cards(1)(bench.root), "    back: ", f"    back: Version {n} ")
        assert run(bench.root, "build", env={"SOURCE_DATE_EPOCH": str(1767226000 + n)}).exit_code == 0
    for kind in ("notes", "rows"):
        groups = [g for g in (cache / kind).iterdir() if g.is_dir()]
        assert groups and all(len(list(g.iterdir())) <= 3 for g in groups), kind
    parsed = [g for g in cache.iterdir() if g.name.startswith("g-")]
    assert parsed and all(len(list(g.iterdir())) <= 3 for g in parsed)
    assert len(list((cache / "collections").iterdir())) == 1
    # What is kept still serves: a full build with the cache equals one without.
    assert run(bench.root, "build", "--check", env=EPOCH).exit_code == 0


def test_an_edit_after_a_removal_keeps_the_removed_note(bench: Rebuild) -> None:
    delta, _ = bench(lambda r: _cards(1)(r).write_text(
        re.sub(r"  - id: card-000021\n(    .*\n)+", "", _cards(1)(r).read_text(encoding="utf-8")),
        encoding="utf-8"))
    assert not delta
    delta, output = bench(lambda r: _edit(_cards(2)(r), "    back: ", "    back: Later "))
    assert delta and ", 1 removed" in output


def test_building_one_deck_of_several(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "shipped"
    shutil.copytree(ROOT / "decks", root / "decks")
    shutil.copytree(ROOT / "dist", root / "dist")
    assert run(root, "build", "google-pmle", env=EPOCH).exit_code == 0
    took = _watch_delta(monkeypatch)
    path = root / "decks" / "google-pmle" / "logistics.yaml"
    _edit(path, "    back: ", "    back: (Edited.) ")
    later = {"SOURCE_DATE_EPOCH": "1767225700"}
    result = run(root, "build", "google-pmle", env=later)
    assert result.exit_code == 0 and "1 change(s)" in result.output and took == [True]
    assert run(root, "build", "--check", "google-pmle", env=later).exit_code == 0
