"""The lint rules for exam questions: bold constraints, absolute words in distractors,
self-disqualifying glosses, ordering steps of unequal length."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from deckforge.lint.exam import bold_phrase, disqualifier, glosses, step_margin
from helpers import make_deck, run, write

EXAM_DECK = """\
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
NEW_RULES = ("bold-constraint", "absolute-distractors", "self-disqualifying-gloss", "longest-step")


def deck(root: Path, cards: str, exam: bool = True, deck_id: str = "d") -> Path:
    """A deck (an exam deck unless ``exam`` is false) with ``cards`` in cards.yaml."""
    folder = make_deck(root, deck_id, {"cards.yaml": "cards:\n" + textwrap.indent(
        textwrap.dedent(cards), "  ")})
    if exam:
        write(folder / "deck.yaml", EXAM_DECK.format(id=deck_id))
    return folder / "cards.yaml"


def findings(root: Path, *args: str) -> list[dict[str, object]]:
    """The findings of the new rules, from `lint --format json`."""
    result = run(root, "lint", "--today", "2026-12-06", "--format", "json", *args)
    return [f for f in json.loads(result.output) if f["rule"] in NEW_RULES]


def choice(card_id: str, question: str, options: list[str], answer: object = 0,
           extra: str = "") -> str:
    return (f"- id: {card_id}\n  type: choice\n  question: {json.dumps(question)}\n"
            f"  choices: {json.dumps(options)}\n  answer: {json.dumps(answer)}\n"
            f"  source: book#ch1\n{extra}")


PLAIN = ["Use a managed service", "Write a custom job", "Run a batch export", "Add a cache"]


# --- bold-constraint ------------------------------------------------------------------------------


def test_bold_phrase_finds_both_markdown_bolds_and_leaves_code_alone() -> None:
    assert bold_phrase("Inference data **must stay in the EU**. Which?") == "must stay in the EU"
    assert bold_phrase("It needs __answers within seconds__ at peak.") == "answers within seconds"
    assert bold_phrase("The module `__init__` and `**kwargs` of a call ```x = __y__```") is None
    assert bold_phrase("snake_case __dunder names__ are bold only at word edges: a__b__c") == \
        "dunder names"
    assert bold_phrase("A *stressed* word and _another_ one") is None
    assert bold_phrase("Fill the blank: ______ or ****, then __ x __.") is None


def test_bold_constraint_in_an_exam_deck_stem_of_choice_order_and_match(tmp_path: Path) -> None:
    path = deck(tmp_path, choice("q1", "Data **must stay in the EU**. Which deployment?", PLAIN) + """
        - id: q2
          type: order
          question: "Put the steps in order, **before** the release:"
          steps: [Register the model, Test the model, Deploy the model]
          source: book#ch1
        - id: q3
          type: match
          question: Match each service to its __role__.
          pairs: [{left: A, right: one}, {left: B, right: two}, {left: C, right: three}]
          source: book#ch1
        """.replace("\n        ", "\n"))
    found = findings(tmp_path)
    assert [(f["path"], f["line"], f["rule"], f["message"]) for f in found] == [
        (str(path), 4, "bold-constraint", 'the stem bolds "must stay in the EU"'),
        (str(path), 11, "bold-constraint", 'the stem bolds "before"'),
        (str(path), 16, "bold-constraint", 'the stem bolds "role"'),
    ]
    assert run(tmp_path, "lint", "--today", "2026-12-06", "--strict").exit_code == 1


def test_bold_is_no_finding_outside_exam_decks_or_when_silenced(tmp_path: Path) -> None:
    deck(tmp_path, choice("q1", "Data **must stay in the EU**. Which?", PLAIN), exam=False)
    deck(tmp_path, choice("q2", "Data **must stay in the US**. Which?", PLAIN,
                          extra="  lint_ignore: [bold-constraint]\n"), deck_id="e")
    assert findings(tmp_path) == []


# --- self-disqualifying-gloss ---------------------------------------------------------------------


def test_glosses_are_parentheses_and_closing_dash_or_comma_clauses() -> None:
    assert glosses("Global Batch, with results within about 24 hours") == \
        ["with results within about 24 hours"]
    assert glosses("Global Batch (results in 24 hours) for cost") == ["results in 24 hours"]
    assert glosses("Global Batch — results in 24 hours") == ["results in 24 hours"]
    assert glosses("Enable it, and add a second endpoint") == []
    assert glosses("Use a serverless endpoint") == []


def test_disqualifier_needs_the_stem_at_one_end_and_the_gloss_at_the_other() -> None:
    stem = "A support bot needs answers in seconds. Which deployment type fits?"
    found = disqualifier(stem, "Global Batch, with results within about 24 hours")
    assert found is not None
    assert (found.gloss, found.constraint, found.said) == \
        ("with results within about 24 hours", 'fast ("seconds")', 'slow ("24 hours")')
    # The same end as the stem, no gloss, or a gloss on another matter: honest.
    assert disqualifier(stem, "Standard, with answers in about a second") is None
    assert disqualifier(stem, "Global Batch") is None
    assert disqualifier(stem, "Global Batch, billed per token") is None
    # A stem that states both ends states no constraint; a gloss that states both compares.
    assert disqualifier("Answers in seconds by day, a report in 24 hours at night.",
                        "Batch, within 24 hours") is None
    assert disqualifier(stem, "Batch (24 hours, not seconds)") is None
    # Words that mean other things too are no constraint: a rate, a fact about testing.
    assert disqualifier("A model serves 8,000 requests a second. Which rollout fits?",
                        "Blue-green, with the switch made in 24 hours") is None
    assert disqualifier("A version passed offline tests; approval needs chargeback evidence.",
                        "Canary, routing a small share of live traffic to it") is None
    # Each constraint: place, billing, code, operations, traffic.
    assert disqualifier("Data must be processed only inside the EU.",
                        "Global Standard, processed in any Azure region") is not None
    assert disqualifier("Traffic is spiky and it wants to pay per token.",
                        "Provisioned, with reserved throughput units") is not None
    assert disqualifier("The analysts write no code. Which tool?",
                        "Notebooks (custom training scripts)") is not None
    assert disqualifier("With the least operational overhead, which option?",
                        "GKE — a self-managed cluster") is not None
    assert disqualifier("The team wants evidence from real traffic.",
                        "Shadow deployment, never serving customers") is not None


def test_self_disqualifying_gloss_points_at_the_wrong_option_only(tmp_path: Path) -> None:
    stem = "A chat app must answer within seconds. Which deployment type fits?"
    path = deck(tmp_path, choice("q1", stem, [
        "Standard, with answers as tokens arrive",
        "Global Batch, with results within about 24 hours",
        "Provisioned, with reserved capacity",
        "Developer, for testing only"]) +
        # A key at the "wrong" end is the heuristic's mistake, never a finding.
        choice("q2", stem + " Pick the odd one.", [
            "Batch, results in 24 hours", "Standard", "Provisioned", "Developer"]))
    found = findings(tmp_path)
    line = path.read_text().splitlines()[4]
    assert [(f["line"], f["col"], f["rule"]) for f in found] == \
        [(5, line.index('"Global Batch') + 1, "self-disqualifying-gloss")]
    assert found[0]["path"] == str(path)
    assert found[0]["message"] == ("option 1's gloss \"with results within about 24 hours\" says "
                                   "slow (\"24 hours\") where the stem asks for fast (\"seconds\")")


def test_self_disqualifying_gloss_silenced_by_lint_ignore(tmp_path: Path) -> None:
    deck(tmp_path, choice("q1", "It must answer within seconds. Which fits?",
                          ["Standard", "Batch, in 24 hours", "Provisioned", "Developer"],
                          extra="  lint_ignore: [self-disqualifying-gloss]\n"))
    assert findings(tmp_path) == []


# --- absolute-distractors -------------------------------------------------------------------------


def _questions(n_absolute: int, keys_absolute: int, total: int = 10) -> str:
    """``total`` questions; the first ``n_absolute`` have one distractor with "never", the first
    ``keys_absolute`` a key with "only"."""
    cards = []
    for i in range(total):
        key = f"Key {i} works for this case" + (" only" if i < keys_absolute else "")
        wrong = f"Option {i} never fits here" if i < n_absolute else f"Option {i} fits elsewhere"
        cards.append(choice(f"q{i}", f"Question number {i} about topic t{i}?",
                            [key, wrong, f"Third {i} idea", f"Fourth {i} idea"]))
    return "".join(cards)


def test_absolute_distractors_reported_once_at_deck_yaml(tmp_path: Path) -> None:
    folder = deck(tmp_path, _questions(6, 0)).parent
    found = findings(tmp_path)
    assert [(f["path"], f["line"], f["col"], f["rule"]) for f in found] == \
        [(str(folder / "deck.yaml"), 1, 1, "absolute-distractors")]
    assert found[0]["message"] == (
        "in deck `d`, 6 of 30 distractors (20.0%) carry an absolute word (always, cannot, must, "
        "never, only) against 0 of 10 keys (0.0%): no key does (the line is 2×)")


def test_absolute_distractors_judged_against_keys_and_needs_five(tmp_path: Path) -> None:
    # 6 of 30 distractors (20 %) against 2 of 10 keys (20 %): 1×, no finding.
    deck(tmp_path, _questions(6, 2), deck_id="even")
    # 6 of 30 (20 %) against 1 of 10 (10 %): 2×, at the line, no finding.
    deck(tmp_path, _questions(6, 1), deck_id="twice")
    # 4 distractors only: too few to judge.
    deck(tmp_path, _questions(4, 0), deck_id="few")
    # 9 of 30 (30 %) against 1 of 10 (10 %): 3×.
    deck(tmp_path, _questions(9, 1), deck_id="far")
    found = findings(tmp_path)
    assert [str(f["path"]).split("/")[-2] for f in found] == ["far"]
    assert "(30.0%)" in str(found[0]["message"]) and "3.0× as often" in str(found[0]["message"])


def test_absolute_distractors_threshold_setting_and_silencing(tmp_path: Path) -> None:
    deck(tmp_path, _questions(9, 1))
    write(tmp_path / "decks" / "lint.yaml", "absolute_ratio_percent: 300\n")
    assert findings(tmp_path) == []  # 3× is not more than 3×
    write(tmp_path / "decks" / "lint.yaml", "absolute_ratio_percent: 250\n")
    assert len(findings(tmp_path)) == 1
    # A card that ignores the rule is left out of the count: 6 hits left, 1 key of 9: still over.
    cards = tmp_path / "decks" / "d" / "cards.yaml"
    text = cards.read_text()
    cards.write_text(text.replace("  source: book#ch1\n", "  source: book#ch1\n"
                                  "  lint_ignore: [absolute-distractors]\n", 4))
    assert findings(tmp_path) == []  # 5 of 18 distractors against 1 of 6 keys: 1.7×
    write(tmp_path / "decks" / "lint.yaml", "disable: [absolute-distractors]\n")
    cards.write_text(text)
    assert findings(tmp_path) == []


def test_absolute_words_are_whole_words_and_not_in_code() -> None:
    from deckforge.lint.exam import count_absolutes

    count = count_absolutes([
        (["Only this", "Always that", "A mustang", "`never_retry=True`"], [0]),
        (["It cannot", "It can not", "Commonly", "Must do"], [2]),
    ])
    assert (count.keys, count.keys_absolute, count.distractors, count.distractors_absolute) == \
        (2, 1, 6, 4)


# --- longest-step ---------------------------------------------------------------------------------


def test_step_margin() -> None:
    assert step_margin(["Load", "Train", "Deploy"]) == (2, 6 / 4.5)
    assert step_margin(["Load", "Train", "Ship"]) == (1, 5 / 4)
    assert step_margin(["Load", "Ship"]) is None  # no single longest step
    assert step_margin(["**Load**", "Load it", "Ship it"]) is None  # marks are not length


def test_longest_step_in_any_deck_with_the_longest_option_threshold(tmp_path: Path) -> None:
    path = deck(tmp_path, """\
        - id: o1
          type: order
          question: Put the release steps in order.
          steps:
            - Register the model
            - Evaluate the model against the holdout set and the current champion on every metric
            - Deploy the model
          source: book#ch1
        - id: o2
          type: order
          question: Put the data steps in order.
          steps: [Ingest the raw files, Validate the schema, Write the features]
          source: book#ch1
        """, exam=False)
    found = findings(tmp_path)
    assert [(f["line"], f["col"], f["rule"]) for f in found] == [(7, 9, "longest-step")]
    assert found[0]["path"] == str(path)
    # 84 characters against a mean of 17: 4.9×.
    assert found[0]["message"] == "step 1 is 4.9× as long as the others on average (more than 1.5×)"
    write(tmp_path / "decks" / "lint.yaml", "longest_option_percent: 600\n")
    assert findings(tmp_path) == []


def test_order_and_match_items_are_duplicates_by_stem_and_content(tmp_path: Path) -> None:
    deck(tmp_path, """\
        - id: o1
          type: order
          question: Put the steps in order.
          steps: [Ingest the raw files, Validate the schema, Write the features]
          source: book#ch1
        - id: o2
          type: order
          question: Put the steps in order.
          steps: [Register the model, Test the model, Deploy the model]
          source: book#ch1
        - id: o3
          type: order
          question: Put the steps in order.
          steps: [Ingest the raw files, Validate the schema, Write the features]
          source: book#ch1
        - id: m1
          type: match
          question: Match them.
          pairs: [{left: A, right: one}, {left: B, right: two}, {left: C, right: three}]
          source: book#ch1
        - id: m2
          type: match
          question: Match them.
          pairs: [{left: D, right: four}, {left: E, right: five}, {left: F, right: six}]
          source: book#ch1
        """, exam=False)
    result = run(tmp_path, "lint", "--today", "2026-12-06", "--format", "json")
    found = [(f["line"], f["rule"]) for f in json.loads(result.output)]
    assert found == [(14, "duplicate-question")]
