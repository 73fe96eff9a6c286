"""Card-quality checks on a valid project: findings with file:line:col, a rule name and a hint."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cloze
from .coverage import MIN_NOTES, deck_coverage
from .errors import DeckforgeError, DeckforgeErrors, display_path
from .load.project import validate_paths
from .load.pyyaml import RawDocument, load_yaml
from .model import Card, Deck, Project

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
    Rule("duplicate-question", "two cards ask the same question (after normalising case, "
         "punctuation and Markdown), in one deck or in two: learners review one fact twice and "
         "answers interfere"),
    Rule("near-duplicate-question", "two questions, in one deck or in two, use the same content "
         "words or differ in only one; or two choice questions follow one pattern with the nouns "
         "changed (stem and key share more than near_duplicate_percent of their content words, "
         "weighted by rarity, names and numbers left out): the pattern is taught once, then "
         "nothing"),
    Rule("long-answer", "a basic answer longer than max_answer_words: one card should test one "
         "idea, and long answers are graded loosely"),
    Rule("list-answer", "a basic answer that is a Markdown list of more than max_list_items "
         "items: lists are hard to recall whole; a cloze with one deletion per item works better"),
    Rule("too-many-clozes", "a cloze note with more than max_clozes deletion numbers: each is a "
         "card, and many cards from one sentence feel repetitive"),
    Rule("few-choices", "a choice card with fewer than min_choices options: guessing is too easy"),
    Rule("longest-option", "the right option is the longest by a wide margin (longer than every "
         "other and more than longest_option_percent of their mean length; with several right "
         "options: all of them longer than every wrong one and on average that much longer): "
         "learners pick it without reading"),
    Rule("longest-option-share", "in a deck of 5 or more choice questions, the right option is "
         "strictly the longest in more than longest_share_percent of them (reported once, at "
         "deck.yaml): learners learn to pick the longest"),
    Rule("all-of-the-above", "an option such as \"all of the above\", \"none of the above\" or "
         "\"both A and B\": answerable by elimination, and meaningless once options are "
         "shuffled"),
    Rule("cloze-multi-fact", "a cloze card hides more than one fact: one deletion holding a list "
         "(3 or more items, or Markdown list lines) or a name with its weight or number "
         "(\"Modeling — 36%\"), or deletions of one number that together hide a list or a "
         "name and its number"),
    Rule("uncovered-objective", "an objective of the deck's exam (deck.yaml) that no card links "
         "with `objectives:`: the deck leaves part of the exam untaught"),
    Rule("thin-objective", "an objective with no question (choice card) or fewer than 3 notes "
         "linked: too little to prepare for it (see `deckforge coverage`)"),
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
    longest_option_percent: int = 150
    longest_share_percent: int = 35
    near_duplicate_percent: int = 20
    disable: frozenset[str] = field(default_factory=frozenset)


_SETTINGS = ("max_answer_words", "max_list_items", "max_clozes", "min_choices",
             "stale_after_months", "longest_option_percent", "longest_share_percent",
             "near_duplicate_percent")


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

    def of(self, card: Card, name: str, item: int | None = None) -> tuple[int, int]:
        """Where field ``name`` of ``card`` is written (its ``item``-th entry, for a list)."""
        doc = self.doc(card.path)
        i = self.index.get(card.path, {}).get((card.line, card.col))
        if doc is None or i is None:
            return card.line, card.col
        if item is not None:
            return doc.position(("cards", i, name, item))
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


# --- Options of choice questions -----------------------------------------------------------------

_MARKUP = re.compile(r"[*_`]+")


def _length(option: str) -> int:
    """An option's length as a learner sees it: Markdown marks dropped, spaces collapsed."""
    return len(" ".join(_MARKUP.sub("", option).split()))


def _key_margin(card: Card) -> tuple[float, bool] | None:
    """For a choice card with right and wrong options: (how many times longer the right
    option(s) are than the mean of the wrong ones, whether a right option is strictly the
    longest of all); None when there is nothing to compare."""
    lengths = [_length(c) for c in card.choices]
    right = [lengths[i] for i in sorted(set(card.answer)) if i < len(lengths)]
    wrong = [n for i, n in enumerate(lengths) if i not in card.answer]
    if not right or not wrong:
        return None
    mean_wrong = sum(wrong) / len(wrong)
    longest = max(lengths)
    strictly = lengths.count(longest) == 1 and longest in right
    if len(right) == 1:
        ratio = right[0] / mean_wrong if right[0] > max(wrong) and mean_wrong else 0.0
    else:  # several right options give themselves away together: all longer than every wrong one
        ratio = (sum(right) / len(right)) / mean_wrong if min(right) > max(wrong) and mean_wrong else 0.0
    return ratio, strictly


_ABOVE = re.compile(
    r"\b(?:all|none|any|both|neither|either)\s+(?:of\s+)?(?:the\s+)?(?:above\b|(?:previous|preceding)\s+"
    r"(?:options|answers|choices)\b)"
    r"|\b(?:all|none|both|neither)\s+of\s+(?:these|those|them|the\s+(?:options|answers|choices))\b"
    r"|\b(?:[Bb]oth|[Ee]ither|[Nn]either|[Oo]ptions?|[Aa]nswers?)\s+\(?[A-F1-9]\)?\s*(?:,\s*\(?[A-F1-9]\)?\s*)*"
    r"(?:and|or|nor|&)\s+\(?[A-F1-9]\)?(?![\w-])"
    r"|^\s*\(?[A-F]\)?\s*(?:and|&)\s+\(?[A-F]\)?(?:\s+only)?\s*\.?\s*$",
    re.IGNORECASE)


def _refers_to_options(option: str) -> bool:
    return bool(_ABOVE.search(" ".join(_MARKUP.sub("", option).split())))


# --- Facts a cloze deletion hides ------------------------------------------------------------------

_SEPARATOR = re.compile(r"[,;]\s+")
_CONJUNCTION = re.compile(r"\s(?:and|or|&)\s", re.IGNORECASE)
# A name, then a dash, colon or bracket, then a figure: "Modeling — 36%", "EDA (24%)".
_NAME_AND_NUMBER = re.compile(r"[^\W\d_]{2,}[^\d\n]*?(?:\s[—–-]\s*|:\s*|\(\s*)[~≈]?\d")
_NUMBER_ONLY = re.compile(r"[~≈]?\s*\d[\d.,]*\s*(?:%|[–-]\s*\d[\d.,]*\s*%?)?")
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def _items(text: str) -> int:
    """How many list items ``text`` holds: Markdown list lines, or parts separated by commas or
    semicolons (with "and"/"or" before the last one counting as one more)."""
    lines = len(_LIST_ITEM.findall(text))
    if lines >= 2:
        return lines
    parts = _SEPARATOR.split(" ".join(text.split()))
    if len(parts) == 1:
        return 1
    last = parts[-1]
    joined = _CONJUNCTION.search(last)
    return len(parts) + (1 if joined and joined.start() > 0 else 0)


def _multi_fact(text: str) -> list[str]:
    """What in the cloze text ``text`` hides more than one fact on one card, described."""
    found: list[str] = []
    by_number: dict[int, list[cloze.Deletion]] = {}
    for d in cloze.deletions(text):
        by_number.setdefault(d.number, []).append(d)
        hidden = " ".join(d.text.split())
        items = _items(d.text)
        if items >= 3 or len(_LIST_ITEM.findall(d.text)) >= 2:
            found.append(f"deletion `{d.opening}{_clip(hidden)}}}}}` hides a list of {items} items")
        elif _NAME_AND_NUMBER.search(hidden):
            found.append(f"deletion `{d.opening}{_clip(hidden)}}}}}` hides a name and its number")
    for number, group in sorted(by_number.items()):
        if len(group) < 2:
            continue
        texts = [" ".join(d.text.split()) for d in group]
        items = sum(_items(t) for t in texts)
        if items >= 3:
            found.append(f"card c{number} hides {len(group)} deletions, a list of {items} items")
        elif any(_NUMBER_ONLY.fullmatch(t) for t in texts) and \
                any(_LETTERS.search(t) and not re.search(r"\d", t) for t in texts):
            found.append(f"card c{number} hides a name and its number")
    return found


def _clip(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


# --- Questions that follow one pattern -------------------------------------------------------------

# Names (capitalised inside a sentence, or with two capitals: SageMaker, BigQuery, AWS) and
# figures are masked: a question that swaps them keeps its pattern.
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d[\w.,%-]*")
_SENTENCE_ENDS = frozenset(".!?:;\"“(\n")
# Also left out: the words every exam question uses ("which approach fits best?", "the team
# needs a model"), which would make any two questions look alike.
_PATTERN_STOPWORDS = _STOPWORDS | frozenset("""
not no so but if than then each every one he she her his him best most first more new same over
fit fits need needs want wants model models team approach use should
""".split())  # noqa: SIM905 - a word list reads better as text
_MIN_PATTERN_WORDS = 5
_COMMON_WORD = 100
_MIN_SHARE_QUESTIONS = 5


def _stem(word: str) -> str:
    for suffix in ("'s", "’s", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            return word[:-len(suffix)]
    return word


def _starts_sentence(text: str, at: int) -> bool:
    i = at - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_ENDS


def _pattern_words(text: str) -> frozenset[str]:
    """The content words of ``text`` that make its pattern: stemmed, names and figures left out."""
    text = _MARKUP.sub("", text)
    words = set()
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        if word[0].isdigit():
            continue
        lower = word.lower()
        if lower != word and (sum(c.isupper() for c in word) > 1
                              or not _starts_sentence(text, m.start())):
            continue
        if lower not in _PATTERN_STOPWORDS:
            words.add(_stem(lower))
    return frozenset(words)


def _choice_pattern(card: Card) -> frozenset[str]:
    key = " ".join(card.choices[i] for i in card.answer if i < len(card.choices))
    return _pattern_words(card.field("question") + "\n" + key)


class _Linter:
    def __init__(self, project: Project, config: LintConfig, today: dt.date) -> None:
        self.project = project
        self.config = config
        self.today = today
        self.positions = _Positions()
        self.findings: set[Finding] = set()
        self.margins: dict[tuple[str, int, int], tuple[float, bool] | None] = {}
        """Per choice card: what ``_key_margin`` says of it."""
        self.reported: set[tuple[str, int, int]] = set()
        """Cards already reported as duplicates or near-duplicates (by their words)."""
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
        # A library card included by several decks is one card: checked, and compared, once.
        cards: dict[tuple[str, int, int], Card] = {}
        for deck in self.project.decks:
            for card in deck.cards:
                if card.location not in cards:
                    cards[card.location] = card
                    self.card(card)
            self.longest_share(deck)
            self.empty_files(deck)
            self.objectives(deck)
        self.duplicates(list(cards.values()))
        self.patterns([c for c in cards.values() if c.type == "choice"])
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
            self.cloze(card)
        if card.type == "choice":
            self.choice(card)
        if not card.sources:
            self.add(card, "missing-source", (card.line, card.col), f"card `{card.id}` has no `source`",
                     "add source: <name>#<section>, as listed in decks/sources.yaml")
        elif self.has_registry:
            self.sources(card)
        if card.as_of:
            self.stale(card)

    def cloze(self, card: Card) -> None:
        text = card.field("text")
        numbers = cloze.card_numbers(text)
        if len(numbers) > self.config.max_clozes:
            self.add(card, "too-many-clozes", "text",
                     f"cloze has {len(numbers)} deletion numbers (more than {self.config.max_clozes})",
                     "split it into several cloze cards of a few deletions each")
        found = _multi_fact(text)
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            self.add(card, "cloze-multi-fact", "text", f"{found[0]}{more}",
                     "hide one fact per card: one item of a list per deletion number, the name "
                     "and its figure in separate cards or numbers")

    def choice(self, card: Card) -> None:
        cfg = self.config
        if len(card.choices) < cfg.min_choices:
            self.add(card, "few-choices", "choices",
                     f"only {len(card.choices)} choices (fewer than {cfg.min_choices})",
                     "add plausible wrong options; four is usual")
        for j, option in enumerate(card.choices):
            if _refers_to_options(option):
                self.add(card, "all-of-the-above", self.positions.of(card, "choices", j),
                         f"option {j} (\"{_clip(' '.join(option.split()))}\") refers to the other "
                         "options", "write a plausible option of its own: \"all/none of the "
                         "above\" and \"both A and B\" are answered by elimination, and options "
                         "are shuffled")
        margin = self.margins[card.location] = _key_margin(card)
        if margin is not None and margin[0] * 100 > cfg.longest_option_percent:
            which = "right option is" if len(card.answer) == 1 else "right options are"
            self.add(card, "longest-option", "choices",
                     f"the {which} {margin[0]:.1f}× as long as the others on average (more than "
                     f"{cfg.longest_option_percent / 100:g}×)",
                     "write each wrong option to the same length, shape and detail as the key")

    def longest_share(self, deck: Deck) -> None:
        rule = "longest-option-share"
        if rule in self.config.disable:
            return
        counted = [(c, m) for c in deck.cards if c.type == "choice" and rule not in c.lint_ignore
                   and (m := self.margins[c.location]) is not None]
        longest = [c for c, m in counted if m[1]]
        limit = self.config.longest_share_percent
        if len(counted) < _MIN_SHARE_QUESTIONS or len(longest) * 100 <= limit * len(counted):
            return
        meta = deck.folder / "deck.yaml"
        doc = self.positions.doc(meta)
        line, col = doc.key_position(("id",)) if doc is not None else (1, 1)
        share = round(100 * len(longest) / len(counted))
        examples = ", ".join(f"`{c.id}`" for c in longest[:3]) + (", ..." if len(longest) > 3 else "")
        self.findings.add(Finding(
            str(meta), line, col, rule,
            f"in {len(longest)} of {len(counted)} questions of deck `{deck.id}` ({share}%, more "
            f"than {limit}%) the right option is the longest, e.g. {examples}",
            "learners learn to pick the longest option: give the longest length to a wrong "
            "option as often as to the right one"))

    def objectives(self, deck: Deck) -> None:
        """Objectives of the deck's exam that its cards leave untaught or thinly taught."""
        found = deck_coverage(deck)
        if found is None:
            return
        meta = deck.folder / "deck.yaml"
        doc = self.positions.doc(meta)
        where = {o.id: (i, j) for i, s in enumerate(deck.exam.sections if deck.exam else ())
                 for j, o in enumerate(s.objectives)}
        for o in (o for s in found.sections for o in s.objectives):
            i, j = where[o.id]
            line, col = doc.position(("exam", "sections", i, "objectives", j, "id")) \
                if doc is not None else (1, 1)
            if o.notes == 0:
                rule, message = "uncovered-objective", f"no card links objective {o.id} ({_clip(o.text)})"
            elif o.gap:
                rule = "thin-objective"
                message = (f"objective {o.id} has {o.questions} question(s) and {o.notes} note(s) "
                           f"(at least 1 and {MIN_NOTES} wanted)")
            else:
                continue
            if rule not in self.config.disable:
                self.findings.add(Finding(str(meta), line, col, rule, message,
                                          f"link cards with objectives: [\"{o.id}\"], or write "
                                          "new ones; `deckforge coverage` lists every gap"))

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

    def duplicates(self, cards: list[Card]) -> None:
        exact: dict[str, Card] = {}
        near: dict[frozenset[str], Card] = {}
        for card in cards:
            tokens = _WORD.findall(_question(card).lower())
            key = " ".join(tokens)
            first = exact.get(key)
            if first is not None:
                self.add(card, "duplicate-question", _question_field(card),
                         f"same question as card `{first.id}` ({self.where(first)})",
                         "merge the two cards, or make each ask about one distinct thing", first)
                self.reported.add(card.location)
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
                self.reported.add(card.location)
            for k in keys:
                near.setdefault(k, card)

    def patterns(self, cards: list[Card]) -> None:
        """Choice questions whose pattern words (of stem and key) overlap by more than
        near_duplicate_percent, each reported once, against its closest earlier question.

        The overlap is a weighted Jaccard similarity: the weight of the words both share over
        the weight of the words either has, a word weighing ln(1 + N/n) when n of the project's
        N choice questions use it, so that words every scenario uses ("train", "data") count
        for less than the ones that make a scenario ("loan-default", "watermark"). Pairs come
        from an index of words; a word found in more than ``_COMMON_WORD`` questions proposes
        none (it still counts in the similarity), which keeps the work per question bounded
        however big the project."""
        rule = "near-duplicate-question"
        if rule in self.config.disable:
            return
        limit = self.config.near_duplicate_percent
        words = [_choice_pattern(c) for c in cards]
        df = Counter(w for ws in words for w in ws)
        weight = {w: math.log(1 + len(cards) / n) for w, n in df.items()}
        common = frozenset(w for w, n in df.items() if n > _COMMON_WORD)
        # Sums run over sorted words: the same floats, whatever order sets iterate in.
        ordered = [sorted(ws) for ws in words]
        totals = [sum(weight[w] for w in ws) for ws in ordered]
        postings: dict[str, list[int]] = {}
        for i, (card, ws) in enumerate(zip(cards, ordered, strict=True)):
            if len(ws) < _MIN_PATTERN_WORDS:
                continue
            shared: dict[int, float] = {}  # earlier question -> weight shared through rare words
            for w in ws:
                if w not in common:
                    for j in postings.get(w, ()):
                        shared[j] = shared.get(j, 0.0) + weight[w]
            mine_common = [w for w in ws if w in common]
            best: tuple[float, int] | None = None  # (similarity, index)
            for j in sorted(shared):
                both = shared[j] + sum(weight[w] for w in mine_common if w in words[j])
                similarity = both / (totals[i] + totals[j] - both)
                if similarity * 100 > limit and (best is None or similarity > best[0]):
                    best = (similarity, j)
            for w in ws:
                if w not in common:
                    postings.setdefault(w, []).append(i)
            if best is None or card.location in self.reported:
                continue
            other = cards[best[1]]
            self.add(card, rule, "question",
                     f"question follows the same pattern as card `{other.id}` ({self.where(other)}): "
                     f"stem and key share {best[0] * 100:.1f}% of their content words, weighted "
                     f"by rarity (more than {limit}%)",
                     "the same scenario with new nouns teaches the pattern once: change the deciding "
                     "constraint, or merge the cards", other)

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
