"""The schema's yes/no from jsonschema-rs (load/schema.py) is jsonschema's verdict."""


from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from deckforge.load.pyyaml import parse_yaml
from deckforge.load.schema import is_valid, schema
from fastpaths import YAML_FILES


def _card_docs() -> list[Any]:
    docs = []
    for path in YAML_FILES:
        if path.name in ("deck.yaml", "sources.yaml", "lint.yaml"):
            continue
        doc, _ = parse_yaml(path, path.read_bytes())
        if doc is not None:
            docs.append(doc.data)
    return docs


def test_fast_schema_check_says_valid_only_when_jsonschema_finds_nothing() -> None:
    validator = Draft202012Validator(schema("cards"))
    valid = 0
    for data in _card_docs():
        errors = list(validator.iter_errors(data))
        if is_valid("cards", data):
            assert errors == [], data
            valid += 1
        elif data is not None:
            assert errors, data  # the fast check must not doubt valid files (it would be useless)
    assert valid >= 20


# Text the loader accepts. (The control characters it rejects are where regex engines differ:
# Python's \s matches U+001C..U+001F and U+0085, the ECMA-262 \s that jsonschema-rs follows does
# not, so for them the two schema checks can disagree; no file holding them reaches either.)
_TEXT = st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff\u2028\u2029")
_FIELD_VALUES = st.one_of(
    st.text(_TEXT, max_size=5), st.integers(-2, 9), st.floats(allow_nan=False, width=16), st.booleans(),
    st.none(), st.lists(st.one_of(st.text(_TEXT, max_size=3), st.integers(-1, 3), st.booleans()),
                        max_size=4),
    st.sampled_from(["basic", "cloze", "choice", "reversible", "x", "2026-11-28", "a#b", "ok-id",
                     "{{c1::x}}", "tag::sub", "a b"]))
_CARD_KEYS = st.sampled_from(["id", "type", "front", "back", "text", "extra", "question", "choices",
                              "answer", "explanation", "tags", "source", "as_of", "notes",
                              "lint_ignore", "bogus"])


@settings(max_examples=600, deadline=None)
@given(st.lists(st.dictionaries(_CARD_KEYS, _FIELD_VALUES, max_size=7), max_size=3),
       st.one_of(st.none(), st.text(_TEXT, max_size=4), st.lists(st.text(_TEXT, max_size=4), max_size=3)))
def test_fast_schema_check_never_passes_what_jsonschema_rejects(cards: list[dict[str, Any]],
                                                                tags: Any) -> None:
    data: dict[str, Any] = {"cards": cards}
    if tags is not None:
        data["tags"] = tags
    if is_valid("cards", data):
        assert list(Draft202012Validator(schema("cards")).iter_errors(data)) == []


# Valid cards of every type, mutated below: most drawn files are near the valid/invalid border.
_VALID_CARDS: list[dict[str, Any]] = [
    {"id": "a-1", "front": "Q", "back": "A"},
    {"id": "b", "type": "basic", "front": "Q", "back": "A", "tags": ["t", "u::v"],
     "source": "s#x see", "as_of": "2026-11-28", "notes": "", "lint_ignore": ["long-answer"]},
    {"id": "r", "type": "reversible", "front": "Q", "back": "A", "source": ["s", "t#u"]},
    {"id": "c", "type": "cloze", "text": "{{c1::x}}", "extra": "E"},
    {"id": "h", "type": "choice", "question": "Q?", "choices": ["x", "y", "z"], "answer": [0, 2],
     "explanation": "E"},
    {"id": "k", "type": "choice", "question": "Q?", "choices": ["x", "y"], "answer": 1},
]


@st.composite
def _mutated_cards(draw: st.DrawFn) -> dict[str, Any]:
    card = dict(draw(st.sampled_from(_VALID_CARDS)))
    for _ in range(draw(st.integers(0, 2))):
        if card and draw(st.booleans()):
            del card[draw(st.sampled_from(sorted(card)))]
        else:
            card[draw(_CARD_KEYS)] = draw(_FIELD_VALUES)
    return card


@settings(max_examples=800, deadline=None)
@given(st.lists(_mutated_cards(), max_size=3),
       st.sampled_from([None, ["t"], ["t", "t"], "t", ["a b"]]))
@example([{"id": "k", "type": "choice", "question": "Q?", "choices": ["x", "y"], "answer": [1, 1.0]}],
         None)
@example([{"id": "k", "type": "choice", "question": "Q?", "choices": ["x", "y"], "answer": [0, 1.0]}],
         None)
@example([{"id": "k", "type": "choice", "question": "Q?", "choices": ["x", "y"], "answer": 1.0}],
         None)
@example([{"id": "c", "text": "T"}, {"id": "c", "type": "cloze", "front": "Q", "text": "T"}], None)
def test_the_fast_card_check_gives_jsonschemas_verdict(cards: list[dict[str, Any]],
                                                            tags: Any) -> None:
    data: dict[str, Any] = {"cards": cards}
    if tags is not None:
        data["tags"] = tags
    valid = list(Draft202012Validator(schema("cards")).iter_errors(data)) == []
    assert is_valid("cards", data) == valid
