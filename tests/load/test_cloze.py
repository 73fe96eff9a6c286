"""One cloze grammar (cloze.py): the mistakes it reports, where, and the cards every command counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deckforge.cloze import card_numbers, check, deletions, plain_text
from helpers import make_deck, run


@pytest.mark.parametrize(("text", "expected"), [
    ("{{c0::x}}", [(0, "cloze deletion `{{c0::` is numbered 0: numbers start at 1")]),
    ("a {{c1::b}} {{c000::d}}", [(12, "cloze deletion `{{c000::` is numbered 0: numbers start at 1")]),
    ("{{c501::x}}", [(0, "cloze deletion `{{c501::` is numbered 501: Anki numbers cards up to 500")]),
    ("{{c1::a}} {{c2::b", [(10, "cloze deletion `{{c2::` is never closed")]),
    ("{{c1::a {{c2::b}}", [(0, "cloze deletion `{{c1::` is never closed")]),
    ("{{c1:a}} {{c2::b}}", [(0, "`{{c1:` is not a cloze deletion: Anki shows it as text")]),
    ("{{ c1::a}} {{c2::b}}", [(0, "`{{ c1::` is not a cloze deletion: Anki shows it as text")]),
    ("{{c1::  ::hint}}", [(0, "cloze deletion `{{c1::` hides nothing")]),
    ("no deletion {{Text}}", [(0, "cloze text has no deletion")]),
    ("{{c1::" * 11 + "x" + "}}" * 11, [(60, "cloze deletions nested more than 10 deep")]),
])
def test_mistakes_and_where_they_are(text: str, expected: list[tuple[int, str]]) -> None:
    assert [(p.offset, p.message) for p in check(text)] == expected


@pytest.mark.parametrize("text", [
    "{{c1::a}}", "{{c2::a}} {{c1::b::hint}}", "{{c1::outer {{c2::inner}}}} }} stray", "{{c1::a}}}",
    "{{c1::\\(x^2\\)}}", "{{c10::ten}}", "{{c500::last}}",
])
def test_sound_text_has_no_mistakes(text: str) -> None:
    assert check(text) == []


def test_card_numbers_follow_anki() -> None:
    assert card_numbers("{{c2::a}} {{c1::b}} {{c2::c}}") == [1, 2]
    assert card_numbers("{{c1::a {{c3::b}}}}") == [1, 3]
    assert card_numbers("{{c0::a}}") == []  # Anki makes no card for c0
    assert card_numbers("{{c1::a}} {{c3::b") == [1]  # an unclosed deletion drops what follows
    assert card_numbers("{{c65536::a}} {{c2::b}}") == [2]  # too big a number is plain text
    assert card_numbers("{{c٢::a}}") == []  # only ASCII digits number a deletion


def test_deletions_and_plain_text() -> None:
    text = "The {{c1::fee::money}} is {{c2::USD {{c3::200}}}}."
    assert [(d.number, d.opening, d.text, d.hint) for d in deletions(text)] == [
        (1, "{{c1::", "fee", "money"), (2, "{{c2::", "USD 200", None), (3, "{{c3::", "200", None)]
    assert plain_text(text) == "The fee is USD 200."


def test_validate_points_at_each_bad_deletion_in_a_block_scalar(tmp_path: Path) -> None:
    folder = make_deck(tmp_path, "d", {"cards.yaml": (
        "cards:\n"
        "  - id: a\n"
        "    type: cloze\n"
        "    text: |\n"
        "      First {{c1::one}}.\n"
        "      Then {{c0::two}} and {{c0::three}}.\n")})
    result = run(tmp_path, "validate")
    assert result.exit_code == 1
    path = folder / "cards.yaml"
    hint = "  hint: write {{c1::...}}: each number makes one Anki card, and Anki makes none for c0\n"
    assert result.output == (
        f"{path}:6:12: error: cloze deletion `{{{{c0::` is numbered 0: numbers start at 1\n{hint}"
        f"{path}:6:28: error: cloze deletion `{{{{c0::` is numbered 0: numbers start at 1\n{hint}"
        "2 errors\n")


def test_list_counts_the_cards_anki_makes(tmp_path: Path) -> None:
    make_deck(tmp_path, "d", {"cards.yaml": (
        "cards:\n"
        "  - {id: a, type: cloze, text: '{{c1::a {{c2::b}}}} and {{c1::c}}'}\n"
        "  - {id: b, type: cloze, text: '{{c3::only three}}'}\n")})
    result = run(tmp_path, "list", "--format", "json")
    assert result.exit_code == 0, result.output
    assert [(d["notes"], d["cards"]) for d in json.loads(result.output)] == [(2, 3)]
