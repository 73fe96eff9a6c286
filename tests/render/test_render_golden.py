"""Golden HTML of every card type: the exact front and back Anki shows (see test_preview_anki).

The files in tests/golden/ are the expected output. After an intended change to rendering, the
templates or the note types, regenerate them and review the diff before committing:

    DECKFORGE_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deckforge.load.project import load_project
from deckforge.notetypes import NOTE_TYPES
from deckforge.preview.site import preview_note
from helpers import SAMPLE_TEXTS, TESTS, make_sample_deck

GOLDEN = TESTS / "golden"
UPDATE = os.environ.get("DECKFORGE_UPDATE_GOLDEN") == "1"


# The choice template's script is the same on every card side (tests/test_browser.py runs it):
# the golden files name it instead of repeating it, so their diffs show the HTML that changed.
_SCRIPTS = {t.script_html: f"<script>/* templates/{t.script} */</script>\n"
            for nt in NOTE_TYPES.values() for t in nt.templates if t.script}


def _named_scripts(side: str) -> str:
    for script, name in _SCRIPTS.items():
        side = side.replace(script, name)
    return side


def _rendered(root: Path) -> dict[str, str]:
    make_sample_deck(root)
    out = {}
    for card in load_project(root / "decks").decks[0].cards:
        parts = [f"<!-- {card.type} card `{card.id}`: one block per Anki card side -->\n"]
        for face in preview_note(card).faces:
            question, answer = _named_scripts(face.question), _named_scripts(face.answer)
            parts.append(f"<!-- {face.template} (ord {face.ord}) front -->\n{question}\n"
                         f"<!-- {face.template} (ord {face.ord}) back -->\n{answer}\n")
        out[f"{card.id}.html"] = "".join(parts)
    return out


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return _rendered(tmp_path_factory.mktemp("golden"))


@pytest.mark.parametrize("name", sorted(f"{card_id}.html" for card_id in SAMPLE_TEXTS))
def test_card_html_matches_golden(rendered: dict[str, str], name: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(rendered[name], encoding="utf-8")
    assert path.is_file(), f"missing {path}: regenerate with DECKFORGE_UPDATE_GOLDEN=1"
    assert rendered[name] == path.read_text(encoding="utf-8"), (
        f"{name} differs from tests/golden/; if the change is intended, regenerate with "
        "DECKFORGE_UPDATE_GOLDEN=1 and review the diff")


def test_golden_covers_every_card_type_and_nothing_else(rendered: dict[str, str]) -> None:
    assert sorted(p.name for p in GOLDEN.glob("*.html")) == sorted(rendered)
    kinds = {text.split(" ", 2)[1] for text in rendered.values()}
    assert kinds == {"basic", "reversible", "cloze", "choice", "order", "match"}
