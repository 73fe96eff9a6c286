"""Describe what changed since the manifest, as release notes for learners."""

from __future__ import annotations

from collections import defaultdict

from .notes.compile import Change, CompiledDeck

__all__ = ["summarize", "release_notes"]

_TITLES = {"added": "New cards", "edited": "Edited cards (update in place)",
           "removed": "Removed cards (tagged deckforge::removed)", "restored": "Restored cards"}


def summarize(changes: list[Change]) -> dict[str, dict[str, list[str]]]:
    """deck id -> change kind -> card ids; note-type changes under the deck id ``*``."""
    out: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for c in sorted(changes):
        out[c.deck_id][c.kind].append(c.card_id + (f" ({c.detail})" if c.detail else ""))
    return {d: dict(kinds) for d, kinds in sorted(out.items())}


def release_notes(changes: list[Change], decks: list[CompiledDeck]) -> str:
    """Markdown release notes: per deck, the added, edited, removed and restored cards."""
    names = {d.id: d.name for d in decks}
    summary = summarize(changes)
    if not summary:
        return "No changes since the last build.\n"
    lines: list[str] = []
    notetypes = summary.pop("*", {}).get("notetype", [])
    if notetypes:
        lines += ["## Note types", ""]
        for entry in notetypes:
            lines.append(f"- {entry}")
        if any("new version" in e for e in notetypes):
            lines += ["", "A note type has a new version: when importing, open the import options "
                      "and tick **Merge note types**, or your existing cards of that type will not "
                      "update."]
        lines.append("")
    for deck_id, kinds in summary.items():
        counts = ", ".join(f"{len(v)} {k}" for k, v in kinds.items())
        lines += [f"## {names.get(deck_id, deck_id)} (`{deck_id}`): {counts}", ""]
        for kind in ("added", "edited", "removed", "restored"):
            if kind in kinds:
                lines.append(f"**{_TITLES[kind]}:** " + ", ".join(f"`{c}`" for c in kinds[kind]))
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"
