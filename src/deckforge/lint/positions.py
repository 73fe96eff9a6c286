"""Where card fields are written, for findings: read lazily, only files with findings parse again."""

from __future__ import annotations

from pathlib import Path

from ..load.pyyaml import RawDocument, load_yaml
from ..model import Card


class Positions:
    """Field positions of cards, read lazily: only files with findings are parsed again."""

    def __init__(self) -> None:
        self.docs: dict[Path, RawDocument | None] = {}
        self.index: dict[Path, dict[tuple[int, int], int]] = {}

    def doc(self, path: Path) -> RawDocument | None:
        if path not in self.docs:
            doc, _ = load_yaml(path)
            self.docs[path] = doc
            cards = doc.data.get("cards") if doc is not None and isinstance(doc.data, dict) else None
            self.index[path] = {doc.position(("cards", i)): i
                                for i in range(len(cards))} if doc and isinstance(cards, list) else {}
        return self.docs[path]

    def of(self, card: Card, name: str, item: int | None = None) -> tuple[int, int]:
        """Where field ``name`` of ``card`` is written (its ``item``-th entry, for a list)."""
        doc = self.doc(card.path)
        i = self.index.get(card.path, {}).get((card.line, card.col))
        if doc is None or i is None:
            return card.line, card.col
        if item is not None:
            return doc.position(("cards", i, name, item))
        return doc.key_position(("cards", i, name))
