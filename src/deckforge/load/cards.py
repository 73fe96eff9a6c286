"""Type the cards of a deck's files: includes, images, exam objectives, pinned cards."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .. import cloze
from ..errors import DeckforgeError, did_you_mean, display_path
from ..model import Card, Deck, Exam, MediaFile, Objective, Section, SourceRef
from ..render.markdown import image_sources
from .discover import yaml_files
from .items import item_parts, item_texts
from .media import load_image
from .parse import load_checked
from .pyyaml import RawDocument
from .schema import card_fields

_TEXT_FIELDS = ("front", "back", "text", "extra", "question", "explanation")


def _position_in(doc: RawDocument, path: tuple[Any, ...], text: str, offset: int,
                 token: str) -> tuple[int, int]:
    """Where the file writes ``token``, found at ``offset`` of the text value at ``path``: the
    same occurrence of it, counted from where the value starts (the value's own position when
    the file spells it differently, e.g. with escapes)."""
    line, col = doc.position(path)
    if not token:
        return line, col
    try:
        lines = doc.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return line, col
    skip = text.count(token, 0, offset)
    row, start = line - 1, col - 1
    while row < len(lines):
        at = lines[row].find(token, start)
        while at >= 0 and skip:
            skip -= 1
            at = lines[row].find(token, at + 1)
        if at >= 0:
            return row + 1, at + 1
        row, start = row + 1, 0
    return line, col


# Many cards cite the same source; the parsed citation is immutable, so one object serves all.
_source_ref = lru_cache(maxsize=4096)(SourceRef.parse)


@cache
def _text_fields(card_type: str) -> tuple[str, ...]:
    """The text fields of a card type, in schema order."""
    return tuple(f for f in card_fields(card_type) if f in _TEXT_FIELDS)


@dataclass
class CardLoader:
    decks_dir: Path
    errors: list[DeckforgeError] = field(default_factory=list)
    docs: dict[Path, RawDocument | None] = field(default_factory=dict)
    bad_cards: dict[Path, set[int]] = field(default_factory=dict)
    include_sites: dict[int, tuple[Path | str, int, int]] = field(default_factory=dict)
    """id() of an included Card -> where the deck's file includes it."""
    homeless: set[Path] = field(default_factory=set)
    """Library files already reported for lacking ``deck:``."""

    def document(self, path: Path, kind: str) -> RawDocument | None:
        if path in self.docs:
            return self.docs[path]
        # load_yaml + check_document, from the store or the fast path (parse.py).
        doc, errors, bad = load_checked(path, kind, self.decks_dir)
        if doc is not None:
            # A broken card does not hide the rest of its file: keep checking the others.
            if bad is None:
                doc = None
            else:
                self.bad_cards[path] = bad
        self.errors.extend(errors)
        self.docs[path] = doc
        return doc

    def sources(self) -> dict[str, frozenset[str]]:
        path = self.decks_dir / "sources.yaml"
        if not path.is_file():
            return {}
        doc = self.document(path, "sources")
        if doc is None:
            return {}
        return {name: frozenset((spec.get("sections") or {}).keys())
                for name, spec in doc.data["sources"].items()}

    def deck(self, folder: Path) -> Deck | None:
        meta_path = folder / "deck.yaml"
        if not meta_path.is_file():
            self.errors.append(DeckforgeError(
                str(folder), 0, 0, "deck folder has no deck.yaml",
                "add deck.yaml with `id:` and `name:`, or start the folder name with _ "
                "to make it a library of shared cards"))
            return None
        meta = self.document(meta_path, "deck")
        files = [p for p in yaml_files(folder) if p != meta_path]
        cards: list[Card] = []
        for path in files:
            cards.extend(self.card_file(path))
        if meta is None:
            return None
        data = meta.data
        self._check_unique_ids(cards)
        exam = self.exam(meta)
        self._check_objectives(meta, exam, cards)
        start = tuple(data.get("start", ()))
        self._check_start(meta, start, cards)
        return Deck(id=data["id"], name=data["name"], description=data.get("description", ""),
                    folder=folder, cards=tuple(cards), files=tuple(files), exam=exam, start=start)

    def exam(self, meta: RawDocument) -> Exam | None:
        """The deck's exam from ``deck.yaml``, after checking its ids are unique."""
        raw = meta.data.get("exam")
        if raw is None:
            return None
        seen: dict[str, tuple[Any, ...]] = {}
        sections: list[Section] = []
        for i, sec in enumerate(raw["sections"]):
            where = ("exam", "sections", i)
            weight = sec["weight"]
            low, high = (weight, weight) if not isinstance(weight, list) else weight
            if low > high:
                self.errors.append(meta.error((*where, "weight"), f"weight range [{low}, {high}] "
                                              "runs backwards", f"write [{high}, {low}]"))
            for key, at in ((f"section {sec['id']}", (*where, "id")),
                            *((o["id"], (*where, "objectives", j, "id"))
                              for j, o in enumerate(sec["objectives"]))):
                if key in seen:
                    line, col = meta.position(seen[key])
                    what = key if key.startswith("section") else f"objective {key}"
                    self.errors.append(meta.error(at, f"duplicate {what}",
                                                  f"already used at line {line}; ids must be "
                                                  "unique in the exam"))
                else:
                    seen[key] = at
            sections.append(Section(
                id=sec["id"], name=sec["name"], weight=(float(low), float(high)),
                objectives=tuple(Objective(o["id"], o["text"]) for o in sec["objectives"])))
        return Exam(code=raw["code"], name=raw["name"], vendor=raw["vendor"],
                    state=raw["status"]["state"], guide_version=raw["guide"]["version"],
                    guide_date=raw["guide"]["date"], sections=tuple(sections))

    def _check_objectives(self, meta: RawDocument, exam: Exam | None, cards: list[Card]) -> None:
        known = exam.objective_ids() if exam is not None else {}
        for card in cards:
            doc = self.docs.get(card.path)
            if doc is None or not card.objectives:
                continue
            if exam is None:
                at = self._objectives_at(doc, card)
                self.errors.append(doc.error(at, f"card `{card.id}` links objectives, but deck "
                                             f"`{meta.data['id']}` has no exam",
                                             f"describe the exam and its objectives under `exam:` "
                                             f"in {display_path(meta.path)}"))
                continue
            for obj in card.objectives:
                if obj not in known:
                    suggestion = did_you_mean(obj, known)
                    hint = f"{suggestion} " if suggestion else ""
                    at = self._objectives_at(doc, card)  # looked up only for an error
                    self.errors.append(doc.error(at, f"unknown objective `{obj}` for exam {exam.code}",
                                                 hint + "the objectives are listed under "
                                                 f"exam.sections in {display_path(meta.path)}"))

    @staticmethod
    def _objectives_at(doc: RawDocument, card: Card) -> tuple[Any, ...]:
        """Where a card's objectives are written: the card's own, or its file's default."""
        for i, raw in enumerate(doc.data.get("cards", ())):
            if isinstance(raw, dict) and raw.get("id") == card.id:
                return ("cards", i, "objectives") if "objectives" in raw else ("objectives",)
        return ("objectives",)

    def _check_start(self, meta: RawDocument, start: tuple[str, ...], cards: list[Card]) -> None:
        by_id = {c.id: c for c in cards}
        for i, card_id in enumerate(start):
            card = by_id.get(card_id)
            if card is None:
                self.errors.append(meta.error(("start", i), f"no card `{card_id}` in this deck",
                                              did_you_mean(card_id, by_id) or
                                              "list ids of cards in this deck's folder"))
            elif card.library:
                self.errors.append(meta.error(
                    ("start", i), f"`{card_id}` is a shared card: it lives in {card.home}",
                    "pin a card of this deck's own folder"))

    def card_file(self, path: Path, only: list[str] | None = None, library: str = "",
                  from_doc: RawDocument | None = None, from_path: tuple[Any, ...] = ()) -> list[Card]:
        """The cards of a deck's card file, or (``library`` given) of a library file."""
        doc = self.document(path, "cards")
        if doc is None:
            return []
        data = doc.data
        subdeck: str = data.get("subdeck", "")
        file_tags: tuple[str, ...] = tuple(data.get("tags", ()))
        home: str = data.get("deck", "")
        if library and not home and path not in self.homeless:
            self.homeless.add(path)
            self.errors.append(doc.error((), "a library file needs `deck:`, the Anki deck its "
                                         "shared cards live in",
                                         'e.g. deck: "ML Certifications::Shared::Courses" — a '
                                         "shared card is one note, whichever decks include it"))
        if not library and home:
            self.errors.append(doc.error(("deck",), "`deck:` is for library files (decks/_*/)",
                                         "use `subdeck:` to place this file's cards in a sub-deck",
                                         key=True))
        cards: list[Card] = []
        if not library:
            for i, spec in enumerate(data.get("include", ())):
                cards.extend(self.include(doc, i, spec))
        elif "include" in data:
            # Includes are one level deep, so a deck's cards are all named in its own folder.
            self.errors.append(doc.error(("include",), "a library file cannot include other files",
                                         "include the other library file from the deck directly",
                                         key=True))
        wanted = set(only) if only is not None else None
        bad = self.bad_cards.get(path, set())
        for i, raw in enumerate(data.get("cards", ())):
            if i in bad or (wanted is not None and raw["id"] not in wanted):
                continue
            card = self.card(doc, i, raw, subdeck, file_tags, library, home)
            if card is not None:
                cards.append(card)
        if only is not None and from_doc is not None:
            have = {c.id for c in cards} | {r.get("id") for r in data.get("cards", ())
                                            if isinstance(r, dict)}
            for j, card_id in enumerate(only):
                if card_id not in have:
                    self.errors.append(from_doc.error(
                        (*from_path, "cards", j), f"no card `{card_id}` in {path.name}",
                        "check the id against the library file"))
        return cards

    def include(self, doc: RawDocument, i: int, spec: dict[str, Any]) -> list[Card]:
        where = ("include", i, "from")
        target = (doc.path.parent / spec["from"]).resolve()
        library_root = self.decks_dir.resolve()
        try:
            rel = target.relative_to(library_root)
        except ValueError:
            self.errors.append(doc.error(where, f"`{spec['from']}` is outside the decks folder",
                                         "include files from a library folder such as decks/_shared/"))
            return []
        if not rel.parts[0].startswith("_"):
            self.errors.append(doc.error(where, f"`{spec['from']}` is not in a library folder",
                                         "shared cards live in a folder whose name starts with _, "
                                         "e.g. decks/_shared/"))
            return []
        if not target.is_file():
            self.errors.append(doc.error(where, f"included file `{spec['from']}` does not exist",
                                         f"looked for {display_path(target)}"))
            return []
        cards = self.card_file(target, spec.get("cards"), rel.parts[0], doc, ("include", i))
        line, col = doc.position(where)
        for card in cards:
            self.include_sites[id(card)] = (doc.path, line, col)
        return cards

    def card(self, doc: RawDocument, i: int, raw: dict[str, Any], subdeck: str,
             file_tags: tuple[str, ...], library: str = "", home: str = "") -> Card | None:
        where = ("cards", i)
        ok = True
        card_type = raw.get("type", "basic")
        for name in _TEXT_FIELDS:
            value = raw.get(name)
            if isinstance(value, str) and not value.strip():
                self.errors.append(doc.error((*where, name), f"`{name}` is empty",
                                             f"write the {name} text after `{name}:`"))
                ok = False
        if card_type == "cloze":
            for problem in cloze.check(raw["text"]):
                at = (*where, "text")
                line, col = _position_in(doc, at, raw["text"], problem.offset, problem.token)
                self.errors.append(DeckforgeError(str(doc.path), line, col, problem.message,
                                                  problem.hint, "cards.text"))
                ok = False
        parts, problems = item_parts(doc, where, raw)
        if problems:
            self.errors.extend(problems)
            ok = False
        media = self.card_media(doc, where, raw)
        if not ok or media is None:
            return None
        fields = tuple((f, raw[f]) for f in _text_fields(card_type) if f in raw)
        source = raw.get("source", ())
        sources = tuple(_source_ref(s) for s in ([source] if isinstance(source, str) else source))
        tags = tuple(dict.fromkeys((*file_tags, *raw.get("tags", ()))))
        objectives = tuple(raw.get("objectives") or doc.data.get("objectives") or ())
        if objectives and library:
            self.errors.append(doc.error((*where, "objectives") if "objectives" in raw else
                                         ("objectives",),
                                         "a shared card cannot link exam objectives",
                                         "the decks that include it prepare for different exams; "
                                         "link objectives from cards in a deck's own folder"))
            return None
        line, col = doc.position(where)
        return Card(id=raw["id"], type=card_type, fields=fields, choices=parts.choices, answer=parts.answer,
                    tags=tags, sources=sources, as_of=raw.get("as_of", ""),
                    notes=raw.get("notes", ""), lint_ignore=tuple(raw.get("lint_ignore", ())),
                    subdeck=subdeck, path=doc.path, line=line, col=col, media=media,
                    shuffle=raw.get("shuffle", True), objectives=objectives, library=library,
                    home=home, whys=parts.whys, steps=parts.steps, pairs=parts.pairs, case=parts.case)

    def card_media(self, doc: RawDocument, where: tuple[Any, ...], raw: dict[str, Any]
                   ) -> tuple[tuple[str, MediaFile], ...] | None:
        """The images a card's text shows, or None after reporting the ones that are wrong."""
        texts = [((*where, name), raw[name]) for name in _TEXT_FIELDS
                 if isinstance(raw.get(name), str)] + item_texts(where, raw)
        case = doc.data.get("cases", {}).get(raw.get("case")) if "case" in raw else None
        if isinstance(case, dict):
            texts.append((("cases", raw["case"], "text"), case["text"]))
        if not any("!" in text and "[" in text for _, text in texts):
            return ()  # no image syntax possible: skip resolving paths (costly on big decks)
        # Images live in the card's deck folder, or in the library folder for shared cards.
        try:
            rel = doc.path.resolve().relative_to(self.decks_dir.resolve())
            root = self.decks_dir / rel.parts[0] if len(rel.parts) > 1 else doc.path.parent
        except ValueError:
            root = doc.path.parent
        found: dict[str, MediaFile] = {}
        ok = True
        for at, text in texts:
            for src in image_sources(text):
                if src in found:
                    continue
                media, message, hint = load_image(src, doc.path, root)
                if media is None:
                    self.errors.append(doc.error(at, message, hint))
                    ok = False
                else:
                    found[src] = media
        return tuple(sorted(found.items())) if ok else None

    def _describe(self, card: Card) -> str:
        where = f"{display_path(card.path)}:{card.line}:{card.col}"
        site = self.include_sites.get(id(card))
        if site is not None:
            where += f" (included at {display_path(site[0])}:{site[1]}:{site[2]})"
        return where

    def _check_unique_ids(self, cards: list[Card]) -> None:
        first: dict[str, Card] = {}
        for card in cards:
            if card.id in first:
                # An included card is reported where the deck includes it: that is what to edit.
                path, line, col = self.include_sites.get(id(card), card.location)
                message = f"duplicate card id `{card.id}`"
                if id(card) in self.include_sites:
                    message += f" (included from {display_path(card.path)}:{card.line})"
                self.errors.append(DeckforgeError(
                    str(path), line, col, message,
                    f"already used at {self._describe(first[card.id])}; "
                    "ids must be unique in a deck", "id"))
            else:
                first[card.id] = card
