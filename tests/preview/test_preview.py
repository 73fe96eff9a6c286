"""`deckforge preview`: Anki's template and cloze rules, the site it writes, the command."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deckforge.cloze import card_numbers as cloze_ordinals
from deckforge.notetypes import NOTE_TYPES
from deckforge.preview.anki import render_cloze, render_template
from deckforge.preview.site import MARKER
from helpers import SAMPLE_TEXTS, collection, make_deck, make_sample_deck, run

# --- Anki's template and cloze rules, checked against the real engine ---------------------------


@pytest.fixture(scope="module")
def anki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    with collection(tmp_path_factory.mktemp("anki-cloze")) as col:
        yield col


_PIECES = ["{{c1::", "{{c2::", "{{c3::", "}}", "::", "\\(", "\\)", "\\[", "\\]", "<b>", "</b>",
           "a", "b c", "é", "€", '"', "'", "&amp;", "&", "<br>", "\n", "-", "[", "]", "1"]


def _anki_render(col: Collection, text: str) -> dict[int, tuple[str, str]]:
    note = col.new_note(col.models.by_name("Cloze"))
    note["Text"] = text
    col.add_note(note, col.decks.id("Default"))
    out = {}
    for card in note.cards():
        style = card.question().split("</style>", 1)[0] + "</style>"
        out[card.ord + 1] = (card.question()[len(style):], card.answer()[len(style):])
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES), max_size=14).map("".join))
def test_cloze_rendering_matches_anki(anki: Collection, text: str) -> None:
    # Anki's stock Cloze note type, rendered by Anki and by the preview's template renderer.
    ordinals = cloze_ordinals(text)
    if not ordinals:  # Anki makes an error card for a note without deletions; we never ship one
        return
    model = anki.models.by_name("Cloze")
    qfmt, afmt = model["tmpls"][0]["qfmt"], model["tmpls"][0]["afmt"]
    expected = _anki_render(anki, text)
    assert sorted(expected) == ordinals
    fields = {"Text": text, "Back Extra": ""}
    for n in ordinals:
        question = render_template(qfmt, fields, n, True)
        assert (question, render_template(afmt, fields, n, False, question)) == expected[n], n


def test_cloze_hint_nesting_and_mathjax() -> None:
    text = 'A {{c1::x "y"::hint}} {{c2::o {{c1::i}}}} \\({{c1::<b>m</b>}}\\)'
    assert render_cloze(text, 1, True) == (
        'A <span class="cloze" data-cloze="x&#x20;&quot;y&quot;" data-ordinal="1">[hint]</span> '
        '<span class="cloze-inactive" data-ordinal="2">o <span class="cloze" data-cloze="i" '
        'data-ordinal="1">[...]</span></span> \\([...]\\)')
    assert render_cloze(text, 2, False) == (
        'A <span class="cloze-inactive" data-ordinal="1">x "y"</span> <span class="cloze" '
        'data-ordinal="2">o <span class="cloze-inactive" data-ordinal="1">i</span></span> \\(m\\)')
    assert render_cloze(text, 3, True) == ""


def test_template_conditionals_and_front_side() -> None:
    template = "{{#A}}[{{A}}]{{/A}}{{^B}}no B{{/B}}{{#B}}{{B}}{{/B}}|{{FrontSide}}"
    assert render_template(template, {"A": "x", "B": ""}, 1, False, "Q") == "[x]no B|Q"
    assert render_template(template, {"A": " <br> ", "B": "y"}, 1, False, "Q") == "y|Q"
    with pytest.raises(ValueError, match="unknown field 'C'"):
        render_template("{{C}}", {"A": ""}, 1, True)
    with pytest.raises(ValueError, match="not open"):
        render_template("{{/A}}", {"A": ""}, 1, True)


def test_note_type_templates_use_only_known_fields_and_no_script() -> None:
    for nt in NOTE_TYPES.values():
        fields = dict.fromkeys(nt.fields, "x {{c1::y}}")
        for t in nt.templates:
            for side in (t.qfmt, t.afmt):
                assert render_template(side, fields, 1, True)
                # The one script allowed is the template's own file (test_hostile_html.py).
                markup = side.removesuffix(t.script_html)
                assert not re.search(r"<script|\son\w+\s*=|javascript:", markup, re.IGNORECASE)
        assert not re.search(r"<script|expression\(|javascript:|@import|url\(", nt.css,
                             re.IGNORECASE)


# --- The site ------------------------------------------------------------------------------------


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    make_sample_deck(tmp_path)
    return tmp_path


def test_preview_writes_a_page_per_deck_with_every_card(sample: Path) -> None:
    out = sample / "site"
    result = run(sample, "preview", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"{out / 'index.html'}: 1 deck(s), 11 card(s), 15 Anki card(s)\n"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        ".deckforge-preview", "index.html", "sample/df-3f3560a9d7bfe4ef.png",
        "sample/df-b0f7e6b5ceba9579.svg", "sample/df-c0a2b5d232ab635c.png", "sample/index.html"]
    page = (out / "sample" / "index.html").read_text(encoding="utf-8")
    for card_id, text in SAMPLE_TEXTS.items():
        assert f'id="card-{card_id}"' in page
        assert text in page
    assert page.count('<figure class="pv-face pv-front">') == 15
    assert page.count('<figure class="pv-face pv-back">') == 15
    assert 'id="pv-q"' in page and "tag:" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="sample/index.html"' in index and "Sample::Deck" in index


def test_preview_charts_count_cards_per_subdeck_domain_and_type(sample: Path) -> None:
    run(sample, "preview", "--out", str(sample / "site"))
    page = (sample / "site" / "sample" / "index.html").read_text(encoding="utf-8")
    rows = dict(re.findall(r'<span class="pv-label">([^<]*)</span><svg[^>]*>.*?</svg>'
                           r'<span class="pv-n">(\d+)</span>', page))
    # The library card lives in its library's deck and carries only its library file's tags.
    assert rows == {"Basics": "3", "Sample::Shared": "1", "Choice": "2", "Cloze": "2", "Items": "3",
                    "imaging": "3", "monitoring": "2",
                    "basic": "3", "reversible": "1", "cloze": "2", "choice": "3", "order": "1",
                    "match": "1"}
    assert page.count('<figure class="pv-chart">') == 3


def test_preview_site_works_offline(sample: Path) -> None:
    run(sample, "preview", "--out", str(sample / "site"))
    for page in (sample / "site").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'(src|href)="(https?:)?//|<link\b|<script\s+src|@import', text), page


def test_preview_replaces_an_earlier_preview(sample: Path) -> None:
    out = sample / "site"
    run(sample, "preview", "--out", str(out))
    (out / "stale.html").write_text("old", encoding="utf-8")
    assert run(sample, "preview", "--out", str(out)).exit_code == 0
    assert not (out / "stale.html").exists()
    assert (out / MARKER).is_file()
    assert not [p for p in sample.iterdir() if p.name.startswith(".site")]


def test_preview_refuses_a_folder_it_did_not_write(sample: Path) -> None:
    out = sample / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run(sample, "preview", "--out", str(out))
    assert result.exit_code == 1
    assert "error: not a preview folder" in result.output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_preview_defaults_to_preview_folder_and_filters_decks(
        sample: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_deck(sample, "other", {"c.yaml": "cards:\n  - id: a\n    front: F\n    back: B\n"})
    monkeypatch.chdir(sample)
    result = run(sample, "preview", "other")
    assert result.exit_code == 0, result.output
    assert result.output == "preview/index.html: 1 deck(s), 1 card(s), 1 Anki card(s)\n"
    assert sorted(p.name for p in (sample / "preview").iterdir()) == [
        ".deckforge-preview", "index.html", "other"]
    bad = run(sample, "preview", "nope")
    assert bad.exit_code == 1 and "no deck with id `nope`" in bad.output


def test_preview_reports_invalid_cards_like_validate(sample: Path) -> None:
    (sample / "decks" / "sample" / "images" / "chart.png").unlink()
    result = run(sample, "preview", "--out", str(sample / "site"))
    assert result.exit_code == 1
    assert "basics.yaml:7:12: error: image `images/chart.png` does not exist" in result.output
    assert not (sample / "site").exists()
