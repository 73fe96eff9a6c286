"""The shipped decks: schema modelines that resolve, valid content, the manifest in step."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deckforge.load.project import load_project
from deckforge.notes.source import card_guid

ROOT = Path(__file__).resolve().parents[1]
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")
YAML_FILES = sorted((ROOT / "decks").rglob("*.yaml"))


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_has_a_modeline_to_the_right_schema(path: Path) -> None:
    match = MODELINE.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, "first line must be the yaml-language-server schema modeline"
    target = (path.parent / match.group(1)).resolve()
    expected = {"deck.yaml": "deck.schema.json", "sources.yaml": "sources.schema.json",
                "lint.yaml": "lint.schema.json"}.get(
        path.name, "cards.schema.json")
    assert target == ROOT / "schema" / expected


def test_manifest_matches_the_sources() -> None:
    project = load_project(ROOT / "decks")
    manifest = json.loads((ROOT / "dist" / "manifest.json").read_text())
    for deck in project.decks:
        notes = manifest["decks"][deck.id]["notes"]
        for card in deck.cards:
            assert notes[card.id]["guid"] == card_guid(deck.id, card)
            assert not notes[card.id].get("removed", False)


def test_one_guid_per_distinct_card_across_all_shipped_decks() -> None:
    project = load_project(ROOT / "decks")
    # A shared card is the same card in every deck that includes it; any other is its deck's own.
    cards = {(c.library or d.id, c.id): card_guid(d.id, c) for d in project.decks for c in d.cards}
    assert len(set(cards.values())) == len(cards)
    assert sum(len(d.cards) for d in project.decks) > len(cards)  # some cards are shared
