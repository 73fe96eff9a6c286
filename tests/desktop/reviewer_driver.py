"""Drive the real Anki desktop reviewer (aqt, Qt WebEngine) headless, as a learner would.

Run as a program by tests/desktop/test_reviewer.py (Qt wants its own process):

    python reviewer_driver.py OUT.json PACKAGE.apkg...

It starts Anki on a fresh base folder (the language a new user picks on the first run already
chosen), imports each package as File > Import does, then studies: for each scenario it makes a
filtered deck of the cards it needs, opens the reviewer, reads the card's page with JavaScript,
clicks options with real mouse events in the reviewer's web view, presses keys, clicks the
bottom bar's "Show Answer" and reads the back. What it saw goes to OUT.json as data; the test
judges it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# As root, Chromium (inside Qt WebEngine) refuses to start without --no-sandbox.
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

import aqt  # noqa: E402
from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest  # noqa: E402
from aqt.profiles import ProfileManager  # noqa: E402
from aqt.qt import QApplication, QPoint, Qt  # noqa: E402
from PyQt6.QtTest import QTest  # noqa: E402

TIMEOUT = 30.0


def pump(seconds: float) -> None:
    end = time.time() + seconds
    while time.time() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def wait_for(check: Any, what: str) -> Any:
    end = time.time() + TIMEOUT
    while time.time() < end:
        value = check()
        if value:
            return value
        pump(0.05)
    raise TimeoutError(what)


def js(web: Any, code: str) -> Any:
    """Run ``code`` (an expression) in a web view's page and return its JSON value (asked
    again while the reviewer is still replacing its page, which drops the answer)."""
    end = time.time() + TIMEOUT
    while time.time() < end:
        box: list[Any] = []
        web.page().runJavaScript(f"JSON.stringify(({code}))", box.append)
        until = time.time() + 2
        while not box and time.time() < until:
            pump(0.02)
        if box:
            return json.loads(box[0]) if box[0] is not None else None
    raise TimeoutError(f"javascript: {code[:60]}")


def click(web: Any, selector: str, index: int = 0) -> None:
    """A real left click on the centre of the element, through Qt's event system."""
    rect = js(web, f"""(() => {{ const el = document.querySelectorAll({json.dumps(selector)})[{index}];
        el.scrollIntoView({{block: 'center'}}); const r = el.getBoundingClientRect();
        return [r.left + r.width / 2, r.top + r.height / 2]; }})()""")
    zoom = web.zoomFactor()
    target = web.focusProxy() or web
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(int(rect[0] * zoom), int(rect[1] * zoom)))
    pump(0.2)


def key(web: Any, name: str) -> None:
    target = web.focusProxy() or web
    QTest.keyClick(target, getattr(Qt.Key, f"Key_{name}"))
    pump(0.2)


FRONT = """(() => {
  const t = el => el.textContent.replace('✓', '').replace(/\\s+/g, ' ').trim();
  const q = document.querySelector('.question');
  return {
    question: q ? q.textContent : null,
    kind: (document.querySelector('.df') || {className: ''}).className,
    options: [...document.querySelectorAll('li.choice .choice-text, li.step .step-text, li.right .right-text')].map(t),
    letters: [...document.querySelectorAll('li.choice .letter, li.step .letter, li.right .letter')].map(t),
    picked: [...document.querySelectorAll('li.picked .choice-text, li.picked .step-text')].map(t),
    matchPicked: [...document.querySelectorAll('button.match-pick.picked')].length,
    back: !!document.querySelector('hr#answer'),
    verdict: (document.querySelector('.verdict') || {textContent: null}).textContent,
    correct: [...document.querySelectorAll('li.choice.correct .choice-text')].map(t),
    answer: (document.querySelector('.answer-letters') || {textContent: null}).textContent,
    shuffleScript: typeof window.deckforgeAnswer,
  };
})()"""


def start(base: str) -> Any:
    pm = ProfileManager(ProfileManager.get_created_base_folder(base))
    pm.setupMeta()
    pm.setLang("en_US")  # the first run's language dialog, answered
    pm.create("User 1")
    pm.db.close()
    aqt._run(["anki", "-b", base, "--safemode"], exec=False)
    mw = aqt.mw
    wait_for(lambda: mw.col is not None and mw.state == "deckBrowser", "main window")
    mw.resize(1100, 900)
    mw.show()
    return mw


def study(mw: Any, name: str, search: str, limit: int) -> None:
    """A filtered deck of the cards of ``search``, opened in the reviewer."""
    col = mw.col
    did = col.decks.new_filtered(name)
    deck = col.decks.get(did)
    deck["terms"] = [[search, limit, 0]]
    col.decks.save(deck)
    col.sched.rebuild_filtered_deck(did)
    col.decks.select(did)
    pump(0.5)  # let the deck list finish drawing: its page would replace the reviewer's
    mw.moveToState("review")
    wait_for(lambda: mw.state == "review" and mw.reviewer.card is not None, "reviewer")


def shown(mw: Any, back: bool) -> dict[str, Any]:
    web = mw.reviewer.web
    try:
        wait_for(lambda: js(web, "!!document.querySelector('.df') && "
                                f"{'!!' if back else '!'}document.querySelector('hr#answer')"), "card side")
    except TimeoutError:
        print(mw.state, mw.reviewer.state, js(web, "document.body.innerHTML.slice(0, 3000)"), file=sys.stderr)
        raise
    pump(0.3)
    side: dict[str, Any] = js(web, FRONT)
    side["card"] = mw.reviewer.card.id
    return side


def show_answer(mw: Any) -> None:
    click(mw.reviewer.bottom.web, "#ansbut")
    wait_for(lambda: mw.reviewer.state == "answer", "answer shown")


def good(mw: Any) -> None:
    click(mw.reviewer.bottom.web, "button[data-ease='3']")


def main(out: str, packages: list[str]) -> None:
    mw = start(tempfile.mkdtemp(prefix="anki-base-"))
    col = mw.col
    for path in packages:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=path, options=ImportAnkiPackageOptions(with_scheduling=False)))
    mw.reset()
    pump(1.0)
    result: dict[str, Any] = {"zoom": mw.reviewer.web.zoomFactor(), "choice": [], "items": {}}

    # 1. Shipped multiple-choice cards: what each side shows, with a real click on an option.
    study(mw, "Choice check", '"note:deckforge Multiple choice" -"deck:Items"', 4)
    for _ in range(4):
        front = shown(mw, back=False)
        click(mw.reviewer.web, "li.choice", 1)
        front_after = js(mw.reviewer.web, FRONT)
        show_answer(mw)
        back = shown(mw, back=True)
        note = mw.reviewer.card.note()
        result["choice"].append({"front": front, "picked_front": front_after["picked"], "back": back,
                                 "fields": {k: note[k] for k in ("Question", "Choices")}})
        good(mw)
        wait_for(lambda: mw.reviewer.state == "question" or mw.state != "review", "next card")
    mw.moveToState("deckBrowser")

    # 2. The new item types: answered by clicks (and keys), in the same page as Anki shows both.
    for kind, search in (("choose-two", '"deck:Items" "Question:*two cut*"'),
                         ("order", '"deck:Items" "note:deckforge Ordering"'),
                         ("match", '"deck:Items" "note:deckforge Matching"')):
        study(mw, f"Items {kind}", search, 1)
        web = mw.reviewer.web
        front = shown(mw, back=False)
        record: dict[str, Any] = {"front": front}
        if kind == "choose-two":
            key(web, "1")  # Anki's own shortcut for "Again": does it reach the card?
            record["after_key_1"] = js(web, FRONT)["picked"]
            click(web, "li.choice", 0)
            click(web, "li.choice", 0)  # a second click takes the pick back
            options = front["options"]
            for text in sorted(options)[:4]:
                if text.startswith(("Retrain only on drift", "Sample the data")):
                    click(web, "li.choice", options.index(text))
        elif kind == "order":
            written = ["Collect data", "Train model", "Evaluate model", "Deploy canary"]
            for step in written:
                click(web, "li.step", front["options"].index(step))
        else:
            rights = front["options"]
            for row, right in enumerate(["Object storage", "ETL jobs", "Orchestration"]):
                click(web, f"li.left:nth-child({row + 1}) button.match-pick", rights.index(right))
        record["front_after"] = js(web, FRONT)
        show_answer(mw)
        record["back"] = shown(mw, back=True)
        result["items"][kind] = record
        good(mw)
        mw.moveToState("deckBrowser")

    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    code = 0
    try:
        main(sys.argv[1], sys.argv[2:])
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    os._exit(code)  # Qt WebEngine's shutdown can hang headless; the result is written
