"""Find the deck folders under ``decks/`` and their YAML files."""

from __future__ import annotations

from pathlib import Path


def yaml_files(folder: Path) -> list[Path]:
    found = [p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix())


def find_deck_folders(decks_dir: Path) -> list[Path]:
    """Deck folders: direct subfolders of ``decks_dir`` not starting with ``_`` or ``.``."""
    if not decks_dir.is_dir():
        return []
    return sorted(p for p in decks_dir.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")))
