"""Render the plainest card text without markdown-it, to the very same bytes.

Most card text is one line of prose with a little **bold**, *emphasis* or `code`. For that
text markdown-it's output is fully determined, and building it directly is many times faster.
Anything outside this narrow subset (a second line, a list, a backslash, an unpaired
delimiter, ...) returns None and markdown-it renders it. A property test compares both.
"""

from __future__ import annotations

import re

__all__ = ["fast_block", "fast_inline"]

# Characters that are never Markdown syntax in one line of the subset (the placeholders of
# render._protect included). Everything else sends the text to markdown-it.
_PLAIN = r"A-Za-z0-9 ,.;:?'\"()/%+=$#@|^{}\u00a0-\u00ff\u2010-\u2027\u2030-\u205e\ue000\ue001-"
_PLAIN_RE = re.compile(f"[{_PLAIN}]+")
# Inside a delimiter pair: starts and ends with a letter or digit, holds only plain text.
_INNER = rf"[A-Za-z0-9](?:[{_PLAIN}]*[A-Za-z0-9])?"
_TOKEN_RE = re.compile(
    rf"(?P<plain>[{_PLAIN}]+)"
    rf"|(?P<code>`[^`\n]+`)"
    rf"|\*\*(?P<strong>{_INNER})\*\*"
    rf"|\*(?P<em>{_INNER})\*")
# Where a paragraph line must not start: list markers, headings, quotes, rules, tables.
_START_RE = re.compile(r"[A-Za-z0-9(\"'\ue000`]|\*{1,2}[A-Za-z0-9]")
_ORDERED_RE = re.compile(r"[0-9]{1,9}[.)]")
_BEFORE = frozenset(" (")
_AFTER = frozenset(" ,.;:?)")


def _escape(text: str) -> str:
    # markdown-it's escapeHtml: &, <, > and " (not ').
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def fast_inline(text: str) -> str | None:
    """markdown-it's ``renderInline`` of ``text`` (one line, stripped), or None if not certain."""
    if not text or "\n" in text or "``" in text or text != text.strip():
        return None
    out: list[str] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            return None
        kind = m.lastgroup
        end = m.end()
        if kind == "plain":
            out.append(_escape(m.group()))
        elif kind == "code":
            inner = m.group()[1:-1]
            if inner.startswith(" ") or inner.endswith(" "):
                return None  # markdown-it trims one space from each side: keep it simple
            out.append(f"<code>{_escape(inner)}</code>")
        else:
            # Delimiters open after a space or "(" and close before a space or punctuation,
            # so CommonMark's flanking rules pair them exactly as written.
            if (pos > 0 and text[pos - 1] not in _BEFORE) or (end < n and text[end] not in _AFTER):
                return None
            inner = m.group(kind or "")
            tag = "strong" if kind == "strong" else "em"
            out.append(f"<{tag}>{_escape(inner)}</{tag}>")
        pos = end
    return "".join(out)


def fast_block(text: str) -> str | None:
    """markdown-it's ``render(text).strip()`` for a one-line paragraph, or None if not certain."""
    if not _START_RE.match(text) or _ORDERED_RE.match(text):
        return None
    inline = fast_inline(text)
    return None if inline is None else f"<p>{inline}</p>"
