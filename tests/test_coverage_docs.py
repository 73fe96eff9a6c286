"""The coverage checklists (docs/coverage/*.md) cite only cards that exist in the decks they name.

A checklist line reads ``statement → deck-id: card-id, card-id; shared: card-id``. The text after
the first arrow is cut at every ``;`` and ``→``; a piece that starts with ``name:`` cites the cards
listed after it, a piece that does not (such as "not taught — ...") cites nothing. Parenthesised
remarks and `code spans` are skipped, so write no citation inside them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deckforge.load.project import load_project

ROOT = Path(__file__).resolve().parents[1]
COVERAGE = ROOT / "docs" / "coverage"
ARROW = "→"
SHARED = "shared"
SHARED_LIBRARY = "_shared"
GROUP = re.compile(r"([a-z][a-z0-9-]*):\s+(.*)")


def references(text: str) -> list[tuple[int, str, str]]:
    """(line number, deck id or ``shared``, card id) for every card a checklist cites."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        line = re.sub(r"`[^`]*`", "", line)
        if ARROW not in line:
            continue
        tail = line.split(ARROW, 1)[1]
        while re.search(r"\([^()]*\)", tail):
            tail = re.sub(r"\([^()]*\)", "", tail)
        for segment in re.split(f"[;{ARROW}]", tail):
            group = GROUP.fullmatch(segment.strip())
            if not group:
                continue
            deck, ids = group.groups()
            for item in ids.split(","):
                card = item.strip().rstrip(".").strip()
                if card:  # anything but a bare id is kept whole and then fails as an unknown card
                    found.append((number, deck, card))
    return found


def problems(files: dict[str, str], own: dict[str, set[str]], shared: set[str]) -> list[str]:
    """Every citation of a deck that does not exist or of a card that is not in the deck cited."""
    out = []
    for name, text in sorted(files.items()):
        for number, deck, card in references(text):
            where = f"{name}:{number}: {deck}: {card}"
            if deck == SHARED:
                if card not in shared:
                    out.append(f"{where}: no such card in decks/{SHARED_LIBRARY}/")
            elif deck not in own:
                out.append(f"{where}: no deck `{deck}` (decks: {', '.join(sorted(own))})")
            elif card in shared and card not in own[deck]:
                out.append(f"{where}: a card of decks/{SHARED_LIBRARY}/ is one note; cite it as `shared: {card}`")
            elif card not in own[deck]:
                out.append(f"{where}: no such card in deck `{deck}`")
    return out


@pytest.fixture(scope="module")
def cards() -> tuple[dict[str, set[str]], set[str]]:
    project = load_project(ROOT / "decks")
    own = {deck.id: {c.id for c in deck.cards if not c.library} for deck in project.decks}
    shared = {c.id for deck in project.decks for c in deck.cards if c.library == SHARED_LIBRARY}
    return own, shared


@pytest.fixture(scope="module")
def checklists() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(COVERAGE.glob("*.md"))}


def test_every_cited_card_exists_in_the_deck_cited(
        cards: tuple[dict[str, set[str]], set[str]], checklists: dict[str, str]) -> None:
    own, shared = cards
    assert problems(checklists, own, shared) == []


def test_the_checklists_cite_every_deck_and_the_shared_library(
        cards: tuple[dict[str, set[str]], set[str]], checklists: dict[str, str]) -> None:
    cited = {deck for text in checklists.values() for _, deck, _ in references(text)}
    assert set(cards[0]) | {SHARED} <= cited


def test_a_stale_citation_is_reported() -> None:
    text = ("- fee → google-pmle: pmle-fee (3P, USD 200), pmle-gone; shared: faq-x\n"
            "- old exam → aws-ml-specialty: aws-mls-price; not taught — retired\n"
            "- library card → google-pmle: faq-x, `example: not-read`\n"
            "- the format, `statement → deck: card-id`, cites nothing\n"
            "- retired → not taught — superseded → shared: faq-x, faq-y. Extra prose\n")
    own = {"google-pmle": {"pmle-fee"}}
    assert problems({"part.md": text}, own, {"faq-x"}) == [
        "part.md:1: google-pmle: pmle-gone: no such card in deck `google-pmle`",
        "part.md:2: aws-ml-specialty: aws-mls-price: no deck `aws-ml-specialty` (decks: google-pmle)",
        "part.md:3: google-pmle: faq-x: a card of decks/_shared/ is one note; cite it as `shared: faq-x`",
        "part.md:5: shared: faq-y. Extra prose: no such card in decks/_shared/",
    ]
