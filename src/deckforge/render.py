"""Turn card text (a small Markdown subset) into safe HTML fields for Anki."""

from __future__ import annotations

import html
import re
from functools import cache

from markdown_it import MarkdownIt

from .model import Card

__all__ = ["render_markdown", "render_inline", "render_fields", "LETTERS"]

LETTERS = "ABCDEFGH"
_MATH_RE = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_CLOZE_RE = re.compile(r"\{\{(c\d+)::|::|\}\}")
# Private-use characters mark placeholders; they are stripped from user text first.
_PLACEHOLDER = "\ue000{}\ue001"
_PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")


@cache
def _md() -> MarkdownIt:
    # CommonMark with raw HTML off: any tag in the text is escaped and shows as text.
    # Links and images are not part of the card subset, so their syntax shows as typed.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False})
    md.disable(["html_block", "html_inline", "link", "image", "linkify", "reference",
                "autolink"], ignoreInvalid=True)
    return md


def _protect(text: str) -> tuple[str, list[str]]:
    """Swap MathJax spans and cloze markers for placeholders Markdown leaves alone."""
    saved: list[str] = []

    def keep(raw: str) -> str:
        saved.append(raw)
        return _PLACEHOLDER.format(len(saved) - 1)

    text = text.replace("\ue000", "").replace("\ue001", "")
    text = _MATH_RE.sub(lambda m: keep(html.escape(m.group(0), quote=False)), text)
    text = _CLOZE_RE.sub(lambda m: keep(m.group(0)), text)
    return text, saved


def _restore(rendered: str, saved: list[str]) -> str:
    return _PLACEHOLDER_RE.sub(lambda m: saved[int(m.group(1))], rendered)


def render_markdown(text: str) -> str:
    """Render block Markdown (paragraphs, lists, code) to HTML; raw HTML stays text."""
    protected, saved = _protect(text.strip())
    rendered = _md().render(protected).strip()
    # A single paragraph needs no <p> wrapper: it keeps cards compact in Anki's editor.
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return _restore(rendered, saved)


def render_inline(text: str) -> str:
    """Render one line of Markdown without block elements (for choices and sources)."""
    protected, saved = _protect(text.strip())
    return _restore(_md().renderInline(protected), saved)


def _choices_html(card: Card, marked: bool) -> str:
    items = []
    for i, choice in enumerate(card.choices):
        correct = i in card.answer
        cls = "choice correct" if (marked and correct) else ("choice wrong" if marked else "choice")
        mark = '<span class="mark" aria-label="correct">✓</span> ' if (marked and correct) else ""
        items.append(f'<li class="{cls}"><span class="letter">{LETTERS[i]}</span> '
                     f'<span class="choice-text">{mark}{render_inline(choice)}</span></li>')
    return f'<ol class="choices">{"".join(items)}</ol>'


def _source_html(card: Card) -> str:
    parts = [html.escape(str(s), quote=False) for s in card.sources]
    text = "; ".join(parts)
    if card.as_of:
        text = f"{text} · as of {html.escape(card.as_of)}" if text else f"as of {html.escape(card.as_of)}"
    return text


def render_fields(card: Card) -> dict[str, str]:
    """The HTML of every field of ``card``'s note type, by field name."""
    source = _source_html(card)
    if card.type in ("basic", "reversible"):
        return {"Front": render_markdown(card.field("front")),
                "Back": render_markdown(card.field("back")), "Source": source}
    if card.type == "cloze":
        extra = card.field("extra")
        return {"Text": render_markdown(card.field("text")),
                "Extra": render_markdown(extra) if extra else "", "Source": source}
    letters = ", ".join(LETTERS[i] for i in card.answer)
    explanation = card.field("explanation")
    return {
        "Question": render_markdown(card.field("question")),
        "Choices": _choices_html(card, marked=False),
        "Answer": letters,
        "ChoicesMarked": _choices_html(card, marked=True),
        "Explanation": render_markdown(explanation) if explanation else "",
        "Source": source,
    }
