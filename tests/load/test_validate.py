"""Validation through the CLI: exact compiler-style messages, every problem at once, exit codes."""

from __future__ import annotations

from pathlib import Path

from helpers import make_deck, run, write

GOOD = """
subdeck: Basics
tags: [intro]
cards:
  - id: one
    front: What is one?
    back: A number.
"""


def test_valid_project(tmp_path: Path) -> None:
    make_deck(tmp_path, "demo", {"cards.yaml": GOOD})
    result = run(tmp_path, "validate")
    assert result.exit_code == 0
    assert result.output == "ok: 1 deck(s), 1 card(s)\n"


def test_all_problems_reported_sorted_with_hints(tmp_path: Path) -> None:
    folder = make_deck(tmp_path, "demo", {"cards.yaml": """
        cards:
          - id: one
            front: What?
            bakc: typo
          - id: two
            type: cloze
            text: no deletion here
          - id: three
            type: choice
            question: Pick
            choices: [a, b]
            answer: 2
          - id: four
            front: no
            back: fine
        """})
    result = run(tmp_path, "validate")
    assert result.exit_code == 1
    f = folder / "cards.yaml"
    assert result.stderr == (
        f"{f}:2:5: error: missing required field `back` in basic card `one`\n"
        "  hint: `bakc` looks like a misspelling of `back`\n"
        f"{f}:4:5: error: unknown field `bakc`\n"
        "  hint: did you mean `back`?\n"
        f"{f}:7:11: error: cloze text has no deletion\n"
        "  hint: mark what to hide as {{c1::hidden text}}\n"
        f"{f}:12:13: error: answer 2 is out of range: there are 2 choices\n"
        "  hint: choices count from 0, so the last one is 1\n"
        f"{f}:14:12: error: `front` must be text, but YAML read `no` as a boolean\n"
        '  hint: put it in quotes: front: "no"\n'
        "5 errors\n")


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    folder = make_deck(tmp_path, "demo", {"a.yaml": GOOD, "b.yaml": GOOD})
    result = run(tmp_path, "validate")
    assert result.exit_code == 1
    assert f"{folder / 'b.yaml'}:4:5: error: duplicate card id `one`" in result.stderr
    assert f"already used at {folder / 'a.yaml'}:4" in result.stderr


def test_yaml_syntax_error_has_position_and_no_traceback(tmp_path: Path) -> None:
    folder = make_deck(tmp_path, "demo", {"cards.yaml": "cards:\n  - id: a\n    front: Q: what?\n"})
    result = run(tmp_path, "validate")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{folder / 'cards.yaml'}:3:13: error: invalid YAML: mapping values")
    assert 'hint: text containing ": " must be quoted' in result.stderr
    assert "Traceback" not in result.output


def test_validate_path_limits_the_report(tmp_path: Path) -> None:
    make_deck(tmp_path, "good", {"cards.yaml": GOOD})
    make_deck(tmp_path, "bad", {"cards.yaml": "cards: {}\n"})
    assert run(tmp_path, "validate", str(tmp_path / "decks" / "good")).exit_code == 0
    result = run(tmp_path, "validate", str(tmp_path / "decks" / "bad"))
    assert result.exit_code == 1
    assert "`cards` must be a list, found a mapping" in result.stderr


def test_include_from_library(tmp_path: Path) -> None:
    write(tmp_path / "decks" / "_shared" / "lib.yaml", """
        cards:
          - id: shared-a
            front: A?
            back: A.
          - id: shared-b
            front: B?
            back: B.
        """)
    make_deck(tmp_path, "demo", {"inc.yaml": """
        subdeck: Shared
        include:
          - from: ../_shared/lib.yaml
            cards: [shared-b, missing]
        """})
    result = run(tmp_path, "validate")
    assert result.exit_code == 1
    assert "error: no card `missing` in lib.yaml" in result.stderr


def test_unknown_deck_and_bad_usage_exit_codes(tmp_path: Path) -> None:
    make_deck(tmp_path, "demo", {"cards.yaml": GOOD})
    result = run(tmp_path, "build", "nope")
    assert result.exit_code == 1
    assert "no deck with id `nope`" in result.stderr
    assert run(tmp_path, "build", "--bogus").exit_code == 2
