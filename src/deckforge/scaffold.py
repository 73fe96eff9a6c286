"""`deckforge new`: append a card skeleton to a card file, leaving every byte above it as it was."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import DeckforgeError, DeckforgeErrors
from .load.discover import find_deck_folders
from .load.pyyaml import RawDocument, load_yaml
from .load.schema import SCHEMA_DIR
from .notes.manifest import MANIFEST_NAME, Manifest

__all__ = ["DEFAULT_FILE", "ID_RE", "NewCard", "add_card", "create_deck", "find_deck", "skeleton"]

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DEFAULT_FILE = "cards.yaml"

# Placeholders keep the card valid (validate and preview work while writing); the
# `todo-placeholder` lint rule fails `deckforge lint --strict` until they are replaced.
_SKELETONS = {
    "basic": "front: TODO question\nback: TODO answer\n",
    "reversible": "type: reversible\nfront: TODO term\nback: TODO definition\n",
    "cloze": 'type: cloze\ntext: "TODO a sentence with the {{c1::hidden part}} marked"\n',
    "choice": ("type: choice\nquestion: TODO scenario and question\nchoices:\n"
               "  - TODO correct option\n  - TODO wrong option 1\n  - TODO wrong option 2\n"
               "  - TODO wrong option 3\nanswer: 0\nexplanation: TODO why the answer is right "
               "and the others are worse\n"),
    "order": ("type: order\nquestion: TODO what to put in order\nsteps:  # in the correct order\n"
              "  - TODO first step\n  - TODO second step\n  - TODO third step\n"
              "explanation: TODO why this order\n"),
    "match": ("type: match\nquestion: TODO what to match\npairs:\n"
              "  - {left: TODO first item, right: TODO its match}\n"
              "  - {left: TODO second item, right: TODO its match too}\n"
              "  - {left: TODO third item, right: TODO the third match}\n"
              "explanation: TODO why these belong together\n"),
}
_TRAILER = ("# source: <name>#<section>    (listed in decks/sources.yaml)\n"
            "# as_of: YYYY-MM-DD           (for facts that go stale)\n")


@dataclass(frozen=True)
class NewCard:
    """Where ``deckforge new`` wrote a card."""

    path: Path
    line: int
    col: int
    card_id: str
    created_file: bool


def _modeline(target: Path, decks_dir: Path, kind: str) -> str:
    repo_schema = decks_dir.parent / "schema" / f"{kind}.schema.json"
    schema_file = repo_schema if repo_schema.is_file() else SCHEMA_DIR / f"{kind}.schema.json"
    rel = os.path.relpath(schema_file.resolve(), target.parent.resolve())
    return f"# yaml-language-server: $schema={Path(rel).as_posix()}\n"


def find_deck(decks_dir: Path, name: str) -> Path:
    """The folder of the deck whose id (or folder name) is ``name``."""
    folders = find_deck_folders(decks_dir)
    ids: dict[str, Path] = {}
    for folder in folders:
        doc, _ = load_yaml(folder / "deck.yaml") if (folder / "deck.yaml").is_file() else (None, [])
        if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
            ids[doc.data["id"]] = folder
    if name in ids:
        return ids[name]
    for folder in folders:
        if folder.name == name:
            return folder
    known = ", ".join(sorted(ids)) or "none yet"
    raise DeckforgeErrors([DeckforgeError(
        str(decks_dir), 0, 0, f"no deck `{name}`",
        f"known decks: {known}; to start a new deck: deckforge new {name} --create --name NAME")])


def create_deck(decks_dir: Path, deck_id: str, name: str) -> Path:
    """Make ``decks_dir/deck_id/deck.yaml``; raises DeckforgeErrors if the deck exists."""
    folder = decks_dir / deck_id
    meta = folder / "deck.yaml"
    if meta.exists():
        raise DeckforgeErrors([DeckforgeError(str(meta), 0, 0, f"deck `{deck_id}` already exists",
                                              "leave out --create to add a card to it")])
    try:
        find_deck(decks_dir, deck_id)
    except DeckforgeErrors:
        pass
    else:
        raise DeckforgeErrors([DeckforgeError(str(decks_dir), 0, 0,
                                              f"another folder already has deck id `{deck_id}`",
                                              "leave out --create to add a card to it")])
    folder.mkdir(parents=True, exist_ok=True)
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    meta.write_text(f'{_modeline(meta, decks_dir, "deck")}id: {deck_id}\nname: "{quoted}"\n',
                    encoding="utf-8")
    return folder


def _card_ids(doc: RawDocument | None) -> set[str]:
    if doc is None or not isinstance(doc.data, dict) or not isinstance(doc.data.get("cards"), list):
        return set()
    return {c["id"] for c in doc.data["cards"] if isinstance(c, dict) and isinstance(c.get("id"), str)}


def taken_ids(folder: Path, dist_dir: Path | None = None) -> set[str]:
    """Card ids in use by the deck: its files, every library file it includes, and the manifest.

    Ids of removed cards stay taken: reusing one would revive its note GUID in learners' decks.
    """
    ids: set[str] = set()
    deck_id = folder.name
    for path in sorted(folder.rglob("*.y*ml")):
        doc, _ = load_yaml(path)
        if path.name == "deck.yaml" and path.parent == folder:
            if doc is not None and isinstance(doc.data, dict) and isinstance(doc.data.get("id"), str):
                deck_id = doc.data["id"]
            continue
        ids |= _card_ids(doc)
        includes = doc.data.get("include") if doc is not None and isinstance(doc.data, dict) else None
        for spec in includes if isinstance(includes, list) else ():
            if isinstance(spec, dict) and isinstance(spec.get("from"), str):
                library = (path.parent / spec["from"]).resolve()
                if library.is_file():
                    ids |= _card_ids(load_yaml(library)[0])
    if dist_dir is not None:
        try:
            manifest = Manifest.load(dist_dir / MANIFEST_NAME)
        except DeckforgeErrors:
            manifest = Manifest()  # `deckforge build` reports a damaged manifest
        record = manifest.decks.get(deck_id)
        ids |= set(record.notes) if record else set()
    return ids


def fresh_id(stem: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "card"
    n = 1
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def skeleton(card_id: str, card_type: str, prefix: str = "  - ") -> str:
    """The YAML text of a new list item, indented to follow ``prefix`` (e.g. ``"  - "``)."""
    pad = " " * len(prefix)
    body = f"id: {card_id}\n{_SKELETONS[card_type]}{_TRAILER}".splitlines()
    return prefix + body[0] + "\n" + "".join(f"{pad}{line}\n" for line in body[1:])


def _item_prefix(doc: RawDocument, lines: list[str]) -> str:
    line, col = doc.position(("cards", 0))
    before = lines[line - 1][: col - 1] if 0 < line <= len(lines) else ""
    return before if re.fullmatch(r" *- +", before) else "  - "


def _insertion(doc: RawDocument | None, text: str, nl: str) -> tuple[str, str, int]:
    """(text before the new card, text after it, line the card's ``- id:`` will be on)."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += nl
    data = doc.data if doc is not None else None
    cards = data.get("cards") if isinstance(data, dict) else None
    if not isinstance(data, dict) or "cards" not in data:
        head = "".join(lines) + "cards:" + nl
        return head, "", head.count("\n") + 1
    assert doc is not None
    key_line, _ = doc.key_position(("cards",))
    value_line, value_col = doc.position(("cards",))
    if not isinstance(cards, list) or not cards:
        rest = lines[value_line - 1][value_col - 1:] if isinstance(cards, list) else ""
        if isinstance(cards, list) and re.match(r"\[\s*\]", rest) and value_line == key_line:
            # `cards: []` becomes `cards:`: the one line that has to change.
            lines[key_line - 1] = lines[key_line - 1][: value_col - 1].rstrip() + nl
            head = "".join(lines[:key_line])
            return head, "".join(lines[key_line:]), key_line + 1
        raise DeckforgeErrors([doc.error(("cards",), "`cards:` is not a list this command can add to",
                                         "write `cards: []` or list the cards one `- id:` per line")])
    if value_line == key_line:
        raise DeckforgeErrors([doc.error(("cards",), "`cards:` is written as a [...] list",
                                         "deckforge new appends to block lists, one `- id:` per line")])
    later = sorted(doc.key_position((k,))[0] for k in data if doc.key_position((k,))[0] > key_line)
    end = later[0] - 1 if later else len(lines)
    # Comments and blank lines just before the next top-level key belong to that key.
    while later and end > key_line and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    head = "".join(lines[:end])
    if head and not head.endswith(nl + nl):
        head += nl
    tail = "".join(lines[end:])
    if tail and not tail.startswith(nl):
        tail = nl + tail
    return head, tail, head.count("\n") + 1


def add_card(decks_dir: Path, deck: str, card_type: str = "basic", file: Path | None = None,
             card_id: str | None = None, dist_dir: Path | None = None) -> NewCard:
    """Append a ``card_type`` skeleton to ``file`` (default cards.yaml) of ``deck``."""
    folder = find_deck(decks_dir, deck)
    target = (file if file.is_absolute() else folder / file) if file else folder / DEFAULT_FILE
    problem = ""
    if target.suffix not in (".yaml", ".yml"):
        problem = "a card file ends in .yaml"
    elif target.name == "deck.yaml" and target.parent.resolve() == folder.resolve():
        problem = "deck.yaml holds the deck's metadata, not cards"
    elif folder.resolve() not in target.resolve().parents:
        problem = f"the card file must be inside the deck folder {folder}"
    if problem:
        raise DeckforgeErrors([DeckforgeError(str(target), 0, 0, f"cannot add a card to {target}",
                                              problem)])
    taken = taken_ids(folder, dist_dir)
    if card_id is None:
        card_id = fresh_id(target.stem, taken)
    elif card_id in taken:
        raise DeckforgeErrors([DeckforgeError(str(target), 0, 0,
                                              f"card id `{card_id}` is already used in this deck",
                                              "ids are unique in a deck, removed cards included")])
    created = not target.exists()
    if created:
        head, tail, line = _modeline(target, decks_dir, "cards") + "cards:\n", "", 3
        prefix, newline = "  - ", "\n"
    else:
        raw = target.read_bytes()
        doc, errors = load_yaml(target)
        if errors:
            raise DeckforgeErrors(errors)
        text = raw.decode("utf-8")
        newline = "\r\n" if "\r\n" in text else "\n"
        head, tail, line = _insertion(doc, text, newline)
        has_cards = doc is not None and isinstance(doc.data, dict) and doc.data.get("cards")
        prefix = _item_prefix(doc, text.splitlines()) if has_cards and doc else "  - "
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="") as f:
        # Only the new lines are written in the file's own line ending; the rest is kept as is.
        f.write(head + skeleton(card_id, card_type, prefix).replace("\n", newline) + tail)
    return NewCard(target, line, len(prefix) + 1, card_id, created)
