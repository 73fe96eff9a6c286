"""The practice site as files: exam.format loaded, the question records, reproducible bytes, card
text kept as text, and `deckforge build` carrying the site in dist/practice/ (checked by --check,
kept current by the quick rebuild)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from exam_fixture import KEYS, SECTIONS, make_exam_deck

from deckforge.load.project import load_project
from deckforge.practice import practice_files
from deckforge.practice.items import deck_items
from deckforge.practice.page import format_text, script_json
from helpers import ROOT, env_with_epoch, make_deck, run

SHIPPED_EXAMS = ("aws-ml-engineer-associate", "azure-ai-apps-agents", "databricks-ml-professional",
                 "google-pmle")


def _data(page: bytes) -> dict:  # type: ignore[type-arg]
    found = re.search(rb'<script type="application/json" id="px-data">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_exam_format_is_loaded_for_every_shipped_exam() -> None:
    project = load_project(ROOT / "decks")
    formats = {d.id: d.exam.format for d in project.decks if d.exam is not None}
    assert sorted(formats) == list(SHIPPED_EXAMS)
    aws = formats["aws-ml-engineer-associate"]
    assert aws is not None and aws.questions == (85, 85) and aws.minutes == 170
    assert aws.pass_mark == ("scaled", 720.0, 100.0, 1000.0)
    assert "not a percentage" in format_text(aws)
    pmle = formats["google-pmle"]
    assert pmle is not None and pmle.questions == (50, 60) and pmle.pass_mark is None
    assert "no published pass mark" in format_text(pmle)


def test_a_bad_pass_mark_is_reported_at_its_line(tmp_path: Path) -> None:
    folder = make_exam_deck(tmp_path)
    meta = folder / "deck.yaml"
    meta.write_text(meta.read_text().replace("pass_mark: {scaled: 720, scale: [100, 1000]}",
                                             "pass_mark: {scaled: 720}"))
    result = run(tmp_path, "validate")
    assert result.exit_code == 1
    line = next(i for i, t in enumerate(meta.read_text().splitlines(), 1) if "pass_mark" in t)
    assert f"deck.yaml:{line}:" in result.output and "pass_mark" in result.output
    assert "Traceback" not in result.output


def test_every_item_type_maps_to_one_record(tmp_path: Path) -> None:
    make_exam_deck(tmp_path)
    deck = load_project(tmp_path / "decks").decks[0]
    items, cases = deck_items(deck)
    by_id = {it["id"]: it for it in items}
    assert sorted(by_id) == sorted(KEYS)  # the fact card is not asked
    assert {i: it["section"] for i, it in by_id.items()} == SECTIONS
    assert by_id["a-single-1"]["type"] == "single" and by_id["a-single-1"]["key"] == [0]
    multi = by_id["a-multi"]
    assert multi["type"] == "multiple" and multi["key"] == [0, 2] and multi["objectives"] == ["1.2"]
    assert multi["options"][1] == {"html": "wrong B", "why": "B falls short because of b."}
    assert by_id["a-order"]["type"] == "order"
    assert by_id["a-order"]["steps"] == ["first step", "second step", "third step", "fourth step"]
    assert by_id["a-match"]["pairs"][1] == ["left two", "right two"]
    assert by_id["b-case"]["case"] == by_id["b-case-order"]["case"] == "case-1"
    assert cases == {"case-1": {"title": "Acme Retail",
                                "html": "Acme sells garden tools online and wants <strong>fewer returns</strong>."}}


def test_pages_are_reproducible_and_card_text_stays_text(tmp_path: Path) -> None:
    folder = make_exam_deck(tmp_path)
    hostile = folder / "hostile.yaml"
    hostile.write_text("""\
objectives: ["2.1"]
cards:
  - id: evil
    type: choice
    question: '</script><script>alert(1)</script> Q'
    choices:
      - {text: '<img src=x onerror=alert(2)>', why: '<svg onload=alert(3)>'}
      - '</script>'
    answer: 0
    explanation: '<iframe src="https://evil.example/"></iframe>'
""")
    meta = folder / "deck.yaml"
    meta.write_text(meta.read_text().replace("    as_of: 2026-12-03\n  sections:",
                                             "    note: '<script>alert(4)</script>'\n"
                                             "    as_of: 2026-12-03\n  sections:")
                    .replace("name: Alpha", "name: '<b onclick=x()>Alpha</b>'"))
    project = load_project(tmp_path / "decks")
    first, second = practice_files(project), practice_files(load_project(tmp_path / "decks"))
    assert first == second
    assert sorted(first) == ["index.html", "mock/index.html"]
    page = first["mock/index.html"]
    # Two scripts, the page's own: nothing from YAML opens a tag.
    assert page.count(b"<script") == 2
    for raw in (b"<img", b"<svg", b"<iframe", b"<b onclick"):
        assert raw not in page
    assert b"&lt;script&gt;alert(4)&lt;/script&gt;" in page  # the note, as text
    data = _data(page)
    evil = next(it for it in data["items"] if it["id"] == "evil")
    assert evil["stem"] == "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; Q"
    assert evil["options"][0] == {"html": "&lt;img src=x onerror=alert(2)&gt;", "why": "&lt;svg onload=alert(3)&gt;"}
    assert data["exam"]["sections"][0]["name"] == "<b onclick=x()>Alpha</b>"  # set as text by the script


def test_script_json_cannot_close_the_script() -> None:
    data = {"a": "</script><!-- & >", "b": ["\u2028"]}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


def test_build_carries_the_practice_site_and_check_covers_it(tmp_path: Path) -> None:
    make_exam_deck(tmp_path, choice_only=True)
    make_deck(tmp_path, "plain", {"cards.yaml": "cards:\n  - {id: a, front: F, back: B}\n"})
    env = env_with_epoch(1_700_000_000)
    assert run(tmp_path, "build", env=env).exit_code == 0
    dist = tmp_path / "dist"
    site = sorted(p.relative_to(dist / "practice").as_posix() for p in (dist / "practice").rglob("*"))
    assert site == ["index.html", "mock", "mock/index.html"]  # no page for a deck without an exam
    expected = practice_files(load_project(tmp_path / "decks"))
    assert (dist / "practice" / "mock" / "index.html").read_bytes() == expected["mock/index.html"]
    assert run(tmp_path, "build", "--check", env=env).exit_code == 0
    page = dist / "practice" / "mock" / "index.html"
    page.write_bytes(page.read_bytes() + b"\n")
    result = run(tmp_path, "build", "--check", env=env)
    assert result.exit_code == 1 and "practice/mock/index.html" in result.output
    assert run(tmp_path, "build", env=env).exit_code == 0
    assert page.read_bytes() == expected["mock/index.html"]


def test_quick_rebuild_after_an_edit_updates_the_practice_page(tmp_path: Path) -> None:
    folder = make_exam_deck(tmp_path, choice_only=True)
    env = env_with_epoch(1_700_000_000)
    assert run(tmp_path, "build", env=env).exit_code == 0
    cards = folder / "only.yaml"
    cards.write_text(cards.read_text().replace("Only one?", "Only one, edited?"))
    assert run(tmp_path, "build", env=env_with_epoch(1_700_000_100)).exit_code == 0
    page = (tmp_path / "dist" / "practice" / "mock" / "index.html").read_bytes()
    assert b"Only one, edited?" in page
    assert run(tmp_path, "build", "--check", env=env_with_epoch(1_700_000_200)).exit_code == 0


def test_practice_command(tmp_path: Path) -> None:
    make_exam_deck(tmp_path)
    out = tmp_path / "site"
    result = run(tmp_path, "practice", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "1 exam deck(s), 10 question(s)" in result.output
    assert (out / "mock" / "index.html").is_file() and (out / "index.html").is_file()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "mine.txt").write_text("keep")
    refused = run(tmp_path, "practice", "--out", str(tmp_path / "other"))
    assert refused.exit_code == 1 and "not a practice folder" in refused.output
    assert (tmp_path / "other" / "mine.txt").read_text() == "keep"
