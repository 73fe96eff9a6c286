"""Rendering: the Markdown subset, raw HTML shown as text, MathJax and cloze untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckforge.load.project import load_project
from deckforge.render.markdown import render_fields, render_inline, render_markdown
from helpers import make_deck


@pytest.mark.parametrize(("text", "html"), [
    ("plain", "plain"),
    ("**bold** and *it* and `code`", "<strong>bold</strong> and <em>it</em> and <code>code</code>"),
    ("line one\nline two", "line one<br />\nline two"),
    ("- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
    ("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
    (r"\(a_1 < b_2\) and \[x^*\]", r"\(a_1 &lt; b_2\) and \[x^*\]"),
    ("{{c1::USD **200**::price}}", "{{c1::USD <strong>200</strong>::price}}"),
    ("snake_case_name", "snake_case_name"),
])
def test_render_markdown(text: str, html: str) -> None:
    assert render_markdown(text) == html


def test_links_are_not_live() -> None:
    out = render_markdown("[x](javascript:alert(1)) <javascript:alert(1)>")
    assert "<a" not in out
    assert "href" not in out


def test_inline_has_no_block_elements() -> None:
    assert render_inline("- not a list *but emphasis*") == "- not a list <em>but emphasis</em>"


def test_choice_card_that_opts_out_of_shuffling_marks_its_options(tmp_path: Path) -> None:
    """`shuffle: false` reaches the note as data-shuffle="false" on both option lists, which the
    choice template's script leaves in the written order; other cards carry no attribute."""
    make_deck(tmp_path, "d", {"cards.yaml": """
        cards:
          - {id: fixed, type: choice, question: Q?, choices: [a, b], answer: 0, shuffle: false}
          - {id: free, type: choice, question: Q?, choices: [a, b], answer: 0}
          - {id: explicit, type: choice, question: Q?, choices: [a, b], answer: 0, shuffle: true}
    """})
    cards = {c.id: c for c in load_project(tmp_path / "decks").decks[0].cards}
    fixed = render_fields(cards["fixed"])
    assert fixed["Choices"].startswith('<ol class="choices" data-shuffle="false"><li ')
    assert fixed["ChoicesMarked"].startswith('<ol class="choices" data-shuffle="false"><li ')
    for card_id in ("free", "explicit"):
        fields = render_fields(cards[card_id])
        assert fields["Choices"].startswith('<ol class="choices"><li ')
        assert fields["ChoicesMarked"].startswith('<ol class="choices"><li ')


def test_order_and_match_items_without_javascript_never_show_their_key(tmp_path: Path) -> None:
    """Steps and right-hand items are written in a fixed order that is never the key (there the
    daily shuffle cannot run); `shuffle: false` keeps that order every day."""
    make_deck(tmp_path, "d", {"cards.yaml": """
cards:
  - id: o
    type: order
    question: Order?
    steps: [one, two, three]
    shuffle: false
  - id: m
    type: match
    question: Match?
    pairs: [{left: a, right: x}, {left: b, right: y}, {left: c, right: z}]
"""})
    order, match = load_project(tmp_path / "decks").decks[0].cards
    fields = render_fields(order)
    assert '<ol class="steps" data-shuffle="false">' in fields["Steps"]
    shown = [part.split("</span>")[0] for part in fields["Steps"].split('class="step-text">')[1:]]
    assert sorted(shown) == ["one", "three", "two"] and shown != ["one", "two", "three"]
    assert [p.split("</span>")[0] for p in fields["Answer"].split('class="step-text">')[1:]] == \
        ["one", "two", "three"]
    pairs = render_fields(match)["Pairs"]
    assert '<ol class="rights">' in pairs  # shuffled daily
    rights = [part.split("</span>")[0] for part in pairs.split('class="right-text">')[1:]]
    assert sorted(rights) == ["x", "y", "z"] and rights != ["x", "y", "z"]
