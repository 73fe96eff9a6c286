"""Turn card text (a small Markdown subset) into safe HTML fields for Anki."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from ..model import Card
from .items import LETTERS, item_fields
from .plain import fast_block, fast_inline

if TYPE_CHECKING:  # imported when text first needs it: plain text never does (plain.py)
    from markdown_it import MarkdownIt

__all__ = ["render_markdown", "render_inline", "render_fields", "image_sources", "LETTERS"]

_MATH_RE = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_CLOZE_RE = re.compile(r"\{\{(c\d+)::|::|\}\}")
# Private-use characters mark placeholders; they are stripped from user text first.
_PLACEHOLDER = "\ue000{}\ue001"
_PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")
_ANKI_TAG_RE = re.compile(r"\[(?=sound:|anki:|/anki:)", re.IGNORECASE)


@cache
def _md(images: bool = False, tables: bool = False) -> MarkdownIt:
    from markdown_it import MarkdownIt

    # CommonMark with raw HTML off: any tag in the text is escaped and shows as text.
    # Links are not part of the card subset, so their syntax shows as typed; so do images
    # unless the caller knows which media file each one ships as (card fields do).
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False})
    md.disable(["html_block", "html_inline", "link", "linkify", "reference", "autolink"],
               ignoreInvalid=True)
    if tables:  # case studies only: other text keeps rendering as it always has
        md.enable("table")
    if images:
        md.add_render_rule("image", _render_image)
    else:
        md.disable("image")
    return md


def _render_image(self: Any, tokens: Sequence[Any], idx: int, options: Any,
                  env: dict[str, Any]) -> str:
    """An image as Anki media: the content-hashed file name and an escaped alt text."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    name = env["images"].get(src)
    if name is None:  # not resolved by the loader: show the syntax as typed, like a link
        return html.escape(f"![{token.content}]({src})")
    alt = self.renderInlineAsText(token.children or [], options, env)
    # Placeholders inside alt text must not come back as cloze markers (Anki would turn them
    # into <span>s inside the attribute) nor as unquoted math: keep only the math's text.
    saved: list[str] = env["saved"]
    alt = _PLACEHOLDER_RE.sub(
        lambda m: "" if saved[int(m.group(1))].startswith(("{{", "::", "}}"))
        else html.unescape(saved[int(m.group(1))]), alt)
    return f'<img src="{html.escape(name)}" alt="{html.escape(alt)}">'


def _protect(text: str) -> tuple[str, list[str]]:
    """Swap MathJax spans and cloze markers for placeholders Markdown leaves alone."""
    saved: list[str] = []
    if not ("\\" in text or "{{" in text or "::" in text or "}}" in text
            or "\ue000" in text or "\ue001" in text):
        return text, saved  # most text has no math, cloze marker or placeholder character

    def keep(raw: str) -> str:
        saved.append(raw)
        return _PLACEHOLDER.format(len(saved) - 1)

    text = text.replace("\ue000", "").replace("\ue001", "")
    text = _MATH_RE.sub(lambda m: keep(html.escape(m.group(0), quote=False)), text)
    text = _CLOZE_RE.sub(lambda m: keep(m.group(0)), text)
    return text, saved


def _restore(rendered: str, saved: list[str]) -> str:
    if saved:
        rendered = _PLACEHOLDER_RE.sub(lambda m: saved[int(m.group(1))], rendered)
    return _defuse(rendered)


def _defuse(rendered: str) -> str:
    """Keep Anki's own markup in card text as text: Anki plays ``[sound:file]`` and reads
    ``[anki:tts]`` aloud wherever they appear, even inside attributes; ``&#91;`` shows the same."""
    return _ANKI_TAG_RE.sub("&#91;", rendered) if "[" in rendered else rendered


def render_markdown(text: str, images: Mapping[str, str] | None = None, tables: bool = False) -> str:
    """Render block Markdown (paragraphs, lists, code) to HTML; raw HTML stays text.

    ``images`` maps each image target as written to its media file name; without it,
    image syntax shows as typed. ``tables`` also renders pipe tables (for case studies).
    """
    protected, saved = _protect(text.strip())
    env = {"images": images, "saved": saved}
    # Plain one-line text skips markdown-it: same bytes, many times faster (plain.py).
    rendered = fast_block(protected)
    if rendered is None:
        rendered = _md(images is not None, tables).render(protected, env).strip()
    # A single paragraph needs no <p> wrapper: it keeps cards compact in Anki's editor.
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return _restore(rendered, saved)


def render_inline(text: str, images: Mapping[str, str] | None = None) -> str:
    """Render one line of Markdown without block elements (for choices and sources)."""
    protected, saved = _protect(text.strip())
    env = {"images": images, "saved": saved}
    fast = fast_inline(protected)
    return _restore(fast if fast is not None else _md(images is not None).renderInline(protected, env), saved)


def image_sources(text: str) -> list[str]:
    """The targets of the Markdown images in ``text``, as the renderer will look them up."""
    protected, _ = _protect(text.strip())
    if "![" not in protected:
        return []  # every image starts with ![ (most text has none: skip the parse)
    found: list[str] = []
    stack = list(_md(True).parse(protected))
    while stack:
        token = stack.pop(0)
        if token.type == "image":
            found.append(str(token.attrGet("src") or ""))
        stack[:0] = token.children or []
    return list(dict.fromkeys(found))


def _source_html(card: Card) -> str:
    parts = [_defuse(html.escape(str(s), quote=False)) for s in card.sources]
    text = "; ".join(parts)
    if card.as_of:
        text = f"{text} · as of {html.escape(card.as_of)}" if text else f"as of {html.escape(card.as_of)}"
    return text


def render_fields(card: Card) -> dict[str, str]:
    """The HTML of every field of ``card``'s note type, by field name."""
    source = _source_html(card)
    images = {src: media.name for src, media in card.media}

    def text(name: str) -> str:
        value = card.field(name)
        return render_markdown(value, images) if value else ""

    if card.type in ("basic", "reversible"):
        return {"Front": text("front"), "Back": text("back"), "Source": source}
    if card.type == "cloze":
        return {"Text": text("text"), "Extra": text("extra"), "Source": source}

    def md(value: str, tables: bool = False) -> str:
        return render_markdown(value, images, tables)

    return item_fields(card, md, lambda text: render_inline(text, images), source)
