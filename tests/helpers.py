"""Shared test helpers: write decks into tmp_path, run the CLI, import into the real Anki engine."""

from __future__ import annotations

import contextlib
import os
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner, Result

from deckforge.cli import main

DECK_YAML = "id: {id}\nname: {name}\ndescription: Test deck {id}.\n"


def write(path: Path, text: str) -> Path:
    """Write dedented ``text`` to ``path`` (creating folders)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def make_deck(root: Path, deck_id: str, files: dict[str, str], name: str | None = None) -> Path:
    """Create ``root/decks/<deck_id>/`` with deck.yaml and the given card files."""
    folder = root / "decks" / deck_id
    write(folder / "deck.yaml", DECK_YAML.format(id=deck_id, name=name or f"Test::{deck_id}"))
    for rel, text in files.items():
        write(folder / rel, text)
    return folder


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``deckforge ARGS`` with decks/ and dist/ under ``root``."""
    runner = CliRunner()
    return runner.invoke(main, ["--decks", str(root / "decks"), "--dist", str(root / "dist"), *args],
                         env=env, catch_exceptions=False)


@dataclass
class ImportCounts:
    new: int
    updated: int
    duplicate: int
    conflicting: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.new, self.updated, self.duplicate, self.conflicting)


@contextlib.contextmanager
def collection(folder: Path) -> Iterator[Collection]:
    """A fresh, empty Anki collection (the real engine) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def import_apkg(col: Collection, apkg: Path, merge_notetypes: bool = False) -> ImportCounts:
    """Import ``apkg`` with Anki's default options (or with 'Merge note types' ticked)."""
    options = ImportAnkiPackageOptions(with_scheduling=False, merge_notetypes=merge_notetypes)
    out = col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(apkg.resolve()), options=options))
    log = out.log
    return ImportCounts(len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting))


def env_with_epoch(epoch: int) -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = str(epoch)
    return env
