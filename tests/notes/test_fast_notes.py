"""Notes computed the fast way are the reference ones: hashes, GUID digits, cloze numbers, the manifest, workers."""


from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from deckforge.notes.manifest import Manifest
from deckforge.notetypes import NOTE_TYPES, NoteType
from deckforge.store import CACHE_DIR_NAME
from fastpaths import EPOCH, bench_project, dist_bytes, edit_one_card
from helpers import run


def test_the_fast_note_hash_is_the_json_one() -> None:
    from deckforge.notes.source import note_hash

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


def _json_dumps_text(manifest: Manifest) -> str:
    """``Manifest.to_text`` through json.dumps alone: the reference its writer is held to."""
    from deckforge.notes.manifest import FORMAT

    data = {
        "format": FORMAT,
        "note_types": {k: manifest.note_types[k].to_json() for k in sorted(manifest.note_types)},
        "decks": {k: manifest.decks[k].to_json() for k in sorted(manifest.decks)},
    }
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_manifest_writer_writes_what_json_dumps_writes(tmp_path: Path) -> None:
    from deckforge.notes.manifest import DeckRecord, NoteRecord, NoteTypeRecord

    empty = Manifest()
    assert empty.to_text() == _json_dumps_text(empty)
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
    assert manifest.to_text() == _json_dumps_text(manifest)
    path = tmp_path / "manifest.json"
    path.write_text(manifest.to_text(), encoding="utf-8")
    assert Manifest.load(path).to_text() == manifest.to_text()


def test_worker_processes_build_the_same_bytes_andbuild_errors(tmp_path: Path) -> None:
    roots = [tmp_path / n for n in ("one", "two")]
    for root in roots:
        bench_project(root)
    jobs = [{**EPOCH, "DECKFORGE_JOBS": "1"}, {**EPOCH, "DECKFORGE_JOBS": "2"}]
    for root, env in zip(roots, jobs, strict=True):
        assert run(root, "build", env=env).exit_code == 0
    assert dist_bytes(roots[1]) == dist_bytes(roots[0])
    # No cache: every file compiled in the workers again, after an edit.
    for root, env in zip(roots, jobs, strict=True):
        edit_one_card(root / "decks")
        shutil.rmtree(root / CACHE_DIR_NAME)
        assert run(root, "build", env={**env, "SOURCE_DATE_EPOCH": "1767225700"}).exit_code == 0
    assert dist_bytes(roots[1]) == dist_bytes(roots[0])
    # A broken file: the same report, word for word, and dist/ untouched.
    outputs = []
    for root, env in zip(roots, jobs, strict=True):
        cards = sorted((root / "decks").rglob("cards-*.yaml"))[-1]
        cards.write_text(cards.read_text().replace("front:", "frnt:", 1))
        before = dist_bytes(root)
        result = run(root, "build", env=env)
        assert result.exit_code == 1 and dist_bytes(root) == before
        outputs.append(result.output.replace(str(root), "ROOT"))
    assert outputs[0] == outputs[1] and "did you mean `front`?" in outputs[0]


def test_a_bad_job_count_is_a_clear_error(tmp_path: Path) -> None:
    bench_project(tmp_path)
    result = run(tmp_path, "build", env={**EPOCH, "DECKFORGE_JOBS": "many"})
    assert result.exit_code == 1
    assert "DECKFORGE_JOBS: error: `many` is not a number of processes" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "dist").exists()


def test_a_rebuild_after_an_edit_needs_no_jsonschema_nor_genanki(tmp_path: Path) -> None:
    # deck.yaml and sources.yaml come from the parse cache too: an edit of a card file is
    # read by yaml-rs and checked by the compiled schema check, with no jsonschema at all;
    # its rows are rewritten in the collection of the last build, with no genanki.
    bench_project(tmp_path)
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
