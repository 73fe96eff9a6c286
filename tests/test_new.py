"""`deckforge new`: appends a valid skeleton with a fresh id, leaving the file above it untouched."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deckforge.lint import lint_paths
from helpers import make_deck, run, write

HEAD = """\
# yaml-language-server: $schema=../../schema/cards.schema.json
# A comment the file keeps.
subdeck: Topic   # trailing comment
cards:
  - id: topic-1
    front: "Q?"      # odd spacing stays
    back: A.
"""


def test_appends_after_the_last_card_keeping_every_byte(tmp_path: Path) -> None:
    path = make_deck(tmp_path, "d", {"topic.yaml": HEAD}) / "topic.yaml"
    result = run(tmp_path, "new", "d", "--file", "topic.yaml")
    assert result.exit_code == 0, result.output
    assert result.output == (f"{path}:9:5: added basic card `topic-2`\n"
                             "next: replace the TODOs, add a source, then run `deckforge lint`\n")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HEAD + "\n  - id: topic-2\n    front: TODO question\n")
    assert text.splitlines()[8] == "  - id: topic-2"


@pytest.mark.parametrize("card_type", ["basic", "reversible", "cloze", "choice", "order", "match"])
def test_skeleton_is_valid_and_lint_flags_the_todos(tmp_path: Path, card_type: str) -> None:
    make_deck(tmp_path, "d", {})
    assert run(tmp_path, "new", "d", "--type", card_type).exit_code == 0
    assert run(tmp_path, "validate").exit_code == 0
    errors, findings = lint_paths(tmp_path / "decks", [], __import__("datetime").date(2026, 1, 1))
    assert errors == []
    rules = {f.rule for f in findings}
    assert rules == {"todo-placeholder", "missing-source"}
    assert run(tmp_path, "lint", "--strict").exit_code == 1


def test_new_file_gets_the_modeline_and_the_default_name(tmp_path: Path) -> None:
    folder = make_deck(tmp_path, "d", {})
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "cards.schema.json").write_text("{}", encoding="utf-8")
    result = run(tmp_path, "new", "d")
    assert result.output.startswith(f"{folder / 'cards.yaml'}:3:5: added basic card `cards-1` (new file)\n")
    assert (folder / "cards.yaml").read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../schema/cards.schema.json\ncards:\n  - id: cards-1\n")


def test_fresh_id_avoids_included_and_removed_ids(tmp_path: Path) -> None:
    folder = make_deck(tmp_path, "d", {
        "cards.yaml": "include:\n  - from: ../_lib/x.yaml\ncards:\n  - {id: cards-1, front: Q, back: A}\n"})
    write(tmp_path / "decks" / "_lib" / "x.yaml", "cards:\n  - {id: cards-2, front: Q2, back: A}\ndeck: Lib\n")
    write(tmp_path / "dist" / "manifest.json", json.dumps(
        {"format": 1, "note_types": {}, "decks": {"d": {"created": 1, "notes": {
            "cards-3": {"guid": "g", "hash": "h", "mod": 1, "removed": True, "snapshot": {}}}}}}))
    result = run(tmp_path, "new", "d")
    assert "added basic card `cards-4`" in result.output
    assert "- id: cards-4" in (folder / "cards.yaml").read_text(encoding="utf-8")


def test_insert_before_a_later_top_level_key(tmp_path: Path) -> None:
    text = "cards:\n  - {id: a, front: Q, back: A}\n\n# about the includes\ninclude:\n  - from: ../_lib/x.yaml\n"
    folder = make_deck(tmp_path, "d", {"c.yaml": text})
    write(tmp_path / "decks" / "_lib" / "x.yaml", "cards:\n  - {id: x, front: Q2, back: A}\ndeck: Lib\n")
    result = run(tmp_path, "new", "d", "--file", "c.yaml", "--id", "b")
    assert f"{folder / 'c.yaml'}:4:5: added basic card `b`" in result.output
    new = (folder / "c.yaml").read_text(encoding="utf-8")
    assert new.startswith("cards:\n  - {id: a, front: Q, back: A}\n\n  - id: b\n")
    assert new.endswith("\n\n# about the includes\ninclude:\n  - from: ../_lib/x.yaml\n")
    assert run(tmp_path, "validate").exit_code == 0


def test_empty_flow_list_and_include_only_files(tmp_path: Path) -> None:
    folder = make_deck(tmp_path, "d", {"e.yaml": "subdeck: E\ncards: []  # none yet\n",
                                       "i.yaml": "include:\n  - from: ../_lib/x.yaml\n"})
    write(tmp_path / "decks" / "_lib" / "x.yaml", "cards:\n  - {id: x, front: Q2, back: A}\ndeck: Lib\n")
    assert "e.yaml:3:5: added" in run(tmp_path, "new", "d", "--file", "e.yaml").output
    assert (folder / "e.yaml").read_text(encoding="utf-8").startswith("subdeck: E\ncards:\n  - id: e-1\n")
    assert "i.yaml:4:5: added" in run(tmp_path, "new", "d", "--file", "i.yaml").output
    assert (folder / "i.yaml").read_text(encoding="utf-8").startswith(
        "include:\n  - from: ../_lib/x.yaml\ncards:\n  - id: i-1\n")
    assert run(tmp_path, "validate").exit_code == 0


def test_keeps_crlf_line_endings(tmp_path: Path) -> None:
    folder = make_deck(tmp_path, "d", {})
    (folder / "w.yaml").write_bytes(b"cards:\r\n  - {id: a, front: Q, back: A}\r\n")
    run(tmp_path, "new", "d", "--file", "w.yaml")
    data = (folder / "w.yaml").read_bytes()
    assert data.startswith(b"cards:\r\n  - {id: a, front: Q, back: A}\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_create_makes_the_deck(tmp_path: Path) -> None:
    (tmp_path / "decks").mkdir()
    result = run(tmp_path, "new", "fresh-deck", "--create", "--name", 'My "new" deck')
    assert result.exit_code == 0, result.output
    meta = tmp_path / "decks" / "fresh-deck" / "deck.yaml"
    assert result.output.startswith(f"{meta}:1:1: created deck `fresh-deck`\n")
    assert run(tmp_path, "validate").output == "ok: 1 deck(s), 1 card(s)\n"
    assert run(tmp_path, "new", "fresh-deck", "--create").exit_code == 1


def test_mistakes(tmp_path: Path) -> None:
    make_deck(tmp_path, "d", {"c.yaml": "cards:\n  - {id: a, front: Q, back: A}\n"})
    unknown = run(tmp_path, "new", "nope")
    assert unknown.exit_code == 1
    assert "error: no deck `nope`\n  hint: known decks: d;" in unknown.output
    taken = run(tmp_path, "new", "d", "--id", "a")
    assert taken.exit_code == 1 and "card id `a` is already used in this deck" in taken.output
    assert run(tmp_path, "new", "d", "--id", "Bad Id").exit_code == 2
    assert run(tmp_path, "new", "d", "--name", "X").exit_code == 2
    assert run(tmp_path, "new", "d", "--file", "deck.yaml").exit_code == 1
    assert run(tmp_path, "new", "d", "--file", "../elsewhere.yaml").exit_code == 1
    broken = make_deck(tmp_path, "b", {"c.yaml": "cards:\n  - id: [\n"}) / "c.yaml"
    before = broken.read_bytes()
    result = run(tmp_path, "new", "b", "--file", "c.yaml")
    assert result.exit_code == 1 and "invalid YAML" in result.output
    assert broken.read_bytes() == before
