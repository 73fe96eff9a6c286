"""Loader: positions, duplicate keys, YAML 1.1 surprises, limits."""

from __future__ import annotations

from pathlib import Path

from deckforge.load.pyyaml import MAX_FILE_BYTES, parse_yaml

P = Path("f.yaml")


def test_positions_of_values_and_keys() -> None:
    doc, errors = parse_yaml(P, b"cards:\n  - id: a\n    front: hello\n")
    assert errors == []
    assert doc is not None
    assert doc.data == {"cards": [{"id": "a", "front": "hello"}]}
    assert doc.positions[("cards", 0, "front")] == (3, 12)
    assert doc.key_positions[("cards", 0, "front")] == (3, 5)


def test_duplicate_key_is_an_error_at_the_second_key() -> None:
    doc, errors = parse_yaml(P, b"a: 1\nb: 2\na: 3\n")
    assert doc is None
    assert [(e.line, e.col, e.message) for e in errors] == [
        (3, 1, "duplicate field `a` (first given on line 1)")]


def test_dates_stay_text_and_booleans_remember_their_spelling() -> None:
    doc, _ = parse_yaml(P, b"as_of: 2026-11-28\nfront: no\nn: 0777\n")
    assert doc is not None
    assert doc.data == {"as_of": "2026-11-28", "front": False, "n": 511}
    assert doc.scalar_text[("front",)] == ("a boolean", "no")
    assert doc.scalar_text[("n",)] == ("a number", "0777")


def test_quoted_scalars_are_text() -> None:
    doc, _ = parse_yaml(P, b"a: 'no'\nb: \"0777\"\n")
    assert doc is not None and doc.data == {"a": "no", "b": "0777"}


def test_tab_indentation_gets_a_hint() -> None:
    _, errors = parse_yaml(P, b"cards:\n\t- id: a\n")
    assert len(errors) == 1
    assert (errors[0].line, errors[0].col) == (2, 1)
    assert "tabs" in errors[0].hint


def test_bom_is_accepted_and_bad_utf8_is_reported_with_position() -> None:
    doc, errors = parse_yaml(P, b"\xef\xbb\xbfa: 1\n")
    assert errors == [] and doc is not None and doc.data == {"a": 1}
    _, errors = parse_yaml(P, b"a: 1\nb: caf\xe9\n")
    assert [(e.line, e.col) for e in errors] == [(2, 7)]
    assert "UTF-8" in errors[0].message


def test_alias_bomb_is_stopped() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    doc, errors = parse_yaml(P, "\n".join(levels).encode())
    assert doc is None
    assert "aliases expand to more than" in errors[0].message


def test_oversized_file_is_rejected_before_parsing() -> None:
    doc, errors = parse_yaml(P, b"a" * (MAX_FILE_BYTES + 1))
    assert doc is None
    assert "limit" in errors[0].message


def test_empty_file_gives_no_data() -> None:
    doc, errors = parse_yaml(P, b"# only a comment\n")
    assert errors == [] and doc is not None and doc.data is None
