"""Plain text takes render/plain.py, which renders exactly as markdown-it does."""


from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from deckforge.render.markdown import _md
from deckforge.render.plain import fast_block, fast_inline

_MD_TEXT = st.text(alphabet=list("ab Z09 ,.;:?'\"()/%+=$#@|^{}*`_-\\[]!<>&~\n\u00a0\u2019é\ue000\ue001"),
                   max_size=16)


@settings(max_examples=1500, deadline=None)
@given(_MD_TEXT)
def test_plain_markdown_renders_exactly_as_markdown_it(text: str) -> None:
    text = text.strip()
    for md in (_md(False), _md(True)):
        block = fast_block(text)
        if block is not None:
            assert block == md.render(text).strip()
        inline = fast_inline(text)
        if inline is not None:
            assert inline == md.renderInline(text)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet=list("ab *`( ),.x&\"<"), max_size=14))
def test_plain_markdown_delimiters_render_exactly_as_markdown_it(text: str) -> None:
    # Dense in the characters the fast path pairs up: *, ` and what may flank them.
    test_plain_markdown_renders_exactly_as_markdown_it.hypothesis.inner_test(text)  # type: ignore[attr-defined]


def test_plain_markdown_check_does_not_backtrack_on_long_hostile_lines() -> None:
    # A regex like (plain+)+ takes exponential time on a long line that fails at its end: a
    # card could hang every build. Run in a child process so a regression fails, not hangs.
    code = ("from deckforge.render.plain import fast_block, fast_inline\n"
            "for t in ['a' * 5000 + '~', '**' + 'a ' * 5000, '`' + 'a ' * 5000, '*a' * 5000,\n"
            "          '(**a' * 3000, 'a' * 5000 + '`']:\n"
            "    assert fast_inline(t) is None and fast_block(t) is None, t[:20]\n")
    done = subprocess.run([sys.executable, "-c", code], timeout=30, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_plain_markdown_takes_the_fast_path() -> None:
    assert fast_block("What is **drift** in `prod` (and *why*)?") == \
        "<p>What is <strong>drift</strong> in <code>prod</code> (and <em>why</em>)?</p>"
    assert fast_block("- a list") is None
    assert fast_inline("a\\*b") is None
