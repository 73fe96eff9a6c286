"""Every route of ``deckforge build`` goes through the one gate (``load.load_project``): what
``validate`` refuses, no build ships, whether it is cold, quick (build/delta.py) or cache-free."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import deckforge.build.delta
from helpers import TESTS, dist_files, run

EXAM_DECK = (TESTS / "corpus" / "objective-unknown" / "decks" / "x" / "deck.yaml").read_text(
    encoding="utf-8")
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
LATER = {"SOURCE_DATE_EPOCH": "1767225700"}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return dist_files(folder)


def _exam_project(root: Path) -> Path:
    """A deck with an exam and twelve cards, the first linking objective 2.1."""
    deck = root / "decks" / "x"
    deck.mkdir(parents=True)
    (deck / "deck.yaml").write_text(EXAM_DECK, encoding="utf-8")
    cards = "".join(f"  - id: c{i}\n    front: Front {i}\n    back: Back {i}\n" for i in range(1, 12))
    (deck / "cards.yaml").write_text(
        'cards:\n  - id: c0\n    front: F\n    back: B\n    objectives: ["2.1"]\n' + cards,
        encoding="utf-8")
    return deck / "cards.yaml"


def test_an_edit_to_an_unknown_objective_fails_the_quick_rebuild(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 21, first bug: the quick rebuild ran the per-file checks only and shipped a note
    tagged with an objective the deck's exam does not have."""
    cards = _exam_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    built = _snapshot(tmp_path / "dist")
    # The same edit with a valid objective takes the quick rebuild: the edit below is one
    # the quick path would be offered.
    twin = tmp_path / "twin"
    cards_twin = _exam_project(twin)
    assert run(twin, "build", env=EPOCH).exit_code == 0
    cards_twin.write_text(cards_twin.read_text().replace('"2.1"', '"1.1"'), encoding="utf-8")
    took: list[bool] = []
    real = deckforge.build.delta.plan_delta

    def watched(*args: Any) -> Any:
        result = real(*args)
        took.append(result is not None)
        return result

    monkeypatch.setattr(deckforge.build.delta, "plan_delta", watched)
    assert run(twin, "build", env=LATER).exit_code == 0
    assert took == [True]

    cards.write_text(cards.read_text().replace('"2.1"', '"9.9"'), encoding="utf-8")
    result = run(tmp_path, "build", env=LATER)
    check = run(tmp_path, "validate")
    assert check.exit_code == 1 and "unknown objective `9.9` for exam EX-1" in check.stderr
    assert (result.exit_code, result.stderr) == (1, check.stderr)
    assert _snapshot(tmp_path / "dist") == built
    assert run(tmp_path, "build", "--check", env=LATER).exit_code == 1


@pytest.mark.parametrize("cache", ["1", "0"])
def test_identical_library_files_sharing_an_id_fail_every_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: str) -> None:
    """Issue 21, second bug: two library files, byte for byte the same, were one note to the
    build's shadow loader (same GUID, same hash), and two errors to ``validate``."""
    shutil.copytree(TESTS / "corpus" / "shared-id-in-two-identical-library-files" / "decks",
                    tmp_path / "decks")
    monkeypatch.setenv("DECKFORGE_CACHE", cache)
    check = run(tmp_path, "validate")
    assert check.exit_code == 1 and "card id `same` is also used in" in check.stderr
    result = run(tmp_path, "build", env=EPOCH)
    assert (result.exit_code, result.stderr) == (1, check.stderr)
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("command", [
    ["validate"], ["build"], ["build", "--check"], ["list"], ["diff"], ["coverage"], ["lint"],
    ["preview", "--out", "site"]])
def test_every_command_refuses_what_the_gate_refuses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    """One gate: every command that reads decks/ reports the same errors for a project that
    breaks a check across files (an unknown objective; identical library files sharing an id)."""
    cards = _exam_project(tmp_path)
    cards.write_text(cards.read_text().replace('"2.1"', '"9.9"'), encoding="utf-8")
    for name in ("a", "b"):
        (tmp_path / "decks" / "_shared" / f"{name}.yaml").parent.mkdir(exist_ok=True)
        (tmp_path / "decks" / "_shared" / f"{name}.yaml").write_text(
            "deck: Shared\ncards:\n  - id: same\n    front: F\n    back: B\n", encoding="utf-8")
    (tmp_path / "decks" / "x" / "inc.yaml").write_text(
        "include:\n  - from: ../_shared/a.yaml\n  - from: ../_shared/b.yaml\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    reference = run(tmp_path, "validate")
    assert reference.exit_code == 1
    assert "unknown objective `9.9` for exam EX-1" in reference.stderr
    assert "card id `same` is also used in" in reference.stderr
    result = run(tmp_path, *command, env=EPOCH)
    assert result.exit_code == 1
    for line in reference.stderr.splitlines():
        assert line in result.stderr
    assert not (tmp_path / "dist").exists() and not (tmp_path / "site").exists()
