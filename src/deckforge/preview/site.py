"""Write the preview site: a page per deck with every card's faces, charts, coverage and search."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..coverage import as_html, deck_coverage
from ..model import CARD_TYPES, Card, Deck, Project
from ..notes.source import card_deck_name, pinned_order
from ..notetypes import note_type_for
from ..render.markdown import render_fields, render_markdown
from ..sitefolder import replace_site
from .anki import CardFace, card_faces

MARKER = ".deckforge-preview"
"""File that marks a folder as written by ``deckforge preview`` (and so safe to replace)."""


_TYPE_COLORS = {"basic": "#4c78a8", "reversible": "#72b7b2", "cloze": "#f58518", "choice": "#b279a2",
                "order": "#54a24b", "match": "#e45756"}


@dataclass(frozen=True)
class PreviewNote:
    """One YAML card as the preview shows it: its Anki cards, rendered through the note type."""

    card: Card
    faces: tuple[CardFace, ...]


@dataclass(frozen=True)
class PreviewResult:
    out: Path
    decks: int
    notes: int
    faces: int
    files: tuple[str, ...]


def preview_note(card: Card) -> PreviewNote:
    """Render ``card`` exactly as the .apkg's note type will show it in Anki."""
    return PreviewNote(card, tuple(card_faces(note_type_for(card.type), render_fields(card))))


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _bar_rows(rows: list[tuple[str, dict[str, int]]], scale: int) -> str:
    """A horizontal stacked bar per row, each bar an inline SVG sized by the deck's largest row."""
    out = []
    for label, counts in rows:
        total = sum(counts.values())
        x = 0.0
        rects = []
        for card_type, n in counts.items():
            if not n:
                continue
            w = 100.0 * n / scale
            rects.append(f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="10" '
                         f'fill="{_TYPE_COLORS[card_type]}"><title>{_esc(label)}: {n} '
                         f"{card_type}</title></rect>")
            x += w
        out.append(f'<div class="pv-row"><span class="pv-label">{_esc(label)}</span>'
                   f'<svg class="pv-bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
                   f'role="img" aria-label="{_esc(label)}: {total} cards">{"".join(rects)}</svg>'
                   f'<span class="pv-n">{total}</span></div>')
    return "".join(out)


def _chart(title: str, rows: list[tuple[str, dict[str, int]]]) -> str:
    if not rows:
        return ""
    scale = max(sum(c.values()) for _, c in rows) or 1
    return f'<figure class="pv-chart"><figcaption>{_esc(title)}</figcaption>{_bar_rows(rows, scale)}</figure>'


def _legend() -> str:
    items = "".join(f'<span class="pv-key"><svg viewBox="0 0 10 10" width="12" height="12">'
                    f'<rect width="10" height="10" fill="{color}"/></svg>{name}</span>'
                    for name, color in _TYPE_COLORS.items())
    return f'<p class="pv-legend">{items}</p>'


def _group(cards: Sequence[Card], key: Callable[[Card], list[str]]) -> list[tuple[str, dict[str, int]]]:
    groups: dict[str, dict[str, int]] = {}
    for card in cards:
        for name in key(card):
            counts = groups.setdefault(name, dict.fromkeys(CARD_TYPES, 0))
            counts[card.type] += 1
    return sorted(groups.items())


def deck_charts(deck: Deck) -> str:
    """Statistics of a deck as charts: cards per subdeck, per blueprint domain and per type."""
    by_subdeck = _group(deck.cards, lambda c: [c.home or (c.subdeck if c.id not in deck.start
                                                          else "") or "(top level)"])
    by_domain = _group(deck.cards, lambda c: [t.split("::", 1)[1] for t in c.tags
                                              if t.startswith("domain::")])
    by_type = [(t, {t: sum(1 for c in deck.cards if c.type == t)}) for t in CARD_TYPES]
    charts = [_chart("Cards per subdeck", by_subdeck), _chart("Cards per blueprint domain", by_domain),
              _chart("Cards per type", [r for r in by_type if sum(r[1].values())])]
    return f'<section class="pv-stats">{_legend()}{"".join(charts)}</section>'


def coverage_html(deck: Deck) -> str:
    """The deck's coverage of its exam (``deckforge coverage``), or nothing without an exam."""
    found = deck_coverage(deck)
    return as_html(found) if found is not None else ""


def _search_text(card: Card) -> str:
    parts = [card.id, card.type, card.subdeck, *(text for _, text in card.fields), *card.choices,
             *card.steps, *(f"{p.left} {p.right}" for p in card.pairs), *(str(s) for s in card.sources)]
    return " ".join(" ".join(parts).lower().split())


def _location(card: Card, base: Path) -> str:
    try:
        rel = card.path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        rel = card.path.name
    return f"{rel}:{card.line}"


def _note_html(note: PreviewNote, base: Path) -> str:
    card = note.card
    tags = "".join(f'<button type="button" class="pv-tag" data-tag="{_esc(t)}">{_esc(t)}</button>'
                   for t in card.tags)
    faces = []
    for face in note.faces:
        label = face.template if len(note.faces) == 1 or card.type != "cloze" else f"c{face.ord + 1}"
        for side, body in (("front", face.question), ("back", face.answer)):
            faces.append(f'<figure class="pv-face pv-{side}"><figcaption>{_esc(label)} · {side}'
                         f'</figcaption><div class="card card{face.ord + 1}">{body}</div></figure>')
    notes = f'<p class="pv-notes">{_esc(card.notes)}</p>' if card.notes else ""
    return (f'<article class="pv-note" id="card-{_esc(card.id)}" data-tags="{_esc(" ".join(card.tags))}"'
            f' data-search="{_esc(_search_text(card))}"><header class="pv-note-head">'
            f'<a class="pv-id" href="#card-{_esc(card.id)}">{_esc(card.id)}</a>'
            f'<span class="pv-type pv-type-{card.type}">{card.type}</span>'
            f'<span class="pv-where">{_esc(_location(card, base))}</span>{tags}</header>{notes}'
            f'<div class="pv-faces">{"".join(faces)}</div></article>')


_PAGE_CSS = """
:root { color-scheme: light; }
body.pv { margin: 0; font: 15px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Arial,
  sans-serif; background: #eef0f3; color: #1d2330; }
body.pv.pv-dark { color-scheme: dark; background: #121418; color: #e4e7ec; }
.pv a { color: #1f5fbf; } .pv-dark a { color: #86b6ff; }
.pv-wrap { max-width: 1200px; margin: 0 auto; padding: 12px; box-sizing: border-box; }
.pv-top { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.pv h1 { font-size: 1.5em; margin: 0.3em 0; overflow-wrap: anywhere; }
.pv h2 { font-size: 1.15em; margin: 1.4em 0 0.4em; }
.pv-controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 10px 0; }
.pv-controls input { flex: 1 1 220px; min-width: 0; font: inherit; padding: 6px 10px;
  border: 1px solid #aab; border-radius: 6px; background: inherit; color: inherit; }
.pv button { font: inherit; padding: 4px 10px; border: 1px solid #aab; border-radius: 6px;
  background: transparent; color: inherit; cursor: pointer; }
.pv-stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 10px 24px;
  margin: 10px 0; }
.pv-legend { grid-column: 1 / -1; margin: 0; display: flex; flex-wrap: wrap; gap: 12px; }
.pv-key { display: inline-flex; gap: 4px; align-items: center; }
.pv-chart { margin: 0; min-width: 0; }
.pv-coverage h2 { font-size: 1em; }
.pv-coverage { max-width: 100%; overflow-x: auto; }
.pv-cov { border-collapse: collapse; margin: 0 0 12px; width: 100%; font-size: .9em; }
.pv-cov th, .pv-cov td { text-align: left; padding: 2px 8px 2px 0; vertical-align: top;
  overflow-wrap: anywhere; }
.pv-cov-bar { display: block; width: 100%; max-width: 160px; height: 6px; }
.pv-weight { fill: #8a8a8a; } .pv-share { fill: #4c78a8; }
.pv-off td, .pv-gap td { color: #c0392b; font-weight: 600; }
.pv-chart figcaption { font-weight: 600; margin-bottom: 4px; }
.pv-row { display: grid; grid-template-columns: minmax(0, 10em) minmax(0, 1fr) 2.5em; gap: 8px;
  align-items: center; font-size: 0.9em; }
.pv-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.pv-bar { width: 100%; height: 12px; display: block; }
.pv-n { text-align: right; font-variant-numeric: tabular-nums; }
.pv-tags { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.pv-tag { font-size: 0.8em; padding: 1px 8px !important; border-radius: 999px !important; }
.pv-note { background: #fff; border-radius: 10px; margin: 14px 0; padding: 10px;
  box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }
.pv-dark .pv-note { background: #1a1d22; box-shadow: 0 0 0 1px #30343c; }
.pv-note-head { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; font-size: 0.85em;
  margin-bottom: 8px; }
.pv-id { font-weight: 700; overflow-wrap: anywhere; }
.pv-type { padding: 0 6px; border-radius: 4px; color: #fff; }
""" + "".join(f".pv-type-{t} {{ background: {c}; }}\n" for t, c in _TYPE_COLORS.items()) + """
.pv-where { color: #6b7280; overflow-wrap: anywhere; }
.pv-notes { font-size: 0.85em; color: #6b7280; margin: 0 0 8px; overflow-wrap: anywhere; }
.pv-faces { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr));
  gap: 10px; }
.pv-face { margin: 0; min-width: 0; border: 1px solid rgba(127, 127, 127, 0.35); border-radius: 8px;
  overflow: hidden; display: flex; flex-direction: column; }
.pv-face figcaption { font-size: 0.75em; padding: 2px 8px; color: #6b7280;
  border-bottom: 1px solid rgba(127, 127, 127, 0.25); }
.pv-face > .card { min-height: 3em; flex: 1 1 auto; }
.pv-hidden { display: none !important; }
.pv-decks { width: 100%; border-collapse: collapse; }
.pv-decks td, .pv-decks th { text-align: left; padding: 6px 8px; border-bottom: 1px solid rgba(127,127,127,.3); }
.pv-decks td.num, .pv-decks th.num { text-align: right; }
@media (max-width: 600px) { .pv-decks .opt { display: none; } }
"""


# Small and optional: without JavaScript every card still shows (light theme, no filtering).
_PAGE_JS = """
(function () {
  var params = new URLSearchParams(location.search);
  var body = document.body, toggle = document.getElementById('pv-theme');
  function theme(dark) {
    body.classList.toggle('pv-dark', dark);
    document.querySelectorAll('.card').forEach(function (c) { c.classList.toggle('nightMode', dark); });
    if (toggle) toggle.textContent = dark ? 'Light mode' : 'Dark mode';
    document.querySelectorAll('a[data-keep-theme]').forEach(function (a) {
      var u = new URL(a.getAttribute('href'), location.href);
      if (dark) u.searchParams.set('theme', 'dark'); else u.searchParams.delete('theme');
      a.href = u.href;
    });
  }
  var dark = params.get('theme') === 'dark';
  theme(dark);
  if (toggle) toggle.addEventListener('click', function () {
    dark = !dark; theme(dark);
    var u = new URL(location.href);
    if (dark) u.searchParams.set('theme', 'dark'); else u.searchParams.delete('theme');
    history.replaceState(null, '', u.href);
  });
  var q = document.getElementById('pv-q');
  if (!q) return;
  var notes = Array.prototype.slice.call(document.querySelectorAll('.pv-note'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('.pv-group'));
  var count = document.getElementById('pv-count');
  function filter() {
    var words = q.value.toLowerCase().split(/\\s+/).filter(Boolean), shown = 0;
    notes.forEach(function (n) {
      var tags = (n.getAttribute('data-tags') || '').toLowerCase().split(' ');
      var text = n.getAttribute('data-search');
      var ok = words.every(function (w) {
        if (w.indexOf('tag:') === 0) {
          var t = w.slice(4);
          return tags.some(function (x) { return x === t || x.indexOf(t + '::') === 0; });
        }
        return text.indexOf(w) >= 0;
      });
      n.classList.toggle('pv-hidden', !ok);
      if (ok) shown++;
    });
    groups.forEach(function (g) {
      g.classList.toggle('pv-hidden', !g.querySelector('.pv-note:not(.pv-hidden)'));
    });
    count.textContent = shown + ' of ' + notes.length + ' cards';
  }
  q.addEventListener('input', filter);
  document.querySelectorAll('.pv-tag').forEach(function (b) {
    b.addEventListener('click', function () { q.value = 'tag:' + b.getAttribute('data-tag'); filter(); q.focus(); });
  });
  if (params.get('q')) q.value = params.get('q');
  filter();
})();
"""


def _page(title: str, body: str, card_css: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title)}</title>\n<style>{card_css}</style>\n<style>{_PAGE_CSS}</style>"
            f'</head>\n<body class="pv"><div class="pv-wrap">{body}</div>\n'
            f"<script>{_PAGE_JS}</script></body></html>\n")


def deck_page(deck: Deck, notes: Sequence[PreviewNote], base: Path) -> str:
    """The preview page of one deck: statistics, search, and every card's front and back."""
    # Grouped by the Anki deck each note lands in; pinned cards first, in their order.
    groups: dict[str, list[PreviewNote]] = {}
    for k in pinned_order([n.card.id for n in notes], deck.start):
        groups.setdefault(card_deck_name(deck, notes[k].card), []).append(notes[k])
    sections = []
    for title in sorted(groups):
        sections.append(f'<section class="pv-group"><h2>{_esc(title)} '
                        f'<small>({len(groups[title])})</small></h2>'
                        + "".join(_note_html(n, base) for n in groups[title]) + "</section>")
    all_tags = sorted({t for n in notes for t in n.card.tags})
    tags = "".join(f'<button type="button" class="pv-tag" data-tag="{_esc(t)}">{_esc(t)}</button>'
                   for t in all_tags)
    faces = sum(len(n.faces) for n in notes)
    description = f"<p>{render_markdown(deck.description)}</p>" if deck.description else ""
    body = (f'<nav class="pv-top"><a href="../index.html" data-keep-theme>All decks</a></nav>'
            f"<h1>{_esc(deck.name)}</h1>{description}"
            f"<p>{len(notes)} cards in YAML, {faces} Anki cards · deck id <code>{_esc(deck.id)}</code></p>"
            f"{deck_charts(deck)}{coverage_html(deck)}"
            '<div class="pv-controls"><input type="search" id="pv-q" '
            'placeholder="Search text, or tag:name" aria-label="Search cards">'
            '<button type="button" id="pv-theme">Dark mode</button>'
            f'<span id="pv-count">{len(notes)} cards</span></div>'
            f'<div class="pv-tags">{tags}</div><main>{"".join(sections)}</main>')
    return _page(f"{deck.name} · deckforge preview", body, note_type_for("basic").css)


def index_page(decks: Sequence[Deck], faces: dict[str, int]) -> str:
    rows = []
    for deck in decks:
        counts = {t: sum(1 for c in deck.cards if c.type == t) for t in CARD_TYPES}
        rows.append(f'<tr><td><a href="{_esc(deck.id)}/index.html" data-keep-theme>{_esc(deck.name)}</a>'
                    f'</td><td class="num">{len(deck.cards)}</td><td class="num">{faces[deck.id]}</td>'
                    + "".join(f'<td class="num opt">{counts[t]}</td>' for t in CARD_TYPES) + "</tr>")
    head = ('<tr><th>Deck</th><th class="num">Cards</th><th class="num">Anki cards</th>'
            + "".join(f'<th class="num opt">{t}</th>' for t in CARD_TYPES) + "</tr>")
    chart = _chart("Cards per deck", [(d.name.rsplit("::", 1)[-1],
                                       {t: sum(1 for c in d.cards if c.type == t) for t in CARD_TYPES})
                                      for d in decks])
    body = ("<h1>deckforge preview</h1><p>Every card rendered through the same templates and "
            "stylesheet as the .apkg files. Open a deck to see its cards.</p>"
            '<div class="pv-controls"><button type="button" id="pv-theme">Dark mode</button></div>'
            f'<table class="pv-decks"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
            f'<section class="pv-stats">{_legend()}{chart}</section>')
    return _page("deckforge preview", body, note_type_for("basic").css)


def preview_files(project: Project) -> tuple[dict[str, bytes], int]:
    """Every file of the preview site of ``project`` (by path relative to the output folder),
    and how many Anki cards it shows."""
    base = project.root.parent
    files: dict[str, bytes] = {MARKER: b"written by deckforge preview; the folder is replaced on "
                                        b"each run\n"}
    faces: dict[str, int] = {}
    for deck in project.decks:
        notes = [preview_note(card) for card in deck.cards]
        faces[deck.id] = sum(len(n.faces) for n in notes)
        files[f"{deck.id}/index.html"] = deck_page(deck, notes, base).encode("utf-8")
        for card in deck.cards:
            for _, media in card.media:
                files[f"{deck.id}/{media.name}"] = media.data
    files["index.html"] = index_page(project.decks, faces).encode("utf-8")
    return files, sum(faces.values())


def write_preview(project: Project, out: Path) -> PreviewResult:
    """Write the preview site of ``project`` into ``out``, replacing an earlier preview there.

    Raises DeckforgeErrors if ``out`` holds anything that is not an earlier preview.
    """
    files, faces = preview_files(project)
    out = out.absolute()
    replace_site(out, files, MARKER, "preview", "the preview")
    notes = sum(len(d.cards) for d in project.decks)
    return PreviewResult(out=out, decks=len(project.decks), notes=notes, faces=faces,
                         files=tuple(sorted(files)))
