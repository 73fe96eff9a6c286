"""The gate's fast path: typed cards of plain card files from the store are the cards the
reference path types (load/typed.py), and they are really used."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import deckforge.load.cards
from deckforge.load import load_project
from helpers import ROOT, make_sample_deck

sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_deck import generate  # noqa: E402


@pytest.mark.parametrize("kind", ["sample", "bench"])
def test_cached_cards_are_the_cards_the_reference_types(
        kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if kind == "sample":
        make_sample_deck(tmp_path)
    else:
        generate(tmp_path, 120, 4)
    decks = tmp_path / "decks"
    monkeypatch.setenv("DECKFORGE_CACHE", "0")
    reference = load_project(decks)
    monkeypatch.setenv("DECKFORGE_CACHE", "1")
    hits: list[bool] = []
    real = deckforge.load.cards.cached_cards

    def counted(*args: object) -> object:
        found = real(*args)  # type: ignore[arg-type]
        hits.append(found is not None)
        return found

    monkeypatch.setattr(deckforge.load.cards, "cached_cards", counted)
    assert load_project(decks) == reference  # typed, and stored
    assert not any(hits)
    hits.clear()
    assert load_project(decks) == reference  # from the store, for plain files
    # Every sample file includes a library file, shows an image or declares case studies: none is plain.
    assert hits == ([True] * 4 if kind == "bench" else [False] * 4)


def test_a_cached_file_still_meets_the_checks_across_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose cards come from the store is checked against the rest of its deck."""
    generate(tmp_path, 40, 2)
    decks = tmp_path / "decks"
    load_project(decks)
    other = decks / "bench" / "cards-0001.yaml"
    first = (decks / "bench" / "cards-0000.yaml").read_text(encoding="utf-8")
    card_id = first.split("  - id: ", 1)[1].split("\n", 1)[0]
    text = other.read_text(encoding="utf-8")
    # The edit: one card of the second file takes the id of a card of the (cached) first file.
    second_id = text.split("  - id: ", 1)[1].split("\n", 1)[0]
    other.write_text(text.replace(f"  - id: {second_id}\n", f"  - id: {card_id}\n", 1), "utf-8")
    from deckforge.errors import DeckforgeErrors

    with pytest.raises(DeckforgeErrors, match=f"duplicate card id `{card_id}`"):
        load_project(decks)
