"""The practice pages as HTML: one page per exam deck (mock exam, report, practice mode) and an
index. The scripts and stylesheet are templates/practice.js, practice_theme.js (both pages) and
practice.css, inlined so that the page works from file:// with no network."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from ..model import Deck, ExamFormat
from .items import ITEM_TYPES, SCORING_RULE, exam_data

_ITEM_WORDS = {"single": "single answer", "multiple": "multiple response", "order": "ordering",
               "match": "matching", "case": "case studies"}


@cache
def _template(name: str) -> str:
    return resources.files("deckforge").joinpath("templates").joinpath(name).read_text(encoding="utf-8")


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _num(x: float) -> str:
    return str(int(x)) if x == int(x) else str(x)


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside ``<script type="application/json">``: no ``<``,
    ``>`` or ``&`` (so no ``</script>``), keys sorted so the bytes are the same on every run."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def format_text(fmt: ExamFormat | None) -> str:
    """The exam's format in words (plain text), e.g. for the page header and the index."""
    if fmt is None:
        return "format not recorded"
    low, high = fmt.questions
    parts = [f"{low}–{high} questions (the mock has {high})" if low != high else f"{high} questions",
             f"{fmt.minutes} minutes", ", ".join(_ITEM_WORDS[t] for t in fmt.item_types)]
    if fmt.pass_mark is None:
        parts.append("no published pass mark")
    elif fmt.pass_mark[0] == "scaled":
        _, score, lo, hi = fmt.pass_mark
        parts.append(f"pass mark {_num(score)} on a scaled score of {_num(lo)}–{_num(hi)} (not a percentage)")
    else:
        parts.append(f"pass mark {_num(fmt.pass_mark[1])} %")
    return " · ".join(parts)


def _topics(deck: Deck, items: Sequence[dict[str, Any]]) -> str:
    assert deck.exam is not None
    options = [f'<option value="">Every section ({len(items)} questions)</option>']
    for s in deck.exam.sections:
        n = sum(1 for it in items if it["section"] == s.id)
        options.append(f'<option value="s:{_esc(s.id)}">Section {_esc(s.id)}: {_esc(s.name)} ({n})</option>')
        for o in s.objectives:
            m = sum(1 for it in items if o.id in it["objectives"])
            options.append(f'<option value="o:{_esc(o.id)}"{" disabled" if not m else ""}>'
                           f'\u2003{_esc(o.id)} {_esc(o.text)} ({m})</option>')
    return "".join(options)


def _page(title: str, body: str, script: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title)}</title>\n<style>{_template('practice.css')}</style></head>\n"
            f'<body class="px"><div class="px-wrap">{body}</div>\n{script}</body></html>\n')


def deck_page(deck: Deck, items: Sequence[dict[str, Any]], cases: dict[str, dict[str, str]]) -> str:
    """The practice page of an exam deck: the exam's format, Start exam, the practice mode."""
    assert deck.exam is not None
    exam = deck.exam
    fmt = exam.format
    data = {"deck": {"id": deck.id, "name": deck.name, "anki": deck.name}, "exam": exam_data(exam),
            "items": list(items), "cases": cases}
    kinds = sorted({it["type"] for it in items}, key=ITEM_TYPES.index)
    note = f"<p>{_esc(fmt.note)}</p>" if fmt and fmt.note else ""
    short = (f"<p>The deck holds {len(items)} questions, fewer than the exam's {fmt.questions[1]}: "
             "the mock asks them all.</p>") if fmt and len(items) < fmt.questions[1] else ""
    body = (
        '<nav class="px-top"><a href="../index.html" data-keep-theme>All practice exams</a>'
        '<button type="button" id="px-theme">Dark mode</button></nav>'
        f"<h1>{_esc(exam.name)} ({_esc(exam.code)}): practice exam</h1>"
        f'<p class="px-format">{_esc(exam.vendor)} · {_esc(format_text(fmt))}</p>'
        '<noscript><p>The practice exam runs in the page\'s JavaScript: turn it on to take it.</p></noscript>'
        '<main>'
        '<section id="px-home" class="px-panel" aria-labelledby="px-home-title">'
        '<h2 id="px-home-title">Mock exam</h2>'
        f"<p>As many questions as the real exam, drawn from {len(items)} questions in this deck "
        f"({_esc(', '.join(_ITEM_WORDS[k] for k in kinds)) or 'none yet'}) per section in proportion to "
        "the guide's weights, with the exam's countdown. Questions you met in your recent mock exams "
        "come last.</p>"
        f"{note}{short}<p>{_esc(SCORING_RULE)}</p>"
        '<div class="px-row-controls"><button type="button" class="px-primary" id="px-start">Start exam</button>'
        '<button type="button" id="px-clear">Forget my recent mock exams</button></div>'
        '<p id="px-history" class="px-legend"></p>'
        '<h2>Practice</h2><p>One question at a time, with the verdict and the explanation after each answer.</p>'
        '<div class="px-row-controls"><label for="px-topic">Section or objective</label>'
        f'<select id="px-topic">{_topics(deck, items)}</select>'
        '<button type="button" id="px-practice">Start practice</button></div>'
        '</section>'
        '<section id="px-exam" hidden aria-label="Exam">'
        '<div class="px-bar"><span id="px-count" tabindex="-1" aria-live="polite"></span>'
        '<span id="px-timer" role="timer"></span></div>'
        '<div id="px-qbody" class="px-body px-panel"></div>'
        '<div class="px-nav"><button type="button" id="px-prev">Previous</button>'
        '<button type="button" id="px-next" class="px-primary">Next</button>'
        '<button type="button" id="px-flag" aria-pressed="false">Flag</button>'
        '<button type="button" id="px-finish">Finish</button></div>'
        '<nav aria-label="Question map"><p class="px-legend" id="px-progress"></p>'
        '<div id="px-map" class="px-map"></div>'
        '<p class="px-legend">Filled: answered · underlined: flagged · framed: this question.</p></nav>'
        '</section>'
        '<section id="px-report" hidden aria-labelledby="px-report-title" class="px-panel">'
        '<h2 id="px-report-title" tabindex="-1">Report</h2><div id="px-result"></div>'
        '<button type="button" id="px-again">Back to the start</button></section>'
        '<section id="px-drill" hidden aria-label="Practice">'
        '<div class="px-bar"><span id="px-dcount" tabindex="-1"></span>'
        '<span id="px-verdict" role="status"></span></div>'
        '<div id="px-dbody" class="px-body px-panel"></div>'
        '<div class="px-nav"><button type="button" id="px-check" class="px-primary">Check answer</button>'
        '<button type="button" id="px-dnext" class="px-primary" hidden>Next question</button>'
        '<button type="button" id="px-dback">Stop practice</button></div>'
        '</section></main>')
    script = (f'<script type="application/json" id="px-data">{script_json(data)}</script>\n'
              f"<script>{_template('practice_theme.js')}\n{_template('practice.js')}</script>")
    return _page(f"{exam.code} practice exam · {deck.name}", body, script)


def index_page(decks: Sequence[tuple[Deck, int]]) -> str:
    """The list of practice exams: each exam deck, its exam's format and how many questions it holds."""
    rows = []
    for deck, count in decks:
        assert deck.exam is not None
        rows.append(f'<tr><td><a href="{_esc(deck.id)}/index.html" data-keep-theme>{_esc(deck.exam.name)}</a>'
                    f" ({_esc(deck.exam.code)})</td><td>{_esc(format_text(deck.exam.format))}</td>"
                    f"<td>{count}</td></tr>")
    body = ('<nav class="px-top"><span></span><button type="button" id="px-theme">Dark mode</button></nav>'
            "<h1>deckforge practice exams</h1>"
            "<p>A timed mock exam drawn like the real one, a report per exam section, and a practice "
            "mode, from the same cards as the Anki decks. Works offline: nothing is sent anywhere; "
            "your recent mock exams are kept in this browser only.</p>"
            '<table class="px-decks"><thead><tr><th scope="col">Exam</th><th scope="col">Format</th>'
            f'<th scope="col">Questions in the deck</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    script = f"<script>{_template('practice_theme.js')}</script>"
    return _page("deckforge practice exams", body, script)
