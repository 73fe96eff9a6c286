"""How a deck covers its exam: notes and questions per section and objective of the guide."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from html import escape
from typing import Any

from .model import Card, Deck

__all__ = ["MIN_NOTES", "CaseCount", "DeckCoverage", "ObjectiveCoverage", "QuestionMix",
           "SectionCoverage", "as_html", "as_json", "as_text", "deck_coverage", "question_mix"]

MIN_NOTES = 3
"""An objective with fewer notes than this (or no question) is a gap."""
WEIGHT_TOLERANCE = 0.4
"""A section's share of the questions may stray this far (relative) from its weight."""


@dataclass(frozen=True)
class ObjectiveCoverage:
    id: str
    text: str
    notes: int
    """Cards of any type that link the objective."""
    questions: int
    """Questions (choice, order and match items) that link it."""

    @property
    def gap(self) -> bool:
        return self.questions == 0 or self.notes < MIN_NOTES


@dataclass(frozen=True)
class SectionCoverage:
    id: str
    name: str
    weight: tuple[float, float]
    notes: int
    """Cards linking any objective of the section (each counted once)."""
    questions: int
    share: float
    """The section's questions as a share of the deck's questions (0 to 1)."""
    objectives: tuple[ObjectiveCoverage, ...]

    @property
    def off_weight(self) -> bool:
        """Whether the share of questions is outside the weight by more than the tolerance."""
        low, high = self.weight
        return not (low * (1 - WEIGHT_TOLERANCE) <= self.share * 100 <= high * (1 + WEIGHT_TOLERANCE))


@dataclass(frozen=True)
class CaseCount:
    id: str
    title: str
    questions: int


@dataclass(frozen=True)
class QuestionMix:
    """The kinds of question a deck asks, next to the exam's: every question of the deck
    (choice, order and match items, its own and those it includes), linked or not."""

    single: int
    """Choice items with one right option."""
    multiple: int
    """Choice items with several ("Choose two.")."""
    order: int
    match: int
    code: int
    """Items with a fenced code block in the stem, options (or their whys), steps, pairs or
    explanation."""
    median_stem_words: float
    """Median words of the stems (`question`), fenced code left out; 0 with no question."""
    cases: tuple[CaseCount, ...]
    """Case studies the questions belong to, in the order first met, with their questions."""

    @property
    def questions(self) -> int:
        return self.single + self.multiple + self.order + self.match

    def share(self, count: int) -> float:
        """``count`` as a percentage of the questions, to one decimal."""
        return round(100 * count / self.questions, 1) if self.questions else 0.0


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_FENCED_BLOCK = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[ \t]*$|\Z)",
                           re.MULTILINE | re.DOTALL)
_WORD = re.compile(r"[^\W_]+(?:['’.\-_][^\W_]+)*")


def _texts(card: Card) -> list[str]:
    return [card.field("question"), *card.choices, *card.whys, *card.steps,
            *(t for p in card.pairs for t in (p.left, p.right)), card.field("explanation")]


def stem_words(stem: str) -> int:
    """Words in a stem as a reader counts them, fenced code left out."""
    return len(_WORD.findall(_FENCED_BLOCK.sub(" ", stem)))


def question_mix(deck: Deck) -> QuestionMix:
    questions = [c for c in deck.cards if c.is_question]
    multiple = sum(c.type == "choice" and len(c.answer) > 1 for c in questions)
    cases: dict[tuple[str, str, str], int] = {}
    for c in questions:
        if c.case is not None:
            key = (c.case.id, c.case.title, c.case.text)
            cases[key] = cases.get(key, 0) + 1
    words = [stem_words(c.field("question")) for c in questions]
    return QuestionMix(
        single=sum(c.type == "choice" for c in questions) - multiple, multiple=multiple,
        order=sum(c.type == "order" for c in questions),
        match=sum(c.type == "match" for c in questions),
        code=sum(any(_FENCE.search(t) for t in _texts(c)) for c in questions),
        median_stem_words=float(statistics.median(words)) if words else 0.0,
        cases=tuple(CaseCount(i, t, n) for (i, t, _), n in cases.items()))


@dataclass(frozen=True)
class DeckCoverage:
    deck_id: str
    exam: str
    guide: str
    notes: int
    """Cards linking any objective of the exam."""
    questions: int
    sections: tuple[SectionCoverage, ...]
    mix: QuestionMix

    def gaps(self) -> list[ObjectiveCoverage]:
        return [o for s in self.sections for o in s.objectives if o.gap]


def deck_coverage(deck: Deck) -> DeckCoverage | None:
    """The coverage of ``deck``'s exam by its cards; None for a deck without an exam."""
    exam = deck.exam
    if exam is None:
        return None
    linked = [c for c in deck.cards if c.objectives]
    total_questions = sum(c.is_question for c in linked)
    sections = []
    for section in exam.sections:
        ids = {o.id for o in section.objectives}
        in_section = [c for c in linked if ids.intersection(c.objectives)]
        questions = sum(c.is_question for c in in_section)
        objectives = tuple(
            ObjectiveCoverage(o.id, o.text,
                              notes=sum(o.id in c.objectives for c in linked),
                              questions=sum(o.id in c.objectives and c.is_question
                                            for c in linked))
            for o in section.objectives)
        sections.append(SectionCoverage(
            section.id, section.name, section.weight, len(in_section), questions,
            questions / total_questions if total_questions else 0.0, objectives))
    return DeckCoverage(deck.id, exam.code, f"{exam.guide_version} ({exam.guide_date})",
                        len(linked), total_questions, tuple(sections), question_mix(deck))


def _weight(weight: tuple[float, float]) -> float | list[float] | int | list[int]:
    low, high = (int(w) if float(w).is_integer() else w for w in weight)
    return low if low == high else [low, high]


def as_json(coverages: list[DeckCoverage]) -> dict[str, Any]:
    """The JSON form other tools read (see ``deckforge coverage --help``)."""
    return {"decks": {c.deck_id: {
        "exam": c.exam, "guide": c.guide, "notes": c.notes, "questions": c.questions,
        "sections": [{"id": s.id, "name": s.name, "weight": _weight(s.weight), "notes": s.notes,
                      "questions": s.questions, "share": round(s.share * 100, 1),
                      "objectives": [{"id": o.id, "text": o.text, "notes": o.notes,
                                      "questions": o.questions} for o in s.objectives]}
                     for s in c.sections],
        "mix": _mix_json(c.mix)} for c in coverages}}


def _mix_json(m: QuestionMix) -> dict[str, Any]:
    return {"questions": m.questions, "single": m.single, "multiple": m.multiple, "order": m.order,
            "match": m.match, "multiple_share": m.share(m.multiple), "code": m.code,
            "code_share": m.share(m.code), "median_stem_words": m.median_stem_words,
            "cases": [{"id": k.id, "title": k.title, "questions": k.questions} for k in m.cases]}


def mix_lines(m: QuestionMix) -> list[str]:
    """The question mix for people: the item types, then code, stems and case studies."""
    cases = ", ".join(f"{k.title} ({k.id}): {k.questions}" for k in m.cases) or "none"
    return [f"question mix of all {m.questions} questions: {m.single} single response, "
            f"{m.multiple} multiple response ({m.share(m.multiple):g}%), {m.order} order, "
            f"{m.match} match",
            f"with code: {m.code} ({m.share(m.code):g}%); median stem: {m.median_stem_words:g} "
            f"words; case studies: {cases}"]


def _percent(weight: tuple[float, float]) -> str:
    low, high = (f"{w:g}" for w in weight)
    return f"{low}%" if low == high else f"{low}-{high}%"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def as_text(coverages: list[DeckCoverage]) -> str:
    """A report for people: gaps first, then sections (weight against share of questions) and
    every objective."""
    out: list[str] = []
    for c in coverages:
        out.append(f"{c.deck_id}: exam {c.exam}, guide {c.guide}: {c.questions} questions, "
                   f"{c.notes} notes linked to objectives")
        out.extend(f"  {line}" for line in mix_lines(c.mix))
        gaps = c.gaps()
        if gaps:
            out.append(f"  gaps (no question, or fewer than {MIN_NOTES} notes):")
            out.extend(f"    {o.id:<6} {o.questions:>3} q {o.notes:>3} notes  {_cut(o.text, 60)}"
                       for o in gaps)
        else:
            out.append(f"  no gaps: every objective has a question and at least {MIN_NOTES} notes")
        out.append(f"  {'section':<44} {'weight':>7} {'share':>6} {'questions':>9} {'notes':>6}")
        for s in c.sections:
            flag = "  <- off weight" if s.off_weight else ""
            out.append(f"  {_cut(f'{s.id} {s.name}', 44):<44} {_percent(s.weight):>7} "
                       f"{s.share * 100:>5.0f}% {s.questions:>9} {s.notes:>6}{flag}")
            for o in s.objectives:
                out.append(f"      {o.id:<6} {o.questions:>3} q {o.notes:>3} notes  {_cut(o.text, 56)}")
        out.append("")
    return "\n".join(out)


_OFF, _GAP = ' class="pv-off"', ' class="pv-gap"'


def _bar(percent: float, css: str) -> str:
    width = max(0.0, min(percent, 100.0))
    return (f'<svg class="pv-cov-bar" viewBox="0 0 100 6" preserveAspectRatio="none" '
            f'aria-hidden="true"><rect class="{css}" width="{width:.1f}" height="6"/></svg>')


def as_html(c: DeckCoverage) -> str:
    """The coverage of one deck for the preview: each section's weight against its share of the
    questions, then every objective, gaps first."""
    rows = []
    for s in c.sections:
        low, high = s.weight
        rows.append(
            f'<tr{_OFF if s.off_weight else ""}><td>{escape(s.id)} {escape(s.name)}</td>'
            f'<td>{_percent(s.weight)}{_bar((low + high) / 2, "pv-weight")}</td>'
            f'<td>{s.share * 100:.0f}%{_bar(s.share * 100, "pv-share")}</td>'
            f"<td>{s.questions}</td><td>{s.notes}</td></tr>")
    objectives = sorted((o for s in c.sections for o in s.objectives), key=lambda o: not o.gap)
    obj_rows = "".join(
        f'<tr{_GAP if o.gap else ""}><td>{escape(o.id)}</td><td>{escape(o.text)}</td>'
        f"<td>{o.questions}</td><td>{o.notes}</td></tr>" for o in objectives)
    gaps = len(c.gaps())
    summary = (f"{gaps} objective{'s' if gaps != 1 else ''} with no question or fewer than "
               f"{MIN_NOTES} notes" if gaps else "no gaps")
    return (f'<section class="pv-coverage"><h2>Exam {escape(c.exam)} · guide {escape(c.guide)} · '
            f"{c.questions} questions · {summary}</h2>"
            + "".join(f'<p class="pv-mix">{escape(line)}</p>' for line in mix_lines(c.mix)) +
            '<table class="pv-cov"><thead><tr><th>Section</th><th>Weight</th>'
            "<th>Share of questions</th><th>Questions</th><th>Notes</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table>'
            '<table class="pv-cov"><thead><tr><th>Objective</th><th></th><th>Questions</th>'
            f"<th>Notes</th></tr></thead><tbody>{obj_rows}</tbody></table></section>")
