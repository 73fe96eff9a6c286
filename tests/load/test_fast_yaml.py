"""The fast YAML path (load/yamlrs.py) reads what the loader reads; its screens find what its checks find."""


from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

import deckforge.load.yamlrs as fastyaml
from deckforge.load.pyyaml import parse_yaml
from deckforge.load.yamlrs import fast_parse
from fastpaths import ROOT, YAML_FILES


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


# yamlrs's whole-file checks against the Python checks they stand in for (kept in yamlrs
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
    """The reference: yamlrs._card_positions as a loop over the lines."""
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
