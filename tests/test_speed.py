"""The fast paths (cache, yaml-rs, compiled schema check, plain Markdown, bulk inserts) change
nothing: same data, same errors word for word, same .apkg bytes. No test here measures time."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import deckforge.apkg.archive as apkg_archive
import deckforge.apkg.collection as apkg_collection
import deckforge.build.run as build_module
import deckforge.load.parse
import deckforge.load.yamlrs as fastyaml
from deckforge.apkg.collection import collection_bytes
from deckforge.load import load_project
from deckforge.load.pyyaml import parse_yaml
from deckforge.load.schema import is_valid, schema
from deckforge.load.yamlrs import fast_parse
from deckforge.notes import compile_project
from deckforge.notes.manifest import Manifest
from deckforge.notetypes import NOTE_TYPES, NoteType
from deckforge.render.markdown import _md
from deckforge.render.plain import fast_block, fast_inline
from deckforge.store import CACHE_DIR_NAME
from helpers import collection, import_apkg, make_deck, png_bytes, run, write
from oracles.genanki_writer import collection_genanki

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_deck import edit_one_card, generate  # noqa: E402

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
SLOW = {**EPOCH, "DECKFORGE_FAST": "0", "DECKFORGE_CACHE": "0"}
YAML_FILES = sorted([*ROOT.glob("decks/**/*.yaml"), *ROOT.glob("tests/corpus/**/*.yaml")])


@pytest.fixture(autouse=True)
def _no_memory() -> None:
    """Each test reads the cache from disk, not from an earlier test's process memory."""
    deckforge.load.parse._MEMORY.clear()


def _agrees(path: Path, raw: bytes) -> bool:
    """If the fast parser reads ``raw``, the loader reads the same data and card positions."""
    fast = fast_parse(raw)
    if fast is None:
        return False
    doc, errors = parse_yaml(path, raw)
    assert errors == [] and doc is not None, path
    data, positions = fast
    assert data == doc.data and type(data) is type(doc.data)
    assert _types(data) == _types(doc.data)
    assert positions == [doc.position(("cards", i)) for i in range(len(positions))]
    return True


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


def test_fast_yaml_reads_what_the_loader_reads_in_every_shipped_and_corpus_file() -> None:
    used = [p for p in YAML_FILES if _agrees(p, p.read_bytes())]
    # The shipped card files are plain YAML: most of them must take the fast path.
    shipped = [p for p in used if "decks" in p.relative_to(ROOT).parts[:1]]
    assert len(shipped) >= 20


# Pieces of card files, tricky for YAML 1.1 versus 1.2 and for the line scanner.
_VALUES = ["plain text", "yes", "No", "on", "~", "null", "017", "0o17", "08", "1e3", "1_000", "1:30",
           "0x1F", "+5", "-3", "12", "1.5", ".inf", "2026-11-28", "'quoted: yes'", '"esc \\t tab"',
           '"bell \\a"', "'it''s'", "**bold** text", "*em*", "&anchor x", "*alias", "!!str 5", "!tag x",
           "@at", "`code`", "[a, b]", "[a::b, c]", "{a: 1}", "[a, b", "x # comment", "a: b",
           "|\n      block\n      text", ">-\n      folded\n      text", "\"multi\n  line\"",
           "'{{c1::x}}'", "<<", "=", "%x", "? x", "- item", "'\\u00e9'", "\"\\u00e9\"", "\"\\x41\"",
           "é ünïcode", "tab\there", "nbsp\u00a0x", "line\u2028sep", "\"nul \\0\""]
_KEYS = ["id", "front", "back", "type", "text", "answer", "choices", "tags", "source", "as_of",
         "yes", "1", "<<", "'quoted'", "front"]


@st.composite
def card_files(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append(f"subdeck: {draw(st.sampled_from(_VALUES))}")
    lines.append(draw(st.sampled_from(["cards:", "cards: # c", "cards: []", "cards:  "])))
    indent = draw(st.sampled_from(["", "  ", "    "]))
    for _ in range(draw(st.integers(0, 4))):
        keys = draw(st.lists(st.sampled_from(_KEYS), min_size=1, max_size=4))
        dash = draw(st.sampled_from(["- ", "-   ", "-\n" + indent + "  "]))
        first = True
        for key in keys:
            value = draw(st.sampled_from(_VALUES))
            prefix = indent + dash if first else indent + "  "
            lines.append(f"{prefix}{key}: {value}")
            first = False
        if draw(st.booleans()):
            lines.append(draw(st.sampled_from(["", "# comment", indent + "  # indented comment"])))
    if draw(st.booleans()):
        lines.append(f"tags: {draw(st.sampled_from(_VALUES))}")
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=400, deadline=None)
@given(card_files())
@example("cards:\n- id: |\n      block\n      text")  # yaml-rs kept a line break PyYAML does not
def test_fast_yaml_never_disagrees_with_the_loader(text: str) -> None:
    _agrees(Path("cards.yaml"), text.encode("utf-8"))


# fastyaml's whole-file checks against the Python checks they stand in for (kept in fastyaml
# as the slow path's, or here as references).

_LOADER_REJECTS = re.compile("[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]")


@settings(max_examples=600, deadline=None)
@given(st.text(st.one_of(st.sampled_from("\t\r\n\x00\x1f\x7f\x80\x9f\xa0\ufeff\u2028\u2029\u2027é"),
                         st.characters(exclude_categories=["Cs"])), max_size=8))
def test_the_byte_check_finds_exactly_the_characters_the_loader_rejects(text: str) -> None:
    assert fastyaml._bad_chars(text.encode("utf-8")) == (_LOADER_REJECTS.search(text) is not None)


_YAML_BITS = ["x", "yes", "017", "0o7", "-0", "+01", "0x1", "1:30", "a: b", ":", "::", "'q: *x'", '"d"',
              "&a", "*b", "!t", "?", "@", "`c`", "%", "#", " #c", "[", "]", "{", "}", ",", "[a, b]",
              "[a: b]", "{a: 1}", "[x,&y]", "[ 017]", "[a #b]", "[a]x", "{{c1::x}}", "[a:]", "[a, 0o1]",
              "[a]  ", "**b**", "- ", "-", ": ", " ", "  ", "...", "---", "'", "0", "00", "[a,[b]]",
              "{a:b}", "[a,: b]", "[a ,0]", "[a] # c", "{ }", "\n", "\n  "]


@st.composite
def _yaml_lines(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        indent = " " * draw(st.integers(0, 4))
        dash = draw(st.sampled_from(["", "", "- ", "-  ", "- - ", "-"]))
        key = draw(st.sampled_from(["", "", "k: ", "k:  ", "k:", "a b: ", "'q': ", "? "]))
        lines.append(indent + dash + key + "".join(draw(st.lists(st.sampled_from(_YAML_BITS), max_size=4))))
    return draw(st.sampled_from(["\n", "\n\n", "\n# c\n"])).join(lines) + draw(st.sampled_from(["\n", ""]))


@settings(max_examples=700, deadline=None)
@given(_yaml_lines())
@example("k: [017]\n")  # one pattern of the flow screen each
@example("k: [a: b]\n")
@example("k: [a #b]\n")
@example("k: [x,&y]\n")
@example("k: [a]x\n")
@example("- [a, -01]\n")
@example("  {x, !t}\n")
@example("--- x\n")
def test_the_yaml_screen_finds_whatever_the_detailed_check_finds(text: str) -> None:
    if fastyaml._exotic_in_detail(text):
        assert fastyaml._screened(text)


def _card_positions_by_lines(text: str, cards: list[Any]) -> list[tuple[int, int]] | None:
    """The reference: fastyaml._card_positions as a loop over the lines."""
    lines = text.split("\n")
    heads = [i for i, line in enumerate(lines) if line.startswith("cards:")]
    if len(heads) != 1:
        return None
    rest = lines[heads[0]][6:].strip(" ")
    if rest and not rest.startswith("#"):
        return None
    positions: list[tuple[int, int]] = []
    dash = -1
    for number in range(heads[0] + 1, len(lines)):
        line = lines[number]
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(line) - len(body)
        if dash < 0:
            dash = indent
        if indent < dash or (indent == dash and not body.startswith("-")):
            break
        if indent != dash:
            continue
        m = re.match(r"-( +)([A-Za-z_][A-Za-z0-9_]*)[ ]*:(?:[ ]|$)", body)
        i = len(positions)
        if m is None or i >= len(cards) or not isinstance(cards[i], dict) or not cards[i]:
            return None
        if next(iter(cards[i])) != m.group(2):
            return None
        positions.append((number + 1, dash + 1 + len(m.group(1)) + 1))
    if len(positions) != len(cards):
        return None
    return positions


@st.composite
def _card_lists(draw: st.DrawFn) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append("tags: [a]")
    lines.append(draw(st.sampled_from(["cards:", "cards: # c", "cards:  ", "cards: x", "cards:#",
                                       " cards:", "cards:[a]"])))
    dash = " " * draw(st.integers(0, 3))
    for _ in range(draw(st.integers(0, 4))):
        spaces = " " * draw(st.integers(1, 3))
        key = draw(st.sampled_from(["id", "front", "_x", "a1", "1a", "id ", "k-k"]))
        after = draw(st.sampled_from([": v", ":", ": ", ":v", " : v", ":  #c"]))
        lines.append(draw(st.sampled_from([
            dash + "-" + spaces + key + after, dash + "  back: w", "", "# c", " # c", dash + "# c", "   ",
            dash + "-", "tags: x", "cards:", "-x: 1", " - id: z", "x", dash + "  - id: nested",
            dash + "-\n" + dash + "  id: v"])))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))


@settings(max_examples=700, deadline=None)
@given(_card_lists(), st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["id", "front", "_x", "a1"]), st.just(1), max_size=2),
    st.just([]), st.just("s")), max_size=4))
def test_cards_are_found_where_a_line_by_line_scan_finds_them(text: str, cards: list[Any]) -> None:
    import yaml_rs

    tries = [cards]
    try:
        data = yaml_rs.loads(text, parse_datetime=False)
    except Exception:  # noqa: BLE001 - any complaint: only the drawn cards are tried
        data = None
    if isinstance(data, dict) and isinstance(data.get("cards"), list):
        tries += [data["cards"], data["cards"][:-1], data["cards"][::-1]]
    for candidate in tries:
        assert fastyaml._card_positions(text, candidate) == _card_positions_by_lines(text, candidate)


_SCALARS = st.one_of(
    st.sampled_from(["", "x", "yes", "No", "Note", "~", "null", "017", "0o17", "1e3", "1_000", "1:30",
                     "0x1F", "+5", "-3", "12", ".inf", ".5", "<<", "=", "12\n", "yes\n", "12\n\n",
                     "a\nyes", "\x00", "a\x00yes", "\n", "True", "ON", "n", "0b101", "2026-11-28"]),
    st.text(alphabet="yYnN01.+-~<:eo_\n x", max_size=6))
_LEAVES = st.one_of(_SCALARS, st.integers(-3, 20), st.booleans(), st.none(), st.floats(width=16))
_DATA_VALUES = st.one_of(_LEAVES, st.lists(_LEAVES, max_size=3), st.lists(st.lists(_SCALARS, max_size=2),
                                                                          max_size=2),
                         st.dictionaries(_SCALARS, _LEAVES, max_size=2))
_DATA_KEYS = st.one_of(_SCALARS, st.integers(0, 3))


@settings(max_examples=700, deadline=None)
@given(st.lists(st.one_of(st.dictionaries(_DATA_KEYS, _DATA_VALUES, max_size=4),
                          st.dictionaries(st.sampled_from(["id", "front", "tags"]),
                                          st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3),
                                                    st.integers(0, 3)), max_size=3),
                          st.just([]), _SCALARS), max_size=4),
       st.dictionaries(_DATA_KEYS, _DATA_VALUES, max_size=3))
def test_card_data_is_checked_as_the_value_by_value_check_does(cards: list[Any], top: dict[Any, Any]) -> None:
    data = {**top, "cards": cards}
    assert fastyaml._same_card_data(data) == fastyaml._same_data(data, 0)


def test_the_typed_text_screen_is_made_from_pyyamls_rules() -> None:
    # Else every card file would take the value-by-value check.
    screen = fastyaml._typed_screen()
    assert screen is not None
    assert [bool(screen.search(f"\x00{t}\x00")) for t in ("yes", "Yes", "017", "12\n", "", "<<", "Note", "x")] \
        == [True, True, True, True, True, True, False, False]


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


_MD_TEXT = st.text(alphabet=list("ab Z09 ,.;:?'\"()/%+=$#@|^{}*`_-\\[]!<>&~\n\u00a0\u2019é\ue000\ue001"),
                   max_size=16)


@settings(max_examples=1500, deadline=None)
@given(_MD_TEXT)
def test_plain_markdown_renders_exactly_as_markdown_it(text: str) -> None:
    text = text.strip()
    for md in (_md(False), _md(True)):
        block = fast_block(text)
        if block is not None:
            assert block == md.render(text).strip()
        inline = fast_inline(text)
        if inline is not None:
            assert inline == md.renderInline(text)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=list("ab *`( ),.x&\"<"), max_size=14))
def test_plain_markdown_delimiters_render_exactly_as_markdown_it(text: str) -> None:
    # Dense in the characters the fast path pairs up: *, ` and what may flank them.
    test_plain_markdown_renders_exactly_as_markdown_it.hypothesis.inner_test(text)  # type: ignore[attr-defined]


def test_plain_markdown_check_does_not_backtrack_on_long_hostile_lines() -> None:
    # A regex like (plain+)+ takes exponential time on a long line that fails at its end: a
    # card could hang every build. Run in a child process so a regression fails, not hangs.
    code = ("from deckforge.render.plain import fast_block, fast_inline\n"
            "for t in ['a' * 5000 + '~', '**' + 'a ' * 5000, '`' + 'a ' * 5000, '*a' * 5000,\n"
            "          '(**a' * 3000, 'a' * 5000 + '`']:\n"
            "    assert fast_inline(t) is None and fast_block(t) is None, t[:20]\n")
    done = subprocess.run([sys.executable, "-c", code], timeout=30, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_plain_markdown_takes_the_fast_path() -> None:
    assert fast_block("What is **drift** in `prod` (and *why*)?") == \
        "<p>What is <strong>drift</strong> in <code>prod</code> (and <em>why</em>)?</p>"
    assert fast_block("- a list") is None
    assert fast_inline("a\\*b") is None


def _dist(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "dist").iterdir())}


def _bench_project(root: Path) -> Path:
    generate(root, 120, 3)
    return root / "decks"


def test_cache_miss_hit_and_slow_path_build_the_same_bytes(tmp_path: Path) -> None:
    roots = [tmp_path / n for n in ("slow", "fast")]
    for root in roots:
        _bench_project(root)
    assert run(roots[0], "build", env=SLOW).exit_code == 0
    assert not (roots[0] / CACHE_DIR_NAME).exists()
    assert run(roots[1], "build", env=EPOCH).exit_code == 0  # fills the cache
    assert (roots[1] / CACHE_DIR_NAME).is_dir()
    assert _dist(roots[1]) == _dist(roots[0])
    shutil.rmtree(roots[1] / "dist")
    deckforge.load.parse._MEMORY.clear()
    assert run(roots[1], "build", env=EPOCH).exit_code == 0  # every file from the cache
    assert _dist(roots[1]) == _dist(roots[0])
    for root in roots:
        edit_one_card(root / "decks")
        assert run(root, "build", env={**(SLOW if root is roots[0] else EPOCH),
                                       "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    assert _dist(roots[1]) == _dist(roots[0])


def test_a_damaged_cache_is_ignored(tmp_path: Path) -> None:
    _bench_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    before = _dist(tmp_path)
    entries = [p for p in (tmp_path / CACHE_DIR_NAME).rglob("*") if p.is_file()]
    assert entries
    for i, entry in enumerate(entries):
        blob = entry.read_bytes()
        # Truncated, bit-flipped, empty: each must fail its checksum, not crash or mislead.
        entry.write_bytes([blob[: len(blob) // 2], blob[:-1] + bytes([blob[-1] ^ 1]), b""][i % 3])
    shutil.rmtree(tmp_path / "dist")
    deckforge.load.parse._MEMORY.clear()
    result = run(tmp_path, "build", env=EPOCH)
    assert result.exit_code == 0, result.output
    assert _dist(tmp_path) == before


def _errors(root: Path, env: dict[str, str]) -> tuple[int, str]:
    result: Result = run(root, "validate", env=env)
    return result.exit_code, result.output


def test_errors_found_after_the_fast_path_are_worded_and_placed_identically(tmp_path: Path) -> None:
    # Valid YAML and schema (the fast path reads them), wrong in ways only deckforge checks.
    make_deck(tmp_path, "deck", {
        "a.yaml": """\
            cards:
              - id: same
                front: Q
                back: A
              - id: hole
                type: cloze
                text: no deletion here
              - id: pick
                type: choice
                question: Which?
                choices: [x, y]
                answer: 5
            """,
        "b.yaml": """\
            tags: [t]
            cards:
              - id: same
                front: Again
                back: B
              - id: blank
                front: "   "
                back: B
            """})
    assert fast_parse((tmp_path / "decks/deck/a.yaml").read_bytes()) is not None
    slow = _errors(tmp_path, SLOW)
    assert slow[0] == 1 and "duplicate card id" in slow[1] and "out of range" in slow[1]
    assert _errors(tmp_path, EPOCH) == slow  # fast path, fills the cache
    assert _errors(tmp_path, EPOCH) == slow  # from the cache


def test_schema_errors_are_worded_identically_with_a_warm_cache(tmp_path: Path) -> None:
    make_deck(tmp_path, "deck", {"a.yaml": "cards:\n  - id: ok\n    front: Q\n    back: A\n"})
    assert run(tmp_path, "validate", env=EPOCH).exit_code == 0
    write(tmp_path / "decks/deck/a.yaml", "cards:\n  - id: ok\n    front: Q\n    bakc: A\n")
    slow = _errors(tmp_path, SLOW)
    assert slow[0] == 1 and "unknown field `bakc`" in slow[1]
    assert _errors(tmp_path, EPOCH) == slow


def test_bulk_inserted_notes_give_the_bytes_genanki_writes(tmp_path: Path) -> None:
    _bench_project(tmp_path)
    (tmp_path / "decks/bench/sub.yaml").write_text(
        "subdeck: Part two\ntags: [x]\ncards:\n  - id: extra-one\n    front: Q\n    back: A\n"
        "  - id: extra-two\n    type: cloze\n    text: '{{c1::a {{c2::b}}}} c'\n", encoding="utf-8")
    decks, _, _ = compile_project(load_project(tmp_path / "decks"), Manifest(), 1_767_225_600,
                                  lambda deck_id, guids: {})
    assert decks and any(n.note_type.is_cloze for n in decks[0].notes)
    for deck in decks:
        # Rows from tuples, in bulk (apkg/collection.py) against genanki's own Note objects.
        assert collection_bytes(deck) == collection_genanki(deck)


def test_an_unchanged_deck_reuses_its_apkg_only_when_dist_holds_what_was_built(tmp_path: Path) -> None:
    _bench_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    built = _dist(tmp_path)
    assert list((tmp_path / CACHE_DIR_NAME / "apkg").rglob("*"))
    assert run(tmp_path, "build", "--check", env=EPOCH).exit_code == 0
    # A dist/ file that is not what was built is never taken for it.
    blob = bytearray(built["bench.apkg"])
    blob[len(blob) // 2] ^= 1
    (tmp_path / "dist" / "bench.apkg").write_bytes(bytes(blob))
    check = run(tmp_path, "build", "--check", env=EPOCH)
    assert check.exit_code == 1 and "bench.apkg: out of date" in check.output
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    assert _dist(tmp_path) == built


# The note cache, the no-op stamp and the manifest writer (build.py, cache.py, manifest.py).

def _counting_loads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count how often a build loads the decks (a no-op build loads nothing)."""

    calls: list[int] = []
    real = build_module.load_notes

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(build_module, "load_notes", counted)
    return calls


def _media_project(root: Path) -> None:
    _bench_project(root)
    write(root / "decks/bench/pics.yaml",
          "cards:\n  - id: with-image\n    front: 'See ![dot](img/dot.png)'\n    back: A dot.\n")
    (root / "decks/bench/img").mkdir()
    (root / "decks/bench/img/dot.png").write_bytes(png_bytes())


def test_a_noop_build_loads_nothing_and_reports_like_a_full_one(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    _media_project(tmp_path)
    first = run(tmp_path, "build", env=EPOCH)
    assert first.exit_code == 0 and "wrote 2 file(s)" in first.output
    built = _dist(tmp_path)
    full = run(tmp_path, "build", env={**EPOCH, "DECKFORGE_CACHE": "0"})  # loads and compares
    calls = _counting_loads(monkeypatch)
    noop = run(tmp_path, "build", env={"SOURCE_DATE_EPOCH": "1767300000"})
    assert calls == [] and noop.exit_code == 0
    assert noop.output == full.output and noop.output.endswith("dist/ already up to date\n")
    assert _dist(tmp_path) == built


@pytest.mark.parametrize("change", ["yaml", "new-file", "image", "sources", "template", "manifest",
                                    "apkg", "removed-apkg"])
def test_any_changed_input_defeats_the_noop_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 change: str) -> None:
    import deckforge.notetypes as notetypes

    _media_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    built = _dist(tmp_path)
    decks, dist = tmp_path / "decks", tmp_path / "dist"
    if change == "yaml":
        edit_one_card(decks)
    elif change == "new-file":
        (decks / "bench/notes.txt").write_text("not a card file\n")
    elif change == "image":
        (decks / "bench/img/dot.png").write_bytes(png_bytes(rgb=(1, 2, 3)))
    elif change == "sources":
        with open(decks / "sources.yaml", "a") as f:
            f.write("      more: More\n")
    elif change == "template":
        read = notetypes._template
        monkeypatch.setattr(notetypes, "_template",
                            lambda name: read(name) + ("\n/* v2 */" if name == "style.css" else ""))
    elif change == "manifest":
        (dist / "manifest.json").write_bytes(built["manifest.json"] + b"\n")
    elif change == "apkg":
        blob = bytearray(built["bench.apkg"])
        blob[len(blob) // 2] ^= 1
        (dist / "bench.apkg").write_bytes(bytes(blob))
    else:
        (dist / "bench.apkg").unlink()
    calls = _counting_loads(monkeypatch)
    result = run(tmp_path, "build", env={**EPOCH, "SOURCE_DATE_EPOCH": "1767225700"})
    assert result.exit_code == 0, result.output
    assert calls == [1]
    if change in ("manifest", "apkg", "removed-apkg"):
        assert _dist(tmp_path) == built  # dist/ is made what the sources build again
    elif change in ("yaml", "image", "template"):
        assert _dist(tmp_path)["bench.apkg"] != built["bench.apkg"]


def test_a_stamp_for_other_dist_bytes_is_not_trusted(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _bench_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    built = _dist(tmp_path)
    edit_one_card(tmp_path / "decks")
    assert run(tmp_path, "build", env={**EPOCH, "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    # Put the first build's files back: the stamp of the second build must not cover them.
    for name, data in built.items():
        (tmp_path / "dist" / name).write_bytes(data)
    calls = _counting_loads(monkeypatch)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    assert calls == [1] and _dist(tmp_path) != built


def test_cached_notes_build_what_uncached_ones_build(tmp_path: Path) -> None:
    roots = [tmp_path / n for n in ("plain", "cached")]
    for root in roots:
        _media_project(root)
    env = {**EPOCH, "DECKFORGE_CACHE": "0"}
    assert run(roots[0], "build", env=env).exit_code == 0
    assert run(roots[1], "build", env=EPOCH).exit_code == 0  # miss: fills the note cache
    notes = list((roots[1] / CACHE_DIR_NAME / "notes").rglob("*"))
    assert len([p for p in notes if p.is_file()]) == 3  # card files without images only
    assert _dist(roots[1]) == _dist(roots[0])
    for root in roots:
        shutil.rmtree(root / "dist")
        edit_one_card(root / "decks")
    assert run(roots[0], "build", env={**env, "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    # Hits for the unchanged files, a miss for the edited one.
    assert run(roots[1], "build", env={**EPOCH, "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    assert _dist(roots[1]) == _dist(roots[0])


def test_errors_with_a_warm_note_cache_are_the_uncached_ones(tmp_path: Path) -> None:
    make_deck(tmp_path, "deck", {"a.yaml": "cards:\n  - id: same\n    front: Q\n    back: A\n",
                                 "b.yaml": "cards:\n  - id: other\n    front: Q\n    back: A\n"})
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0  # both files cached
    write(tmp_path / "decks/deck/b.yaml", "cards:\n  - id: same\n    front: Q2\n    back: A\n")
    warm = run(tmp_path, "build", env=EPOCH)
    cold = run(tmp_path, "build", env={**EPOCH, "DECKFORGE_CACHE": "0"})
    assert warm.exit_code == cold.exit_code == 1
    assert "duplicate card id `same`" in warm.output and warm.output == cold.output


def test_the_fast_note_hash_is_the_json_one() -> None:
    from deckforge.notes.source import note_hash
    from deckforge.notetypes import NOTE_TYPES

    def json_hash(nt: NoteType, fields: dict[str, str], tags: tuple[str, ...]) -> str:
        payload = {"notetype": [nt.key, nt.id], "fields": fields, "tags": sorted(tags)}
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    @settings(max_examples=300, deadline=None)
    @given(st.sampled_from(sorted(NOTE_TYPES)), st.lists(st.text(max_size=8), min_size=6, max_size=6),
           st.lists(st.text(max_size=5), max_size=4))
    def same(key: str, texts: list[str], tags: list[str]) -> None:
        nt = NOTE_TYPES[key]
        fields = tuple(texts[: len(nt.fields)])
        assert note_hash(nt, fields, tuple(tags)) == \
            json_hash(nt, dict(zip(nt.fields, fields, strict=True)), tuple(tags))
    same()


def test_the_manifest_writer_writes_what_json_dumps_writes(tmp_path: Path) -> None:
    from deckforge.notes.manifest import DeckRecord, Manifest, NoteRecord, NoteTypeRecord

    empty = Manifest()
    assert empty.to_text() == empty.to_text_reference()
    manifest = Manifest(
        decks={"b-deck": DeckRecord(created=5),
               "a-deck": DeckRecord(created=7, notes={
                   "z": NoteRecord("g\"\\é\u2028", "h", 3),
                   "a": NoteRecord("g2", "h2", 4, removed=True,
                                   snapshot={"type": "basic", "deck": "Ünï \"x\"",
                                             "fields": {"Front": "<b>\n</b>", "Back": ""},
                                             "tags": ["deckforge::removed", "é"]})})},
        note_types={"basic": NoteTypeRecord(id=1, version=2, fields=["Front", "Back"], hash="x",
                                            mod=9)})
    assert manifest.to_text() == manifest.to_text_reference()
    path = tmp_path / "manifest.json"
    path.write_text(manifest.to_text(), encoding="utf-8")
    assert Manifest.load(path).to_text() == manifest.to_text()


def test_worker_processes_build_the_same_bytes_and_errors(tmp_path: Path) -> None:
    roots = [tmp_path / n for n in ("one", "two")]
    for root in roots:
        _bench_project(root)
    jobs = [{**EPOCH, "DECKFORGE_JOBS": "1"}, {**EPOCH, "DECKFORGE_JOBS": "2"}]
    for root, env in zip(roots, jobs, strict=True):
        assert run(root, "build", env=env).exit_code == 0
    assert _dist(roots[1]) == _dist(roots[0])
    # No cache: every file compiled in the workers again, after an edit.
    for root, env in zip(roots, jobs, strict=True):
        edit_one_card(root / "decks")
        shutil.rmtree(root / CACHE_DIR_NAME)
        assert run(root, "build", env={**env, "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    assert _dist(roots[1]) == _dist(roots[0])
    # A broken file: the same report, word for word, and dist/ untouched.
    outputs = []
    for root, env in zip(roots, jobs, strict=True):
        cards = sorted((root / "decks").rglob("cards-*.yaml"))[-1]
        cards.write_text(cards.read_text().replace("front:", "frnt:", 1))
        before = _dist(root)
        result = run(root, "build", env=env)
        assert result.exit_code == 1 and _dist(root) == before
        outputs.append(result.output.replace(str(root), "ROOT"))
    assert outputs[0] == outputs[1] and "did you mean `front`?" in outputs[0]


def test_a_bad_job_count_is_a_clear_error(tmp_path: Path) -> None:
    _bench_project(tmp_path)
    result = run(tmp_path, "build", env={**EPOCH, "DECKFORGE_JOBS": "many"})
    assert result.exit_code == 1
    assert "DECKFORGE_JOBS: error: `many` is not a number of processes" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "dist").exists()


def test_a_rebuild_after_an_edit_needs_no_jsonschema_nor_genanki(tmp_path: Path) -> None:
    # deck.yaml and sources.yaml come from the parse cache too: an edit of a card file is
    # read by yaml-rs and checked by the compiled schema check, with no jsonschema at all;
    # its rows are rewritten in the collection of the last build, with no genanki.
    _bench_project(tmp_path)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    edit_one_card(tmp_path / "decks")
    code = ("import sys\nfrom deckforge.cli import main\n"
            f"main(['--decks', {str(tmp_path / 'decks')!r}, '--dist', {str(tmp_path / 'dist')!r}, "
            "'build'], standalone_mode=False)\n"
            "print('jsonschema' in sys.modules, 'genanki' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **EPOCH, "SOURCE_DATE_EPOCH": "1767225700"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False False"
    assert "1 change(s)" in done.stdout


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["{{c1::", "{{c2::", "{{c0::", "{{c12::", "}}", "a", "::h", " "]),
                max_size=12).map("".join))
def test_cloze_numbers_without_a_parse_are_the_parsed_ones(text: str) -> None:
    from deckforge.cloze import card_numbers, deletions

    assert card_numbers(text) == sorted({d.number for d in deletions(text) if d.number > 0})


@settings(max_examples=1000, deadline=None)
@given(st.integers(0, 2**64 - 1))
@example(0)
@example(2**64 - 1)
@example(90)
@example(91)
def test_guid_digits_two_at_a_time_are_base91(n: int) -> None:
    from deckforge.notes.source import _BASE91, _base91

    digits, rest = [], n
    while rest:
        rest, r = divmod(rest, 91)
        digits.append(_BASE91[r])
    assert _base91(n) == ("".join(reversed(digits)) or "a")


def test_a_deck_zipped_in_pieces_imports_into_anki(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # 6,000 cards make a collection of several 4 MiB pieces, compressed in threads and joined.
    from deckforge.apkg.archive import _PIECE, _deflate

    generate(tmp_path, 6000, 12)
    assert run(tmp_path, "build", env=EPOCH).exit_code == 0
    apkg = tmp_path / "dist" / "bench.apkg"
    with zipfile.ZipFile(apkg) as zf:
        assert zf.testzip() is None
        data = zf.read("collection.anki2")
    assert len(data) > _PIECE  # two pieces at least
    threaded, pieces, crc, size = _deflate(data)
    assert (crc, size) == (zlib.crc32(data), len(data))
    # The bytes depend on the pieces, not on how many threads compressed them, nor on
    # whether they are read from a file.
    assert _deflate(tmp_path / "copy.anki2" if (tmp_path / "copy.anki2").write_bytes(data)
                    else data) == (threaded, pieces, crc, size)
    monkeypatch.setattr(apkg_archive.os, "cpu_count", lambda: 1)
    assert _deflate(data) == (threaded, pieces, crc, size)
    assert zlib.decompress(threaded, -15) == data
    assert len(pieces) == -(-len(data) // _PIECE) and sum(pieces) == len(threaded)
    with collection(tmp_path / "anki") as col:
        counts = import_apkg(col, apkg)
        assert (counts.new, counts.updated, counts.conflicting) == (6000, 0, 0)
        assert col.note_count() == 6000


def test_a_machine_that_cannot_start_workers_builds_in_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing.context

    def no_pool(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "no /dev/shm")  # as in containers without shared memory

    monkeypatch.setattr(multiprocessing.context.ForkContext, "Pool", no_pool)
    _bench_project(tmp_path)
    result = run(tmp_path, "build", env={**EPOCH, "DECKFORGE_JOBS": "2"})
    assert result.exit_code == 0 and "120 notes" in result.output


def test_notes_sort_and_have_cards_as_genanki_works_it_out() -> None:
    for nt in NOTE_TYPES.values():
        model = apkg_collection.genanki_model(nt)
        assert model.sort_field_index == apkg_collection.SORT_FIELD
        if not nt.is_cloze:
            assert model._req == [[o, t.requires[0], list(t.requires[1])]
                                  for o, t in enumerate(nt.templates)]
