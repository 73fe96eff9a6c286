"""What the tests of the fast paths share: a generated project, dist/ as bytes, the errors of a
build, and the environments that turn the fast paths off."""

from __future__ import annotations

import sys
from pathlib import Path

from helpers import ROOT, dist_files, run

sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_deck import edit_one_card, generate  # noqa: E402

__all__ = ["EPOCH", "ROOT", "SLOW", "YAML_FILES", "bench_project", "build_errors", "dist_bytes",
           "edit_one_card", "generate"]

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
SLOW = {**EPOCH, "DECKFORGE_FAST": "0", "DECKFORGE_CACHE": "0"}
"""The reference paths: PyYAML and jsonschema, no store."""
YAML_FILES = sorted([*ROOT.glob("decks/**/*.yaml"), *ROOT.glob("tests/corpus/**/*.yaml")])


def dist_bytes(root: Path) -> dict[str, bytes]:
    return dist_files(root / "dist")


def bench_project(root: Path) -> Path:
    """A generated deck of 120 cards in 3 files under ``root/decks``."""
    generate(root, 120, 3)
    return root / "decks"


def build_errors(root: Path, env: dict[str, str]) -> tuple[int, str]:
    """``deckforge validate``'s exit code and output."""
    result = run(root, "validate", env=env)
    return result.exit_code, result.output
