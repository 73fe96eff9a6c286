"""The corpus of broken and hostile inputs: each case's exact CLI outcome, and dist/ untouched.

Layout (see tests/corpus/README.md): ``tests/corpus/<case>.expected`` names a case. Its input is
either ``<case>.yaml`` (a card file, dropped into a standard deck) or ``<case>/decks/`` (a whole
project). Regenerate expectations with ``DECKFORGE_REGEN_CORPUS=1 pytest tests/test_corpus.py``
and review the diff before committing it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deckforge.cli import main
from deckforge.load.project import load_project
from deckforge.render.markdown import render_fields
from helpers import TESTS

CORPUS = TESTS / "corpus"
REGEN = os.environ.get("DECKFORGE_REGEN_CORPUS") == "1"
EPOCH = "1767225600"  # 2026-01-01: notes' modification time, so stdout is stable
STANDARD_DECK = "id: corpus\nname: Corpus\ndescription: Corpus test deck.\n"
# A valid, empty manifest (a damaged one is an error of its own) and a deck no source builds.
OLD_DIST = {"manifest.json": b'{"decks": {}, "format": 1, "note_types": {}}\n',
            "old.apkg": b"old deck bytes"}

CASES = sorted(p.name.removesuffix(".expected") for p in CORPUS.glob("*.expected"))
ERROR_CASES = [c for c in CASES
               if (CORPUS / f"{c}.expected").read_text(encoding="utf-8").startswith("exit 1\n")]
CLEAN_CARDS = "cards:\n  - id: clean\n    front: A valid card\n    back: before the edit\n"


def _setup(case: str, root: Path) -> None:
    """Lay out the case's decks/ under ``root`` and an old dist/ that must survive failures."""
    folder = CORPUS / case
    single = CORPUS / f"{case}.yaml"
    if folder.is_dir():
        shutil.copytree(folder / "decks", root / "decks", symlinks=True)
    else:
        deck = root / "decks" / "corpus"
        deck.mkdir(parents=True)
        (deck / "deck.yaml").write_text(STANDARD_DECK, encoding="utf-8")
        # Copy bytes as they are: BOMs, tabs and invalid UTF-8 are the point of some cases.
        shutil.copyfile(single, deck / "cards.yaml")
    dist = root / "dist"
    dist.mkdir()
    for name, data in OLD_DIST.items():
        (dist / name).write_bytes(data)


def _invoke(*args: str) -> Result:
    runner = CliRunner()
    return runner.invoke(main, ["--decks", "decks", "--dist", "dist", *args],
                         env={"SOURCE_DATE_EPOCH": EPOCH}, catch_exceptions=False)


def _transcript(result: Result, root: Path) -> str:
    parts = [f"exit {result.exit_code}"]
    if result.stdout:
        parts.append("--- stdout\n" + result.stdout.rstrip("\n"))
    if result.stderr:
        parts.append("--- stderr\n" + result.stderr.rstrip("\n"))
    if result.exit_code == 0:
        # A built case shows exactly what reaches Anki: the HTML of every field.
        project = load_project(root / "decks")
        for deck in project.decks:
            for card in deck.cards:
                for name, value in render_fields(card).items():
                    parts.append(f"--- {deck.id}/{card.id} {name}\n{value}")
    # Some hints name the resolved file; the temporary folder differs on every run.
    return ("\n".join(parts) + "\n").replace(str(root.resolve()), "<tmp>")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_corpus_is_not_empty_and_every_case_has_an_input() -> None:
    assert len(CASES) >= 30
    for case in CASES:
        assert (CORPUS / case).is_dir() != (CORPUS / f"{case}.yaml").is_file(), case
    inputs = {p.name.removesuffix(".yaml") for p in CORPUS.glob("*.yaml")}
    inputs |= {p.name for p in CORPUS.iterdir() if p.is_dir()}
    assert inputs == set(CASES), "an input without <case>.expected is never run"


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _setup(case, tmp_path)
    monkeypatch.chdir(tmp_path)  # messages show paths relative to the working directory
    siblings = sorted(p.name for p in tmp_path.iterdir())
    result = _invoke("build")
    got = _transcript(result, tmp_path)
    expected_path = CORPUS / f"{case}.expected"
    if REGEN:
        expected_path.write_text(got, encoding="utf-8")
    assert got == expected_path.read_text(encoding="utf-8")
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert _snapshot(tmp_path / "dist") == OLD_DIST, "a failed build changed dist/"
        # (The parse cache of valid files is git-ignored and may stay: see load/parse.py.)
        left = sorted(p.name for p in tmp_path.iterdir() if p.name != ".deckforge-cache")
        assert left == siblings, "a failed build left files"
        # validate reads the same files the same way, so it reports exactly the same problems.
        check = _invoke("validate")
        assert (check.exit_code, check.stderr) == (1, result.stderr)
    else:
        built = _snapshot(tmp_path / "dist")
        assert {"manifest.json", "old.apkg"} <= set(built)
        assert built["manifest.json"] != OLD_DIST["manifest.json"]


@pytest.mark.parametrize("case", ERROR_CASES)
def test_error_case_as_an_edit_after_a_clean_build(
        case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The third way of running an error case: a clean project is built first (so the build
    after the edit finds a stamp, a cache and a dist/ it wrote), then the case's files replace
    it. The build must print exactly the errors of the cold build and leave dist/ as it was."""
    expected = (CORPUS / f"{case}.expected").read_text(encoding="utf-8")
    deck = tmp_path / "decks" / "corpus"
    deck.mkdir(parents=True)
    (deck / "deck.yaml").write_text(STANDARD_DECK, encoding="utf-8")
    (deck / "cards.yaml").write_text(CLEAN_CARDS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    clean = _invoke("build")
    assert clean.exit_code == 0, clean.output
    built = _snapshot(tmp_path / "dist")
    if (CORPUS / case).is_dir():
        shutil.rmtree(tmp_path / "decks")
        shutil.copytree(CORPUS / case / "decks", tmp_path / "decks", symlinks=True)
    else:
        # The same project, its card file edited in place.
        shutil.copyfile(CORPUS / f"{case}.yaml", deck / "cards.yaml")
    result = _invoke("build")
    assert _transcript(result, tmp_path) == expected
    assert _snapshot(tmp_path / "dist") == built, "a failed build changed dist/"
    again = _invoke("build")  # the failure left nothing (a stamp, a cache entry) that hides it
    assert (again.exit_code, again.stderr) == (1, result.stderr)


def test_file_over_the_size_limit_is_refused_before_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Too big to keep in the corpus: a 24 MiB card file, made here."""
    from deckforge.load.pyyaml import MAX_FILE_BYTES

    (tmp_path / "big.yaml").write_bytes(b"cards:\n" + b"#" * (3 * MAX_FILE_BYTES))
    deck = tmp_path / "decks" / "corpus"
    deck.mkdir(parents=True)
    (deck / "deck.yaml").write_text(STANDARD_DECK, encoding="utf-8")
    (tmp_path / "big.yaml").rename(deck / "cards.yaml")
    monkeypatch.chdir(tmp_path)
    result = _invoke("build")
    assert (result.exit_code, result.stderr) == (1, (
        "decks/corpus/cards.yaml:1:1: error: file is 25,165,831 bytes; the limit is 8,388,608\n"
        "  hint: split the cards into several files\n1 error\n"))
    assert not (tmp_path / "dist").exists()
