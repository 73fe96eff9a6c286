"""In headless Chromium, on the HTML the real Anki engine renders: exam items answered on the
card (choose one, choose two, ordering, matching), the pick carried over the flip both ways
(Anki desktop's one page; a new page as other clients load the back), on a phone and a desktop,
light and dark, and the items reading as plain questions without JavaScript.

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it); skipped only without it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from browsers import BROWSER_MARKS
from helpers import ITEMS, collection, env_with_epoch, import_apkg, make_deck, run

pytestmark = BROWSER_MARKS


# The reviewer's way of showing a side (tests/preview/test_browser.py explains it).
REVIEWER_SHOW = """html => {
  const qa = document.getElementById('qa');
  qa.innerHTML = html;
  for (const old of [...qa.getElementsByTagName('script')]) {
    const fresh = document.createElement('script');
    fresh.textContent = old.textContent;
    old.replaceWith(fresh);
  }
}"""

# What the back shows: picked and correct options, the verdict, the learner's order and matches.
BACK = """() => {
  const text = el => el ? el.textContent.replace('✓', '').replace(/\\s+/g, ' ').trim() : null;
  const verdict = document.querySelector('.verdict');
  return {
    verdict: verdict ? verdict.textContent : null,
    picked: [...document.querySelectorAll('li.choice.picked .choice-text')].map(text),
    correct: [...document.querySelectorAll('li.choice.correct .choice-text')].map(text),
    yourOrder: [...document.querySelectorAll('.your-order li')].map(li => [text(li), li.className]),
    pairs: [...document.querySelectorAll('li.pair-key')].map(li => li.className),
    yours: [...document.querySelectorAll('li.pair-key .yours')].map(text),
  };
}"""

SIZES = """sel => [...document.querySelectorAll(sel)].map(e => {
  const r = e.getBoundingClientRect(); return [r.width, r.height]; })"""


@pytest.fixture(scope="module")
def sides(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """card id -> (question, answer) as the real Anki engine renders the built deck."""
    root = tmp_path_factory.mktemp("answer")
    make_deck(root, "items", {"items.yaml": ITEMS})
    result = run(root, "build", env=env_with_epoch(1_800_000_000))
    assert result.exit_code == 0, result.output
    out = {}
    with collection(root / "col") as col:
        assert import_apkg(col, root / "dist" / "items.apkg").new == 4
        for cid in col.find_cards(""):
            card = col.get_card(cid)
            question = card.note()["Question"]
            key = next(k for k, word in (("one", "metric"), ("two", "two cut"), ("order", "release"),
                                         ("match", "service")) if word in question)
            out[key] = (card.question(), card.answer())
    return out


class Review:
    """One card studied in a browser: the front shown, answered, then the back shown either
    in the same page (Anki desktop) or as a new page of the same origin (AnkiDroid, AnkiMobile)."""

    def __init__(self, browser: Any, html: tuple[str, str], reviewer: bool, width: int = 1280,
                 dark: bool = False, javascript: bool = True) -> None:
        self.context = browser.new_context(java_script_enabled=javascript,
                                           viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("dialog", lambda d: (self.problems.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        body = "card nightMode" if dark else "card"
        wrap = f'<!doctype html><html><head><meta name="viewport" content="width=device-width">' \
               f'</head><body class="{body}">{{}}</body></html>'
        self.pages = {"front": wrap.format(html[0]), "back": wrap.format(html[1])}
        self.page.route("https://card.test/*", lambda route: route.fulfill(
            content_type="text/html; charset=utf-8", body=self.pages[route.request.url.rsplit("/", 1)[1]]))
        self.reviewer = reviewer
        if reviewer:
            self.page.goto("https://card.test/front")
            self.page.evaluate("() => { document.body.innerHTML = '<div id=\"qa\"></div>'; }")
            self.page.evaluate(REVIEWER_SHOW, html[0])
            self.html = html
        else:
            self.page.goto("https://card.test/front")

    def tap(self, text: str) -> None:
        self.page.locator("li.choice, li.step", has_text=text).first.click()

    def flip(self) -> dict[str, Any]:
        if self.reviewer:
            self.page.evaluate(REVIEWER_SHOW, self.html[1])
        else:
            self.page.goto("https://card.test/back")
        shown: dict[str, Any] = self.page.evaluate(BACK)
        return shown

    def close(self) -> None:
        self.context.close()
        assert self.problems == []


WAYS = pytest.mark.parametrize("reviewer", [False, True], ids=["new-page", "desktop-reviewer"])


@WAYS
def test_choose_one_right_and_wrong(sides: dict[str, tuple[str, str]], browser: object,
                                    reviewer: bool) -> None:
    r = Review(browser, sides["one"], reviewer)
    r.tap("Accuracy")
    r.tap("PSI")  # a second tap on a single-answer item moves the pick
    back = r.flip()
    assert back["verdict"] == "Correct" and back["picked"] == ["PSI"] and back["correct"] == ["PSI"]
    r.close()
    r = Review(browser, sides["one"], reviewer)
    r.tap("Latency")
    back = r.flip()
    assert back["verdict"] == "Incorrect" and back["picked"] == ["Latency"]
    assert r.page.locator("li.choice.picked .why").count() == 0  # Latency has no why
    assert "Needs labels" in r.page.inner_text("ol.choices")  # each option's why on the back
    r.close()


@WAYS
def test_choose_two_partly_and_fully(sides: dict[str, tuple[str, str]], browser: object,
                                     reviewer: bool) -> None:
    r = Review(browser, sides["two"], reviewer)
    assert "Choose two." in r.page.inner_text(".question")
    r.tap("Retrain only on drift")
    r.tap("Double the instances")
    back = r.flip()
    assert back["verdict"] == "Partly correct (1 of 2)"
    assert sorted(back["picked"]) == ["Double the instances", "Retrain only on drift"]
    r.close()
    r = Review(browser, sides["two"], reviewer)
    r.tap("Retrain daily")
    r.tap("Retrain only on drift")
    r.tap("Sample the data")  # a third pick on a choose-two item: the oldest gives way
    back = r.flip()
    assert back["verdict"] == "Correct" and len(back["picked"]) == 2
    r.close()


@WAYS
def test_nothing_picked_shows_the_key_without_a_verdict(sides: dict[str, tuple[str, str]],
                                                        browser: object, reviewer: bool) -> None:
    for key in ("one", "order", "match"):
        r = Review(browser, sides[key], reviewer)
        back = r.flip()
        assert back["verdict"] is None and back["picked"] == [] and back["yourOrder"] == []
        r.close()


@WAYS
def test_keys_one_to_nine_pick_by_shown_position(sides: dict[str, tuple[str, str]], browser: object,
                                                 reviewer: bool) -> None:
    r = Review(browser, sides["two"], reviewer)
    shown = r.page.eval_on_selector_all("li.choice .choice-text",
                                        "els => els.map(e => e.textContent.trim().split('\\n')[0])")
    r.page.keyboard.press("1")
    r.page.keyboard.press("3")
    back = r.flip()
    assert sorted(back["picked"])[0].split(":")[0] in {shown[0].split(":")[0], shown[2].split(":")[0]}
    assert len(back["picked"]) == 2
    r.close()


@WAYS
def test_ordering_tapped_in_sequence_with_undo(sides: dict[str, tuple[str, str]], browser: object,
                                               reviewer: bool) -> None:
    r = Review(browser, sides["order"], reviewer)
    for step in ("Collect data", "Evaluate model", "Train model"):
        r.tap(step)
    r.tap("Evaluate model")  # tap again to undo
    assert r.page.inner_text("li.step.picked >> nth=0")
    for step in ("Evaluate model", "Deploy canary"):
        r.tap(step)
    back = r.flip()
    assert back["verdict"] == "Correct", back
    r.close()
    r = Review(browser, sides["order"], reviewer)
    for step in ("Collect data", "Evaluate model", "Train model", "Deploy canary"):
        r.tap(step)
    back = r.flip()
    assert back["verdict"] == "Partly correct (2 of 4: positions 1 and 4)"
    assert [c for _, c in back["yourOrder"]] == ["your-step correct", "your-step wrong",
                                                 "your-step wrong", "your-step correct"]
    r.close()


@WAYS
def test_matching_picks_a_right_item_per_left_item(sides: dict[str, tuple[str, str]],
                                                   browser: object, reviewer: bool) -> None:
    r = Review(browser, sides["match"], reviewer)
    letters = dict(r.page.eval_on_selector_all(
        "li.right", "els => els.map(e => [e.querySelector('.right-text').textContent, "
                    "e.querySelector('.letter').textContent])"))
    rows = r.page.locator("li.left")
    for i, right in enumerate(("Object storage", "Orchestration", "ETL jobs")):
        rows.nth(i).locator("button.match-pick", has_text=letters[right]).click()
    back = r.flip()
    assert back["verdict"] == "Partly correct (1 of 3: pairs 1)"
    assert back["pairs"] == ["pair-key picked correct", "pair-key picked wrong", "pair-key picked wrong"]
    assert back["yours"] == ["you: Orchestration", "you: ETL jobs"]
    r.close()
    r = Review(browser, sides["match"], reviewer)
    letters = dict(r.page.eval_on_selector_all(
        "li.right", "els => els.map(e => [e.querySelector('.right-text').textContent, "
                    "e.querySelector('.letter').textContent])"))
    order = r.page.eval_on_selector_all("li.right .right-text", "els => els.map(e => e.textContent)")
    for right in ("Object storage", "ETL jobs", "Orchestration"):  # keys: the first unmatched row
        r.page.keyboard.press(str(order.index(right) + 1))
    assert letters
    assert r.flip()["verdict"] == "Correct"
    r.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("width", [375, 1280])
def test_items_fit_and_targets_are_big_enough(sides: dict[str, tuple[str, str]], browser: object,
                                              width: int, dark: bool) -> None:
    for key in ("one", "two", "order", "match"):
        r = Review(browser, sides[key], False, width=width, dark=dark)
        page = r.page
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, key
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert bg == ("rgb(30, 33, 39)" if dark else "rgb(253, 253, 252)")
        if width == 375:
            for w, h in page.evaluate(SIZES, "li.choice, li.step, button.match-pick"):
                assert w >= 44 and h >= 44, (key, w, h)
        if key == "two":
            # Code keeps its indentation and scrolls sideways inside its block, in monospace.
            pre = page.evaluate("""() => { const p = document.querySelector('pre');
              const s = getComputedStyle(p); return [s.whiteSpace, s.fontFamily, s.overflowX,
              p.scrollWidth > p.clientWidth, p.textContent]; }""")
            assert pre[0] == "pre" and "mono" in pre[1].lower() and pre[2] == "auto"
            assert pre[3]  # the long line scrolls inside the block; the page does not
            assert "\n    df = df.head(1000)" in pre[4]
            # The option holding the code stays beside its letter.
            tops = page.evaluate("""() => { const li = [...document.querySelectorAll('li.choice')]
              .find(l => l.querySelector('pre')); return [li.querySelector('.letter')
              .getBoundingClientRect().top, li.querySelector('.choice-text').getBoundingClientRect().top]; }""")
            assert abs(tops[0] - tops[1]) < 20, tops
            assert page.locator("details.case table").count() == 1
            assert page.locator("details.case[open]").count() == 1
            page.click("details.case > summary")  # folds away on a tap
            assert page.locator("details.case[open]").count() == 0
        r.flip()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width, key
        r.close()


def test_items_without_javascript_read_as_plain_questions(sides: dict[str, tuple[str, str]],
                                                          browser: object) -> None:
    r = Review(browser, sides["order"], False, javascript=False)
    shown = r.page.eval_on_selector_all("li.step .step-text", "els => els.map(e => e.textContent)")
    assert sorted(shown) == sorted(["Collect data", "Train model", "Evaluate model", "Deploy canary"])
    assert shown != ["Collect data", "Train model", "Evaluate model", "Deploy canary"]  # no key given away
    r.flip()
    assert r.page.locator(".verdict").count() == 0
    assert "Correct order" in r.page.inner_text("body")
    r.close()
    r = Review(browser, sides["match"], False, javascript=False)
    assert r.page.locator("button").count() == 0
    rights = r.page.eval_on_selector_all("li.right .right-text", "els => els.map(e => e.textContent)")
    assert rights != ["Object storage", "ETL jobs", "Orchestration"]
    r.close()


def test_front_and_back_agree_on_the_options_shown(sides: dict[str, tuple[str, str]],
                                                   browser: object) -> None:
    r = Review(browser, sides["two"], True)
    front = r.page.eval_on_selector_all("li.choice .letter", "els => els.map(e => e.parentNode"
                                        ".querySelector('.choice-text').textContent.trim())")
    r.flip()
    back = r.page.eval_on_selector_all("li.choice .choice-text", "els => els.map(e => e.textContent"
                                       ".replace('✓', '').trim())")
    assert front == back
    r.close()


def test_the_preview_answers_items_as_anki_would(tmp_path: Path, browser: Any) -> None:
    """The preview shows each card's front and back on one page: picking on the front fills in
    the back beside it, with the verdict."""
    make_deck(tmp_path, "items", {"items.yaml": ITEMS})
    result = run(tmp_path, "preview", "--out", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto((tmp_path / "site" / "items" / "index.html").as_uri())
    note = page.locator("#card-two")
    assert note.locator(".verdict").count() == 0
    note.locator(".pv-front li.choice", has_text="Retrain only on drift").click()
    assert note.locator(".pv-back .verdict").inner_text() == "Partly correct (1 of 2)"
    note.locator(".pv-front li.choice", has_text="Sample the data").click()
    assert note.locator(".pv-back .verdict").inner_text() == "Correct"
    assert note.locator(".pv-back li.choice.picked").count() == 2
    order = page.locator("#card-order")
    for step in ("Train model", "Collect data", "Evaluate model", "Deploy canary"):
        order.locator(".pv-front li.step", has_text=step).click()
    assert order.locator(".pv-back .verdict").inner_text() == "Partly correct (2 of 4: positions 3 and 4)"
    order.locator(".pv-front li.step", has_text="Deploy canary").click()  # undo: shown afresh
    assert order.locator(".pv-back .your-order-box").count() == 1
    assert order.locator(".pv-back .your-order li").count() == 3
    match = page.locator("#card-match")
    match.locator(".pv-front li.left").nth(0).locator("button.match-pick").nth(0).click()
    assert match.locator(".pv-back .verdict").count() == 1
    page.close()
    assert problems == []
