"""`deckforge lint`: each rule, silencing, configuration, output formats and exit codes."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

from deckforge.lint import Finding, LintConfig, lint_project
from deckforge.model import Card, Deck, Project, SourceRef
from helpers import make_deck, run, write

TODAY = "2026-11-28"
SOURCES = """\
sources:
  book:
    title: A book
    sections:
      ch1: Chapter 1
      ch2: Chapter 2
"""


def lint(root: Path, *args: str) -> tuple[int, str]:
    result = run(root, "lint", "--today", TODAY, *args)
    return result.exit_code, result.output


def deck(root: Path, cards: str, sources: bool = True, name: str = "cards.yaml") -> Path:
    if sources:
        write(root / "decks" / "sources.yaml", SOURCES)
    folder = make_deck(root, "d", {name: "cards:\n" + textwrap.indent(textwrap.dedent(cards), "  ")})
    return folder / name


def test_clean_deck_exits_0_even_with_strict(tmp_path: Path) -> None:
    deck(tmp_path, """\
      - id: a
        front: What is the capital of France?
        back: Paris.
        source: book#ch1
    """)
    assert lint(tmp_path, "--strict") == (0, "ok: no findings\n")


def test_findings_are_sorted_compiler_style_and_strict_exits_1(tmp_path: Path) -> None:
    path = deck(tmp_path, """\
      - id: b
        front: Second?
        back: Yes.
      - id: a
        front: First?
        back: Yes.
        source: book#ch9
    """)
    code, out = lint(tmp_path)
    p = str(path)
    assert code == 0
    assert out == (
        f"{p}:2:5: warning[missing-source]: card `b` has no `source`\n"
        "  hint: add source: <name>#<section>, as listed in decks/sources.yaml\n"
        f"{p}:8:5: warning[unknown-source]: source `book` has no section `ch9`\n"
        "  hint: did you mean `ch2`?\n"
        "2 warnings\n")
    assert lint(tmp_path, "--strict")[0] == 1


def test_json_format(tmp_path: Path) -> None:
    path = deck(tmp_path, """\
      - id: a
        front: Q?
        back: A.
    """)
    code, out = lint(tmp_path, "--format", "json", "--strict")
    assert code == 1
    assert json.loads(out) == [{"path": str(path), "line": 2, "col": 5, "severity": "warning",
                                "rule": "missing-source", "message": "card `a` has no `source`",
                                "hint": "add source: <name>#<section>, as listed in decks/sources.yaml"}]


def test_invalid_files_are_errors_with_exit_1(tmp_path: Path) -> None:
    path = deck(tmp_path, """\
      - id: a
        front: Q?
    """)
    result = run(tmp_path, "lint")
    assert result.exit_code == 1
    assert f"{path}:2:5: error: missing required field `back` in basic card `a`" in result.output


def test_bad_today_is_usage_error(tmp_path: Path) -> None:
    deck(tmp_path, "  - {id: a, front: Q, back: A}\n")
    assert run(tmp_path, "lint", "--today", "28/11/2026").exit_code == 2


def rules_of(root: Path, *args: str) -> list[tuple[int, str]]:
    code, out = lint(root, "--format", "json", *args)
    return [(f["line"], f["rule"]) for f in json.loads(out)]


def test_duplicate_and_near_duplicate_questions(tmp_path: Path) -> None:
    path = deck(tmp_path, """\
      - id: a
        front: Which service stores **feature** values for online serving?
        back: A feature store.
        source: book#ch1
      - id: b
        front: which service stores feature values, for online serving
        back: The feature store.
        source: book#ch1
      - id: c
        front: Which service stores feature values for offline serving?
        back: BigQuery.
        source: book#ch1
      - id: d
        front: What does a model registry keep?
        back: Model versions.
        source: book#ch1
    """)
    code, out = lint(tmp_path)
    assert f"{path}:7:5: warning[duplicate-question]: same question as card `a` ({path}:3)" in out
    assert f"{path}:11:5: warning[near-duplicate-question]: question is almost the same as card `a`" in out
    assert rules_of(tmp_path) == [(7, "duplicate-question"), (11, "near-duplicate-question")]


def test_lint_ignore_on_either_card_silences_a_duplicate(tmp_path: Path) -> None:
    deck(tmp_path, """\
      - id: a
        front: Same question?
        back: One.
        source: book#ch1
        lint_ignore: [duplicate-question]
      - id: b
        front: Same question?
        back: Two.
        source: book#ch1
    """)
    assert rules_of(tmp_path) == []


def test_duplicates_across_decks_are_findings(tmp_path: Path) -> None:
    # A learner who imports both decks reviews both cards.
    deck(tmp_path, """\
      - {id: a, front: Same?, back: One., source: book#ch1}
      - {id: b, front: Which store serves features online for quick lookups?, back: X., source: book#ch1}
    """)
    other = make_deck(tmp_path, "e", {"c.yaml": "cards:\n"
                                      "  - {id: a, front: Same?, back: One., source: book#ch1}\n"
                                      "  - {id: b, front: Which store serves features online for "
                                      "fast lookups?, back: X., source: book#ch1}\n"})
    findings = json.loads(lint(tmp_path, "--format", "json")[1])
    assert [(f["path"], f["line"], f["rule"]) for f in findings] == [
        (str(other / "c.yaml"), 2, "duplicate-question"),
        (str(other / "c.yaml"), 3, "near-duplicate-question")]


def test_answer_rules(tmp_path: Path) -> None:
    long = " ".join(["word"] * 51)
    deck(tmp_path, f"""\
      - id: long
        front: Long?
        back: {long}
        source: book#ch1
      - id: ok
        front: Fifty?
        back: {" ".join(["word"] * 50)}
        source: book#ch1
      - id: list
        front: List?
        back: |
          - one
          - two
          - three
          - four
        source: book#ch1
      - id: short-list
        front: Short list?
        back: |
          1. one
          2. two
          3. three
        source: book#ch1
    """)
    assert rules_of(tmp_path) == [(4, "long-answer"), (12, "list-answer")]


def test_cloze_and_choice_rules(tmp_path: Path) -> None:
    deck(tmp_path, """\
      - id: many
        type: cloze
        text: "{{c1::a}} {{c2::b}} {{c3::c}} {{c4::d}} {{c5::e}} {{c6::f}} {{c1::g}}"
        source: book#ch1
      - id: five
        type: cloze
        text: "{{c1::a}} {{c2::b}} {{c3::c}} {{c4::d}} {{c5::e}}"
        source: book#ch1
      - id: two
        type: choice
        question: Pick one
        choices: [x, y]
        answer: 0
        source: book#ch1
    """)
    code, out = lint(tmp_path)
    assert "warning[too-many-clozes]: cloze has 6 deletion numbers (more than 5)" in out
    assert "warning[few-choices]: only 2 choices (fewer than 3)" in out
    assert rules_of(tmp_path) == [(4, "too-many-clozes"), (13, "few-choices")]


def only(root: Path, *rules: str) -> None:
    """Turn off every rule but ``rules`` (in decks/lint.yaml), to look at them alone."""
    from deckforge.lint import RULES

    write(root / "decks" / "lint.yaml", f"disable: {json.dumps(sorted(set(RULES) - set(rules)))}\n")


def choice(card_id: str, options: list[str], answer: object = 0, question: str = "",
           extra: str = "") -> str:
    """A choice card in the flow style the deck helper indents."""
    question = question or f"Which option is right for case {card_id}?"
    return (f"- id: {card_id}\n  type: choice\n  question: {question}\n"
            f"  choices: {json.dumps(options)}\n  answer: {json.dumps(answer)}\n"
            f"  source: book#ch1\n{extra}")


def test_longest_option_fires_on_a_single_key_far_longer_than_the_others(tmp_path: Path) -> None:
    only(tmp_path, "longest-option")
    path = deck(tmp_path, choice("long", ["Use the managed feature store with online serving",
                                          "Retrain", "Add layers", "Lower the bar"])
                + choice("even", ["Use a feature store", "Retrain nightly", "Add two layers",
                                  "Lower the threshold"])
                + choice("not-longest", ["Use the managed store", "Retrain", "Add layers",
                                         "Lower the threshold, then retrain every single night"]))
    code, out = lint(tmp_path)
    assert out.startswith(
        f"{path}:5:5: warning[longest-option]: the right option is 4.9× as long as the others on "
        "average (more than 1.5×)\n"
        "  hint: write each wrong option to the same length, shape and detail as the key\n")
    assert rules_of(tmp_path) == [(5, "longest-option")]


def test_longest_option_with_several_right_options(tmp_path: Path) -> None:
    only(tmp_path, "longest-option")
    # Several keys give themselves away together when every one is longer than every distractor.
    deck(tmp_path, choice("both-long", ["Stream the events into a windowed aggregation",
                                        "Cache the features next to the endpoint for reads",
                                        "Retrain", "Add layers"], [0, 1])
         + choice("one-short", ["Stream the events into a windowed aggregation", "Cache",
                                "Retrain", "Add layers"], [0, 1]))
    assert rules_of(tmp_path) == [(5, "longest-option")]
    with (tmp_path / "decks" / "lint.yaml").open("a", encoding="utf-8") as config:
        config.write("longest_option_percent: 600\n")
    assert rules_of(tmp_path) == []


def test_longest_option_share_is_reported_once_at_deck_yaml(tmp_path: Path) -> None:
    only(tmp_path, "longest-option-share")
    # In 3 of 7 questions the key is strictly longest, but never by 1.5x: only the share fires.
    keys = [choice(f"q{i}", ["Batch scoring job", "Online endpoint", "Stream job", "Notebook run"],
                   0 if i < 3 else 2) for i in range(7)]
    path = deck(tmp_path, "".join(keys))
    meta = path.parent / "deck.yaml"
    code, out = lint(tmp_path)
    assert out == (
        f"{meta}:1:1: warning[longest-option-share]: in 3 of 7 questions of deck `d` (43%, more "
        "than 35%) the right option is the longest, e.g. `q0`, `q1`, `q2`\n"
        "  hint: learners learn to pick the longest option: give the longest length to a wrong "
        "option as often as to the right one\n1 warning\n")


def test_longest_option_share_leaves_out_cards_that_ignore_it(tmp_path: Path) -> None:
    only(tmp_path, "longest-option-share")
    # lint_ignore on a card takes it out of the count: 2 of 6 (33%) is not more than 35%.
    keys = [choice(f"q{i}", ["Batch scoring job", "Online endpoint", "Stream job", "Notebook run"],
                   0 if i < 3 else 2, extra="  lint_ignore: [longest-option-share]\n" if i == 0 else "")
            for i in range(7)]
    deck(tmp_path, "".join(keys))
    assert rules_of(tmp_path) == []


def test_longest_option_share_needs_five_questions(tmp_path: Path) -> None:
    only(tmp_path, "longest-option-share")
    deck(tmp_path, "".join(choice(f"q{i}", ["Batch scoring job", "Online endpoint", "Stream job",
                                            "Notebook run"]) for i in range(4)))
    assert rules_of(tmp_path) == []


def test_all_of_the_above(tmp_path: Path) -> None:
    only(tmp_path, "all-of-the-above")
    path = deck(tmp_path, choice("above", ["Retrain", "Add layers", "Lower the bar",
                                           "All of the above"], 3)
                + choice("both", ["Retrain", "Add layers", "Both A and B", "Lower the bar"], 2)
                + choice("fine", ["Retrain on all of the previous day's data", "Add layers",
                                  "Use both Dataflow and Dataproc", "Lower the bar"], 0))
    code, out = lint(tmp_path)
    assert (f'{path}:5:57: warning[all-of-the-above]: option 3 ("All of the above") refers to '
            "the other options\n") in out
    assert rules_of(tmp_path) == [(5, "all-of-the-above"), (11, "all-of-the-above")]


SCENARIO = ("A fraud team needs the number of card transactions in the last {n} minutes per card, "
            "computed continuously from a {bus} stream and fresh within seconds. Which design fits?")


def test_near_duplicate_questions_follow_one_pattern_across_decks(tmp_path: Path) -> None:
    only(tmp_path, "near-duplicate-question")
    # The same scenario with the vendor, figures and key product swapped.
    path = deck(tmp_path, choice("aws", ["A Managed Service for Apache Flink sliding window",
                                         "A nightly Glue job", "A Lambda per event", "Athena"],
                                 question=SCENARIO.format(n=5, bus="Kinesis")))
    other = make_deck(tmp_path, "e", {"c.yaml": "cards:\n" + textwrap.indent(
        choice("dbx", ["A Structured Streaming sliding window", "A nightly job",
                       "An endpoint per event", "SQL warehouse"],
               question=SCENARIO.format(n=10, bus="Kafka").replace("fraud team", "risk team")),
        "  ")})
    code, out = lint(tmp_path)
    assert out.startswith(
        f"{other / 'c.yaml'}:4:5: warning[near-duplicate-question]: question follows the same "
        f"pattern as card `aws` ({path}:4): stem and key share 82.6% of their content words, "
        "weighted by rarity (more than 20%)\n")
    assert rules_of(tmp_path) == [(4, "near-duplicate-question")]


def test_distinct_questions_do_not_follow_one_pattern(tmp_path: Path) -> None:
    only(tmp_path, "near-duplicate-question")
    deck(tmp_path, choice("stream", ["A sliding window", "A nightly job", "An endpoint", "SQL"],
                          question=SCENARIO.format(n=5, bus="Kinesis"))
         + choice("batch", ["A scheduled batch scoring job", "An endpoint", "A stream", "SQL"],
                  question="Marketing needs churn scores for 50 million customers once a week, "
                           "written to a table that campaign tools read. Which design fits?"))
    assert rules_of(tmp_path) == []


def test_lint_ignore_on_either_question_silences_a_pattern(tmp_path: Path) -> None:
    only(tmp_path, "near-duplicate-question")
    deck(tmp_path, choice("one", ["A sliding window", "A nightly job", "An endpoint", "SQL"],
                          question=SCENARIO.format(n=5, bus="Kinesis"),
                          extra="  lint_ignore: [near-duplicate-question]\n")
         + choice("two", ["A sliding window", "A nightly job", "An endpoint", "SQL"],
                  question=SCENARIO.format(n=10, bus="Kafka")))
    assert rules_of(tmp_path) == []


def test_an_exact_duplicate_question_is_not_also_a_pattern(tmp_path: Path) -> None:
    only(tmp_path, "duplicate-question", "near-duplicate-question")
    deck(tmp_path, choice("one", ["A sliding window", "A nightly job", "An endpoint", "SQL"],
                          question=SCENARIO.format(n=5, bus="Kinesis"))
         + choice("two", ["A sliding window", "A nightly job", "An endpoint", "SQL"],
                  question=SCENARIO.format(n=5, bus="Kinesis")))
    assert rules_of(tmp_path) == [(10, "duplicate-question")]


def test_cloze_multi_fact(tmp_path: Path) -> None:
    only(tmp_path, "cloze-multi-fact")
    path = deck(tmp_path, """\
      - id: list
        type: cloze
        text: "Domain 4 covers {{c1::performance, availability and scalability}}."
        source: book#ch1
      - id: weight
        type: cloze
        text: "1. {{c1::Data Engineering — 20%}}; 2. {{c2::Modeling — 36%}}."
        source: book#ch1
      - id: same-number
        type: cloze
        text: "Ingestion: {{c1::Kinesis}}, {{c1::Firehose}} and {{c1::Glue}}."
        source: book#ch1
      - id: split-pair
        type: cloze
        text: "{{c1::Modeling}} weighs {{c1::36%}}."
        source: book#ch1
      - id: lines
        type: cloze
        text: |
          Topics: {{c1::
          - drift
          - skew}}
        source: book#ch1
      - id: good
        type: cloze
        text: "Modeling weighs {{c1::36%}}; ingestion uses {{c2::Kinesis}}, {{c3::Firehose}} and {{c4::Glue}}."
        source: book#ch1
      - id: one-name-with-and
        type: cloze
        text: "Domain 2 is {{c1::Collaborating within and across teams to manage data and models}}."
        source: book#ch1
    """)
    code, out = lint(tmp_path)
    assert (f"{path}:4:5: warning[cloze-multi-fact]: deletion `{{{{c1::performance, availability "
            "and scalability}}` hides a list of 3 items\n") in out
    assert ("warning[cloze-multi-fact]: deletion `{{c1::Data Engineering — 20%}}` hides a name and "
            "its number (and 1 more)\n") in out
    assert "warning[cloze-multi-fact]: card c1 hides 3 deletions, a list of 3 items\n" in out
    assert "warning[cloze-multi-fact]: card c1 hides a name and its number\n" in out
    assert rules_of(tmp_path) == [(4, "cloze-multi-fact"), (8, "cloze-multi-fact"),
                                  (12, "cloze-multi-fact"), (16, "cloze-multi-fact"),
                                  (20, "cloze-multi-fact")]


def test_cloze_with_c0_never_reaches_lint(tmp_path: Path) -> None:
    # lint validates first: the deletion numbered 0 is an error (exit 1), not a finding.
    path = deck(tmp_path, """\
      - id: zero
        type: cloze
        text: The fee is {{c0::USD 200}}.
        source: book#ch1
    """)
    result = run(tmp_path, "lint", "--today", TODAY)
    assert result.exit_code == 1
    assert (f"{path}:4:22: error: cloze deletion `{{{{c0::` is numbered 0: numbers start at 1\n"
            "  hint: write {{c1::...}}: each number makes one Anki card, and Anki makes none for c0\n"
            ) in result.output


def test_stale_as_of_is_judged_against_today(tmp_path: Path) -> None:
    deck(tmp_path, """\
      - id: old
        front: Old?
        back: Yes.
        source: book#ch1
        as_of: 2025-05-28
      - id: fresh
        front: Fresh?
        back: Yes.
        source: book#ch1
        as_of: 2025-05-29
    """)
    code, out = lint(tmp_path)
    assert "warning[stale-as-of]: as_of 2025-05-28 is 18 months old (18 or more)" in out
    assert rules_of(tmp_path) == [(6, "stale-as-of")]
    assert run(tmp_path, "lint", "--today", "2025-06-01", "--strict").exit_code == 0


def test_unknown_source_name_with_suggestion(tmp_path: Path) -> None:
    deck(tmp_path, "  - {id: a, front: Q?, back: A., source: [book#ch1, bok#ch1 (page 3)]}\n")
    code, out = lint(tmp_path)
    assert "warning[unknown-source]: unknown source `bok`\n  hint: did you mean `book`?" in out


def test_unknown_source_is_off_without_a_registry(tmp_path: Path) -> None:
    deck(tmp_path, "  - {id: a, front: Q?, back: A., source: anything#at-all}\n", sources=False)
    assert rules_of(tmp_path) == []


def test_empty_subdeck(tmp_path: Path) -> None:
    write(tmp_path / "decks" / "sources.yaml", SOURCES)
    folder = make_deck(tmp_path, "d", {
        "a.yaml": "cards:\n  - {id: a, front: Q?, back: A., source: book#ch1}\n",
        "empty.yaml": "subdeck: Nothing\ncards: []\n",
        "inc.yaml": "subdeck: Shared\ninclude:\n  - from: ../_lib/none.yaml\n",
        "inc-ok.yaml": "include:\n  - from: ../_lib/some.yaml\n",
    })
    write(tmp_path / "decks" / "_lib" / "none.yaml", "cards: []\ndeck: Lib\n")
    write(tmp_path / "decks" / "_lib" / "some.yaml",
          "cards:\n  - {id: s, front: S?, back: S., source: book#ch1}\ndeck: Lib\n")
    code, out = lint(tmp_path)
    assert out == (
        f"{folder / 'empty.yaml'}:2:1: warning[empty-subdeck]: empty.yaml has no cards: "
        "subdeck `Nothing` gets no cards from it\n  hint: add cards (deckforge new), or delete the file\n"
        f"{folder / 'inc.yaml'}:2:1: warning[empty-subdeck]: inc.yaml has no cards: "
        "subdeck `Shared` gets no cards from it\n  hint: add cards (deckforge new), or delete the file\n"
        "2 warnings\n")


def test_unknown_rule_in_lint_ignore(tmp_path: Path) -> None:
    path = deck(tmp_path, """\
      - id: a
        front: Q?
        back: A.
        source: book#ch1
        lint_ignore: [long-answers]
    """)
    code, out = lint(tmp_path)
    assert out.startswith(f"{path}:6:5: warning[unknown-rule]: lint_ignore names unknown rule "
                          "`long-answers`\n  hint: did you mean `long-answer`?\n")


def test_config_file_sets_thresholds_and_disables_rules(tmp_path: Path) -> None:
    deck(tmp_path, """\
      - id: a
        front: Q?
        back: one two three four
        as_of: 2020-01-01
    """)
    write(tmp_path / "decks" / "lint.yaml", "max_answer_words: 3\ndisable: [missing-source]\n"
          "stale_after_months: 120\n")
    assert rules_of(tmp_path) == [(4, "long-answer")]


def test_config_file_errors_point_at_the_setting(tmp_path: Path) -> None:
    deck(tmp_path, "  - {id: a, front: Q?, back: A., source: book#ch1}\n")
    path = write(tmp_path / "decks" / "lint.yaml", "max_answer_word: 3\ndisable: [stale]\n")
    result = run(tmp_path, "lint")
    assert result.exit_code == 1
    assert (f"{path}:1:1: error: unknown setting `max_answer_word`\n"
            "  hint: did you mean `max_answer_words`?\n") in result.output
    assert f"{path}:2:11: error: unknown lint rule `stale`" in result.output


def test_todo_placeholders_and_paths_filter(tmp_path: Path) -> None:
    deck(tmp_path, "  - {id: a, front: Q?, back: A., source: book#ch1}\n")
    other = write(tmp_path / "decks" / "d" / "more.yaml",
                  "cards:\n  - {id: b, front: TODO question, back: Ans, source: book#ch1}\n")
    code, out = lint(tmp_path, str(other))
    assert out == (f"{other}:2:13: warning[todo-placeholder]: `front` still contains TODO\n"
                   "  hint: write the card text in place of the TODO\n1 warning\n")
    assert lint(tmp_path, str(tmp_path / "decks" / "d" / "cards.yaml")) == (0, "ok: no findings\n")


def test_rules_flag_lists_every_rule(tmp_path: Path) -> None:
    code, out = lint(tmp_path, "--rules")
    assert code == 0
    names = [line.split()[0] for line in out.splitlines()]
    assert names[:3] == ["duplicate-question", "near-duplicate-question", "long-answer"]
    assert "(answer-out-of-range)" in names


def test_colour_only_when_asked() -> None:
    f = Finding("x.yaml", 1, 2, "long-answer", "too long", "shorten")
    assert f.format() == "x.yaml:1:2: warning[long-answer]: too long\n  hint: shorten"
    assert "\x1b[1;33mwarning[long-answer]:\x1b[0m" in f.format(color=True)


def card(i: int, front: str, path: Path) -> Card:
    return Card(id=f"c{i}", type="basic", fields=(("front", front), ("back", "A.")), choices=(),
                answer=(), tags=(), sources=(SourceRef("book", "ch1", ""),), as_of="", notes="",
                lint_ignore=(), subdeck="", path=path, line=i + 2, col=5)


def test_near_duplicates_scale_linearly(tmp_path: Path) -> None:
    # 50,000 questions sharing their frame but not their terms: a pairwise check would not finish.
    path = tmp_path / "cards.yaml"
    cards = [card(i, f"What does component a{i} of system b{i} do for team c{i}?", path)
             for i in range(50_000)]
    cards.append(card(50_000, "What does component a7 of system b7 do for group c7?", path))
    project = Project(tmp_path, (Deck("d", "D", "", tmp_path, tuple(cards), (path,)),), {})
    # (Timing is measured in benchmarks/bench_validate.py; a pairwise check would not finish.)
    findings = lint_project(project, LintConfig(), dt.date(2026, 11, 28))
    assert [(f.line, f.rule, f.message) for f in findings] == [
        (50_002, "near-duplicate-question", f"question is almost the same as card `c7` ({path}:9)")]
