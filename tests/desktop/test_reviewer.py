"""The real Anki desktop reviewer (aqt with Qt WebEngine, headless): the shipped choice cards
shuffle as their script says with both sides agreeing, and the new item types answer by real
mouse clicks. ``reviewer_driver.py`` drives Anki in its own process; this judges what it saw.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from helpers import ITEMS, ROOT, env_with_epoch, make_deck, run

DRIVER = Path(__file__).parent / "reviewer_driver.py"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    pytest.importorskip("aqt", reason="aqt is a test extra: pip install -e '.[test]'")
    pytest.importorskip("PyQt6.QtWebEngineWidgets")
    root = tmp_path_factory.mktemp("desktop")
    make_deck(root, "items", {"items.yaml": ITEMS}, name="Items")
    result = run(root, "build", env=env_with_epoch(1_800_000_000))
    assert result.exit_code == 0, result.output
    out = root / "seen.json"
    # Anki desktop lets one instance run per user and hands a second one's arguments to the first:
    # a key of this run's own keeps two test runs on one machine from meeting.
    key = f"deckforge-test-{root.name}-{os.getpid()}"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ANKI_SINGLE_INSTANCE_KEY": key}
    proc = subprocess.run([sys.executable, str(DRIVER), str(out), str(ROOT / "dist" / "google-pmle.apkg"),
                           str(root / "dist" / "items.apkg")], env=env, capture_output=True,
                          text=True, timeout=400)
    log = "\n".join(line for line in proc.stderr.splitlines() if "OpenType" not in line)
    assert proc.returncode == 0, log[-4000:]
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


class _Options(HTMLParser):
    """The text of each option of a Choices field, as the DOM's textContent reads it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.depth += tag != "br"
        elif ("class", "choice-text") in attrs:
            self.depth = 1
            self.texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag != "br":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.texts[-1] += data


def _hash(text: str) -> int:
    h = 2166136261
    units = text.encode("utf-16-le")
    for i in range(0, len(units), 2):
        h ^= units[i] | units[i + 1] << 8
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def expected_order(question: str, written: list[str], when: float) -> list[str]:
    """templates/choice_shuffle.js, written again from its description: the options in the
    order a given study day shows them."""
    day = time.localtime(when - 4 * 3600)
    seed = f"{day.tm_year}-{day.tm_mon}-{day.tm_mday}\n{question}" + "".join(f"\n{t}" for t in written)
    items, state = list(written), _hash(seed) or 1
    for i in range(len(items) - 1, 0, -1):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        j = state % (i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def test_shipped_choice_cards_shuffle_as_the_script_says(seen: dict[str, Any]) -> None:
    assert len(seen["choice"]) == 4
    moved = 0
    for card in seen["choice"]:
        parser = _Options()
        parser.feed(card["fields"]["Choices"])
        written = [t.strip() for t in parser.texts]
        front, back = card["front"], card["back"]
        shown = front["options"]
        assert shown == expected_order(front["question"], written, time.time()), card["fields"]
        moved += shown != written
        # Both sides agree: the same order, lettered A, B, ..., the key named by shown letters.
        letters = [chr(65 + i) for i in range(len(shown))]  # a choose-two card has five options
        assert back["options"] == shown and back["letters"] == front["letters"] == letters
        assert back["answer"] == ", ".join(chr(65 + shown.index(c)) for c in back["correct"])
        # The real mouse click picked the second option shown, and the back says so: one key of a
        # "Choose two" card is partly correct (templates/item_answer.js), a single key correct.
        assert card["picked_front"] == [shown[1]] == back["picked"]
        keys = back["correct"]
        assert keys and set(keys) <= set(shown)
        expected = ("Incorrect" if shown[1] not in keys else "Correct" if len(keys) == 1
                    else f"Partly correct (1 of {len(keys)})")
        assert back["verdict"] == expected
    assert moved >= 2  # the script ran: most days most cards are not in their written order


def test_new_item_types_answer_by_clicks_in_the_reviewer(seen: dict[str, Any]) -> None:
    two, order, match = (seen["items"][k] for k in ("choose-two", "order", "match"))
    assert "Choose two." in two["front"]["question"]
    assert sorted(two["front_after"]["picked"])[0].startswith("Retrain only on drift")
    assert len(two["front_after"]["picked"]) == 2
    assert two["back"]["verdict"] == "Correct"
    assert sorted(two["back"]["picked"]) == sorted(two["front_after"]["picked"])
    # Anki desktop keeps 1-4 (and 5-7) for its own shortcuts: they never reach the card.
    assert two["after_key_1"] == []
    assert sorted(order["front"]["options"]) == sorted(order["back"]["picked"])
    assert order["front"]["letters"] == ["A", "B", "C", "D"]
    assert order["back"]["verdict"] == "Correct"
    assert match["front_after"]["matchPicked"] == 3 and match["back"]["verdict"] == "Correct"
