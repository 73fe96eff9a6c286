"""Property tests: arbitrary input never crashes the loader, validator or project loader,
arbitrary card text never renders as live HTML, and cloze deletions make the cards the real Anki
engine makes."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from anki.collection import Collection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deckforge.cloze import card_numbers, check
from deckforge.errors import DeckforgeError, DeckforgeErrors
from deckforge.load.project import load_project
from deckforge.load.pyyaml import parse_yaml
from deckforge.load.schema import validate_document
from deckforge.render.markdown import render_fields, render_inline, render_markdown
from helpers import collection

P = Path("decks/x/cards.yaml")
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

# Pieces of YAML that reach the parser's corners: indicators, anchors, tags, quotes, YAML 1.1
# scalars, flow collections, block scalars, tabs, document markers, BOM, odd characters.
YAML_PIECES = st.sampled_from([
    "cards:", "\n", "  ", "    ", "- ", "id: ", "a", "front: ", "back: ", "type: ", "cloze",
    "choice", "text: ", "{{c1::", "}}", "answer: ", "choices: ", "[", "]", "{", "}", ", ", ": ",
    "&a ", "*a", "<<: ", "!!str ", "!!binary ", "!x ", "'", '"', "\\", "|", ">", "#", "---",
    "...", "\t", "no", "on", "0777", "1e3", "2026-11-28", "~", "null", "12:30", ".inf", "%",
    "@", "`", "?", "\ufeff", "\x00", "\x07", "\u2028", "\ud7ff", "é", "😀", "include:",
    "from: ", "../_shared/x.yaml", "tags: ", "as_of: ", "source: ", "subdeck: ", "id: a",
])
YAML_TEXT = st.lists(YAML_PIECES, max_size=40).map("".join) | st.text(max_size=200)

FIELD_NAMES = ["id", "type", "front", "back", "text", "extra", "question", "choices", "answer",
               "explanation", "tags", "source", "as_of", "notes", "lint_ignore", "subdeck",
               "include", "from", "cards", "name", "description", "frnot"]
SCALARS = (st.none() | st.booleans() | st.integers(-3, 10) | st.floats(allow_nan=True)
           | st.sampled_from(["basic", "reversible", "cloze", "choice", "a", "b-c", "A B",
                              "{{c1::x}}", "2026-11-28", "src#sec", "", " ", "x" * 300])
           | st.text(max_size=20))
DATA: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(FIELD_NAMES), inner, max_size=6),
    max_leaves=25,
)


def _dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def _cardish() -> st.SearchStrategy[Any]:
    """Documents close to a valid card file, so the checks past the schema get exercised."""
    card = st.fixed_dictionaries(
        {"id": st.sampled_from(["a", "b", "a-1"]) | SCALARS},
        optional={name: DATA for name in FIELD_NAMES[1:15]})
    return st.fixed_dictionaries({"cards": st.lists(card, max_size=4)},
                                 optional={"include": DATA, "subdeck": DATA, "tags": DATA})


def _check_errors(errors: list[DeckforgeError]) -> None:
    for e in errors:
        assert isinstance(e, DeckforgeError)
        assert e.message and "Traceback" not in e.message
        assert e.line >= 0 and e.col >= 0


@FAST
@given(st.binary(max_size=300) | YAML_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_parse_to_a_document_or_to_errors(raw: bytes) -> None:
    doc, errors = parse_yaml(P, raw)
    assert (doc is None) == bool(errors)
    _check_errors(errors)


@FAST
@given(YAML_TEXT | DATA.map(_dump).map(bytes.decode) | _cardish().map(_dump).map(bytes.decode))
def test_any_document_validates_without_crashing(text: str) -> None:
    doc, errors = parse_yaml(P, text.encode("utf-8", "surrogatepass"))
    if doc is None:
        return
    for kind in ("cards", "deck", "sources"):
        _check_errors(validate_document(kind, doc))


@FAST
@given(cards=YAML_TEXT | _cardish().map(_dump).map(bytes.decode) | DATA.map(_dump).map(bytes.decode),
       deck=st.sampled_from(["id: x\nname: X\n", "id: x\n", "", "- x\n", "id: [x]\nname: 1\n"]),
       library=st.sampled_from(["", "cards:\n  - id: a\n    front: f\n    back: b\n",
                                "include:\n  - from: y.yaml\n", "cards: [1, {id: a}]\n"]))
def test_any_project_loads_or_raises_deckforge_errors(cards: str, deck: str, library: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        decks = Path(tmp) / "decks"
        (decks / "x").mkdir(parents=True)
        (decks / "_shared").mkdir()
        (decks / "x" / "deck.yaml").write_text(deck, encoding="utf-8")
        (decks / "x" / "cards.yaml").write_bytes(cards.encode("utf-8", "surrogatepass"))
        (decks / "_shared" / "x.yaml").write_text(library, encoding="utf-8")
        try:
            project = load_project(decks)
        except DeckforgeErrors as exc:
            assert exc.errors
            _check_errors(exc.errors)
            return
        for d in project.decks:
            for card in d.cards:
                for value in render_fields(card).values():
                    assert_safe_html(value)


# --- rendering -------------------------------------------------------------------------------

SAFE_TAGS = {"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "hr",
             "h1", "h2", "h3", "h4", "h5", "h6", "span", "div"}
SAFE_ATTRS = {"start", "class"}


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name not in SAFE_ATTRS:
                self.problems.append(f"{name}= on <{tag}>")
            if "javascript:" in (value or "").lower().replace(" ", ""):
                self.problems.append(f"javascript: in {name}=")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data: str) -> None:
        self.problems.append("<!-- comment -->")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"<![{data}>")


def assert_safe_html(rendered: str) -> None:
    checker = _Checker()
    checker.feed(rendered)
    checker.close()
    assert not checker.problems, (checker.problems, rendered)
    # Anki plays [sound:...] and speaks [anki:tts] wherever they appear in the HTML.
    assert "[sound:" not in rendered.lower() and "[anki:" not in rendered.lower(), rendered


HTMLISH = st.lists(st.sampled_from([
    "<", ">", "/", "script", "img", "iframe", "style", "a", " ", "=", '"', "'", "onerror",
    "onload", "href", "src", "javascript:", "alert(1)", "&", "#", ";", "lt", "x", "\n", "*", "_",
    "`", "```", "[", "]", "(", ")", "!", "\\(", "\\)", "\\[", "\\]", "{{c1::", "::", "}}", "- ",
    "1. ", "> ", "    ", "<!--", "-->", "<![CDATA[", "sound:", "anki:tts", "\ue000", "\ue001",
    "0", "&#60;", "&lt;", "&#x3C;", "%3C", "data:", "<svg", "/>", "vbscript:", "\t",
]), max_size=40).map("".join) | st.text(max_size=200)


@FAST
@given(HTMLISH)
def test_rendered_markdown_is_never_live_html(text: str) -> None:
    assert_safe_html(render_markdown(text))
    assert_safe_html(render_inline(text))


def test_checker_catches_live_html() -> None:
    """A property over a checker that cannot fail proves nothing."""
    for bad in ('<script>x</script>', '<p onclick="x">', '<img src=x>', "<iframe>",
                '<span class="a" style="display:none">', "<!-- x -->", "[sound:a.mp3]"):
        try:
            assert_safe_html(bad)
        except AssertionError:
            continue
        raise AssertionError(f"checker accepted {bad!r}")


# --- Cloze deletions: deckforge's one parser against the real Anki engine ------------------------

CLOZE_PIECES = st.sampled_from([
    "{{c1::", "{{c2::", "{{c3::", "{{c12::", "{{c0::", "{{c00::", "{{c01::", "{{c500::",
    "{{c65535::", "{{c65536::", "{{C1::", "{{c1:", "{{c ٢::", "{{c٢::", "}}", "}", "{{", "::",
    ":", "a", " ", "b c", "\n", "- ", "é", "*", "`", "\\(", "\\)",
])
# Deep nesting reaches Anki's limit of 10 open deletions.
NESTED = st.builds(lambda depth, inner: "{{c1::" * depth + inner + "}}" * depth,
                   st.integers(8, 12), st.sampled_from(["x", "{{c2::y}}", "{{c3::z}} w"]))
CLOZE_TEXT = st.lists(CLOZE_PIECES | NESTED, max_size=16).map("".join)


@pytest.fixture(scope="module")
def anki_cloze(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Collection, Any]]:
    with collection(tmp_path_factory.mktemp("anki-cloze-count")) as col:
        yield col, col.models.by_name("Cloze")


def _anki_cards(anki: tuple[Collection, Any], text: str) -> list[int]:
    col, model = anki
    note = col.new_note(model)
    note["Text"] = text
    col.add_note(note, col.decks.id("Default"))
    return sorted(card.ord + 1 for card in note.cards())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(CLOZE_TEXT)
@example("{{c0::x}}")
@example("{{c00::x}} {{c2::y}}")
@example("{{c1::" * 11 + "{{c2::x}}" + "}}" * 11)
@example("{{c65536::a {{c2::b}}")
def test_cloze_card_numbers_match_the_anki_engine(anki_cloze: tuple[Collection, Any], text: str) -> None:
    ours = card_numbers(text)
    # Anki gives a note without a deletion one (error) card, numbered 1; deckforge never ships one.
    assert (ours or [1]) == _anki_cards(anki_cloze, text)
    if not check(text):
        # Text that validates makes exactly the cards deckforge counts, at least one, and its
        # rendered field (what the .apkg holds) makes the same.
        assert ours
        assert card_numbers(render_markdown(text, {})) == ours
