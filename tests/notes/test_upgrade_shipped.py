"""The item-type templates import over a deck as it shipped before them (issue 22), in the real
Anki engine: notes update in place, no note type is copied, schedules and history are kept;
the questions written since the release arrive as new notes beside them.

``tests/fixtures/release-2026-12/`` holds the Google PMLE deck as released before the change
(its .apkg and its entry of dist/manifest.json, which a build needs to date the changes).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from deckforge.notetypes import NOTE_TYPES
from helpers import ROOT, TESTS, collection, env_with_epoch, import_apkg, run

RELEASE = TESTS / "fixtures" / "release-2026-12"


def test_new_templates_update_the_released_deck_in_place(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "decks", tmp_path / "decks")
    (tmp_path / "dist").mkdir()
    shutil.copy(RELEASE / "manifest.json", tmp_path / "dist" / "manifest.json")
    with collection(tmp_path / "col") as col:
        first = import_apkg(col, RELEASE / "google-pmle.apkg")
        assert first.new > 100
        choice_mid = col.models.id_for_name("deckforge Multiple choice")
        assert choice_mid == NOTE_TYPES["choice"].id
        # (Read through the backend: col.models.get caches a note type for the whole session.)
        some_choice = col.find_cards('"note:deckforge Multiple choice"')[0]
        assert "answer an exam item" not in col.get_card(some_choice).question()
        # A learner studies for a while: every kind of card, choice cards included.
        for did in sorted(d.id for d in col.decks.all_names_and_ids()):
            col.decks.select(did)
            for _ in range(8):
                card = col.sched.getCard()
                if card is None:
                    break
                col.sched.answerCard(card, 3)
        cards = "select id, nid, did, ord, type, queue, due, ivl, factor, reps, lapses from cards order by id"
        sched = col.db.all(cards)
        log = col.db.all("select * from revlog order by id")
        reviewed = col.db.scalar("select count(distinct cid) from revlog")
        assert reviewed >= 20
        studied_choice = col.db.scalar(
            "select count(*) from cards c join notes n on c.nid = n.id where n.mid = ? and c.reps > 0",
            choice_mid)
        assert studied_choice > 0
        mids = dict(col.db.all("select id, mid from notes"))

        result = run(tmp_path, "build", "google-pmle", env=env_with_epoch(1_900_000_000))
        assert result.exit_code == 0, result.output
        second = import_apkg(col, tmp_path / "dist" / "google-pmle.apkg")

        # Nothing copied, nothing conflicting: the learner's note types were updated in place.
        assert second.conflicting == 0
        assert not any(m.name.endswith("+") for m in col.models.all_names_and_ids())
        # The released notes keep their ids and note types (the changed ones updated in place);
        # the questions written since join as new notes of deckforge's own note types.
        notes = dict(col.db.all("select id, mid from notes"))
        assert {nid: notes.get(nid) for nid in mids} == mids
        assert second.updated > 0
        added = set(notes) - set(mids)
        assert len(added) == second.new
        assert {notes[nid] for nid in added} <= {nt.id for nt in NOTE_TYPES.values()}
        # (From the tables: col.models caches note types for the session.)
        assert col.db.list("select name from fields where ntid = ? order by ord",
                           choice_mid) == list(NOTE_TYPES["choice"].fields)
        assert col.db.scalar("select mtime_secs from notetypes where id = ?", choice_mid) == 1_900_000_000
        # Every released card keeps its schedule and every review its history; the only cards
        # added are the new notes' (none for a released note, none lost).
        now = col.db.all(cards)
        assert [row for row in now if row[1] in mids] == sched
        assert {row[1] for row in now if row[1] not in mids} == added
        assert col.db.all("select * from revlog order by id") == log
        # The choice cards now render with the answering script, on both sides.
        script = NOTE_TYPES["choice"].templates[0].script_html
        for cid in col.find_cards('"note:deckforge Multiple choice"')[:20]:
            card = col.get_card(cid)
            assert card.question().endswith(script) and card.answer().endswith(script)
