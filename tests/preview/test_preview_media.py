"""Images in card text: resolved in the deck folder, checked, shipped under content-hashed names."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from deckforge.load.media import MAX_IMAGE_BYTES, media_name
from deckforge.load.project import load_project
from deckforge.render.markdown import render_fields, render_markdown
from helpers import SAMPLE_SVG, env_with_epoch, make_deck, png_bytes, run

PNG = png_bytes()
PNG_NAME = f"df-{hashlib.sha256(PNG).hexdigest()[:16]}.png"


def _deck(root: Path, front: str, files: dict[str, bytes] | None = None) -> Path:
    folder = make_deck(root, "d", {"cards.yaml": f"cards:\n  - id: a\n    front: '{front}'\n"
                                                 "    back: B\n"})
    for rel, data in (files or {}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    return folder


def _errors(root: Path) -> str:
    result = run(root, "validate")
    assert result.exit_code == 1
    return result.output.replace(str(root) + os.sep, "")


def test_image_renders_as_hashed_media_name_with_escaped_alt(tmp_path: Path) -> None:
    _deck(tmp_path, 'See ![a "q" <b> & c](img/x.png)', {"img/x.png": PNG})
    card = load_project(tmp_path / "decks").decks[0].cards[0]
    assert [(src, m.name, m.data) for src, m in card.media] == [("img/x.png", PNG_NAME, PNG)]
    assert render_fields(card)["Front"] == (
        f'See <img src="{PNG_NAME}" alt="a &quot;q&quot; &lt;b&gt; &amp; c">')


def test_image_syntax_outside_cards_shows_as_typed() -> None:
    assert render_markdown("![x](y.png)") == "![x](y.png)"


@pytest.mark.parametrize(("front", "files", "message"), [
    ("![x](img/missing.png)", {}, "image `img/missing.png` does not exist"),
    ("![x](../../outside.png)", {}, "image `../../outside.png` is outside the folder `d`"),
    ("![x](https://example.com/x.png)", {}, "image `https://example.com/x.png` is not a file"),
    ("![x](/etc/x.png)", {}, "image `/etc/x.png` is not a file in the deck folder"),
    ("![x](img/x.bmp)", {"img/x.bmp": b"BM"}, "image `img/x.bmp` is not a supported image type"),
    ("![x](img/x.png)", {"img/x.png": b"<html>not a png"}, "image `img/x.png` is not really a .png"),
    ("![x](img/x.svg)", {"img/x.svg": SAMPLE_SVG.replace("<rect", "<script>alert(1)</script><rect")
                         .encode()},
     "image `img/x.svg` contains script, event handlers or embedded content"),
    ("![x](img/x.svg)", {"img/x.svg": b'<svg onload="alert(1)"></svg>'},
     "image `img/x.svg` contains script"),
    ("![x](img/x.png)", {"img/x.png": PNG + b"\0" * MAX_IMAGE_BYTES},
     f"image `img/x.png` is {len(PNG) + MAX_IMAGE_BYTES:,} bytes; the limit is {MAX_IMAGE_BYTES:,}"),
    ("![x](img)", {"img/x.png": PNG}, "image `img` is not a supported image type"),
])
def test_bad_image_is_an_error_at_the_field(tmp_path: Path, front: str, files: dict[str, bytes],
                                            message: str) -> None:
    (tmp_path / "outside.png").write_bytes(PNG)
    _deck(tmp_path, front, files)
    out = _errors(tmp_path)
    assert out.startswith(f"decks/d/cards.yaml:3:12: error: {message}"), out
    assert "\n  hint: " in out


def test_symlink_leaving_the_deck_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)
    folder = _deck(tmp_path, "![x](img/link.png)")
    (folder / "img").mkdir()
    (folder / "img" / "link.png").symlink_to(tmp_path / "secret.png")
    out = _errors(tmp_path)
    assert "cards.yaml:3:12: error: image `img/link.png` is outside the folder `d`" in out
    assert "symbolic links" in out


def test_symlink_inside_the_deck_folder_is_fine(tmp_path: Path) -> None:
    folder = _deck(tmp_path, "![x](img/link.png)", {"img/real.png": PNG})
    (folder / "img" / "link.png").symlink_to(folder / "img" / "real.png")
    assert run(tmp_path, "validate").exit_code == 0


def test_library_cards_use_images_of_the_library_folder_only(tmp_path: Path) -> None:
    make_deck(tmp_path, "d", {"cards.yaml": "include:\n  - from: ../_lib/lib.yaml\n"})
    lib = tmp_path / "decks" / "_lib"
    (lib / "img").mkdir(parents=True)
    (lib / "img" / "x.png").write_bytes(PNG)
    (lib / "lib.yaml").write_text("cards:\n  - id: s\n    front: '![x](img/x.png)'\n    back: B\n"
                                  "  - id: t\n    front: '![x](../d/y.png)'\n    back: B\ndeck: Lib\n",
                                  encoding="utf-8")
    (tmp_path / "decks" / "d" / "y.png").write_bytes(PNG)
    out = _errors(tmp_path)
    assert out == ("decks/_lib/lib.yaml:6:12: error: image `../d/y.png` is outside the folder "
                   "`_lib`\n  hint: it resolves to decks/d/y.png; copy the image into decks/_lib "
                   "(symbolic links that leave the folder are not followed)\n1 error\n")


def test_images_in_choices_and_clozes(tmp_path: Path) -> None:
    make_deck(tmp_path, "d", {"cards.yaml": """
        cards:
          - id: c
            type: choice
            question: Q
            choices: ["![one](a.png)", "two"]
            answer: 0
          - id: z
            type: cloze
            text: "{{c1::![hidden](b.svg)}}"
    """})
    folder = tmp_path / "decks" / "d"
    (folder / "a.png").write_bytes(PNG)
    (folder / "b.svg").write_text(SAMPLE_SVG, encoding="utf-8")
    choice, cloze = load_project(tmp_path / "decks").decks[0].cards
    assert f'<img src="{PNG_NAME}" alt="one">' in render_fields(choice)["Choices"]
    svg_name = media_name(SAMPLE_SVG.encode(), "svg")
    assert render_fields(cloze)["Text"] == f'{{{{c1::<img src="{svg_name}" alt="hidden">}}}}'


def _apkg_media(apkg: Path) -> dict[str, bytes]:
    import json

    with zipfile.ZipFile(apkg) as zf:
        index = json.loads(zf.read("media"))
        return {name: zf.read(number) for number, name in index.items()}


def test_changed_image_bytes_edit_the_note_and_identical_bytes_do_not(tmp_path: Path) -> None:
    folder = _deck(tmp_path, "![x](img/x.png)", {"img/x.png": PNG})
    first = run(tmp_path, "build", env=env_with_epoch(1_700_000_000))
    assert first.exit_code == 0, first.output
    assert _apkg_media(tmp_path / "dist" / "d.apkg") == {PNG_NAME: PNG}
    built = (tmp_path / "dist" / "d.apkg").read_bytes()
    # Same bytes under another file name: same media name, nothing changes.
    (folder / "img" / "x.png").rename(folder / "img" / "renamed.png")
    (folder / "cards.yaml").write_text((folder / "cards.yaml").read_text(encoding="utf-8")
                                       .replace("img/x.png", "img/renamed.png"), encoding="utf-8")
    same = run(tmp_path, "build", env=env_with_epoch(1_700_000_100))
    assert same.output.endswith("dist/ already up to date\n"), same.output
    assert (tmp_path / "dist" / "d.apkg").read_bytes() == built
    # New bytes: the field names another media file, so the note is edited.
    other = png_bytes(5, 5, (1, 2, 3))
    (folder / "img" / "renamed.png").write_bytes(other)
    changed = run(tmp_path, "build", env=env_with_epoch(1_700_000_200))
    assert changed.output.endswith("wrote 2 file(s); 1 change(s)\n"), changed.output
    assert _apkg_media(tmp_path / "dist" / "d.apkg") == {media_name(other, "png"): other}
