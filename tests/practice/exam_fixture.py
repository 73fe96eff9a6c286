"""A small exam deck with every item type and known answers, for the practice tests."""

from __future__ import annotations

from pathlib import Path

from helpers import make_deck, write

EXAM = """\
exam:
  code: MOCK-1
  name: Mock Exam
  vendor: Example Vendor
  status: {state: bookable, source: exam-facts#aws-mla, as_of: 2026-12-03}
  guide: {version: "1", date: 2026-01-01, source: exam-facts#aws-mla}
  format:
    questions: 5
    minutes: 10
    item_types: [single, multiple, order, match, case]
    pass_mark: {scaled: 720, scale: [100, 1000]}
    source: exam-facts#aws-mla
    as_of: 2026-12-03
  sections:
    - id: "1"
      name: Alpha
      weight: 60
      objectives: [{id: "1.1", text: First}, {id: "1.2", text: Second}]
    - id: "2"
      name: Beta
      weight: [30, 50]
      objectives: [{id: "2.1", text: Third}]
"""

ALPHA = """\
objectives: ["1.1"]
cards:
  - id: a-single-1
    type: choice
    question: Alpha single one?
    choices: [right one, wrong one, wrong two]
    answer: 0
    explanation: Because one.
  - id: a-single-2
    type: choice
    question: Alpha single two?
    choices: [wrong one, right two, wrong two]
    answer: 1
    explanation: Because two.
  - id: a-multi
    type: choice
    objectives: ["1.2"]
    question: Alpha multiple? Choose two.
    choices:
      - {text: right A, why: A is right because of a.}
      - {text: wrong B, why: B falls short because of b.}
      - {text: right C, why: C is right because of c.}
      - {text: wrong D, why: D falls short because of d.}
    answer: [0, 2]
    explanation: A and C.
  - id: a-order
    type: order
    objectives: ["1.2"]
    question: Put the steps in order.
    steps: [first step, second step, third step, fourth step]
    explanation: One, two, three, four.
  - id: a-match
    type: match
    question: Match each service with its use.
    pairs:
      - {left: left one, right: right one}
      - {left: left two, right: right two}
      - {left: left three, right: right three}
    explanation: Pairs as written.
  - id: a-single-3
    type: choice
    question: Alpha single three?
    choices: [wrong one, wrong two, right three]
    answer: 2
    explanation: Because three.
"""

BETA = """\
objectives: ["2.1"]
cases:
  acme:
    title: Acme Retail
    text: |
      Acme sells garden tools online and wants **fewer returns**.
cards:
  - id: b-single-1
    type: choice
    question: Beta single one?
    choices: [right one, wrong one]
    answer: 0
    explanation: Beta because one.
  - id: b-single-2
    type: choice
    question: Beta single two?
    choices: [wrong one, right two]
    answer: 1
    explanation: Beta because two.
  - id: b-case
    type: choice
    case: acme
    question: What should Acme do first?
    choices: [measure returns, guess]
    answer: 0
    explanation: Measure first.
  - id: b-case-order
    type: order
    case: acme
    question: Order Acme's plan.
    steps: [collect data, train model, deploy model]
    explanation: Data, model, deployment.
  - id: b-fact
    front: A fact card, never asked.
    back: Not a question.
"""

# The key of each question, as the page's controls take it (see answer_right in the tests).
KEYS = {
    "a-single-1": [0], "a-single-2": [1], "a-single-3": [2], "a-multi": [0, 2],
    "a-order": [1, 2, 3, 4], "a-match": [0, 1, 2],
    "b-single-1": [0], "b-single-2": [1], "b-case": [0], "b-case-order": [1, 2, 3],
}
SECTIONS = {qid: ("1" if qid.startswith("a-") else "2") for qid in KEYS}


CHOICE_ONLY = """\
objectives: ["1.1"]
cards:
  - id: only-1
    type: choice
    question: Only one?
    choices: [right, wrong]
    answer: 0
    explanation: Because.
  - id: only-2
    type: choice
    objectives: ["2.1"]
    question: Only two?
    choices: [wrong, right]
    answer: 1
"""


def make_exam_deck(root: Path, deck_id: str = "mock", choice_only: bool = False) -> Path:
    """The fixture deck under ``root/decks/<deck_id>`` (``choice_only``: two choice questions,
    which ``deckforge build`` can package)."""
    files = {"only.yaml": CHOICE_ONLY} if choice_only else {"alpha.yaml": ALPHA, "beta.yaml": BETA}
    folder = make_deck(root, deck_id, files, name="Test::Mock Exam")
    meta = folder / "deck.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + EXAM, encoding="utf-8")
    write(root / "decks" / "sources.yaml", """\
        sources:
          exam-facts:
            title: Fact sheet
            url: https://example.org/
            sections: {aws-mla: AWS MLA}
        """)
    return folder
