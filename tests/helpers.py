"""Shared test helpers: write decks into tmp_path, run the CLI, import into the real Anki engine."""

from __future__ import annotations

import contextlib
import os
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from click.testing import CliRunner, Result

from deckforge.cli import main

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
"""The repository: decks/, dist/, benchmarks/."""

DECK_YAML = "id: {id}\nname: {name}\ndescription: Test deck {id}.\n"


def write(path: Path, text: str) -> Path:
    """Write dedented ``text`` to ``path`` (creating folders)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def make_deck(root: Path, deck_id: str, files: dict[str, str], name: str | None = None) -> Path:
    """Create ``root/decks/<deck_id>/`` with deck.yaml and the given card files."""
    folder = root / "decks" / deck_id
    write(folder / "deck.yaml", DECK_YAML.format(id=deck_id, name=name or f"Test::{deck_id}"))
    for rel, text in files.items():
        write(folder / rel, text)
    return folder


def run(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``deckforge ARGS`` with decks/ and dist/ under ``root``."""
    runner = CliRunner()
    return runner.invoke(main, ["--decks", str(root / "decks"), "--dist", str(root / "dist"), *args],
                         env=env, catch_exceptions=False)


@dataclass
class ImportCounts:
    new: int
    updated: int
    duplicate: int
    conflicting: int

    def as_tuple(self) -> tuple[int, int, int, int]:
        return (self.new, self.updated, self.duplicate, self.conflicting)


@contextlib.contextmanager
def collection(folder: Path) -> Iterator[Collection]:
    """A fresh, empty Anki collection (the real engine) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def import_apkg(col: Collection, apkg: Path, merge_notetypes: bool = False) -> ImportCounts:
    """Import ``apkg`` with Anki's default options (or with 'Merge note types' ticked)."""
    options = ImportAnkiPackageOptions(with_scheduling=False, merge_notetypes=merge_notetypes)
    out = col.import_anki_package(
        ImportAnkiPackageRequest(package_path=str(apkg.resolve()), options=options))
    log = out.log
    return ImportCounts(len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting))


def env_with_epoch(epoch: int) -> dict[str, str]:
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = str(epoch)
    return env


def png_bytes(width: int = 4, height: int = 3, rgb: tuple[int, int, int] = (40, 90, 200)) -> bytes:
    """A valid PNG image of one colour (no image library needed)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


SAMPLE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40" viewBox="0 0 120 40">'
              '<rect width="120" height="40" rx="6" fill="#f58518"/></svg>\n')

# One card of every type and shape the preview and the note types must get right: images (in a
# deck folder and in the library folder), clozes with hints, nesting and MathJax, choices with
# several answers, empty optional fields, long unbreakable text for phone widths.
SAMPLE_FILES: dict[str, str] = {
    "basics.yaml": r"""
        subdeck: Basics
        tags: [sample, domain::imaging]
        include:
          - from: ../_lib/shared.yaml
        cards:
          - id: basic-image
            front: |
              Which chart shows **drift**? `psi > 0.2` and \(x^2 < y\)
              ![A "drift" <chart> & more](images/chart.png)
            back: |
              - the *orange* one
              - not the blue one
            source: article#sec some detail
            as_of: 2026-11-28
          - id: reversible-long
            type: reversible
            tags: [pair]
            front: @LONG_WORD@
            back: "Line one\nline two with <b>raw html</b> & ampersand"
          - id: basic-code
            front: What does this print?
            back: |
              ```
              print("a very long line of code that would overflow a phone screen if it did not wrap at all")
              ```
    """,
    "cloze.yaml": r"""
        subdeck: Cloze
        tags: [sample]
        cards:
          - id: cloze-many
            type: cloze
            text: '@CLOZE_TEXT@'
            extra: Prices change; check the **exam guide**.
            source: article#fees
          - id: cloze-nested
            type: cloze
            text: "{{c1::outer {{c2::inner}} text}} stays."
    """,
    "choice.yaml": r"""
        subdeck: Choice
        tags: [sample, domain::monitoring]
        cards:
          - id: choice-multi
            type: choice
            question: |
              Which **two** are drift signals?
              ![chart](images/chart.png)
            choices: [PSI above threshold, More GPUs, "`KL` divergence rising", Bigger batch]
            answer: [0, 2]
            explanation: Both compare input distributions over time.
            source: article#drift
          - id: choice-single
            type: choice
            question: Pick one.
            choices: [Alpha, Beta]
            answer: 1
    """,
    "items.yaml": r"""
        subdeck: Items
        tags: [sample]
        cases:
          acme:
            title: Acme Retail
            text: |
              Acme sells garden tools online and retrains its demand model **weekly**.

              | Store | Orders per day |
              |-------|----------------|
              | Web   | 12000          |
              | App   | 3000           |
        cards:
          - id: choice-case
            type: choice
            case: acme
            question: Which two changes cut Acme's retraining cost? Use `weekly` as the baseline.
            choices:
              - text: Retrain only when the inputs change
                why: Change-triggered retraining skips the weeks nothing changed.
              - text: Double the instance size
                why: Bigger machines cost more per hour.
              - text: |
                  Train on a sample:
                  ```python
                  df = df.sample(frac=0.1, random_state=0)
                  if True:
                      print("keep indentation")
                  ```
                why: A representative sample trains faster.
              - Retrain daily
            answer: [0, 2]
            explanation: Both reduce compute without hurting accuracy much.
          - id: order-steps
            type: order
            question: Put the steps of a model release in order.
            steps:
              - Collect and label data
              - Train the candidate model
              - Evaluate against the baseline
              - Deploy behind a canary
            explanation: Evaluate before any traffic sees the model.
          - id: match-services
            type: match
            question: Match each service to its use.
            pairs:
              - {left: S3, right: Object storage}
              - {left: SageMaker Pipelines, right: ML workflow orchestration}
              - {left: Glue, right: ETL jobs}
            explanation: Each service has one main job here.
    """,
}

# Kept out of the YAML above only to keep source lines short.
_SAMPLE_LONG = {
    "@LONG_WORD@": "Supercalifragilisticexpialidocious_and_an_unbroken_identifier_that_is_far_too_long"
                   "_for_a_phone_screen_width",
    "@CLOZE_TEXT@": 'The {{c1::fee}} is {{c2::USD 200::money}}, {{c1::é & "quoted"}}; '
                    "\\(a < {{c3::b}}\\) {{c3::![orange box](images/box.svg)}}",
}
for _name, _text in SAMPLE_FILES.items():
    for _key, _value in _SAMPLE_LONG.items():
        SAMPLE_FILES[_name] = SAMPLE_FILES[_name].replace(_key, _value)

SAMPLE_LIBRARY = r"""
    deck: Sample::Shared
    tags: [shared]
    cards:
      - id: shared-image
        front: A shared card with its own image ![library image](img/lib.png)
        back: From the library folder.
"""

SAMPLE_TEXTS = {
    "basic-image": "Which chart shows",
    "reversible-long": "Supercalifragilisticexpialidocious",
    "basic-code": "What does this print?",
    "cloze-many": "The",
    "cloze-nested": "stays.",
    "choice-multi": "are drift signals?",
    "choice-single": "Pick one.",
    "shared-image": "A shared card with its own image",
    "choice-case": "cut Acme's retraining cost",
    "order-steps": "Put the steps of a model release",
    "match-services": "Match each service to its use.",
}
"""A piece of visible text of every sample card (by card id)."""


def make_sample_deck(root: Path, deck_id: str = "sample") -> Path:
    """A deck with every card type, images included, under ``root/decks``."""
    folder = make_deck(root, deck_id, SAMPLE_FILES, name="Sample::Deck")
    (folder / "images").mkdir()
    (folder / "images" / "chart.png").write_bytes(png_bytes())
    (folder / "images" / "box.svg").write_text(SAMPLE_SVG, encoding="utf-8")
    library = root / "decks" / "_lib"
    write(library / "shared.yaml", SAMPLE_LIBRARY)
    (library / "img").mkdir()
    (library / "img" / "lib.png").write_bytes(png_bytes(2, 2, (200, 60, 40)))
    return folder


def dist_files(dist: Path) -> dict[str, bytes]:
    """Every file under ``dist`` (sub-folders too: dist/practice/), by path relative to it."""
    return {p.relative_to(dist).as_posix(): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}
# Exam items of every new kind, answered in Chromium (tests/preview/test_answer_browser.py) and
# in the real desktop reviewer (tests/desktop/).
ITEMS = """
cases:
  shop:
    title: Shop
    text: |
      A shop retrains **weekly**.

      | Store | Orders |
      |-------|--------|
      | Web   | 12000  |
cards:
  - id: one
    type: choice
    question: Which metric watches input drift?
    choices:
      - text: PSI
        why: Compares input distributions.
      - text: Accuracy
        why: Needs labels, which arrive late.
      - Latency
    answer: 0
  - id: two
    type: choice
    case: shop
    question: Which two cut the retraining cost?
    choices:
      - Retrain only on drift
      - Double the instances
      - |
        Sample the data:
        ```python
        df = df.sample(frac=0.1)
        if big:
            df = df.head(1000)  # a long comment that makes this line wider than a phone screen is
        ```
      - Retrain daily
    answer: [0, 2]
  - id: order
    type: order
    question: Put the release steps in order.
    steps: [Collect data, Train model, Evaluate model, Deploy canary]
  - id: match
    type: match
    question: Match each service to its use.
    pairs:
      - {left: S3, right: Object storage}
      - {left: Glue, right: ETL jobs}
      - {left: Pipelines, right: Orchestration}
"""
