"""Pytest configuration: make tests/ importable for the shared helpers; Hypothesis profiles.

Property tests draw the same examples on every run by default, so `make test` (and CI) passes
or fails the same way on every machine. `HYPOTHESIS_PROFILE=explore make test` draws fresh
random examples to hunt for new failures; a failure prints the example to add with `@example`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).parent))

settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def _no_memory() -> None:
    """Each test reads the store from disk, not from an earlier test's process memory."""
    import deckforge.load.parse

    deckforge.load.parse._MEMORY.clear()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a test module (the browser tests mark themselves BROWSER_MARKS)."""
    from playwright.sync_api import sync_playwright

    from browsers import ARGS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()
