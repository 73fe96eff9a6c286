"""The HTML of exam items: options (and their ``why``), ordering steps, matching pairs, cases.

Text arrives already rendered (``markdown`` passes its renderers in), so this module only
arranges escaped HTML; it never sees raw card text as markup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Protocol

from ..model import Card

__all__ = ["LETTERS", "choices_html", "item_fields", "scrambled"]

LETTERS = "ABCDEFGH"
_COUNT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight")

Render = Callable[[str], str]


class Block(Protocol):
    def __call__(self, value: str, tables: bool = False) -> str: ...


def scrambled(n: int, seed: str) -> list[int]:
    """A fixed order of ``n`` items that is never the written one (for n > 1): how an item
    reads without JavaScript, where the daily shuffle cannot run. Derived from ``seed``."""
    order = sorted(range(n), key=lambda i: hashlib.sha256(f"{seed}\x1f{i}".encode()).digest())
    if n > 1 and order == list(range(n)):
        order = order[1:] + order[:1]
    return order


def choices_html(card: Card, marked: bool, rendered: Sequence[str],
                 whys: Sequence[str] = ()) -> str:
    """The lettered options, ``rendered`` holding each choice's HTML; on the back (``marked``)
    each option's ``why`` follows it."""
    items = []
    for i, html_text in enumerate(rendered):
        correct = i in card.answer
        cls = "choice correct" if (marked and correct) else ("choice wrong" if marked else "choice")
        mark = '<span class="mark" aria-label="correct">✓</span> ' if (marked and correct) else ""
        why = f'<div class="why">{whys[i]}</div>' if marked and i < len(whys) and whys[i] else ""
        items.append(f'<li class="{cls}"><span class="letter">{LETTERS[i]}</span> '
                     f'<span class="choice-text">{mark}{html_text}</span>{why}</li>')
    # The note type's script (templates/choice_shuffle.js) reorders the options each study day
    # unless the card opted out; the written order is what shows without JavaScript.
    keep = "" if card.shuffle else ' data-shuffle="false"'
    extra = f' data-choose="{card.choose}"' if card.choose > 1 else ""
    return f'<ol class="choices"{keep}{extra}>{"".join(items)}</ol>'


def question_html(card: Card, question: str, md: Block, inline: Render) -> str:
    """The question as the front shows it: the case study above it, "Choose two." below."""
    parts = []
    if card.case is not None:
        parts.append(f'<details class="case" open><summary class="case-title">Case study: '
                     f'{inline(card.case.title)}</summary>'
                     f'<div class="case-text">{md(card.case.text, True)}</div></details>')
    parts.append(question)
    if card.type == "choice" and card.choose > 1:
        word = _COUNT_WORDS[card.choose] if card.choose < len(_COUNT_WORDS) else str(card.choose)
        parts.append(f'<p class="choose">Choose {word}.</p>')
    return "".join(parts)


def _steps(card: Card, option: Render) -> dict[str, str]:
    keep = "" if card.shuffle else ' data-shuffle="false"'
    shown = scrambled(len(card.steps), card.id)
    front = "".join(f'<li class="step"><span class="letter">{LETTERS[k]}</span> '
                    f'<span class="step-text">{option(card.steps[i])}</span></li>'
                    for k, i in enumerate(shown))
    key = "".join(f'<li class="step-key"><span class="pos">{i + 1}</span> '
                  f'<span class="step-text">{option(step)}</span></li>'
                  for i, step in enumerate(card.steps))
    return {"Steps": f'<ol class="steps"{keep}>{front}</ol>', "Answer": f'<ol class="steps-key">{key}</ol>'}


def _pairs(card: Card, option: Render) -> dict[str, str]:
    keep = "" if card.shuffle else ' data-shuffle="false"'
    lefts = "".join(f'<li class="left"><span class="pos">{i + 1}</span> '
                    f'<span class="left-text">{option(p.left)}</span></li>'
                    for i, p in enumerate(card.pairs))
    shown = scrambled(len(card.pairs), card.id)
    rights = "".join(f'<li class="right"><span class="letter">{LETTERS[k]}</span> '
                     f'<span class="right-text">{option(card.pairs[i].right)}</span></li>'
                     for k, i in enumerate(shown))
    key = "".join(f'<li class="pair-key"><span class="pos">{i + 1}</span> '
                  f'<span class="left-text">{option(p.left)}</span> <span class="arrow">→</span> '
                  f'<span class="right-text">{option(p.right)}</span></li>'
                  for i, p in enumerate(card.pairs))
    return {"Pairs": f'<div class="match"><ol class="lefts">{lefts}</ol>'
                     f'<ol class="rights"{keep}>{rights}</ol></div>',
            "Answer": f'<ol class="match-key">{key}</ol>'}


def item_fields(card: Card, md: Block, inline: Render, source: str) -> dict[str, str]:
    """The fields of a choice, order or match note. ``md`` renders block text, ``inline`` one
    line; an option, step or pair side with a fenced code block renders as a block."""

    def option(text: str) -> str:
        return md(text) if "```" in text or "~~~" in text else inline(text)

    question = question_html(card, md(card.field("question")), md, inline)
    explanation = md(card.field("explanation")) if card.field("explanation") else ""
    if card.type == "order":
        return {"Question": question, **_steps(card, option), "Explanation": explanation,
                "Source": source}
    if card.type == "match":
        return {"Question": question, **_pairs(card, option), "Explanation": explanation,
                "Source": source}
    rendered = [option(choice) for choice in card.choices]
    whys = [option(why) if why else "" for why in card.whys]
    return {
        "Question": question,
        "Choices": choices_html(card, False, rendered),
        "Answer": ", ".join(LETTERS[i] for i in card.answer),
        "ChoicesMarked": choices_html(card, True, rendered, whys),
        "Explanation": explanation,
        "Source": source,
    }
