"""The deckforge command line: parses arguments, calls the library, prints results."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import DeckforgeError, DeckforgeErrors

__all__ = ["main"]


class Context:
    def __init__(self, decks: Path, dist: Path) -> None:
        self.decks = decks
        self.dist = dist


def _now() -> int:
    """The time given to changed notes: SOURCE_DATE_EPOCH when set, else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return int(epoch)
        except ValueError:
            raise click.UsageError(f"SOURCE_DATE_EPOCH must be a whole number, not {epoch!r}") from None
    return int(time.time())


def _report(errors: list[DeckforgeError], as_json: bool = False) -> None:
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in errors], indent=1))
        return
    color = sys.stderr.isatty()
    for e in errors:
        text = e.format()
        if color:
            head, _, rest = text.partition(": error: ")
            text = (click.style(head, bold=True) + ": " + click.style("error:", fg="red", bold=True)
                    + " " + rest)
        click.echo(text, err=True)
    n = len(errors)
    click.echo(f"{n} error{'s' if n != 1 else ''}", err=True)


def _fail(exc: DeckforgeErrors, as_json: bool = False) -> None:
    _report(exc.errors, as_json)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckforge")
@click.option("--decks", "decks", type=click.Path(file_okay=False, path_type=Path),
              default=Path("decks"), show_default=True, help="Folder holding one folder per deck.")
@click.option("--dist", "dist", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist"), show_default=True, help="Folder the .apkg files are written to.")
@click.pass_context
def main(ctx: click.Context, decks: Path, dist: Path) -> None:
    """Compile YAML flashcards into Anki decks that update safely on re-import.

    Exit codes: 0 success, 1 invalid input (or --check found differences), 2 bad usage.
    """
    ctx.obj = Context(decks, dist)


@main.command()
@click.argument("deck_ids", metavar="[DECK]...", nargs=-1)
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if dist/ differs from what the sources build.")
@click.pass_obj
def build(obj: Context, deck_ids: tuple[str, ...], check: bool) -> None:
    """Build dist/<deck id>.apkg for every deck (or the DECKs named).

    Nothing in dist/ changes unless the whole build succeeds. Notes keep their modification
    time unless their content changed, so identical sources give identical bytes.
    """
    from .build import build as run_build

    try:
        result = run_build(obj.decks, obj.dist, _now(), list(deck_ids) or None, check=check)
    except DeckforgeErrors as exc:
        _fail(exc)
    if check:
        if result.stale:
            for name in result.stale:
                click.echo(f"{obj.dist / name}: out of date", err=True)
            click.echo("dist/ does not match the sources: run `deckforge build` and commit dist/",
                       err=True)
            sys.exit(1)
        click.echo(f"dist/ is up to date ({len(result.decks)} decks)")
        return
    for deck in result.decks:
        live = sum(1 for n in deck.notes if not n.removed)
        removed = len(deck.notes) - live
        extra = f", {removed} removed" if removed else ""
        click.echo(f"{obj.dist / (deck.id + '.apkg')}: {live} notes{extra}")
    if result.written:
        click.echo(f"wrote {len(result.written)} file(s); {len(result.changes)} change(s)")
    else:
        click.echo("dist/ already up to date")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format for errors.")
@click.pass_obj
def validate(obj: Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Check deck files against the schema and report every problem as file:line:col.

    With PATHs (deck folders or YAML files), only problems in those are reported.
    """
    from .project import validate_paths

    errors, project = validate_paths(obj.decks, list(paths))
    if errors:
        _report(errors, fmt == "json")
        sys.exit(1)
    if fmt == "json":
        click.echo("[]")
        return
    if project is None:  # problems exist, but none in the PATHs asked about
        click.echo(f"ok: no problems in {', '.join(str(p) for p in paths)}")
        return
    cards = sum(len(d.cards) for d in project.decks)
    click.echo(f"ok: {len(project.decks)} deck(s), {cards} card(s)")


@main.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_obj
def list_(obj: Context, fmt: str) -> None:
    """List the decks with their notes, Anki cards and card types."""
    from .project import deck_stats, load_project

    try:
        project = load_project(obj.decks)
    except DeckforgeErrors as exc:
        _fail(exc)
    rows: list[dict[str, Any]] = [deck_stats(d) for d in project.decks]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1))
        return
    header = ("deck", "notes", "cards", "basic", "reversible", "cloze", "choice", "name")
    table = [header] + [(r["id"], r["notes"], r["cards"], r["types"]["basic"],
                         r["types"]["reversible"], r["types"]["cloze"], r["types"]["choice"],
                         r["name"]) for r in rows]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header) - 1)]
    for row in table:
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(row, widths, strict=False))]
        click.echo("  ".join(cells + [str(row[-1])]))


@main.command()
@click.argument("deck_ids", metavar="[DECK]...", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown",
              show_default=True)
@click.pass_obj
def diff(obj: Context, deck_ids: tuple[str, ...], fmt: str) -> None:
    """Show what changed since dist/manifest.json: cards added, edited, removed, per deck.

    The Markdown output is meant as release notes for learners. Writes nothing.
    """
    from .build import plan_build
    from .release import release_notes, summarize

    try:
        result = plan_build(obj.decks, obj.dist, _now(), list(deck_ids) or None)
    except DeckforgeErrors as exc:
        _fail(exc)
    if fmt == "json":
        click.echo(json.dumps(summarize(result.changes), indent=1, sort_keys=True))
    else:
        click.echo(release_notes(result.changes, result.decks), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
