"""The preview renders every card exactly as the real Anki engine does after importing the .apkg."""

from __future__ import annotations

from pathlib import Path

import pytest
from anki.collection import Collection

from deckforge.load.project import anki_card_count, load_project
from deckforge.notes.source import card_guid
from deckforge.preview.site import preview_note
from helpers import collection, env_with_epoch, import_apkg, make_sample_deck, run


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Collection]:
    root = tmp_path_factory.mktemp("anki-preview")
    make_sample_deck(root)
    result = run(root, "build", env=env_with_epoch(1_700_000_000))
    assert result.exit_code == 0, result.output
    with collection(root / "anki") as col:
        assert import_apkg(col, root / "dist" / "sample.apkg").as_tuple() == (11, 0, 0, 0)
        yield root, col


def test_every_card_renders_identically_in_preview_and_anki(
        imported: tuple[Path, Collection]) -> None:
    # Strict: Anki's question()/answer() is "<style>CSS</style>" + the rendered template; the
    # style block must be the note type's stylesheet and the rest equal byte for byte (cloze
    # <span> markup, attribute encoding and whitespace included) -- nothing is normalised.
    root, col = imported
    project = load_project(root / "decks")
    by_guid = dict(col.db.all("select guid, id from notes"))
    compared = 0
    types = set()
    for card in project.decks[0].cards:
        note = col.get_note(by_guid[card_guid("sample", card)])
        preview = preview_note(card)
        anki_cards = sorted(note.cards(), key=lambda c: c.ord)
        assert [c.ord for c in anki_cards] == [f.ord for f in preview.faces], card.id
        assert len(anki_cards) == anki_card_count(card)
        for anki_card, face in zip(anki_cards, preview.faces, strict=True):
            style = f"<style>{anki_card.note_type()['css']}</style>"
            assert anki_card.note_type()["css"] == note.note_type()["css"]
            assert anki_card.question() == style + face.question, (card.id, face.ord)
            assert anki_card.answer() == style + face.answer, (card.id, face.ord)
            compared += 2
        types.add(card.type)
    assert types == {"basic", "reversible", "cloze", "choice", "order", "match"}
    assert compared == 30


def test_preview_uses_the_shipped_stylesheet(imported: tuple[Path, Collection]) -> None:
    root, col = imported
    result = run(root, "preview", "--out", str(root / "site"))
    assert result.exit_code == 0, result.output
    page = (root / "site" / "sample" / "index.html").read_text(encoding="utf-8")
    css = {m["css"] for m in col.models.all() if m["name"].startswith("deckforge")}
    assert len(css) == 1
    assert f"<style>{css.pop()}</style>" in page


def test_images_ship_as_media_and_cards_point_at_them(imported: tuple[Path, Collection]) -> None:
    root, col = imported
    media_dir = Path(col.media.dir())
    shipped = {p.name: p.read_bytes() for p in media_dir.iterdir()}
    project = load_project(root / "decks")
    expected = {m.name: m.data for c in project.decks[0].cards for _, m in c.media}
    assert shipped == expected
    assert sorted(n.rsplit(".", 1)[1] for n in shipped) == ["png", "png", "svg"]
    srcs = set()
    for cid in col.find_cards(""):
        html = col.get_card(cid).answer()
        srcs.update(part.split('"', 1)[0] for part in html.split('<img src="')[1:])
    assert srcs == set(shipped)
    assert col.media.check().missing == []
