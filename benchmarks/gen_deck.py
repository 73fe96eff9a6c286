"""Write a synthetic deckforge project: N cards of mixed types spread over M card files."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

__all__ = ["card_yaml", "edit_one_card", "generate", "plain_card_yaml"]

_WORDS = [
    "model", "drift", "feature", "pipeline", "latency", "batch", "stream", "label", "training",
    "serving", "endpoint", "gradient", "metric", "precision", "recall", "threshold", "embedding",
    "vector", "shard", "replica", "quota", "region", "budget", "monitor", "alert", "schema",
    "registry", "artifact", "notebook", "cluster", "token", "prompt", "evaluation", "baseline",
    "rollout", "canary", "rollback", "fairness", "bias", "privacy", "audit",
]

SOURCES_YAML = """\
sources:
  bench:
    title: Synthetic benchmark source
    sections:
      intro: Opening
      details: Details
"""


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    # A little Markdown in every card, so rendering does the work real cards need.
    # (Never first: YAML would read a leading * or ` as syntax.)
    words[rng.randrange(1, n)] = f"**{rng.choice(_WORDS)}**"
    words[rng.randrange(1, n)] = f"`{rng.choice(_WORDS)}`"
    return " ".join(words).capitalize()


def card_yaml(rng: random.Random, index: int) -> str:
    """One card as YAML list item text; the type cycles basic/cloze/choice/basic/reversible."""
    cid = f"card-{index:06d}"
    kind = ("basic", "cloze", "choice", "basic", "reversible")[index % 5]
    lines = [f"  - id: {cid}"]
    if kind in ("basic", "reversible"):
        if kind == "reversible":
            lines.append("    type: reversible")
        lines.append(f"    front: {_sentence(rng, 12)}?")
        lines.append(f"    back: {_sentence(rng, 16)}.")
    elif kind == "cloze":
        a, b = rng.choice(_WORDS), rng.choice(_WORDS)
        lines.append("    type: cloze")
        lines.append(f'    text: "{_sentence(rng, 8)} {{{{c1::{a}}}}} and {{{{c2::{b}}}}} {_sentence(rng, 5)}."')
        lines.append(f"    extra: {_sentence(rng, 10)}.")
    else:
        lines.append("    type: choice")
        lines.append(f"    question: {_sentence(rng, 14)}?")
        lines.append("    choices:")
        for _ in range(4):
            lines.append(f"      - {_sentence(rng, 5)}")
        lines.append(f"    answer: {rng.randrange(4)}")
        lines.append(f"    explanation: {_sentence(rng, 12)}.")
    lines.append(f"    source: bench#{rng.choice(('intro', 'details'))}")
    if index % 7 == 0:
        lines.append("    as_of: 2026-11-28")
    if index % 3 == 0:
        lines.append(f"    tags: [t{index % 11}, topic::{rng.choice(_WORDS)}]")
    return "\n".join(lines) + "\n"


def plain_card_yaml(rng: random.Random, index: int) -> str:
    """One plain short basic card: one-line front and back, one tag, a source (no Markdown)."""
    return (f"  - id: card-{index:06d}\n    front: What does {rng.choice(_WORDS)} {index} mean?\n"
            f"    back: The {rng.choice(_WORDS)} of {rng.choice(_WORDS)} {index}.\n"
            f"    tags: [t{index % 11}]\n    source: bench#intro\n")


def generate(root: Path, cards: int, files: int, seed: int = 7, deck_id: str = "bench",
             plain: bool = False) -> Path:
    """Create ``root/decks/`` holding one deck of ``cards`` cards over ``files`` files (mixed
    card types, or with ``plain`` only plain short basic cards)."""
    rng = random.Random(seed)
    decks = root / "decks"
    folder = decks / deck_id
    folder.mkdir(parents=True, exist_ok=True)
    (decks / "sources.yaml").write_text(SOURCES_YAML, encoding="utf-8")
    (folder / "deck.yaml").write_text(
        f"id: {deck_id}\nname: Benchmark::{deck_id}\ndescription: {cards} synthetic cards.\n",
        encoding="utf-8")
    files = max(1, min(files, cards))
    per_file, extra = divmod(cards, files)
    index = 0
    for f in range(files):
        count = per_file + (1 if f < extra else 0)
        parts = [f"subdeck: Part {f % 10}\n", f"tags: [file-{f:04d}]\n", "cards:\n"]
        for _ in range(count):
            parts.append(plain_card_yaml(rng, index) if plain else card_yaml(rng, index))
            index += 1
        (folder / f"cards-{f:04d}.yaml").write_text("".join(parts), encoding="utf-8")
    return decks


def edit_one_card(decks: Path, deck_id: str = "bench") -> Path:
    """Change the text of the first card of the middle file (a typical one-word edit)."""
    files = sorted((decks / deck_id).glob("cards-*.yaml"))
    target = files[len(files) // 2]
    text = target.read_text(encoding="utf-8")
    marker = "    front: "
    at = text.index(marker) + len(marker)
    target.write_text(text[:at] + "Edited " + text[at:], encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path, help="folder to create decks/ in")
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=0, help="card files (default: one per 500 cards)")
    args = parser.parse_args()
    decks = generate(args.root, args.cards, args.files or max(1, args.cards // 500))
    print(decks)


if __name__ == "__main__":
    main()
