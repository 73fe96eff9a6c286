"""`deckforge coverage`: each exam deck's question mix (item types, code, stem length, cases)."""

from __future__ import annotations

import json
from pathlib import Path

from deckforge.coverage import as_html, deck_coverage, stem_words
from deckforge.load import load_project
from helpers import ROOT, make_deck, run, write

EXAM = """\
id: {id}
name: Certs::{id}
exam:
  code: EX-1
  name: Example exam
  vendor: Example
  status: {{state: bookable, source: book#ch1, as_of: 2026-12-01}}
  guide: {{version: "1", date: 2026-01-01, source: book#ch1}}
  sections:
    - id: "1"
      name: Data
      weight: 100
      objectives:
        - {{id: "1.1", text: Ingest data}}
"""

CARDS = """\
cases:
  acme:
    title: Acme <b>Retail</b>
    text: |
      Acme sells garden tools online.

      | store | rows |
      |-------|------|
      | web   | 10M  |
  zen:
    title: Zen Bank
    text: Zen Bank lends money.
cards:
  - id: single
    type: choice
    question: One two three four five six?
    choices: [a, b, c, d]
    answer: 0
    objectives: ["1.1"]
  - id: multiple
    type: choice
    case: acme
    question: "Which two? ```not a fence``` one two"
    choices: [a, b, c, d]
    answer: [0, 2]
  - id: code-in-why
    type: choice
    case: acme
    question: |
      What does this print?

      ```python
      print(len([1, 2, 3]))
      ```
    choices:
      - text: "3"
        why: |
          ```
          len() counts items
          ```
      - "2"
      - "1"
    answer: 0
  - id: steps
    type: order
    case: zen
    question: Put these steps of the scikit-learn release in order, please.
    steps: [Load, Train, Deploy]
  - id: code-in-step
    type: order
    question: Order the shell steps.
    steps:
      - |
        ~~~shell
        pip install x
        ~~~
      - Run it
      - Check it
  - id: pairs
    type: match
    question: Match them.
    pairs: [{left: A, right: one}, {left: B, right: two}, {left: C, right: three}]
    explanation: |
      ```sql
      SELECT 1
      ```
  - id: fact
    front: Not a question?
    back: A fact card.
"""


def project(root: Path) -> Path:
    folder = make_deck(root, "ex", {"cards.yaml": CARDS})
    write(folder / "deck.yaml", EXAM.format(id="ex"))
    make_deck(root, "plain", {"cards.yaml": "cards:\n  - {id: p, front: F, back: B}\n"})
    return root


def test_stem_words_count_words_as_read_and_leave_fenced_code_out() -> None:
    assert stem_words("A 300-million-row table, scored by ML.PREDICT (scikit-learn).") == 7
    assert stem_words("What prints?\n\n```python\nprint(len([1, 2, 3]))\n```\nExplain it.") == 4
    assert stem_words("**Bold** and `code` count as words") == 6


def test_coverage_json_carries_the_question_mix(tmp_path: Path) -> None:
    result = run(project(tmp_path), "coverage", "--format", "json")
    assert result.exit_code == 0, result.output
    decks = json.loads(result.output)["decks"]
    assert list(decks) == ["ex"]
    assert decks["ex"]["mix"] == {
        "questions": 6, "single": 2, "multiple": 1, "order": 2, "match": 1,
        "multiple_share": 16.7, "code": 3, "code_share": 50.0,
        # Stems of 6, 7 (inline backticks are no fence), 4 (the fenced code left out), 10, 4
        # and 2 words: the median is (4 + 6) / 2.
        "median_stem_words": 5.0,
        "cases": [{"id": "acme", "title": "Acme <b>Retail</b>", "questions": 2},
                  {"id": "zen", "title": "Zen Bank", "questions": 1}]}
    # Order and match items are questions for the sections too (only `single` links one here).
    assert decks["ex"]["questions"] == 1


def test_coverage_text_shows_the_mix_under_each_deck(tmp_path: Path) -> None:
    lines = run(project(tmp_path), "coverage", "ex").output.splitlines()
    assert lines[1:3] == [
        "  question mix of all 6 questions: 2 single response, 1 multiple response (16.7%), "
        "2 order, 1 match",
        "  with code: 3 (50%); median stem: 5 words; case studies: Acme <b>Retail</b> (acme): 2, "
        "Zen Bank (zen): 1"]


def test_coverage_html_shows_the_mix_as_text(tmp_path: Path) -> None:
    deck = next(d for d in load_project(project(tmp_path) / "decks").decks if d.id == "ex")
    found = deck_coverage(deck)
    assert found is not None
    page = as_html(found)
    assert ('<p class="pv-mix">question mix of all 6 questions: 2 single response, 1 multiple '
            "response (16.7%), 2 order, 1 match</p>") in page
    assert "Acme &lt;b&gt;Retail&lt;/b&gt; (acme): 2" in page and "<b>" not in page


def test_shipped_exam_decks_report_their_mix() -> None:
    # The figures the exam review measured: every shipped question is single response today.
    found = [deck_coverage(d) for d in load_project(ROOT / "decks").decks]
    mixes = {c.deck_id: c.mix for c in found if c is not None}
    assert len(mixes) == 4
    for mix in mixes.values():
        assert mix.questions == mix.single + mix.multiple + mix.order + mix.match >= 80
        assert 10 < mix.median_stem_words < 150
