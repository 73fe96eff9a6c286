"""Each exam question of a deck as the practice page's client reads it: one plain record per
question (type, section, objectives, case, stem, options with why, key, steps, pairs,
explanation), every text already rendered by the project's renderer (raw HTML stays text)."""

from __future__ import annotations

from typing import Any

from ..model import Card, Case, Deck, Exam
from ..notes.source import OBJECTIVE_TAG
from ..render.markdown import render_inline, render_markdown

ITEM_TYPES = ("single", "multiple", "order", "match")
"""What the client can ask: one answer, several answers, steps in order, pairs matched."""

SCORING_RULE = ("A question scores only when it is wholly right: every right option and no other "
                "(multiple response), every step in place (ordering), every pair (matching). "
                "An unanswered question is wrong. That is the rule AWS's exam guides give for these "
                "items (no partial credit); no vendor of these exams documents partial credit.")


def _images(card: Card) -> dict[str, str]:
    return {src: media.name for src, media in card.media}


def _md(card: Card, text: str) -> str:
    return render_markdown(text, _images(card)) if text else ""


def _inline(card: Card, text: str) -> str:
    return render_inline(text, _images(card)) if text else ""


def card_item(card: Card, section: str, case_key: str | None = None) -> dict[str, Any] | None:
    """The practice record of ``card`` in exam section ``section`` (``case_key``: how the page
    names its case study); None for a card that is not an exam question (only questions are asked)."""
    if not card.is_question:
        return None
    whys = card.whys or ("",) * len(card.choices)
    kind = {"order": "order", "match": "match"}.get(card.type, "multiple" if card.choose > 1 else "single")
    return {
        "id": card.id,
        "type": kind,
        "section": section,
        "objectives": list(card.objectives),
        "case": case_key,
        "stem": _md(card, card.field("question")),
        "options": [{"html": _inline(card, choice), "why": _md(card, why)}
                    for choice, why in zip(card.choices, whys, strict=True)],
        "key": list(card.answer) if card.type == "choice" else [],
        "steps": [_inline(card, step) for step in card.steps],
        "pairs": [[_inline(card, pair.left), _inline(card, pair.right)] for pair in card.pairs],
        "explanation": _md(card, card.field("explanation")),
        "shuffle": card.shuffle,
    }


def deck_items(deck: Deck) -> tuple[list[dict[str, Any]], dict[str, dict[str, str]]]:
    """The questions of an exam deck that link an objective (in card order; a question counts in
    the section of its first objective), and the case studies they refer to, by the key the
    page gives each (``case-1``, ``case-2``, ... in order of first use: two card files may use
    the same case id for different cases)."""
    if deck.exam is None:
        return [], {}
    sections = deck.exam.objective_ids()
    items = []
    keys: dict[Case, str] = {}
    cases: dict[str, dict[str, str]] = {}
    for card in deck.cards:
        if not card.objectives or not card.is_question:
            continue
        key = None
        if card.case is not None:
            key = keys.setdefault(card.case, f"case-{len(keys) + 1}")
            cases[key] = {"title": card.case.title, "html": _md(card, card.case.text)}
        item = card_item(card, sections[card.objectives[0]].id, key)
        if item is not None:
            items.append(item)
    return items, cases


def exam_data(exam: Exam) -> dict[str, Any]:
    """The exam as the client needs it: format and sections (names as text, never HTML)."""
    fmt = exam.format
    return {
        "code": exam.code,
        "name": exam.name,
        "vendor": exam.vendor,
        "questions": fmt.questions[1] if fmt else None,
        "questions_range": list(fmt.questions) if fmt else None,
        "minutes": fmt.minutes if fmt else None,
        "item_types": list(fmt.item_types) if fmt else [],
        "pass_mark": list(fmt.pass_mark) if fmt and fmt.pass_mark else None,
        "note": fmt.note if fmt else "",
        "sections": [{"id": s.id, "name": s.name, "weight": list(s.weight),
                      "objectives": [{"id": o.id, "text": o.text} for o in s.objectives]}
                     for s in exam.sections],
        "objective_tag": OBJECTIVE_TAG,
    }
