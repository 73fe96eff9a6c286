"""Hostile card text, built and imported into the real Anki engine: it shows, and nothing runs."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from deckforge.notetypes import NOTE_TYPES
from helpers import collection, env_with_epoch, import_apkg, make_deck, run

# Each entry: (card file text, text a learner must see somewhere on the card, after unescaping).
HOSTILE = """\
cards:
  - id: script
    front: <script>alert(1)</script> Q1
    back: '<img src=x onerror=alert(2)> A1'
  - id: links
    front: '[click](javascript:alert(3)) <javascript:alert(4)> Q2'
    back: '![x](javascript:alert(5)) <a href="javascript:alert(6)">a</a> A2'
  - id: frame
    front: '<iframe src="https://evil.example/"></iframe> Q3'
    back: |
      <style>.answer { display: none }</style> A3
      <div style="display:none" onclick="x()">hidden</div>
  - id: svg
    front: '<svg onload=alert(7)><math><mi xlink:href="javascript:alert(8)">m</mi></math> Q4'
    back: '<object data="javascript:alert(9)"></object><embed src=x> A4'
  - id: math
    front: 'Q5 \\(<script>alert(10)</script>\\) and \\[x"><img src=x onerror=alert(11)>\\]'
    back: '`<script>alert(12)</script>` A5'
  - id: sound
    front: 'Q6 [sound:../../collection.anki2] {{Back}} {{#Source}}s{{/Source}} {{FrontSide}}'
    back: '[anki:tts lang=en_US]spoken[/anki:tts] {{c1::not a cloze}} A6'
    source: 'exam-facts#fees <script>alert(13)</script> [sound:s.mp3]'
  - id: cloze
    type: cloze
    text: 'Q7 {{c1::answer::<b onmouseover=alert(14)>hint</b>}} {{c2::x::[sound:a.mp3]}}'
    extra: '{{Text}} {{cloze:Text}} <base href="https://evil.example/"> A7'
  - id: choice
    type: choice
    question: '<form action="https://evil.example/"><input autofocus onfocus=alert(15)> Q8'
    choices: ['<script>alert(16)</script>', '<b onclick="x()">bold</b>', '[sound:c.mp3]']
    answer: 1
    explanation: '<meta http-equiv="refresh" content="0;url=https://evil.example/"> A8'
  - id: why
    type: choice
    case: evil
    question: 'Q9 which two?'
    choices:
      - text: 'ok'
        why: '<img src=x onerror=alert(17)> W1 [sound:w.mp3]'
      - text: '<details open ontoggle=alert(18)>d</details>'
        why: '<script>alert(19)</script>'
      - 'plain'
    answer: [0, 1]
  - id: order
    type: order
    case: evil
    question: 'Q10 <button onclick="x()">b</button>'
    steps: ['<script>alert(20)</script>', '<svg onload=alert(21)>', '{{Question}} [sound:s.mp3]']
    explanation: '</ol><input onfocus=alert(22) autofocus> A10'
  - id: match
    type: match
    question: 'Q11 match'
    pairs:
      - {left: '<script>alert(23)</script>', right: '<img src=x onerror=alert(24)>'}
      - {left: '<a href="javascript:alert(25)">l</a>', right: '</span></li></ol><b>r</b>'}
      - {left: '{{Pairs}}', right: '[anki:tts]x[/anki:tts] r3'}
cases:
  evil:
    title: '<script>alert(26)</script> T'
    text: |
      <style>body { display: none }</style> C1

      | <img src=x onerror=alert(27)> | b |
      |---|---|
      | <script>alert(28)</script> | [sound:t.mp3] |
"""

VISIBLE = {
    "script": ["<script>alert(1)</script> Q1", "<img src=x onerror=alert(2)> A1"],
    "links": ["[click](javascript:alert(3))", "<javascript:alert(4)>",
              '<a href="javascript:alert(6)">a</a>'],
    "frame": ['<iframe src="https://evil.example/"></iframe> Q3',
              "<style>.answer { display: none }</style> A3"],
    "svg": ["<svg onload=alert(7)>", '<object data="javascript:alert(9)"></object>'],
    "math": ["<script>alert(10)</script>", "<script>alert(12)</script>"],
    "sound": ["[sound:../../collection.anki2]", "{{Back}}", "{{#Source}}s{{/Source}}",
              "[anki:tts lang=en_US]spoken[/anki:tts]", "{{c1::not a cloze}}",
              "<script>alert(13)</script> [sound:s.mp3]"],
    "cloze": ["<b onmouseover=alert(14)>hint</b>", "{{Text}} {{cloze:Text}}",
              '<base href="https://evil.example/"> A7'],
    "choice": ["<script>alert(16)</script>", '<b onclick="x()">bold</b>', "[sound:c.mp3]",
               '<meta http-equiv="refresh" content="0;url=https://evil.example/"> A8'],
    "why": ["<img src=x onerror=alert(17)> W1 [sound:w.mp3]", "<details open ontoggle=alert(18)>d</details>",
            "<script>alert(19)</script>", "<script>alert(26)</script> T",
            "<style>body { display: none }</style> C1", "<img src=x onerror=alert(27)>",
            "<script>alert(28)</script>", "[sound:t.mp3]"],
    "order": ['<button onclick="x()">b</button>', "<script>alert(20)</script>", "<svg onload=alert(21)>",
              "{{Question}} [sound:s.mp3]", "</ol><input onfocus=alert(22) autofocus> A10",
              "<script>alert(26)</script> T"],
    "match": ["<script>alert(23)</script>", "<img src=x onerror=alert(24)>",
              '<a href="javascript:alert(25)">l</a>', "</span></li></ol><b>r</b>", "{{Pairs}}",
              "[anki:tts]x[/anki:tts] r3"],
}

# What deckforge's own templates and renderer may produce; anything else came from card text.
ALLOWED_TAGS = {"div", "span", "hr", "br", "p", "em", "strong", "code", "pre", "ul", "ol", "li",
                "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "img",
                "details", "summary", "table", "thead", "tbody", "tr", "th", "td"}
ALLOWED_ATTRS = {"class", "id", "aria-label", "data-cloze", "data-ordinal", "data-shuffle", "start",
                 "src", "alt", "open", "data-choose"}
# The scripts of deckforge's own templates, exactly as each side of a card ends with them.
OWN_SCRIPTS = sorted({t.script_html for nt in NOTE_TYPES.values() for t in nt.templates
                      if t.script_html})


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(body: str) -> str:
    """Fail if ``body`` (card HTML without the note type's CSS) could run or hide anything;
    return its visible text."""
    parser = _Collect()
    parser.feed(body)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"live <{tag}> in {body!r}"
        for name, value in attrs:
            assert name in ALLOWED_ATTRS, f"attribute {name}= on <{tag}> in {body!r}"
            assert not (value or "").strip().lower().startswith(("javascript:", "data:", "http"))
    lowered = html.unescape(body).lower()
    assert "[anki:play" not in lowered, f"Anki turned card text into a sound: {body!r}"
    return "".join(parser.text)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[str, str, int]]]:
    """card id -> [(question body, answer body, av tags)] as the real Anki engine renders them."""
    root = tmp_path_factory.mktemp("hostile")
    folder = make_deck(root, "hostile", {"cards.yaml": HOSTILE})
    (folder / "deck.yaml").write_text(
        "id: hostile\nname: Hostile\n"
        "description: '<script>alert(0)</script> <img src=x onerror=alert(0)> [sound:d.mp3]'\n",
        encoding="utf-8")
    result = run(root, "build", env=env_with_epoch(1767225600))
    assert result.exit_code == 0, result.output
    out: dict[str, list[tuple[str, str, int]]] = {}
    own_scripts = 0
    with collection(root / "col") as col:
        assert import_apkg(col, root / "dist" / "hostile.apkg").new == len(VISIBLE)
        css = {f"<style>{nt.css}</style>" for nt in NOTE_TYPES.values()}
        for cid in sorted(col.find_cards("")):
            card = col.get_card(cid)
            note = card.note()
            q, a = card.question(), card.answer()
            for style in css:  # Anki puts the note type's own stylesheet first: that is ours
                q, a = q.removeprefix(style), a.removeprefix(style)
            # The choice template ends with its own script (and nothing after it): that is ours
            # too. Any other <script> left in the card fails assert_inert below.
            for script in OWN_SCRIPTS:
                own_scripts += q.endswith(script) + a.endswith(script)
                q, a = q.removesuffix(script), a.removesuffix(script)
            avs = len(card.question_av_tags()) + len(card.answer_av_tags())
            key = _card_key(note.fields)
            out.setdefault(key, []).append((q, a, avs))
        deck = col.decks.by_name("Hostile")
        assert deck is not None
        out["_description"] = [(deck["desc"], "", 0)]
    out["_own_scripts"] = [("", "", own_scripts)]
    return out


def _card_key(fields: list[str]) -> str:
    text = html.unescape(" ".join(fields))
    for key, marker in (("script", "Q1"), ("links", "Q2"), ("frame", "Q3"), ("svg", "Q4"),
                        ("math", "Q5"), ("sound", "Q6"), ("cloze", "Q7"), ("choice", "Q8"),
                        ("why", "Q9"), ("order", "Q10"), ("match", "Q11")):
        if re.search(rf"\b{marker}\b", text):
            return key
    raise AssertionError(f"unknown card: {fields!r}")


def test_every_hostile_card_was_imported(rendered: dict[str, list[tuple[str, str, int]]]) -> None:
    assert sorted(k for k in rendered if not k.startswith("_")) == sorted(VISIBLE)
    assert len(rendered["cloze"]) == 2  # c1 and c2; nothing in Extra made more cards


@pytest.mark.parametrize("card_id", sorted(VISIBLE))
def test_hostile_text_is_visible_and_inert(
        rendered: dict[str, list[tuple[str, str, int]]], card_id: str) -> None:
    shown = ""
    for question, answer, av_tags in rendered[card_id]:
        shown += assert_inert(question) + "\n" + assert_inert(answer) + "\n"
        assert av_tags == 0, "card text must not play sounds or speak"
    for text in VISIBLE[card_id]:
        assert text in shown, f"{text!r} is not visible on card {card_id}: {shown!r}"


def test_only_the_item_templates_have_a_script() -> None:
    """The one script is the item templates' own (choice, order, match), at the end of both
    sides, and holds no template syntax: no field's text can be spliced into it."""
    assert len(OWN_SCRIPTS) == 1
    (script,) = OWN_SCRIPTS
    assert script.count("<script>") == 1 and script.endswith("</script>\n")
    for key, nt in NOTE_TYPES.items():
        for t in nt.templates:
            for side in (t.qfmt, t.afmt):
                assert side.endswith(script) == (key in ("choice", "order", "match")), (key, t.name)
    assert "{{" not in script and "}}" not in script
    assert "[sound:" not in script and "[anki:" not in script
    assert "innerHTML" not in script and "eval" not in script
    # Anki desktop keeps one page for a whole session and runs each side's script again in it:
    # a top-level let/const would throw "already declared" on the next card. Each file is one
    # function expression run at once, with var inside (old WebViews know no let either).
    body = script.removeprefix("<script>\n").removesuffix("</script>\n")
    code = re.sub(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\])*\"", "", body, flags=re.S)
    assert not re.search(r"\b(let|const|class)\s", code)
    assert code.strip().startswith("(function () {") and code.strip().endswith("})();")
    assert code.count("\n(function () {") + code.startswith("(function () {") == 2


def test_the_choice_card_ends_with_the_template_script(
        rendered: dict[str, list[tuple[str, str, int]]]) -> None:
    """The fixture took the script off both sides of the four item cards, and only there."""
    (_, _, sides), = rendered["_own_scripts"]
    assert sides == 8


def test_template_syntax_in_fields_is_not_expanded(
        rendered: dict[str, list[tuple[str, str, int]]]) -> None:
    (question, answer, _), = rendered["sound"]
    # The back of the note must not leak onto the front through `{{Back}}` in the text.
    assert "A6" not in question
    assert "{{Back}}" in html.unescape(question)


def test_cloze_hint_is_text(rendered: dict[str, list[tuple[str, str, int]]]) -> None:
    fronts = [html.unescape(q) for q, _, _ in rendered["cloze"]]
    assert any("[<b onmouseover=alert(14)>hint</b>]" in f for f in fronts)


def test_deck_description_is_inert(rendered: dict[str, list[tuple[str, str, int]]]) -> None:
    (description, _, _), = rendered["_description"]
    text = assert_inert(description)
    assert "<script>alert(0)</script>" in text
    assert "[sound:d.mp3]" in text


def test_assert_inert_catches_live_html() -> None:
    """The checker itself must fail on what it is meant to catch."""
    for bad in ("<script>x</script>", '<b onclick="x">', '<a href="javascript:x">a</a>',
                "<iframe></iframe>", "<style>p{}</style>", "[anki:play:q:0]",
                '<img src="http://evil.example/x.png">'):
        with pytest.raises(AssertionError):
            assert_inert(bad)
    assert assert_inert("&lt;script&gt;") == "<script>"

