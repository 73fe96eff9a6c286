"""Run the lint rules over a project or some paths (the lint stage's entry)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from pathlib import Path

from .. import cloze
from ..coverage import MIN_NOTES, deck_coverage
from ..errors import DeckforgeError, DeckforgeErrors, did_you_mean, display_path
from ..load.project import validate_paths
from ..load.pyyaml import RawDocument
from ..model import Card, Deck, Project
from .exam import ABSOLUTE_HINT, Issue, absolute_message, count_absolutes, question_issues, steps_issue
from .positions import Positions
from .rules import RULES, Finding, LintConfig, load_config
from .text import (
    COMMON_WORD,
    LIST_ITEM,
    MIN_PATTERN_WORDS,
    MIN_SHARE_QUESTIONS,
    STOPWORDS,
    TODO,
    WORD,
    choice_pattern,
    clip,
    key_margin,
    multi_fact,
    question_field,
    question_text,
    refers_to_options,
)


class _Linter:
    def __init__(self, project: Project, config: LintConfig, today: dt.date) -> None:
        self.project = project
        self.config = config
        self.today = today
        self.positions = Positions()
        self.findings: set[Finding] = set()
        self.margins: dict[tuple[str, int, int], tuple[float, bool] | None] = {}
        """Per choice card: what ``key_margin`` says of it."""
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
        exam_checked: set[tuple[str, int, int]] = set()
        for deck in self.project.decks:
            for card in deck.cards:
                if card.location not in cards:
                    cards[card.location] = card
                    self.card(card)
            self.longest_share(deck)
            self.empty_files(deck)
            self.objectives(deck)
            if deck.exam is not None:
                self.exam_rules(deck, exam_checked)
        self.duplicates(list(cards.values()))
        self.patterns([c for c in cards.values() if c.type == "choice"])
        return sorted(self.findings)

    def card(self, card: Card) -> None:
        cfg = self.config
        for name in card.lint_ignore:
            if name not in RULES:
                hint = did_you_mean(name, RULES) or "see `deckforge lint --rules`"
                self.add(card, "unknown-rule", "lint_ignore", f"lint_ignore names unknown rule `{name}`",
                         hint)
        for name, text in card.fields:
            if TODO.search(text):
                self.add(card, "todo-placeholder", name, f"`{name}` still contains TODO",
                         "write the card text in place of the TODO")
        if any(TODO.search(c) for c in card.choices):
            self.add(card, "todo-placeholder", "choices", "`choices` still contain TODO",
                     "write the options in place of the TODOs")
        for name, texts in (("steps", card.steps), ("pairs", [t for p in card.pairs for t in (p.left, p.right)])):
            if any(TODO.search(t) for t in texts):
                self.add(card, "todo-placeholder", name, f"`{name}` still contain TODO",
                         f"write the {name} in place of the TODOs")
        if card.type in ("basic", "reversible"):
            back = card.field("back")
            items = len(LIST_ITEM.findall(back))
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
        if card.type == "order" and (issue := steps_issue(card.steps, cfg.longest_option_percent)):
            self.issue(card, issue)
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
        found = multi_fact(text)
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
            if refers_to_options(option):
                self.add(card, "all-of-the-above", self.positions.of(card, "choices", j),
                         f"option {j} (\"{clip(' '.join(option.split()))}\") refers to the other "
                         "options", "write a plausible option of its own: \"all/none of the "
                         "above\" and \"both A and B\" are answered by elimination, and options "
                         "are shuffled")
        margin = self.margins[card.location] = key_margin(card)
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
        if len(counted) < MIN_SHARE_QUESTIONS or len(longest) * 100 <= limit * len(counted):
            return
        share = round(100 * len(longest) / len(counted))
        examples = ", ".join(f"`{c.id}`" for c in longest[:3]) + (", ..." if len(longest) > 3 else "")
        self.deck_finding(
            deck, rule,
            f"in {len(longest)} of {len(counted)} questions of deck `{deck.id}` ({share}%, more "
            f"than {limit}%) the right option is the longest, e.g. {examples}",
            "learners learn to pick the longest option: give the longest length to a wrong "
            "option as often as to the right one")

    def issue(self, card: Card, issue: Issue) -> None:
        self.add(card, issue.rule, self.positions.of(card, issue.field, issue.item), issue.message,
                 issue.hint)

    def deck_finding(self, deck: Deck, rule: str, message: str, hint: str) -> None:
        """A finding on the deck as a whole, at the `id` of its deck.yaml."""
        meta = deck.folder / "deck.yaml"
        doc = self.positions.doc(meta)
        line, col = doc.key_position(("id",)) if doc is not None else (1, 1)
        self.findings.add(Finding(str(meta), line, col, rule, message, hint))

    def exam_rules(self, deck: Deck, checked: set[tuple[str, int, int]]) -> None:
        """The rules for exam decks: on each question once (a shared one in its first exam
        deck), then absolute words over the deck's questions (those that ignore it left out)."""
        questions = [c for c in deck.cards if c.is_question]
        for card in questions:
            if card.location not in checked:
                checked.add(card.location)
                for issue in question_issues(card.field("question"), card.choices, card.answer):
                    self.issue(card, issue)
        rule = "absolute-distractors"
        count = count_absolutes((c.choices, c.answer) for c in questions
                                if c.type == "choice" and rule not in c.lint_ignore)
        message = absolute_message(deck.id, count, self.config.absolute_ratio_percent)
        if message is not None and rule not in self.config.disable:
            self.deck_finding(deck, rule, message, ABSOLUTE_HINT)

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
                rule, message = "uncovered-objective", f"no card links objective {o.id} ({clip(o.text)})"
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
                         did_you_mean(ref.name, known) or "add it to decks/sources.yaml, or use one of: "
                         + ", ".join(sorted(known)))
            elif ref.section and ref.section not in known[ref.name]:
                self.add(card, "unknown-source", "source",
                         f"source `{ref.name}` has no section `{ref.section}`",
                         did_you_mean(ref.section, known[ref.name])
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
            tokens = WORD.findall(question_text(card).lower())
            key = " ".join(tokens)
            first = exact.get(key)
            if first is not None:
                self.add(card, "duplicate-question", question_field(card),
                         f"same question as card `{first.id}` ({self.where(first)})",
                         "merge the two cards, or make each ask about one distinct thing", first)
                self.reported.add(card.location)
                continue
            exact[key] = card
            # Near-duplicates: a shared key means equal content-word sets, or sets that differ by
            # one word added, dropped or replaced. O(words²) per card, no pairwise comparison.
            words = frozenset(t for t in tokens if t not in STOPWORDS)
            keys = [words]
            if len(words) >= 4:
                keys += [words - {w} for w in sorted(words)]
            match = next((near[k] for k in keys if k in near), None)
            if match is not None:
                self.add(card, "near-duplicate-question", question_field(card),
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
        from an index of words; a word found in more than ``COMMON_WORD`` questions proposes
        none (it still counts in the similarity), which keeps the work per question bounded
        however big the project."""
        rule = "near-duplicate-question"
        if rule in self.config.disable:
            return
        limit = self.config.near_duplicate_percent
        words = [choice_pattern(c) for c in cards]
        df = Counter(w for ws in words for w in ws)
        weight = {w: math.log(1 + len(cards) / n) for w, n in df.items()}
        common = frozenset(w for w, n in df.items() if n > COMMON_WORD)
        # Sums run over sorted words: the same floats, whatever order sets iterate in.
        ordered = [sorted(ws) for ws in words]
        totals = [sum(weight[w] for w in ws) for ws in ordered]
        postings: dict[str, list[int]] = {}
        for i, (card, ws) in enumerate(zip(cards, ordered, strict=True)):
            if len(ws) < MIN_PATTERN_WORDS:
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
        line, _ = self.positions.of(card, question_field(card))
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
