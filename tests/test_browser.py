"""The preview site in headless Chromium: phone and desktop, light and dark, nothing overflows.

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it); skipped only without it.
Screenshots go into the test's tmp_path (pytest prints where on failure).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import SAMPLE_TEXTS, make_sample_deck, run

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]

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


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


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
    assert m["faces"] == 24
    assert m["emptyFaces"] == []
    assert m["overflowingFaces"] == []
    assert m["images"] == 11 and m["brokenImages"] == []
    for card_id, text in SAMPLE_TEXTS.items():
        assert text in m["text"], card_id
    assert m["backgrounds"] == [DARK_BG if theme == "dark" else LIGHT_BG]
    assert m["nightMode"] == (24 if theme == "dark" else 0)
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
    assert len(visible()) == 6  # domain::imaging (4 incl. the library card) + domain::monitoring
    page.click(".pv-tag[data-tag='pair']")  # type: ignore[attr-defined]
    assert visible() == ["card-reversible-long"]
    assert page.inner_text("#pv-count") == "1 of 8 cards"  # type: ignore[attr-defined]
    page.fill("#pv-q", "no such words")  # type: ignore[attr-defined]
    assert visible() == []
    page.close()  # type: ignore[attr-defined]


@pytest.mark.slow
def test_shipped_decks_fit_on_a_phone(browser: object, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "site"
    result = run(tmp_path, "--decks", str(root / "decks"), "preview", "--out", str(out))
    assert result.exit_code == 0, result.output
    for page_path in sorted(out.glob("*/index.html")):
        page = _open(browser, page_path.as_uri() + "?theme=dark", 375)
        m = page.evaluate(MEASURE)  # type: ignore[attr-defined]
        assert m["scrollWidth"] <= m["innerWidth"], page_path.parent.name
        assert m["emptyFaces"] == [] and m["overflowingFaces"] == [], page_path.parent.name
        page.close()  # type: ignore[attr-defined]
