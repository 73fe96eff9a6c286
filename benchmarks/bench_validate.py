"""Time `deckforge validate` (and `lint`) on the shipped decks: cold process and in-process.

Run: `make bench`, or `.venv/bin/python benchmarks/bench_validate.py [--runs N] [--decks DIR]`.
The goal (issue 6) is an answer in well under half a second for a contributor's save-and-check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float]) -> None:
    print(f"{label:<34} min {min(times) * 1000:7.1f} ms   median {statistics.median(times) * 1000:7.1f} ms"
          f"   max {max(times) * 1000:7.1f} ms   ({len(times)} runs)")


def cold(args: list[str], decks: Path) -> Callable[[], object]:
    cmd = [sys.executable, "-c", "from deckforge.cli import main; main()", "--decks", str(decks), *args]

    def run() -> object:
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        if result.returncode not in (0, 1):
            raise SystemExit(result.stderr)
        return result

    return run


def synthetic_project(n: int) -> object:
    """``n`` choice questions on one frame with random words: the pattern rule's worst case
    (every question shares its frame with every other)."""
    import random

    from deckforge.model import Card, Deck, Project, SourceRef

    rng = random.Random(12)
    words = [f"word{i}" for i in range(3000)]
    path = Path("synthetic.yaml")
    cards = tuple(Card(
        id=f"q{i}", type="choice",
        fields=(("question", "A team needs " + " ".join(rng.choice(words) for _ in range(12))
                 + f" on system {i}. Which design fits best?"),),
        choices=("Alpha beta", "Gamma delta", "Epsilon zeta", "Eta theta"), answer=(i % 4,),
        tags=(), sources=(SourceRef("book", "ch1", ""),), as_of="", notes="", lint_ignore=(),
        subdeck="", path=path, line=i + 2, col=5) for i in range(n))
    return Project(Path("."), (Deck("synthetic", "Synthetic", "", Path("."), cards, (path,)),), {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--decks", type=Path, default=ROOT / "decks")
    parser.add_argument("--scale", type=int, default=50_000,
                        help="choice questions in the synthetic project linted once")
    opts = parser.parse_args()

    from deckforge.lint import LintConfig, lint_project
    from deckforge.load.project import validate_paths

    errors, project = validate_paths(opts.decks, [])  # warm caches (schemas, imports)
    assert project is not None, errors
    cards = sum(len(d.cards) for d in project.decks)
    print(f"{len(project.decks)} decks, {cards} cards in {opts.decks}")
    report("validate, cold process", timed(cold(["validate"], opts.decks), opts.runs))
    report("lint, cold process", timed(cold(["lint", "--today", "2026-11-28"], opts.decks), opts.runs))
    report("validate, in-process", timed(lambda: validate_paths(opts.decks, []), opts.runs))
    today = dt.date(2026, 11, 28)
    report("lint rules only, in-process",
           timed(lambda: lint_project(project, LintConfig(), today), opts.runs))
    big = synthetic_project(opts.scale)
    report(f"lint rules, {opts.scale:,} questions", timed(lambda: lint_project(big, LintConfig(), today), 1))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import deckforge.cli"], check=True)
    print(f"{'python + import deckforge.cli':<34} {(time.perf_counter() - start) * 1000:7.1f} ms (one run)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
