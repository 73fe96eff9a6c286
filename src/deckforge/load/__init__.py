"""Load: YAML files -> raw data with positions -> schema-checked data -> typed cards.

``load_project`` is the entry and the one gate into decks/: ``discover`` finds deck folders and
files, ``parse`` reads each file (from the store, else ``yamlrs``, else ``pyyaml``, which words
every error) and checks it against ``schema``, ``cards`` types the cards (includes, images via
``media``, exam objectives; ``typed`` keeps them in the store), ``checks`` checks each deck and
what spans decks."""

from __future__ import annotations

from .project import anki_card_count, deck_stats, load_project, validate_paths

__all__ = ["anki_card_count", "deck_stats", "load_project", "validate_paths"]
