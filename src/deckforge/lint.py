"""Card-quality checks on a valid project: findings with file:line:col, a rule name and a hint."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cloze
from .errors import DeckforgeError, DeckforgeErrors, display_path
from .loader import RawDocument, load_yaml
from .model import Card, Deck, Project
from .project import validate_paths

__all__ = ["CONFIG_NAME", "RULES", "Finding", "LintConfig", "Rule", "lint_paths", "lint_project",
           "load_config"]

CONFIG_NAME = "lint.yaml"
"""The lint settings file, next to the deck folders: ``decks/lint.yaml``."""


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    """One line: what the rule finds and why it matters for learning."""


RULES: dict[str, Rule] = {r.name: r for r in (
    Rule("duplicate-question", "two cards of a deck ask the same question (after normalising case, "
         "punctuation and Markdown): learners review one fact twice and answers interfere"),
    Rule("near-duplicate-question", "two questions use the same content words, or differ in only "
         "one: usually the same card written twice"),
    Rule("long-answer", "a basic answer longer than max_answer_words: one card should test one "
         "idea, and long answers are graded loosely"),
    Rule("list-answer", "a basic answer that is a Markdown list of more than max_list_items "
         "items: lists are hard to recall whole; a cloze with one deletion per item works better"),
    Rule("too-many-clozes", "a cloze note with more than max_clozes deletion numbers: each is a "
         "card, and many cards from one sentence feel repetitive"),
    Rule("few-choices", "a choice card with fewer than min_choices options: guessing is too easy"),
    Rule("missing-source", "a card without `source`: reviewers cannot check the fact"),
    Rule("stale-as-of", "`as_of` older than stale_after_months: the fact may have changed "
         "(prices, versions, exam details); check it and update the date"),
    Rule("unknown-source", "a `source` name or #section that decks/sources.yaml does not list "
         "(a typo, or a source to register)"),
    Rule("empty-subdeck", "a card file that adds no cards (e.g. `cards: []`), leaving its "
         "subdeck empty"),
    Rule("todo-placeholder", "card text still contains TODO, as left by `deckforge new`"),
    Rule("unknown-rule", "`lint_ignore` names a rule that does not exist (a typo silences nothing)"),
)}

NOT_A_RULE = {
    "answer-out-of-range": "a choice `answer` index past the last choice is an error from "
                           "`deckforge validate` (the card cannot be built), so lint has no rule "
                           "for it and it cannot be silenced",
}


@dataclass(frozen=True, order=True)
class Finding:
    """One card-quality problem, reported like a compiler warning."""

    path: str
    line: int
    col: int
    rule: str
    message: str
    hint: str = ""

    def format(self, color: bool = False) -> str:
        where = display_path(self.path) + (f":{self.line}:{self.col}" if self.line else "")
        label = f"warning[{self.rule}]:"
        if color:
            where = f"\x1b[1m{where}\x1b[0m"
            label = f"\x1b[1;33m{label}\x1b[0m"
        text = f"{where}: {label} {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        return {"path": display_path(self.path), "line": self.line, "col": self.col,
                "severity": "warning", "rule": self.rule, "message": self.message,
                "hint": self.hint}


@dataclass(frozen=True)
class LintConfig:
    """Thresholds and disabled rules, from ``decks/lint.yaml`` (every key optional)."""

    max_answer_words: int = 50
    max_list_items: int = 3
    max_clozes: int = 5
    min_choices: int = 3
    stale_after_months: int = 18
    disable: frozenset[str] = field(default_factory=frozenset)


_SETTINGS = ("max_answer_words", "max_list_items", "max_clozes", "min_choices",
             "stale_after_months")


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""


def _config_errors(doc: RawDocument) -> Iterator[DeckforgeError]:
    # Small enough to check by hand; schema/lint.schema.json says the same for editors and docs.
    data = doc.data
    if data is None:
        return
    if not isinstance(data, dict):
        yield doc.error((), "lint.yaml must be a mapping of settings", "e.g. max_answer_words: 60")
        return
    for key, value in data.items():
        if key in _SETTINGS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                yield doc.error((key,), f"`{key}` must be a whole number of 1 or more")
        elif key == "disable":
            if not isinstance(value, list):
                yield doc.error((key,), "`disable` must be a list of rule names",
                                "e.g. disable: [stale-as-of]")
                continue
            for i, name in enumerate(value):
                if name not in RULES:
                    yield doc.error((key, i), f"unknown lint rule `{name}`",
                                    _suggest(str(name), RULES) or "see `deckforge lint --rules`")
        else:
            yield doc.error((key,), f"unknown setting `{key}`",
                            _suggest(key, (*_SETTINGS, "disable"))
                            or "settings: " + ", ".join((*_SETTINGS, "disable")), key=True)


def load_config(decks_dir: Path) -> LintConfig:
    """Read ``decks_dir/lint.yaml``; defaults when it does not exist. Raises DeckforgeErrors."""
    path = decks_dir / CONFIG_NAME
    if not path.is_file():
        return LintConfig()
    doc, errors = load_yaml(path)
    if doc is not None:
        errors = list(_config_errors(doc))
    if errors or doc is None:
        raise DeckforgeErrors(errors)
    data: dict[str, Any] = doc.data or {}
    settings = {k: v for k, v in data.items() if k in _SETTINGS}
    return LintConfig(**settings, disable=frozenset(data.get("disable", ())))


class _Positions:
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

    def of(self, card: Card, name: str) -> tuple[int, int]:
        doc = self.doc(card.path)
        i = self.index.get(card.path, {}).get((card.line, card.col))
        if doc is None or i is None:
            return card.line, card.col
        return doc.key_position(("cards", i, name))


_WORD = re.compile(r"\w+")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\S", re.MULTILINE)
_TODO = re.compile(r"\bTODO\b")
# Words that carry no meaning for telling questions apart; "not" and numbers are kept on purpose.
_STOPWORDS = frozenset("""
a an the of to in on for and or is are was were be been it its this that these those with by as at
from into about what which who whom whose how when where why does do did can could should would
will shall may might must has have had there their they them you your i we our s
""".split())  # noqa: SIM905 - a word list reads better as text


def _question(card: Card) -> str:
    if card.type == "cloze":
        return cloze.plain_text(card.field("text"))
    return card.field("question" if card.type == "choice" else "front")


def _question_field(card: Card) -> str:
    return {"cloze": "text", "choice": "question"}.get(card.type, "front")


class _Linter:
    def __init__(self, project: Project, config: LintConfig, today: dt.date) -> None:
        self.project = project
        self.config = config
        self.today = today
        self.positions = _Positions()
        self.findings: set[Finding] = set()
        self.has_registry = (project.root / "sources.yaml").is_file()

    def add(self, card: Card, rule: str, where: str | tuple[int, int], message: str, hint: str,
            also: Card | None = None) -> None:
        if rule in self.config.disable or rule in card.lint_ignore:
            return
        if also is not None and rule in also.lint_ignore:
            return
        line, col = self.positions.of(card, where) if isinstance(where, str) else where
        self.findings.add(Finding(str(card.path), line, col, rule, message, hint))

    def run(self) -> list[Finding]:
        checked: set[tuple[str, int, int]] = set()
        for deck in self.project.decks:
            for card in deck.cards:
                # A library card included by several decks is checked once.
                if card.location not in checked:
                    checked.add(card.location)
                    self.card(card)
            self.duplicates(deck)
            self.empty_files(deck)
        return sorted(self.findings)

    def card(self, card: Card) -> None:
        cfg = self.config
        for name in card.lint_ignore:
            if name not in RULES:
                hint = _suggest(name, RULES) or "see `deckforge lint --rules`"
                self.add(card, "unknown-rule", "lint_ignore", f"lint_ignore names unknown rule `{name}`",
                         hint)
        for name, text in card.fields:
            if _TODO.search(text):
                self.add(card, "todo-placeholder", name, f"`{name}` still contains TODO",
                         "write the card text in place of the TODO")
        if any(_TODO.search(c) for c in card.choices):
            self.add(card, "todo-placeholder", "choices", "`choices` still contain TODO",
                     "write the options in place of the TODOs")
        if card.type in ("basic", "reversible"):
            back = card.field("back")
            items = len(_LIST_ITEM.findall(back))
            words = len(back.split())
            if items > cfg.max_list_items:
                self.add(card, "list-answer", "back",
                         f"answer is a list of {items} items (more than {cfg.max_list_items})",
                         "use a cloze card with one deletion number per item, or split the card")
            elif words > cfg.max_answer_words:
                self.add(card, "long-answer", "back",
                         f"answer has {words} words (more than {cfg.max_answer_words})",
                         "keep one idea per card: shorten the answer or split the card")
        if card.type == "cloze":
            numbers = cloze.card_numbers(card.field("text"))
            if len(numbers) > cfg.max_clozes:
                self.add(card, "too-many-clozes", "text",
                         f"cloze has {len(numbers)} deletion numbers (more than {cfg.max_clozes})",
                         "split it into several cloze cards of a few deletions each")
        if card.type == "choice" and len(card.choices) < cfg.min_choices:
            self.add(card, "few-choices", "choices",
                     f"only {len(card.choices)} choices (fewer than {cfg.min_choices})",
                     "add plausible wrong options; four is usual")
        if not card.sources:
            self.add(card, "missing-source", (card.line, card.col), f"card `{card.id}` has no `source`",
                     "add source: <name>#<section>, as listed in decks/sources.yaml")
        elif self.has_registry:
            self.sources(card)
        if card.as_of:
            self.stale(card)

    def sources(self, card: Card) -> None:
        known = self.project.sources
        for ref in card.sources:
            if ref.name not in known:
                self.add(card, "unknown-source", "source", f"unknown source `{ref.name}`",
                         _suggest(ref.name, known) or "add it to decks/sources.yaml, or use one of: "
                         + ", ".join(sorted(known)))
            elif ref.section and ref.section not in known[ref.name]:
                self.add(card, "unknown-source", "source",
                         f"source `{ref.name}` has no section `{ref.section}`",
                         _suggest(ref.section, known[ref.name])
                         or f"add it under {ref.name}: sections: in decks/sources.yaml")

    def stale(self, card: Card) -> None:
        try:
            as_of = dt.date.fromisoformat(card.as_of)
        except ValueError:
            self.add(card, "stale-as-of", "as_of", f"as_of {card.as_of} is not a real date",
                     "write the date as YYYY-MM-DD")
            return
        months = (self.today.year - as_of.year) * 12 + self.today.month - as_of.month
        if self.today.day < as_of.day:
            months -= 1
        limit = self.config.stale_after_months
        if months >= limit:
            self.add(card, "stale-as-of", "as_of",
                     f"as_of {card.as_of} is {months} months old ({limit} or more)",
                     "check the fact against a current source, then update as_of")

    def duplicates(self, deck: Deck) -> None:
        exact: dict[str, Card] = {}
        near: dict[frozenset[str], Card] = {}
        for card in deck.cards:
            tokens = _WORD.findall(_question(card).lower())
            key = " ".join(tokens)
            first = exact.get(key)
            if first is not None:
                self.add(card, "duplicate-question", _question_field(card),
                         f"same question as card `{first.id}` ({self.where(first)})",
                         "merge the two cards, or make each ask about one distinct thing", first)
                continue
            exact[key] = card
            # Near-duplicates: a shared key means equal content-word sets, or sets that differ by
            # one word added, dropped or replaced. O(words²) per card, no pairwise comparison.
            words = frozenset(t for t in tokens if t not in _STOPWORDS)
            keys = [words]
            if len(words) >= 4:
                keys += [words - {w} for w in sorted(words)]
            match = next((near[k] for k in keys if k in near), None)
            if match is not None:
                self.add(card, "near-duplicate-question", _question_field(card),
                         f"question is almost the same as card `{match.id}` ({self.where(match)})",
                         "merge the two cards, or make each ask about one distinct thing", match)
            for k in keys:
                near.setdefault(k, card)

    def where(self, card: Card) -> str:
        line, _ = self.positions.of(card, _question_field(card))
        return f"{display_path(card.path)}:{line}"

    def empty_files(self, deck: Deck) -> None:
        if "empty-subdeck" in self.config.disable:
            return
        direct = {c.path for c in deck.cards}
        for path in deck.files:
            if path in direct:
                continue
            doc = self.positions.doc(path)
            if doc is None or not isinstance(doc.data, dict) or self.included(doc):
                continue
            data = doc.data
            key = "cards" if "cards" in data else "include"
            line, col = doc.key_position((key,))
            subdeck = data.get("subdeck")
            what = f"subdeck `{subdeck}` gets no cards from it" if subdeck else "it adds no cards"
            self.findings.add(Finding(str(path), line, col, "empty-subdeck",
                                      f"{path.name} has no cards: {what}",
                                      "add cards (deckforge new), or delete the file"))

    def included(self, doc: RawDocument) -> bool:
        """Whether the includes of ``doc`` bring at least one card."""
        for spec in doc.data.get("include", ()):
            if spec.get("cards"):
                return True
            library = self.positions.doc((doc.path.parent / spec["from"]).resolve())
            if library is not None and isinstance(library.data, dict) and library.data.get("cards"):
                return True
        return False


def lint_project(project: Project, config: LintConfig, today: dt.date) -> list[Finding]:
    """Every finding in ``project``, sorted by position; ``today`` dates the stale-as-of rule."""
    return _Linter(project, config, today).run()


def _under(path: str, roots: list[Path]) -> bool:
    p = Path(path).resolve()
    return any(p == r or r in p.parents for r in roots)


def lint_paths(decks_dir: Path, paths: list[Path], today: dt.date,
               config: LintConfig | None = None) -> tuple[list[DeckforgeError], list[Finding]]:
    """Validate, then lint; with ``paths``, keep only what lies under them.

    Returns validation errors (and no findings) when the files are invalid.
    """
    errors, project = validate_paths(decks_dir, paths)
    if errors or project is None:
        return errors, []
    try:
        config = config or load_config(decks_dir)
    except DeckforgeErrors as exc:
        return exc.errors, []
    findings = lint_project(project, config, today)
    if paths:
        roots = [p.resolve() for p in paths]
        findings = [f for f in findings if _under(f.path, roots)]
    return [], findings
