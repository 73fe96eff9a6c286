"""How a deck covers its exam: notes and questions per section and objective of the guide."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from .model import Deck

__all__ = ["MIN_NOTES", "DeckCoverage", "ObjectiveCoverage", "SectionCoverage", "as_html",
           "as_json", "as_text", "deck_coverage"]

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
    """Choice cards that link it."""

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
class DeckCoverage:
    deck_id: str
    exam: str
    guide: str
    notes: int
    """Cards linking any objective of the exam."""
    questions: int
    sections: tuple[SectionCoverage, ...]

    def gaps(self) -> list[ObjectiveCoverage]:
        return [o for s in self.sections for o in s.objectives if o.gap]


def deck_coverage(deck: Deck) -> DeckCoverage | None:
    """The coverage of ``deck``'s exam by its cards; None for a deck without an exam."""
    exam = deck.exam
    if exam is None:
        return None
    linked = [c for c in deck.cards if c.objectives]
    total_questions = sum(c.type == "choice" for c in linked)
    sections = []
    for section in exam.sections:
        ids = {o.id for o in section.objectives}
        in_section = [c for c in linked if ids.intersection(c.objectives)]
        questions = sum(c.type == "choice" for c in in_section)
        objectives = tuple(
            ObjectiveCoverage(o.id, o.text,
                              notes=sum(o.id in c.objectives for c in linked),
                              questions=sum(o.id in c.objectives and c.type == "choice"
                                            for c in linked))
            for o in section.objectives)
        sections.append(SectionCoverage(
            section.id, section.name, section.weight, len(in_section), questions,
            questions / total_questions if total_questions else 0.0, objectives))
    return DeckCoverage(deck.id, exam.code, f"{exam.guide_version} ({exam.guide_date})",
                        len(linked), total_questions, tuple(sections))


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
                     for s in c.sections]} for c in coverages}}


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
            '<table class="pv-cov"><thead><tr><th>Section</th><th>Weight</th>'
            "<th>Share of questions</th><th>Questions</th><th>Notes</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table>'
            '<table class="pv-cov"><thead><tr><th>Objective</th><th></th><th>Questions</th>'
            f"<th>Notes</th></tr></thead><tbody>{obj_rows}</tbody></table></section>")
