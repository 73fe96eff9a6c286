"""In headless Chromium: the preview site (phone and desktop, light and dark, nothing overflows)
and choice cards as the real Anki engine renders them (options shuffled by the note type's script).

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it); skipped only without it.
Screenshots go into the test's tmp_path (pytest prints where on failure).
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from browsers import BROWSER_MARKS
from helpers import ROOT, SAMPLE_TEXTS, collection, env_with_epoch, import_apkg, make_deck, make_sample_deck, run

pytestmark = BROWSER_MARKS

LIGHT_BG, DARK_BG = "rgb(253, 253, 252)", "rgb(30, 33, 39)"

# Facts about the page, measured in the browser.
MEASURE = """() => {
  const faces = [...document.querySelectorAll('.pv-face > .card')];
  return {
    scrollWidth: document.scrollingElement.scrollWidth,
    innerWidth: window.innerWidth,
    faces: faces.length,
    emptyFaces: faces.filter(f => !f.innerText.trim() || f.getBoundingClientRect().width === 0)
                     .map(f => f.closest('.pv-note').id),
    overflowingFaces: faces.filter(f => f.scrollWidth > f.clientWidth + 1)
                           .map(f => f.closest('.pv-note').id),
    brokenImages: [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
                                      .map(i => i.getAttribute('src')),
    images: document.images.length,
    backgrounds: [...new Set(faces.map(f => getComputedStyle(f).backgroundColor))],
    nightMode: faces.filter(f => f.classList.contains('nightMode')).length,
    text: document.body.innerText,
  };
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    make_sample_deck(root)
    result = run(root, "preview", "--out", str(root / "site"))
    assert result.exit_code == 0, result.output
    return root / "site"


def _open(browser: object, url: str, width: int) -> object:
    page = browser.new_page(viewport={"width": width, "height": 800})  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_deck_page_fits_and_shows_every_card(site: Path, browser: object, tmp_path: Path,
                                             width: int, theme: str) -> None:
    url = (site / "sample" / "index.html").as_uri() + ("?theme=dark" if theme == "dark" else "")
    page = _open(browser, url, width)
    page.screenshot(path=str(tmp_path / f"sample-{width}-{theme}.png"), full_page=True)  # type: ignore[attr-defined]
    m = page.evaluate(MEASURE)  # type: ignore[attr-defined]
    assert m["scrollWidth"] <= m["innerWidth"], f"page scrolls sideways at {width}px"
    assert m["faces"] == 30
    assert m["emptyFaces"] == []
    assert m["overflowingFaces"] == []
    assert m["images"] == 11 and m["brokenImages"] == []
    for card_id, text in SAMPLE_TEXTS.items():
        assert text in m["text"], card_id
    assert m["backgrounds"] == [DARK_BG if theme == "dark" else LIGHT_BG]
    assert m["nightMode"] == (30 if theme == "dark" else 0)
    page.close()  # type: ignore[attr-defined]


def test_index_page_fits_on_a_phone(site: Path, browser: object, tmp_path: Path) -> None:
    page = _open(browser, (site / "index.html").as_uri() + "?theme=dark", 375)
    page.screenshot(path=str(tmp_path / "index-375-dark.png"), full_page=True)  # type: ignore[attr-defined]
    m = page.evaluate(MEASURE)  # type: ignore[attr-defined]
    assert m["scrollWidth"] <= m["innerWidth"]
    assert "Sample::Deck" in m["text"]
    # The deck link keeps the theme.
    href = page.get_attribute("a[data-keep-theme]", "href")  # type: ignore[attr-defined]
    assert href.endswith("sample/index.html?theme=dark")
    page.close()  # type: ignore[attr-defined]


def test_search_filters_by_text_and_tag(site: Path, browser: object) -> None:
    page = _open(browser, (site / "sample" / "index.html").as_uri(), 1280)

    def visible() -> list[str]:
        return page.evaluate(  # type: ignore[no-any-return, attr-defined]
            "[...document.querySelectorAll('.pv-note:not(.pv-hidden)')].map(n => n.id)")

    page.fill("#pv-q", "drift")  # type: ignore[attr-defined]
    assert visible() == ["card-basic-image", "card-choice-multi"]
    page.fill("#pv-q", "tag:domain")  # type: ignore[attr-defined]
    # domain::imaging (3) + domain::monitoring (2); the library card has only its library's tags
    assert len(visible()) == 5
    page.click(".pv-tag[data-tag='pair']")  # type: ignore[attr-defined]
    assert visible() == ["card-reversible-long"]
    assert page.inner_text("#pv-count") == "1 of 11 cards"  # type: ignore[attr-defined]
    page.fill("#pv-q", "no such words")  # type: ignore[attr-defined]
    assert visible() == []
    page.close()  # type: ignore[attr-defined]


@pytest.mark.slow
def test_shipped_decks_fit_on_a_phone(browser: object, tmp_path: Path) -> None:
    root = ROOT
    out = tmp_path / "site"
    result = run(tmp_path, "--decks", str(root / "decks"), "preview", "--out", str(out))
    assert result.exit_code == 0, result.output
    for page_path in sorted(out.glob("*/index.html")):
        page = _open(browser, page_path.as_uri() + "?theme=dark", 375)
        m = page.evaluate(MEASURE)  # type: ignore[attr-defined]
        assert m["scrollWidth"] <= m["innerWidth"], page_path.parent.name
        assert m["emptyFaces"] == [] and m["overflowingFaces"] == [], page_path.parent.name
        page.close()  # type: ignore[attr-defined]


WIDE = """
cases:
  wide:
    title: Wide
    text: |
      | Region | Endpoint |
      |--------|----------|
      | eu | https://an-account-name.services.example.com/api/projects/a-project-name/evaluations |
cards:
  - id: wide
    type: choice
    case: wide
    question: |
      Which line fails?

      ```python
      client = ProjectClient(endpoint="https://an-account.example.com/api/projects/a-project", credential=cred)
      ```
    choices: [The first, The second]
    answer: 0
    notes: "Endpoint format: https://<account_name>.services.example.com/api/projects/<project_name>/runs/<run_name>."
"""


def test_long_notes_code_and_tables_fit_on_a_phone(browser: object, tmp_path: Path) -> None:
    """A maintainer's note holding a long URL wraps; a long code line scrolls inside its own box;
    a wide case table stays inside its card; the page itself never scrolls sideways."""
    make_deck(tmp_path, "wide", {"wide.yaml": WIDE})
    out = tmp_path / "site"
    result = run(tmp_path, "preview", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = _open(browser, (out / "wide" / "index.html").as_uri(), 375)
    m = page.evaluate(MEASURE)  # type: ignore[attr-defined]
    assert m["scrollWidth"] <= m["innerWidth"]
    assert m["emptyFaces"] == [] and m["overflowingFaces"] == []
    assert "https://<account_name>.services.example.com/api/projects/<project_name>/runs/<run_name>." in m["text"]
    boxes = ("() => [...document.querySelectorAll('.pv-face pre')]"
             ".map(p => [getComputedStyle(p).overflowX, p.scrollWidth > p.clientWidth])")
    scrolls = page.evaluate(boxes)  # type: ignore[attr-defined]
    assert scrolls and all(s == ["auto", True] for s in scrolls)  # every face's code block
    page.close()  # type: ignore[attr-defined]


# --- Choice cards: the note type's script shuffles options each study day ----------------------

SHUFFLE_CARDS = """
cards:
  - id: multi
    type: choice
    question: Which **two** are drift signals?
    choices: [PSI above threshold, More GPUs, "`KL` divergence rising", Bigger batch, Dropout]
    answer: [0, 2]
    explanation: Both compare input distributions.
  - id: steps
    type: choice
    question: Which step comes third?
    choices: [Collect, Clean, Train, Deploy]
    answer: 2
    shuffle: false
  - id: hostile
    type: choice
    question: '</script><script>alert(1)</script> Which is live?'
    choices: ['<img src=x onerror=alert(2)>', '<script>alert(3)</script>', '</ol><b onclick=x()>b</b>']
    answer: 1
"""
WRITTEN = {"multi": ["PSI above threshold", "More GPUs", "KL divergence rising", "Bigger batch",
                     "Dropout"],
           "steps": ["Collect", "Clean", "Train", "Deploy"],
           "hostile": ["<img src=x onerror=alert(2)>", "<script>alert(3)</script>",
                       "</ol><b onclick=x()>b</b>"]}
RIGHT = {"multi": {"PSI above threshold", "KL divergence rising"}, "steps": {"Train"},
         "hostile": {"<script>alert(3)</script>"}}

# What a learner sees of a choice card: each option's letter, text and mark, and the answer line.
SHOWN = """() => {
  const items = [...document.querySelectorAll('ol.choices > li')];
  const answer = document.querySelector('.answer-letters');
  return {
    letters: items.map(li => li.querySelector('.letter').textContent),
    texts: items.map(li => [...li.querySelector('.choice-text').childNodes]
                             .filter(n => !(n.classList && n.classList.contains('mark')))
                             .map(n => n.textContent).join('').trim()),
    correct: items.map(li => li.classList.contains('correct')),
    ticked: items.map(li => !!li.querySelector('.mark')),
    answer: answer ? answer.textContent : null,
  };
}"""

# How Anki desktop's reviewer shows a side: it sets the card's HTML as the innerHTML of #qa,
# then replaces each <script> with a fresh copy so it runs (innerHTML alone runs none). The
# question's DOM is replaced by the answer's in the same page.
REVIEWER_SHOW = """html => {
  const qa = document.getElementById('qa');
  qa.innerHTML = html;
  for (const old of [...qa.getElementsByTagName('script')]) {
    const fresh = document.createElement('script');
    fresh.textContent = old.textContent;
    old.replaceWith(fresh);
  }
}"""


@pytest.fixture(scope="module")
def anki_sides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """card id -> (question, answer) HTML as the real Anki engine renders the built deck."""
    root = tmp_path_factory.mktemp("shuffle")
    make_deck(root, "shuffle", {"cards.yaml": SHUFFLE_CARDS})
    result = run(root, "build", env=env_with_epoch(1_800_000_000))
    assert result.exit_code == 0, result.output
    sides = {}
    with collection(root / "col") as col:
        assert import_apkg(col, root / "dist" / "shuffle.apkg").new == 3
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            question = card.note()["Question"]
            key = "steps" if "third" in question else "hostile" if "live" in question else "multi"
            sides[key] = (card.question(), card.answer())
    return sides


def _local(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2027, 3, day, hour)


def _study(browser: object, html: tuple[str, str], when: datetime.datetime,
           javascript: bool = True, reviewer: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the front and the back of a card show at local time ``when`` (in Auckland, far from
    UTC, so the script must go by the local date), as a page of its own (AnkiDroid, AnkiMobile)
    or through Anki desktop's reviewer."""
    context = browser.new_context(  # type: ignore[attr-defined]
        java_script_enabled=javascript, timezone_id="Pacific/Auckland")
    page = context.new_page()
    # Nothing may open a dialog (card text turned into script) or throw (the script failing).
    problems: list[str] = []
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    page.clock.set_fixed_time(when.replace(tzinfo=ZoneInfo("Pacific/Auckland")))
    sides = []
    if reviewer:
        page.set_content('<html><body><div id="qa"></div></body></html>')
    for side in html:
        if reviewer:
            page.evaluate(REVIEWER_SHOW, side)
        else:
            page.set_content(side)
        sides.append(page.evaluate(SHOWN))
    context.close()
    assert problems == []
    return sides[0], sides[1]


def _check_marked(card_id: str, front: dict[str, Any], back: dict[str, Any]) -> None:
    """The back shows the front's order, lettered A, B, ... with the right options marked and
    named by their shown letters."""
    n = len(WRITTEN[card_id])
    assert front["letters"] == back["letters"] == list("ABCDEFGH"[:n])
    assert back["texts"] == front["texts"]
    assert sorted(front["texts"]) == sorted(WRITTEN[card_id])
    right = [text in RIGHT[card_id] for text in back["texts"]]
    assert back["correct"] == back["ticked"] == right
    assert not any(front["correct"]) and not any(front["ticked"])
    assert back["answer"] == ", ".join(letter for letter, r in zip(back["letters"], right, strict=True) if r)


@pytest.mark.parametrize("reviewer", [False, True], ids=["page", "desktop-reviewer"])
def test_choice_options_change_order_from_day_to_day(
        anki_sides: dict[str, tuple[str, str]], browser: object, reviewer: bool) -> None:
    orders = []
    for day in range(1, 8):
        front, back = _study(browser, anki_sides["multi"], _local(day), reviewer=reviewer)
        _check_marked("multi", front, back)
        orders.append(tuple(front["texts"]))
    assert len(set(orders)) >= 5, orders
    # What the learner must not be able to remember: where the right option sits.
    assert len({order.index("PSI above threshold") for order in orders}) >= 3, orders


@pytest.mark.parametrize("reviewer", [False, True], ids=["page", "desktop-reviewer"])
def test_choice_card_text_stays_text_while_shuffled(
        anki_sides: dict[str, tuple[str, str]], browser: object, reviewer: bool) -> None:
    """Markup in the question and options shows as typed and runs nothing (``_study`` fails on
    any dialog or script error), and the shuffle still moves and marks the options."""
    orders = set()
    for day in range(1, 5):
        front, back = _study(browser, anki_sides["hostile"], _local(day), reviewer=reviewer)
        _check_marked("hostile", front, back)
        orders.add(tuple(front["texts"]))
    assert len(orders) >= 2


def test_choice_order_holds_for_a_study_day(anki_sides: dict[str, tuple[str, str]],
                                            browser: object) -> None:
    """Anki's day starts at 4 am: morning, night and past midnight show one order."""
    seen = {when: _study(browser, anki_sides["multi"], when)[0]["texts"]
            for when in (_local(3, 5), _local(3, 23), _local(4, 3), _local(4, 5))}
    morning, night, after_midnight, next_day = seen.values()
    assert morning == night == after_midnight
    assert next_day != morning


def test_choice_without_javascript_shows_the_written_order(
        anki_sides: dict[str, tuple[str, str]], browser: object) -> None:
    front, back = _study(browser, anki_sides["multi"], _local(1), javascript=False)
    assert front["texts"] == back["texts"] == WRITTEN["multi"]
    _check_marked("multi", front, back)
    assert back["answer"] == "A, C"


@pytest.mark.parametrize("reviewer", [False, True], ids=["page", "desktop-reviewer"])
def test_choice_card_that_opts_out_keeps_the_written_order(
        anki_sides: dict[str, tuple[str, str]], browser: object, reviewer: bool) -> None:
    for day in range(1, 8):
        front, back = _study(browser, anki_sides["steps"], _local(day), reviewer=reviewer)
        assert front["texts"] == back["texts"] == WRITTEN["steps"]
        _check_marked("steps", front, back)
        assert back["answer"] == "C"


def test_preview_faces_of_a_choice_card_agree(site: Path, browser: object) -> None:
    """The preview holds every card side on one page: each is shuffled once, front as back."""
    page = _open(browser, (site / "sample" / "index.html").as_uri(), 1280)
    faces = page.evaluate(  # type: ignore[attr-defined]
        """id => [...document.getElementById(id).querySelectorAll('ol.choices')]
                 .map(ol => [...ol.querySelectorAll('.choice-text')]
                            .map(t => t.textContent.replace('✓', '').trim()))""",
        "card-choice-multi")
    page.close()  # type: ignore[attr-defined]
    assert len(faces) == 2 and faces[0] == faces[1]
    assert sorted(faces[0]) == sorted(["PSI above threshold", "More GPUs", "KL divergence rising",
                                       "Bigger batch"])
