"""The practice site in headless Chromium: the draw of each shipped exam, the countdown (with a
controlled clock), the scoring of every item type, the preference for unseen questions, the
report, a keyboard-only exam, no request leaving file://, a phone in light and dark mode, and
hostile card text staying inert.

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it); skipped only without it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from exam_fixture import KEYS, SECTIONS, make_exam_deck

from browsers import BROWSER_MARKS
from deckforge.cli import main
from deckforge.load.project import load_project
from helpers import ROOT, run

pytestmark = BROWSER_MARKS

SHIPPED = ("aws-ml-engineer-associate", "azure-ai-apps-agents", "databricks-ml-professional", "google-pmle")


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shipped") / "site"
    result = CliRunner().invoke(main, ["--decks", str(ROOT / "decks"), "practice", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def mock_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mock")
    make_exam_deck(root)
    result = run(root, "practice", "--out", str(root / "site"))
    assert result.exit_code == 0, result.output
    return root / "site"


class Page:
    """A fresh browser context (its own localStorage) on a practice page, recording every
    request, script error and dialog."""

    def __init__(self, browser: Any, url: str, width: int = 1280, clock: bool = False,
                 dark: bool = False) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 800},
                                           color_scheme="dark" if dark else "light")
        self.page = self.context.new_page()
        self.page.set_default_timeout(5000)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("dialog", self._dialog)
        if clock:
            self.page.clock.install(time=1_800_000_000_000)
        self.page.goto(url)

    def _route(self, route: Any) -> None:
        self.requests.append(route.request.url)
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.accept()

    def eval(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def current(self) -> tuple[str, str]:
        return self.eval("(q => [q.dataset.id, q.dataset.type])(document.querySelector("
                         "'#px-exam:not([hidden]) .px-question, #px-drill:not([hidden]) .px-question'))")

    def answer(self, right: bool) -> str:
        """Answer the question shown, rightly or (partly) wrongly, with its controls."""
        qid, kind = self.current()
        key = KEYS[qid]
        if kind in ("single", "multiple"):
            picks = key if right else ([key[0]] if kind == "multiple" else [k for k in range(5) if k not in key][:1])
            for k in picks:
                self.page.check(f".px-question input[value='{k}']")
        else:
            values = list(key)
            if not right:
                values[0], values[1] = values[1], values[0]
            for row, value in enumerate(values):
                self.page.select_option(f"[id='q-{qid}-{row}']", str(value))
        return qid

    def report_rows(self) -> dict[str, tuple[int, int]]:
        rows = self.eval("[...document.querySelectorAll('#px-sections tbody tr')]"
                         ".map(r => [r.dataset.section, r.cells[0].textContent, r.cells[1].textContent])")
        out = {}
        for section, _, cell in rows:
            got, of = (int(x) for x in cell.split(" / "))
            out[section] = (got, of)
        return out

    def reviewed(self) -> dict[str, str]:
        return dict(self.eval("[...document.querySelectorAll('.px-review')].map(a => [a.dataset.id, a.dataset.state])"))

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("deck_id", SHIPPED)
def test_a_mock_exam_of_each_shipped_deck_is_drawn_like_the_real_one(shipped_site: Path, browser: Any,
                                                                      deck_id: str) -> None:
    deck = next(d for d in load_project(ROOT / "decks").decks if d.id == deck_id)
    assert deck.exam is not None and deck.exam.format is not None
    n = deck.exam.format.questions[1]
    p = Page(browser, (shipped_site / deck_id / "index.html").as_uri() + "?seed=11")
    p.page.click("text=Start exam")
    assert p.page.inner_text("#px-count") == f"Question 1 of {n}"
    p.page.click("button:text-is('Finish')")
    assert p.dialogs == [f"{n} question(s) unanswered. Finish the exam?"]
    rows = p.report_rows()
    assert sum(of for _, of in rows.values()) == n
    mids = {s.id: (s.weight[0] + s.weight[1]) / 2 for s in deck.exam.sections}
    for section, (_, of) in rows.items():
        assert abs(of - n * mids[section] / sum(mids.values())) <= 1, (section, of)
    reviewed = p.reviewed()
    assert len(reviewed) == n and set(reviewed.values()) == {"unanswered"}  # n different questions
    assert all(u.startswith("file://") for u in p.requests), p.requests
    assert p.errors == []
    p.close()


def test_the_countdown_finishes_the_exam_at_zero(mock_site: Path, browser: Any) -> None:
    p = Page(browser, (mock_site / "mock" / "index.html").as_uri() + "?seed=3", clock=True)
    p.page.click("text=Start exam")
    assert p.page.inner_text("#px-timer") == "Time left 10:00"
    p.answer(right=True)
    p.page.clock.run_for(61_000)
    assert p.page.inner_text("#px-timer") == "Time left 8:59"
    assert p.page.is_visible("#px-exam")
    p.page.clock.run_for(9 * 60_000)
    assert p.page.is_visible("#px-report") and not p.page.is_visible("#px-exam")
    overall = p.page.inner_text("#px-overall")
    assert overall.startswith("Score: 1 of 5 right (20 %)") and "time ran out" in overall
    assert p.dialogs == [] and p.errors == []
    p.close()


def test_every_item_type_is_scored_whole_in_practice_mode(mock_site: Path, browser: Any) -> None:
    p = Page(browser, (mock_site / "mock" / "index.html").as_uri() + "?seed=5")
    for right in (True, False):
        p.page.select_option("#px-topic", "")
        p.page.click("text=Start practice")
        seen = {}
        for _ in KEYS:
            qid = p.answer(right)
            p.page.click("text=Check answer")
            seen[qid] = p.page.inner_text("#px-verdict")
            explained = p.page.inner_text(".px-explain")
            assert "Answer: " in explained
            if qid == "a-multi":  # each option's why
                assert "B falls short because of b." in explained and "C is right because of c." in explained
            p.page.click("text=Next question")
        assert seen == dict.fromkeys(KEYS, "Right." if right else "Wrong.")
        assert p.page.inner_text("#px-dbody") == (f"{len(KEYS)} of {len(KEYS)} right." if right
                                                   else f"0 of {len(KEYS)} right.")
        p.page.click("text=Stop practice")
    # One section, one objective.
    for topic, expected in (("s:2", {q for q, s in SECTIONS.items() if s == "2"}), ("o:1.2", {"a-multi", "a-order"})):
        p.page.select_option("#px-topic", topic)
        p.page.click("text=Start practice")
        asked = set()
        for _ in expected:
            asked.add(p.answer(right=True))
            p.page.click("text=Check answer")
            p.page.click("text=Next question")
        assert asked == expected
        p.page.click("text=Stop practice")
    assert p.errors == []
    p.close()


def test_the_report_lists_exactly_the_wrong_unanswered_and_flagged(mock_site: Path, browser: Any) -> None:
    p = Page(browser, (mock_site / "mock" / "index.html").as_uri() + "?seed=9")
    p.page.click("text=Start exam")
    states = {}
    for i in range(5):
        if i == 4:
            qid = p.current()[0]
            states[qid] = "unanswered"
        else:
            qid = p.answer(right=i not in (0, 2))
            if i in (0, 2):
                states[qid] = "wrong"
        if i == 3:
            p.page.click("button:text-is('Flag')")
            assert p.page.get_attribute("#px-flag", "aria-pressed") == "true"
            states[qid] = "flagged"
        if i < 4:
            p.page.click("button:text-is('Next')")
    assert p.page.inner_text("#px-progress") == "4 answered, 1 unanswered, 1 flagged"
    p.page.click("button:text-is('Finish')")
    assert p.page.inner_text("#px-overall").startswith("Score: 2 of 5 right (40 %)")
    assert p.reviewed() == states
    rows = p.report_rows()
    assert sum(got for got, _ in rows.values()) == 2 and {s: of for s, (_, of) in rows.items()} == {"1": 3, "2": 2}
    first_cells = p.eval("[...document.querySelectorAll('#px-sections tbody tr')].map(r => r.cells[0].textContent)")
    assert first_cells == ["1. Alpha", "2. Beta"]
    assert "Pass mark (an estimate)" in p.page.inner_text("#px-result")
    # Each reviewed question shows the learner's answer, the key and the explanation.
    for qid, state in states.items():
        text = p.eval("id => document.querySelector(`.px-review[data-id='${id}']`).innerText", qid)
        assert "Your answer: " + ("no answer" if state == "unanswered" else "") in text
        assert "Answer: " in text
    multi = p.eval("(a => a && a.innerText)(document.querySelector(\".px-review[data-id='a-multi']\"))")
    if multi is not None:  # the whys of a multiple-response question under review
        assert "B falls short because of b." in multi
    # The Anki search drills the objectives missed, and copies.
    search = p.page.input_value("#px-anki")
    assert search.startswith('"deck:Test::Mock Exam" (tag:objective::')
    missed = {o for q, s in states.items() if s != "flagged" for o in p.eval(
        "id => JSON.parse(document.getElementById('px-data').textContent).items.find(i => i.id === id).objectives", q)}
    assert set(re.findall(r"tag:objective::([\d.]+)", search)) == missed
    p.context.grant_permissions(["clipboard-read", "clipboard-write"])
    p.page.click("text=Copy search")
    p.page.wait_for_function("document.querySelector('.px-copied').textContent === 'Copied.'")
    assert p.eval("navigator.clipboard.readText()") == search
    assert p.errors == []
    p.close()


def test_a_second_mock_exam_prefers_unseen_questions(mock_site: Path, browser: Any) -> None:
    p = Page(browser, (mock_site / "mock" / "index.html").as_uri() + "?seed=1")
    drawn = []
    for _ in range(3):
        p.page.click("text=Start exam")
        p.page.click("button:text-is('Finish')")
        drawn.append(set(p.reviewed()))
        p.page.click("text=Back to the start")
    assert not drawn[0] & drawn[1]  # 10 questions, 5 a mock: the second asks the other five
    assert drawn[0] | drawn[1] == set(KEYS)
    assert "3 recent mock exam(s)" in p.page.inner_text("#px-history")
    p.page.click("text=Forget my recent mock exams")
    assert p.page.inner_text("#px-history") == "No mock exam taken yet in this browser."
    # The same seed without history draws the first exam again.
    p.page.click("text=Start exam")
    p.page.click("button:text-is('Finish')")
    p.close()
    again = Page(browser, (mock_site / "mock" / "index.html").as_uri() + "?seed=1")
    again.page.click("text=Start exam")
    again.page.click("button:text-is('Finish')")
    assert set(again.reviewed()) == drawn[0]
    again.close()


def test_a_whole_exam_with_the_keyboard_only(mock_site: Path, browser: Any) -> None:
    p = Page(browser, (mock_site / "mock" / "index.html").as_uri() + "?seed=8")  # (all four types)
    kb = p.page.keyboard
    kinds = set()

    def focused() -> str:
        return p.eval("document.activeElement.id || document.activeElement.tagName")

    def tab_to(target: str) -> None:
        for _ in range(40):
            kb.press("Tab")
            if focused() == target:
                return
        raise AssertionError(f"Tab never reached {target}")

    tab_to("px-start")
    kb.press("Enter")
    for i in range(5):
        qid, kind = p.current()
        kinds.add(kind)
        key = KEYS[qid]
        if kind == "single":
            kb.press("Tab")  # the first option of the group
            kb.press("Space")
            for _ in range(6):
                if p.eval("document.activeElement.value") == str(key[0]):
                    break
                kb.press("ArrowDown")
        elif kind == "multiple":
            boxes = p.eval("[...document.querySelectorAll('.px-question input')].map(i => i.value)")
            for value in boxes:
                kb.press("Tab")
                if int(value) in key:
                    kb.press("Space")
        else:
            shown = p.eval("[...document.querySelectorAll('.px-question select')].map(s => s.id)")
            for select in shown:  # in the order shown (steps are shuffled)
                row = int(select.rsplit("-", 1)[1])
                value = key[row]
                kb.press("Tab")
                assert focused() == select
                name = p.eval("document.activeElement.labels[0].textContent")
                assert name.startswith("Place of: " if kind == "order" else "Match for: ")
                label = p.eval("([id, v]) => [...document.getElementById(id).options].find(o => o.value === v).text",
                               [select, str(value)])
                kb.type(label)
        tab_to("px-next" if i < 4 else "px-finish")
        kb.press("Enter")
    assert p.page.is_visible("#px-report"), p.page.inner_text("#px-exam")
    assert p.page.inner_text("#px-overall").startswith("Score: 5 of 5 right (100 %)")
    assert kinds == {"single", "multiple", "order", "match"}
    assert p.dialogs == [] and p.errors == []
    p.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("site", ["mock", "shipped"])
def test_it_fits_a_phone(mock_site: Path, shipped_site: Path, browser: Any, tmp_path: Path,
                         site: str, dark: bool) -> None:
    url = (mock_site / "mock" / "index.html" if site == "mock"
           else shipped_site / "aws-ml-engineer-associate" / "index.html").as_uri()
    p = Page(browser, url + f"?seed=2&theme={'dark' if dark else 'light'}", width=375, dark=dark)
    measure = "({w: document.scrollingElement.scrollWidth, bg: getComputedStyle(document.body).backgroundColor})"
    p.page.click("text=Start exam")
    for step in range(5):
        if site == "mock":
            p.answer(right=step % 2 == 0)
        m = p.eval(measure)
        assert m["w"] <= 375, f"question {step + 1} scrolls sideways"
        p.page.screenshot(path=str(tmp_path / f"q{step}.png"))
        if step < 4:
            p.page.click("button:text-is('Next')")
    p.page.click("button:text-is('Finish')")
    m = p.eval(measure)
    p.page.screenshot(path=str(tmp_path / "report.png"), full_page=site == "mock")
    assert m["w"] <= 375, "the report scrolls sideways"
    assert m["bg"] == ("rgb(18, 20, 24)" if dark else "rgb(244, 245, 247)")
    assert p.errors == [] and all(u.startswith("file://") for u in p.requests)
    p.close()


WIDE = """\
objectives: ["1.1"]
cases:
  wide:
    title: Wide
    text: |
      | Region | Endpoint |
      |--------|----------|
      | eu | https://<account_name>.services.example.com/api/projects/<project_name>/evaluations |
cards:
  - id: wide-code
    type: choice
    case: wide
    question: |
      Which call finishes the job?

      ```python
      client = ProjectClient(endpoint="https://an-account.example.com/api/projects/a-project", credential=cred)
      ```
    choices:
      - text: '`fs.get_record(FeatureGroupName="applicant-features", RecordIdentifierValueAsString=applicant_id)`'
        why: 'https://<account_name>.services.example.com/api/projects/<project_name>/runs/<run_name> is read.'
      - '`problem_type=InferenceProblemType.INFERENCE_PROBLEM_TYPE_CLASSIFICATION, model_id_column="version"`'
    answer: 0
    explanation: Read `update_agent_runtime_endpoint(agentRuntimeId=rid, endpointName="production")`.
"""


def test_long_code_and_answers_fit_a_phone(tmp_path: Path, browser: Any) -> None:
    """A long call in an option, a why or the key line wraps once checked; a code block's long
    line and a case study's wide table scroll inside their own box; the page never scrolls sideways."""
    folder = make_exam_deck(tmp_path)
    (folder / "wide.yaml").write_text(WIDE, encoding="utf-8")
    result = run(tmp_path, "practice", "--out", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    p = Page(browser, (tmp_path / "site" / "mock" / "index.html").as_uri() + "?seed=1", width=375)
    p.page.select_option("#px-topic", "")
    p.page.click("text=Start practice")
    boxes = """() => [...document.querySelectorAll('#px-drill pre, #px-drill .px-case')].map(
      b => [b.tagName, getComputedStyle(b).overflowX, b.scrollWidth > b.clientWidth])"""
    seen = []
    while p.page.is_visible("text=Check answer"):
        wide = p.current()[0] == "wide-code"
        p.page.click("text=Check answer")
        assert p.eval("document.scrollingElement.scrollWidth") <= 375, p.current()[0]
        if wide:
            seen = p.eval(boxes)
        p.page.click("text=Next question")
    assert sorted(seen) == [["ASIDE", "auto", True], ["PRE", "auto", True]]
    assert p.errors == []
    p.close()


def test_the_index_lists_every_exam(shipped_site: Path, browser: Any) -> None:
    p = Page(browser, (shipped_site / "index.html").as_uri(), width=375)
    links = p.eval("[...document.querySelectorAll('a[data-keep-theme]')].map(a => a.getAttribute('href'))")
    assert [link.rsplit("/site/", 1)[1] for link in links] == [f"{d}/index.html?theme=light" for d in SHIPPED]
    assert p.eval("document.scrollingElement.scrollWidth") <= 375
    p.close()


def _assert_inert(p: Page) -> str:
    """Nothing from the cards became markup, ran, or asked the network; the page's text."""
    found = p.eval("""() => ({
      scripts: document.scripts.length,
      live: [...document.querySelectorAll('img, svg, iframe, object, embed, form, meta, base, style, a')]
            .filter(e => !e.closest('head') && !(e.tagName === 'A' && e.hasAttribute('data-keep-theme'))).length,
      handlers: [...document.querySelectorAll('*')]
                .filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
    })""")
    assert found == {"scripts": 2, "live": 0, "handlers": 0}
    assert all(d.endswith("Finish the exam?") for d in p.dialogs)  # no alert ran
    assert p.errors == [] and all(u.startswith("file://") for u in p.requests)
    return str(p.page.inner_text("body"))


def test_the_hostile_exam_of_the_corpus_stays_text(tmp_path: Path, browser: Any) -> None:
    case = ROOT / "tests" / "corpus" / "deck-hostile-exam"
    result = CliRunner().invoke(main, ["--decks", str(case / "decks"), "practice", "--out", str(tmp_path / "site")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    p = Page(browser, (tmp_path / "site" / "x" / "index.html").as_uri())
    home = p.page.inner_text("body")
    for raw in ("<script>alert(2)</script> Exam", "</script><script>alert(5)</script>",
                "<img src=x onerror=alert(7)> Objective"):
        assert raw in home
    p.page.click("text=Start practice")
    p.page.check(".px-question input[value='1']")
    p.page.click("text=Check answer")
    drill = p.page.inner_text("#px-drill")
    for raw in ("</script><script>alert(8)</script> Q", "<img src=x onerror=alert(9)>",
                "<svg onload=alert(10)> why", "[x](javascript:alert(11))"):
        assert raw in drill
    p.page.click("text=Stop practice")
    p.page.click("text=Start exam")
    p.page.click("button:text-is('Finish')")
    text = _assert_inert(p)
    assert "<svg onload=alert(6)> Section" in text  # the section table, as text
    p.close()


HOSTILE_CORPUS = sorted((ROOT / "tests" / "corpus").glob("hostile-*.yaml"))


def test_hostile_card_text_stays_inert(tmp_path: Path, browser: Any) -> None:
    folder = make_exam_deck(tmp_path)
    for path in HOSTILE_CORPUS:  # every hostile card of the corpus, linked to an objective
        (folder / path.name).write_text('objectives: ["1.1"]\n' + path.read_text(encoding="utf-8"),
                                        encoding="utf-8")
    (folder / "more.yaml").write_text("""\
objectives: ["2.1"]
cases:
  evil:
    title: '<img src=x onerror=alert(20)>'
    text: '<script>alert(21)</script> case'
cards:
  - id: evil-order
    type: order
    case: evil
    question: '<svg onload=alert(22)> order'
    steps: ['<script>alert(23)</script>', '<b onmouseover=alert(24)>b</b>', '[x](javascript:alert(25))']
  - id: evil-match
    type: match
    question: match
    pairs:
      - {left: '<iframe src="https://evil.example/">', right: '<img src=x onerror=alert(26)>'}
      - {left: two, right: '</option><script>alert(27)</script>'}
      - {left: three, right: three}
  - id: evil-why
    type: choice
    question: why
    choices:
      - {text: a, why: '<script>alert(28)</script>'}
      - {text: b, why: '<img src=x onerror=alert(29)>'}
    answer: 0
""", encoding="utf-8")
    questions = len(load_project(tmp_path / "decks").decks[0].cards)  # (facts among them)
    # The exam draws every question, so its report lists each one (all unanswered), not a
    # seeded five that may miss the case studies.
    meta = folder / "deck.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("questions: 5\n", f"questions: {questions}\n"),
                    encoding="utf-8")
    result = run(tmp_path, "practice", "--out", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    # Each case study as text beside its question, each option's why as text after the check.
    hostile = ["<script>alert(21)</script> case", "Case study: <img src=x onerror=alert(20)>",
               "Case study: <script>alert(1)</script> Case", '<iframe src="https://evil.example/"></iframe> setup',
               "<img src=x onerror=alert(2)>", "<script>alert(28)</script>", "<img src=x onerror=alert(29)>",
               "<script>alert(4)</script> [sound:w.mp3]", "</div></li></ol><img src=x onerror=alert(5)>"]
    p = Page(browser, (tmp_path / "site" / "mock" / "index.html").as_uri() + "?seed=1")
    p.page.select_option("#px-topic", "")
    p.page.click("text=Start practice")
    drilled = []
    for _ in range(questions):
        if not p.page.is_visible("text=Check answer"):
            break
        p.page.click("text=Check answer")
        drilled.append(p.page.inner_text("#px-drill"))
        p.page.click("text=Next question")
    n = len(drilled)
    assert p.page.inner_text("#px-dcount") == "Done" and drilled[-1].startswith(f"Question {n} of {n} ·")
    assert [raw for raw in hostile if not any(raw in page for page in drilled)] == []
    p.page.click("text=Stop practice")
    p.page.click("text=Start exam")
    p.page.click("button:text-is('Finish')")
    text = _assert_inert(p)
    assert f"Questions to review ({len(drilled)})" in text
    assert [raw for raw in hostile if raw not in text] == []
    p.close()
