"""Measure `deckforge build` cold, no-op and after a one-card edit against plain genanki.

    .venv/bin/python benchmarks/bench_build.py --sizes 1000,10000,50000,100000

For each size it writes a synthetic deck (benchmarks/gen_deck.py), then measures, each in a
fresh process: a cold build (empty dist/, no cache), a no-op rebuild, a rebuild after editing
one card, and plain genanki writing the same notes with one Package.write_to_file. It prints a
table with the ratios the targets are stated in and writes benchmarks/out/results.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_deck import edit_one_card, generate  # noqa: E402
from genanki_baseline import export_notes  # noqa: E402

TARGETS = {"cold_vs_genanki": 2.0, "noop_vs_cold": 0.1, "edit_vs_cold": 0.2, "mem_vs_genanki": 2.0}
EPOCH = 1_700_000_000


def _deckforge() -> list[str]:
    script = Path(sys.executable).parent / "deckforge"
    return [str(script)] if script.exists() else [sys.executable, "-m", "deckforge.cli"]


def measure(cmd: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` under measure.py in a fresh process: wall time and peak memory."""
    out = subprocess.run([sys.executable, str(HERE / "measure.py"), *cmd], capture_output=True,
                         text=True, env=env, check=True)
    result: dict[str, Any] = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result['stderr']}")
    return result


def best(cmd: list[str], env: dict[str, str], repeat: int, before: Any = None) -> dict[str, Any]:
    """The fastest of ``repeat`` runs (``before`` resets the state before each)."""
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(measure(cmd, env))
    return min(runs, key=lambda r: r["seconds"])


def bench_size(cards: int, out: Path, per_file: int, repeat: int, plain: bool = False) -> dict[str, Any]:
    root = out / f"deck-{cards}{'-plain' if plain else ''}"
    shutil.rmtree(root, ignore_errors=True)
    decks = generate(root, cards, max(1, cards // per_file), plain=plain)
    dist = root / "dist"
    cache = root / ".deckforge-cache"
    build = [*_deckforge(), "--decks", str(decks), "--dist", str(dist), "build"]
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))

    def empty() -> None:
        shutil.rmtree(dist, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)

    serial = best(build, dict(env, DECKFORGE_JOBS="1"), repeat, empty)
    cold = best(build, env, repeat, empty)
    noop = best(build, env, repeat)
    notes = root / "notes.json"
    export_notes(dist / "bench.apkg", notes)
    genanki = best([sys.executable, str(HERE / "genanki_baseline.py"), "write", str(notes),
                    str(root / "genanki.apkg")], env, repeat)
    edits = []
    for i in range(repeat):
        edit_one_card(decks)
        edits.append(measure(build, dict(env, SOURCE_DATE_EPOCH=str(EPOCH + 100 + i))))
    edit = min(edits, key=lambda r: r["seconds"])
    row = {"cards": cards, "files": max(1, cards // per_file), "genanki": genanki,
           "cold_one_process": serial, "cold": cold, "noop": noop, "edit": edit}
    row["ratios"] = {
        "cold_vs_genanki": cold["seconds"] / genanki["seconds"],
        "noop_vs_cold": noop["seconds"] / cold["seconds"],
        "edit_vs_cold": edit["seconds"] / cold["seconds"],
        "mem_vs_genanki": cold["tree_peak_mb"] / genanki["tree_peak_mb"],
    }
    for r in (genanki, serial, cold, noop, edit):
        r.pop("stderr", None)
        r.pop("rc", None)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    head = ("| cards | genanki s | cold s | cold, 1 process s | no-op s | edit s | genanki MB | cold MB "
            "| cold/genanki (≤2) | no-op/cold (≤0.1) | edit/cold (≤0.2) | mem/genanki (≤2) | cold µs/card |")
    lines = [head, "|" + "---|" * 13]
    for r in rows:
        q = r["ratios"]

        def mark(name: str, q: dict[str, float] = q) -> str:
            return f"{q[name]:.2f}" + ("" if q[name] <= TARGETS[name] else " ✗")
        lines.append(
            f"| {r['cards']:,} | {r['genanki']['seconds']:.2f} | {r['cold']['seconds']:.2f} "
            f"| {r['cold_one_process']['seconds']:.2f} "
            f"| {r['noop']['seconds']:.2f} | {r['edit']['seconds']:.2f} | {r['genanki']['tree_peak_mb']:.0f} "
            f"| {r['cold']['tree_peak_mb']:.0f} | {mark('cold_vs_genanki')} | {mark('noop_vs_cold')} "
            f"| {mark('edit_vs_cold')} | {mark('mem_vs_genanki')} "
            f"| {r['cold']['seconds'] / r['cards'] * 1e6:.0f} |")
    return "\n".join(lines)


def _compile_bytecode() -> None:
    """Write deckforge's .pyc files, as installing a wheel does (genanki's are written when it
    is installed): an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise compile
    every module again in each measured process (about 0.05 s)."""
    import compileall

    import deckforge

    compileall.compile_dir(str(Path(deckforge.__file__).parent), quiet=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000,100000",
                        help="comma-separated card counts (default: %(default)s)")
    parser.add_argument("--cards-per-file", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest counts")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--plain", action="store_true",
                        help="plain short basic cards only (one-line front and back, one tag, a "
                             "source), where genanki is fastest")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    _compile_bytecode()
    rows = []
    for size in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        t = time.perf_counter()
        rows.append(bench_size(size, args.out, args.cards_per_file, args.repeat, args.plain))
        print(f"{size:,} cards measured in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    machine = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
               f"Python {platform.python_version()}")
    text = table(rows)
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        growth = (large["cold"]["seconds"] / small["cold"]["seconds"]) / (large["cards"] / small["cards"])
        text += (f"\n\nCold time grew {large['cold']['seconds'] / small['cold']['seconds']:.1f}x for "
                 f"{large['cards'] / small['cards']:.0f}x the cards ({growth:.2f} of linear).")
    print(f"{machine}\n\n{text}")
    (args.out / "results.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=1) + "\n")
    (args.out / "results.md").write_text(f"{machine}\n\n{text}\n")


if __name__ == "__main__":
    main()
