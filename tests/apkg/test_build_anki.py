"""Built decks imported into the real Anki engine: notes, cards, decks, tags, rendering."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from deckforge.load.project import anki_card_count, load_project
from deckforge.model import Card
from helpers import ROOT, collection, env_with_epoch, import_apkg, make_deck, run, write

CARDS = """
subdeck: Basics
tags: [intro, level::one]
cards:
  - id: basic-one
    front: What is **one**?
    back: A number.
    source: article#sec
    as_of: 2026-11-28
  - id: rev-one
    type: reversible
    front: uno
    back: one
    tags: [spanish]
  - id: cloze-three
    type: cloze
    text: "{{c1::Red}}, {{c2::green}} and {{c3::blue}}; again {{c1::red}}."
    extra: Light's primaries.
  - id: choice-one
    type: choice
    question: Which is even?
    choices: ["1", "2", "3"]
    answer: 1
    explanation: 2 is divisible by 2.
"""
MORE = """
cards:
  - id: top-level
    front: In the top deck?
    back: Yes.
"""
UNRESOLVED = re.compile(r"\{\{[^}]*\}\}")
CODE = re.compile(r"<code[^>]*>.*?</code>", re.S)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    write(tmp_path / "decks" / "_shared" / "lib.yaml", """
        deck: Parent::Shared
        tags: [shared]
        cards:
          - id: lib-card
            front: From the library?
            back: Yes.
        """)
    make_deck(tmp_path, "demo", {"a/cards.yaml": CARDS, "more.yaml": MORE, "inc.yaml": """
        subdeck: Library
        include:
          - from: ../_shared/lib.yaml
        """}, name="Parent::Demo")
    result = run(tmp_path, "build", env=env_with_epoch(1_800_000_000))
    assert result.exit_code == 0, result.output
    return tmp_path


def test_one_note_per_card_and_cards_per_type(built: Path) -> None:
    project = load_project(built / "decks")
    deck = project.decks[0]
    with collection(built / "col") as col:
        counts = import_apkg(col, built / "dist" / "demo.apkg")
        assert counts.as_tuple() == (6, 0, 0, 0)
        assert col.note_count() == 6
        # basic 1 + reversible 2 + cloze 3 (c1 twice is one card) + choice 1 + top 1 + library 1
        assert col.card_count() == 9 == sum(anki_card_count(c) for c in deck.cards)


def test_cards_land_in_subdecks_with_tags(built: Path) -> None:
    with collection(built / "col") as col:
        import_apkg(col, built / "dist" / "demo.apkg")
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert {"Parent", "Parent::Demo", "Parent::Demo::Basics", "Parent::Shared"} <= names
        assert "Parent::Demo::Library" not in names  # the including file's sub-deck is unused
        assert len(col.find_cards('"deck:Parent::Demo::Basics"')) == 7
        assert len(col.find_cards('"deck:Parent::Shared"')) == 1
        assert len(col.find_notes("tag:intro")) == 4
        assert len(col.find_notes("tag:level::one")) == 4
        assert len(col.find_notes("tag:spanish")) == 1
        assert len(col.find_notes("tag:shared")) == 1
        top = col.find_cards('"deck:Parent::Demo" -"deck:Parent::Demo::*"')
        assert [col.get_card(c).note()["Front"] for c in top] == ["In the top deck?"]


def test_every_card_renders_without_unresolved_fields(built: Path) -> None:
    with collection(built / "col") as col:
        import_apkg(col, built / "dist" / "demo.apkg")
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            q, a = card.question(), card.answer()
            assert not UNRESOLVED.search(q), q
            assert not UNRESOLVED.search(a), a
            assert "df" in q


def test_rendered_content_per_type(built: Path) -> None:
    with collection(built / "col") as col:
        import_apkg(col, built / "dist" / "demo.apkg")
        basic = col.get_card(col.find_cards('"Front:What is*"')[0])
        assert "What is <strong>one</strong>?" in basic.question()
        assert "A number." in basic.answer()
        assert "article#sec · as of 2026-11-28" in basic.answer()
        rev = sorted(col.find_cards("tag:spanish"), key=lambda c: col.get_card(c).ord)
        assert ">uno<" in col.get_card(rev[0]).question()
        assert ">one<" in col.get_card(rev[1]).question()
        cloze = col.get_card(col.find_cards("card:1 Text:*Red*")[0])
        assert "[...]" in cloze.question() and ">Red<" not in cloze.question()
        assert ">Red<" in cloze.answer()
        assert "Light's primaries." in cloze.answer()
        choice = col.get_card(col.find_cards("Question:*even*")[0])
        q = choice.question()
        assert all(f'<span class="letter">{x}</span>' in q for x in "ABC")
        assert "choice correct" not in q
        assert 'class="choice correct"' in choice.answer()
        assert 'Answer: <span class="answer-letters">B</span>' in choice.answer()


def test_every_shipped_deck_imports_completely_each_card_once(tmp_path: Path) -> None:
    root = ROOT
    project = load_project(root / "decks")
    distinct: dict[tuple[str, str], Card] = {}
    # Cards removed from the YAML since a release still ship, tagged, so learners can find them.
    manifest = json.loads((root / "dist" / "manifest.json").read_text(encoding="utf-8"))
    removed = {deck_id: sum(1 for n in d["notes"].values() if n.get("removed"))
               for deck_id, d in manifest["decks"].items()}
    with collection(tmp_path / "col") as col:
        for deck in project.decks:
            counts = import_apkg(col, root / "dist" / f"{deck.id}.apkg")
            keys = [(c.library or deck.id, c.id) for c in deck.cards]
            seen = sum(k in distinct for k in keys)
            # A shared card another deck brought already is the same note: Anki skips it.
            assert (counts.new, counts.duplicate) == (len(keys) - seen + removed.get(deck.id, 0), seen), deck.id
            assert (counts.updated, counts.conflicting) == (0, 0), deck.id
            distinct.update(zip(keys, deck.cards, strict=True))
        assert any(c.library for c in distinct.values())
        gone = col.find_notes("tag:deckforge::removed")
        assert len(gone) == sum(removed.values())
        assert col.note_count() == len(distinct) + len(gone)
        assert col.card_count() == sum(anki_card_count(c) for c in distinct.values()) + \
            len(col.find_cards("tag:deckforge::removed"))
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            # (Code may show braces on purpose, e.g. a job's {{tasks.x.values.y}} reference.)
            shown = CODE.sub("", card.question() + card.answer())
            assert not UNRESOLVED.search(shown)
