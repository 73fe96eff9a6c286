"""A learner across releases: re-import into the real Anki engine keeps history and updates in place."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection

from deckforge import notetypes
from deckforge.notes.source import REMOVED_TAG
from helpers import collection, dist_files, env_with_epoch, import_apkg, make_deck, run

T1, T2 = 1_800_000_000, 1_800_086_400

CARDS = """
subdeck: Core
cards:
  - id: q1
    front: Question one?
    back: Answer one.
  - id: q2
    front: Question two?
    back: Answer two.
  - id: q3
    type: cloze
    text: "{{c1::Three}} and {{c2::four}}."
  - id: q4
    type: choice
    question: Pick B.
    choices: [A, B, C]
    answer: 1
"""


def build(root: Path, epoch: int) -> None:
    result = run(root, "build", env=env_with_epoch(epoch))
    assert result.exit_code == 0, result.output


def edit(root: Path, old: str, new: str) -> None:
    path = root / "decks" / "demo" / "cards.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def study(col: Collection, n: int) -> None:
    col.decks.select(col.decks.id_for_name("Test::demo::Core"))
    for _ in range(n):
        col.sched.answerCard(col.sched.getCard(), 3)


def schedule(col: Collection) -> list[tuple[int, ...]]:
    return [tuple(r) for r in col.db.all(
        "select id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses from cards order by id")]


def revlog(col: Collection) -> list[tuple[int, ...]]:
    return [tuple(r) for r in col.db.all("select * from revlog order by id")]


@pytest.fixture
def learner(tmp_path: Path) -> Iterator[tuple[Path, Collection]]:
    """Release 1 built, imported and partly studied."""
    make_deck(tmp_path, "demo", {"cards.yaml": CARDS})
    build(tmp_path, T1)
    with collection(tmp_path / "col") as col:
        assert import_apkg(col, tmp_path / "dist" / "demo.apkg").as_tuple() == (4, 0, 0, 0)
        study(col, 3)
        assert len(revlog(col)) == 3
        yield tmp_path, col


def reimport(root: Path, col: Collection, **kw: bool) -> tuple[int, int, int, int]:
    build(root, T2)
    return import_apkg(col, root / "dist" / "demo.apkg", **kw).as_tuple()


def test_rebuild_without_changes_is_byte_identical_and_imports_nothing(
        learner: tuple[Path, Collection]) -> None:
    root, col = learner
    before = dist_files(root / "dist")
    sched, log = schedule(col), revlog(col)
    assert reimport(root, col) == (0, 0, 4, 0)
    assert dist_files(root / "dist") == before
    assert schedule(col) == sched and revlog(col) == log


def test_edit_one_card_updates_it_in_place(learner: tuple[Path, Collection]) -> None:
    root, col = learner
    sched, log = schedule(col), revlog(col)
    edit(root, "Answer two.", "Answer two, corrected.")
    assert reimport(root, col) == (0, 1, 3, 0)
    assert schedule(col) == sched and revlog(col) == log
    assert len(col.find_notes('"Back:Answer two, corrected."')) == 1
    assert col.note_count() == 4


def test_add_one_card(learner: tuple[Path, Collection]) -> None:
    root, col = learner
    sched, log = schedule(col), revlog(col)
    edit(root, "    answer: 1\n", "    answer: 1\n  - id: q5\n    front: New?\n    back: Yes.\n")
    assert reimport(root, col) == (1, 0, 4, 0)
    assert schedule(col)[: len(sched)] == sched and revlog(col) == log
    assert col.note_count() == 5


def test_remove_one_card_ships_it_tagged(learner: tuple[Path, Collection]) -> None:
    root, col = learner
    sched, log = schedule(col), revlog(col)
    edit(root, "  - id: q1\n    front: Question one?\n    back: Answer one.\n", "")
    result = run(root, "diff", env=env_with_epoch(T2))
    assert "**Removed cards (tagged deckforge::removed):** `q1`" in result.output
    assert reimport(root, col) == (0, 1, 3, 0)
    assert schedule(col) == sched and revlog(col) == log
    removed = col.find_notes(f"tag:{REMOVED_TAG}")
    assert len(removed) == 1 and col.get_note(removed[0])["Front"] == "Question one?"
    # A later release keeps the removed note as it was: nothing to import again.
    build(root, T2 + 100)
    assert import_apkg(col, root / "dist" / "demo.apkg").as_tuple() == (0, 0, 4, 0)


def test_template_change_updates_the_note_type_in_place(
        learner: tuple[Path, Collection], monkeypatch: pytest.MonkeyPatch) -> None:
    root, col = learner
    sched, log = schedule(col), revlog(col)
    read = notetypes._template
    monkeypatch.setattr(notetypes, "_template",
                        lambda name: read(name) + ("\n/* v2 */" if name == "style.css" else ""))
    assert reimport(root, col) == (0, 0, 4, 0)
    assert schedule(col) == sched and revlog(col) == log
    nts = [col.models.get(m.id) for m in col.models.all_names_and_ids()]
    ours = [m for m in nts if m and m["name"].startswith("deckforge")]
    assert ours and all("/* v2 */" in m["css"] for m in ours)
    assert not any(m and m["name"].endswith("+") for m in nts)


def _with_new_field(version: int) -> notetypes.NoteType:
    basic = notetypes.NOTE_TYPES["basic"]
    return dataclasses.replace(basic, version=version, fields=(*basic.fields, "Hint"))


def test_field_change_without_new_version_is_refused(
        learner: tuple[Path, Collection], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = learner
    monkeypatch.setitem(notetypes.NOTE_TYPES, "basic", _with_new_field(version=1))
    before = dist_files(root / "dist")
    result = run(root, "build", env=env_with_epoch(T2))
    assert result.exit_code == 1
    assert "the fields of note type `deckforge Basic` changed" in result.stderr
    assert "bump its version to 2" in result.stderr
    assert dist_files(root / "dist") == before


def test_field_change_with_new_version_updates_notes_when_merging(
        learner: tuple[Path, Collection], monkeypatch: pytest.MonkeyPatch) -> None:
    root, col = learner
    sched, log = schedule(col), revlog(col)
    monkeypatch.setitem(notetypes.NOTE_TYPES, "basic", _with_new_field(version=2))
    notes = run(root, "diff", env=env_with_epoch(T2)).output
    assert "tick **Merge note types**" in notes
    # Anki's import with 'Merge note types' (what the release notes ask for): both basic
    # notes move to the new version and gain the field; scheduling and history stay.
    assert reimport(root, col, merge_notetypes=True) == (0, 2, 2, 0)
    assert schedule(col) == sched and revlog(col) == log
    for nid in col.find_notes('"note:deckforge Basic"'):
        assert "Hint" in col.get_note(nid)


def test_field_change_with_new_version_default_import_reports_conflicts(
        learner: tuple[Path, Collection], monkeypatch: pytest.MonkeyPatch) -> None:
    root, col = learner
    sched, log = schedule(col), revlog(col)
    monkeypatch.setitem(notetypes.NOTE_TYPES, "basic", _with_new_field(version=2))
    # Without 'Merge note types' Anki refuses to change a note's type: it reports the two basic
    # notes as conflicting (not silently) and leaves them, their cards and history untouched.
    assert reimport(root, col) == (0, 0, 2, 2)
    assert schedule(col) == sched and revlog(col) == log


def test_shuffling_choice_template_updates_in_place_and_keeps_history(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Release 1 has the choice note type as it was before options were shuffled (no script, the
    answer line without its span); release 2 has today's; in release 3 `q4` opts out."""
    read = notetypes._template
    choice = notetypes.NOTE_TYPES["choice"]
    monkeypatch.setitem(notetypes.NOTE_TYPES, "choice", dataclasses.replace(
        choice, templates=tuple(dataclasses.replace(t, scripts=()) for t in choice.templates)))
    monkeypatch.setattr(notetypes, "_template", lambda name: read(name).replace(
        '<span class="answer-letters">{{Answer}}</span>', "{{Answer}}"))
    make_deck(tmp_path, "demo", {"cards.yaml": CARDS})
    build(tmp_path, T1)
    with collection(tmp_path / "col") as col:
        assert import_apkg(col, tmp_path / "dist" / "demo.apkg").as_tuple() == (4, 0, 0, 0)
        model_id = col.models.id_for_name("deckforge Multiple choice")
        (cid,) = col.find_cards('"note:deckforge Multiple choice"')
        assert "<script>" not in col.get_card(cid).question() + col.get_card(cid).answer()
        study(col, 5)  # every card, the choice card too
        sched, log = schedule(col), revlog(col)
        assert len(log) == 5

        monkeypatch.undo()
        assert reimport(tmp_path, col) == (0, 0, 4, 0)  # no note changed: only the note type
        assert schedule(col) == sched and revlog(col) == log
        # The learner's note type (same id, no copy) now renders the script on both sides.
        card = col.get_card(cid)
        assert card.note().mid == model_id
        assert not any(m.name.endswith("+") for m in col.models.all_names_and_ids())
        script = choice.templates[0].script_html
        assert script.startswith("<script>")
        assert card.question().endswith(script) and card.answer().endswith(script)
        assert 'Answer: <span class="answer-letters">B</span>' in card.answer()

        edit(tmp_path, "    answer: 1\n", "    answer: 1\n    shuffle: false\n")
        build(tmp_path, T2 + 86_400)
        assert import_apkg(col, tmp_path / "dist" / "demo.apkg").as_tuple() == (0, 1, 3, 0)
        assert schedule(col) == sched and revlog(col) == log
        assert '<ol class="choices" data-shuffle="false">' in col.get_card(cid).answer()
