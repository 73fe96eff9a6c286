"""The lint rules, their findings and the settings in ``decks/lint.yaml``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DeckforgeError, DeckforgeErrors, did_you_mean, display_path
from ..load.pyyaml import RawDocument, load_yaml

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
    Rule("bold-constraint", "a question stem in an exam deck bolds a phrase (**…** or __…__): "
         "exams do not mark the deciding constraint, the candidate must find it"),
    Rule("absolute-distractors", "in an exam deck, distractors carry absolute words (never, "
         "only, cannot, always, must) more than absolute_ratio_percent as often as keys, with "
         "5 or more such distractors (reported once, at deck.yaml): a test-wise candidate "
         "strikes them out"),
    Rule("self-disqualifying-gloss", "in an exam deck, a wrong option's aside (in parentheses, "
         "after a dash or a comma) says the opposite of a constraint its stem states (seconds "
         "against \"results within 24 hours\"): the option rules itself out"),
    Rule("longest-step", "an ordering item one of whose steps is longer than every other and "
         "more than longest_option_percent of their mean length: the detailed step stands out"),
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
    absolute_ratio_percent: int = 200
    disable: frozenset[str] = field(default_factory=frozenset)


_SETTINGS = ("max_answer_words", "max_list_items", "max_clozes", "min_choices",
             "stale_after_months", "longest_option_percent", "longest_share_percent",
             "near_duplicate_percent", "absolute_ratio_percent")



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
                                    did_you_mean(str(name), RULES) or "see `deckforge lint --rules`")
        else:
            yield doc.error((key,), f"unknown setting `{key}`",
                            did_you_mean(key, (*_SETTINGS, "disable"))
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
