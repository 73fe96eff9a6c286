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
# Inside a delimiter pair: starts and ends with a letter or digit, holds only plain text.
_INNER = rf"[A-Za-z0-9](?:[{_PLAIN}]*[A-Za-z0-9])?"
# A whole line of the subset: plain runs, code spans (not starting or ending with a space,
# which markdown-it trims) and **strong** or *em* pairs around plain text that open after a
# space or "(" (or at the start) and close before a space or punctuation (or at the end), so
# CommonMark's flanking rules pair them exactly as written. Plain runs hold no * or `, so
# the line splits into these pieces in exactly one way.
_OPEN = r"(?<![^ (])"
_CLOSE = r"(?![^ ,.;:?)])"
# (Written as plain* (piece plain*)*, never (plain+)+, which backtracks exponentially.)
_LINE_RE = re.compile(
    rf"[{_PLAIN}]*(?:(?:`[^`\n ](?:[^`\n]*[^`\n ])?`"
    rf"|{_OPEN}\*\*{_INNER}\*\*{_CLOSE}"
    rf"|{_OPEN}\*{_INNER}\*{_CLOSE})[{_PLAIN}]*)*")
# The same pieces in escaped text (code may hold &, <, > and "; the others only ").
_DELIMITED_RE = re.compile(r"`(?P<code>[^`]+)`|\*\*(?P<strong>[^*`]+)\*\*|\*(?P<em>[^*`]+)\*")
# Where a paragraph line must not start: list markers, headings, quotes, rules, tables.
_START_RE = re.compile(r"[A-Za-z0-9(\"'\ue000`]|\*{1,2}[A-Za-z0-9]")
_ORDERED_RE = re.compile(r"[0-9]{1,9}[.)]")


def _escape(text: str) -> str:
    # markdown-it's escapeHtml: &, <, > and " (not ').
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def fast_inline(text: str) -> str | None:
    """markdown-it's ``renderInline`` of ``text`` (one line, stripped), or None if not certain."""
    if not text or _LINE_RE.fullmatch(text) is None or "``" in text or text != text.strip():
        return None
    if "*" not in text and "`" not in text:
        return _escape(text)
    # The escaping leaves the delimiters alone, and the pieces cannot overlap (see _LINE_RE).
    return _DELIMITED_RE.sub(_tag, _escape(text))


def _tag(m: re.Match[str]) -> str:
    kind = m.lastgroup or ""
    return f"<{kind}>{m.group(kind)}</{kind}>"


def fast_block(text: str) -> str | None:
    """markdown-it's ``render(text).strip()`` for a one-line paragraph, or None if not certain."""
    if not _START_RE.match(text) or _ORDERED_RE.match(text):
        return None
    inline = fast_inline(text)
    return None if inline is None else f"<p>{inline}</p>"
