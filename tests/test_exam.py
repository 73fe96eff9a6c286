"""Exam decks: blueprint data, coverage, shared cards held once, cards shown first (real Anki)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest
from anki.collection import Collection

from deckforge.load import load_project
from deckforge.render import render_fields
from helpers import ROOT, collection, env_with_epoch, import_apkg, make_deck, run, write

EXAM = """
id: {id}
name: Certs::{id}
start: [{id}-status]
exam:
  code: EX-{id}
  name: Example exam
  vendor: Example
  status: {{state: bookable, since: 2026-01-01, source: s#a, as_of: 2026-12-01}}
  guide: {{version: "2", date: 2026-01-01, source: s#a}}
  sections:
    - id: "1"
      name: Data
      weight: 30
      objectives:
        - {{id: "1.1", text: Ingest data}}
        - {{id: "1.2", text: Transform data}}
    - id: "2"
      name: Models
      weight: [35, 45]
      objectives:
        - {{id: "2.1", text: Train models}}
"""

QUESTION = """
  - id: {id}
    type: choice
    question: Question {id}?
    choices: [one, two, three, four]
    answer: 0
    objectives: [{objs}]
"""


def _cards(deck_id: str) -> str:
    """Three sub-decks that sort before "Status" and a status card pinned to be first."""
    cards = ["subdeck: A first\ncards:"]
    cards += [QUESTION.format(id=f"q{i}", objs=objs) for i, objs in
              enumerate(['"1.1"', '"1.1"', '"1.1", "2.1"', '"2.1"'])]
    cards += [f"""
  - id: n{i}
    front: Fact {i}?
    back: Fact {i}.
    objectives: ["1.1"]
""" for i in range(2)]
    return "\n".join(cards) + f"""
  - id: {deck_id}-status
    front: Can EX-{deck_id} be booked today?
    back: Yes.
"""


SHARED = """
deck: Certs::Shared
tags: [shared]
cards:
  - id: rule-a
    front: Shared rule A?
    back: A.
  - id: rule-b
    front: Shared rule B?
    back: B.
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for deck_id in ("alpha", "beta"):
        folder = make_deck(tmp_path, deck_id, {"cards.yaml": _cards(deck_id), "shared.yaml": """
            subdeck: Zed
            include:
              - from: ../_shared/rules.yaml
            """})
        write(folder / "deck.yaml", EXAM.format(id=deck_id))
    write(tmp_path / "decks" / "_shared" / "rules.yaml", SHARED)
    result = run(tmp_path, "build", env=env_with_epoch(1_800_000_000))
    assert result.exit_code == 0, result.output
    return tmp_path


def test_coverage_json_counts_notes_and_questions_per_section_and_objective(project: Path) -> None:
    result = run(project, "coverage", "alpha", "--format", "json")
    assert result.exit_code == 0, result.output
    deck = json.loads(result.output)["decks"]["alpha"]
    assert deck["exam"] == "EX-alpha" and deck["questions"] == 4 and deck["notes"] == 6
    data, models = deck["sections"]
    assert (data["id"], data["weight"], data["notes"], data["questions"], data["share"]) == \
        ("1", 30, 5, 3, 75.0)
    assert (models["weight"], models["notes"], models["questions"], models["share"]) == \
        ([35, 45], 2, 2, 50.0)
    assert [(o["id"], o["notes"], o["questions"]) for o in data["objectives"]] == \
        [("1.1", 5, 3), ("1.2", 0, 0)]
    assert models["objectives"] == [{"id": "2.1", "text": "Train models", "notes": 2,
                                     "questions": 2}]


def test_coverage_text_lists_gaps_first_and_flags_sections_off_weight(project: Path) -> None:
    out = run(project, "coverage", "beta").output
    lines = out.splitlines()
    assert lines[0] == ("beta: exam EX-beta, guide 2 (2026-01-01): 4 questions, "
                        "6 notes linked to objectives")
    assert lines[1].startswith("  question mix of all 4 questions: 4 single response,")
    assert lines[3].startswith("  gaps (no question, or fewer than 3 notes):")
    gaps = lines[4:lines.index(next(x for x in lines if x.lstrip().startswith("section")))]
    assert [g.split()[0] for g in gaps] == ["1.2", "2.1"]
    # 75 % of the questions against a weight of 30 %: more than 40 % away. 50 % vs 35-45 %: not.
    assert next(x for x in lines if x.startswith("  1 Data")).endswith("  <- off weight")
    assert "off weight" not in next(x for x in lines if x.startswith("  2 Models"))


def test_coverage_of_a_deck_without_exam_says_so(tmp_path: Path) -> None:
    make_deck(tmp_path, "plain", {"cards.yaml": "cards:\n  - {id: a, front: F, back: B}\n"})
    result = run(tmp_path, "coverage")
    assert (result.exit_code, result.output) == (0, "plain: no exam in deck.yaml (nothing to cover)\n")
    assert json.loads(run(tmp_path, "coverage", "--format", "json").output) == {"decks": {}}


def test_objectives_become_tags_learners_can_filter_by(project: Path) -> None:
    with collection(project / "col") as col:
        import_apkg(col, project / "dist" / "alpha.apkg")
        assert len(col.find_notes("tag:objective::1.1")) == 5
        assert len(col.find_notes("tag:objective::2.1")) == 2


def _first_new_card(col: Collection, deck_name: str) -> str:
    """The front of the first card Anki's v3 scheduler offers in ``deck_name`` (default options)."""
    assert col.v3_scheduler()
    col.decks.select(col.decks.id_for_name(deck_name))
    queued = col.sched.get_queued_cards(fetch_limit=1)
    return col.get_card(queued.cards[0].card.id).note().fields[0]


def test_the_pinned_status_card_is_the_first_new_card(project: Path) -> None:
    with collection(project / "col") as col:
        import_apkg(col, project / "dist" / "alpha.apkg")
        assert _first_new_card(col, "Certs::alpha") == "Can EX-alpha be booked today?"
        status = col.find_cards('"deck:Certs::alpha" -"deck:Certs::alpha::*"')
        assert len(status) == 1  # it sits in the deck itself, before "A first"


def _schedule(col: Collection) -> list[tuple[int, ...]]:
    return [tuple(r) for r in col.db.all(
        "select id, nid, did, ord, queue, due, ivl, reps from cards order by id")]


@pytest.mark.parametrize("order", list(itertools.permutations(["alpha", "beta"])))
def test_every_deck_set_holds_each_shared_card_once_and_keeps_its_history(
        project: Path, order: tuple[str, ...]) -> None:
    with collection(project / f"col-{'-'.join(order)}") as col:
        first, second = (project / "dist" / f"{d}.apkg" for d in order)
        assert import_apkg(col, first).as_tuple() == (9, 0, 0, 0)
        # The second deck brings its own 7 cards; the 2 shared ones are already there.
        assert import_apkg(col, second).as_tuple() == (7, 0, 2, 0)
        assert col.note_count() == 16
        shared = col.find_cards("tag:shared")
        assert len(shared) == 2
        assert {col.decks.name(col.get_card(c).did) for c in shared} == {"Certs::Shared"}
        col.decks.select(col.decks.id_for_name("Certs::Shared"))
        for _ in range(2):
            col.sched.answerCard(col.sched.getCard(), 3)
        before, log = _schedule(col), col.db.all("select * from revlog order by id")
        assert len(log) == 2
        for deck_id in (*order, *order):  # re-import every deck, each twice
            assert import_apkg(col, project / "dist" / f"{deck_id}.apkg").as_tuple() == (0, 0, 9, 0)
        assert _schedule(col) == before
        assert col.db.all("select * from revlog order by id") == log


def test_a_shared_card_edited_updates_once_for_every_deck(project: Path) -> None:
    with collection(project / "col") as col:
        for deck_id in ("alpha", "beta"):
            import_apkg(col, project / "dist" / f"{deck_id}.apkg")
        rules = project / "decks" / "_shared" / "rules.yaml"
        rules.write_text(rules.read_text().replace("back: A.", "back: A, edited."))
        assert run(project, "build", env=env_with_epoch(1_800_086_400)).exit_code == 0
        manifest = json.loads((project / "dist" / "manifest.json").read_text())
        mods = {manifest["decks"][d]["notes"]["rule-a"]["mod"] for d in ("alpha", "beta")}
        assert mods == {1_800_086_400}  # one time for the one note, in every deck
        assert import_apkg(col, project / "dist" / "alpha.apkg").as_tuple() == (0, 1, 8, 0)
        assert import_apkg(col, project / "dist" / "beta.apkg").as_tuple() == (0, 0, 9, 0)
        assert col.note_count() == 16
        assert "A, edited." in col.get_note(col.find_notes('"Front:Shared rule A?"')[0])["Back"]


def test_a_shared_card_dropped_by_one_deck_is_not_shipped_as_removed(project: Path) -> None:
    (project / "decks" / "beta" / "shared.yaml").write_text(
        "include:\n  - from: ../_shared/rules.yaml\n    cards: [rule-b]\n")
    result = run(project, "build", env=env_with_epoch(1_800_086_400))
    assert result.exit_code == 0, result.output
    with collection(project / "col") as col:
        assert import_apkg(col, project / "dist" / "beta.apkg").as_tuple() == (8, 0, 0, 0)
        assert not col.find_notes("tag:deckforge::removed")


def test_preview_shows_weight_against_share_and_the_gaps(project: Path) -> None:
    assert run(project, "preview", "--out", str(project / "site")).exit_code == 0
    page = (project / "site" / "alpha" / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<section class="pv-coverage">'):]
    assert "Exam EX-alpha · guide 2 (2026-01-01) · 4 questions · 2 objectives with no question" in section
    assert ('<p class="pv-mix">question mix of all 4 questions: 4 single response, 0 multiple '
            "response (0%), 0 order, 0 match</p>") in section
    assert '<tr class="pv-off"><td>1 Data</td><td>30%' in section
    assert "<td>75%" in section and "<td>50%" in section
    gap_rows = re.findall(r'<tr class="pv-gap"><td>([^<]*)</td>', section)
    assert gap_rows == ["1.2", "2.1"]  # gaps first, then the rest
    assert section.index("pv-gap") < section.index("<td>1.1</td>")


def test_lint_strict_fails_on_an_objective_no_card_links_and_on_thin_ones(project: Path) -> None:
    result = run(project, "lint", "--strict")
    assert result.exit_code == 1
    deck_yaml = project / "decks" / "alpha" / "deck.yaml"
    lines = [x for x in result.output.splitlines() if x.startswith(str(deck_yaml))]
    assert f"{deck_yaml}:16:16: warning[uncovered-objective]: no card links objective 1.2 " \
           "(Transform data)" in lines
    # 2.1 has two questions but only 2 notes: thin. 1.1 (3 questions, 5 notes) is fine.
    assert f"{deck_yaml}:21:16: warning[thin-objective]: objective 2.1 has 2 question(s) and " \
           "2 note(s) (at least 1 and 3 wanted)" in lines
    assert len(lines) == 2


def test_an_objective_linked_by_enough_cards_is_no_finding(project: Path) -> None:
    cards = project / "decks" / "alpha" / "cards.yaml"
    cards.write_text(cards.read_text().replace('objectives: ["1.1"]', 'objectives: ["1.1", "1.2", "2.1"]')
                     .replace('objectives: ["2.1"]', 'objectives: ["2.1", "1.2"]'))
    result = run(project, "lint", "--strict", str(project / "decks" / "alpha"))
    assert "uncovered-objective" not in result.output and "thin-objective" not in result.output


def test_each_shipped_exam_deck_shows_its_status_card_first(tmp_path: Path) -> None:
    project = load_project(ROOT / "decks")
    exam_decks = [d for d in project.decks if d.exam is not None]
    assert len(exam_decks) == 4
    for deck in exam_decks:
        with collection(tmp_path / deck.id) as col:
            import_apkg(col, ROOT / "dist" / f"{deck.id}.apkg")
            status = next(c for c in deck.cards if c.id == deck.start[0])
            assert _first_new_card(col, deck.name) == render_fields(status)["Front"], deck.id
            # The status card names the exam by its code, and says whether it can be booked.
            assert deck.exam.code.split()[0] in status.field("back") + status.field("front"), deck.id
