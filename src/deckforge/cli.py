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

    Big projects are compiled in one process per CPU; DECKFORGE_JOBS=N sets the number
    (1: one process). Unchanged files come from .deckforge-cache/ (DECKFORGE_CACHE=0: off);
    after edits inside card files, only those files are compiled again.
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
    for deck_id, live, removed in result.counts:
        extra = f", {removed} removed" if removed else ""
        click.echo(f"{obj.dist / (deck_id + '.apkg')}: {live} notes{extra}")
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
    from .load.project import validate_paths

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
    from .load.project import deck_stats, load_project

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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.pass_obj
def coverage(obj: Context, deck_ids: tuple[str, ...], fmt: str) -> None:
    """How each deck covers its exam's guide (decks with `exam:` in deck.yaml).

    Per section: its weight, the notes and questions (choice, order and match items) that link
    its objectives, and its share of the deck's questions next to its weight ("off weight" when
    more than 40 % away). Per objective: notes and questions. Objectives with no question or
    fewer than 3 notes are listed first as gaps. Per deck, the question mix of all its
    questions: single and multiple response, order and match items, how many carry a fenced
    code block, the median stem length in words, and the case studies with their questions.
    JSON: {"decks": {DECK: {"exam", "guide", "notes", "questions", "sections": [{"id", "name",
    "weight", "notes", "questions", "share", "objectives": [{"id", "text", "notes",
    "questions"}]}], "mix": {"questions", "single", "multiple", "order", "match",
    "multiple_share", "code", "code_share", "median_stem_words", "cases": [{"id", "title",
    "questions"}]}}}} (shares in percent).
    """
    from .coverage import as_json, as_text, deck_coverage
    from .load.project import load_project

    try:
        project = load_project(obj.decks, list(deck_ids) or None)
    except DeckforgeErrors as exc:
        _fail(exc)
    found = [(d.id, deck_coverage(d)) for d in project.decks]
    covered = [c for _, c in found if c is not None]
    if fmt == "json":
        click.echo(json.dumps(as_json(covered), indent=1))
        return
    if covered:
        click.echo(as_text(covered), nl=False)
    for deck_id, c in found:
        if c is None:
            click.echo(f"{deck_id}: no exam in deck.yaml (nothing to cover)")


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


@main.command()
@click.argument("deck_ids", metavar="[DECK]...", nargs=-1)
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("preview"), show_default=True,
              help="Folder to write the site to (replaced on each run).")
@click.pass_obj
def preview(obj: Context, deck_ids: tuple[str, ...], out: Path) -> None:
    """Write a static HTML site showing every card (or the DECKs' cards) front and back.

    Cards go through the same templates and stylesheet as the .apkg, in light and dark
    mode; each deck page has statistics and a search by text and tag:name. Works offline.
    """
    from .load.project import load_project
    from .preview.site import write_preview

    try:
        result = write_preview(load_project(obj.decks, list(deck_ids) or None), out)
    except DeckforgeErrors as exc:
        _fail(exc)
    click.echo(f"{out / 'index.html'}: {result.decks} deck(s), {result.notes} card(s), "
               f"{result.faces} Anki card(s)")


@main.command()
@click.argument("deck_ids", metavar="[DECK]...", nargs=-1)
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("practice"), show_default=True,
              help="Folder to write the site to (replaced on each run).")
@click.pass_obj
def practice(obj: Context, deck_ids: tuple[str, ...], out: Path) -> None:
    """Write practice exams for the exam decks (or the DECKs) as a static site.

    Each exam deck gets a page with a timed mock exam drawn per section like the real one
    (`?seed=N` repeats a draw), a report per section with the questions to review and an Anki
    search for the weakest objectives, and a practice mode. Works from file:// with no network.
    `deckforge build` writes the same pages to dist/practice/.
    """
    from .load.project import load_project
    from .practice import write_practice

    try:
        result = write_practice(load_project(obj.decks, list(deck_ids) or None), out)
    except DeckforgeErrors as exc:
        _fail(exc)
    click.echo(f"{out / 'index.html'}: {result.decks} exam deck(s), {result.questions} question(s)")


class _LintCommand(click.Command):
    """Lists the lint rules under --help, importing them only when help is shown."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from .lint import NOT_A_RULE, RULES

        with formatter.section("Rules"):
            formatter.write_dl([(r.name, r.reason) for r in RULES.values()]
                               + [(f"({name})", why) for name, why in NOT_A_RULE.items()])
        super().format_epilog(ctx, formatter)


@main.command(cls=_LintCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 when there are findings (for CI and pre-commit).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format for findings.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, metavar="YYYY-MM-DD",
              help="Judge as_of against this date (YYYY-MM-DD) instead of today.")
@click.option("--rules", "show_rules", is_flag=True, help="List the rules and exit.")
@click.pass_obj
def lint(obj: Context, paths: tuple[Path, ...], strict: bool, fmt: str,
         today: Any, show_rules: bool) -> None:
    """Report card-quality problems as file:line:col warnings, each with a rule name.

    Files are validated first; invalid files are reported as errors (exit 1). Findings exit 0,
    or 1 with --strict. With PATHs, only findings in those files or folders are shown.

    Silence a rule for one card with `lint_ignore: [RULE]` in the card (for the duplicate
    rules: in either card). Thresholds, and rules turned off for all cards, go in
    decks/lint.yaml (see docs/schema.md).
    """
    import datetime as dt

    from .lint import NOT_A_RULE, RULES, lint_paths

    if show_rules:
        width = max(len(n) for n in (*RULES, *NOT_A_RULE)) + 2
        for rule in RULES.values():
            click.echo(f"{rule.name.ljust(width)}{rule.reason}")
        for name, why in NOT_A_RULE.items():
            click.echo(f"{('(' + name + ')').ljust(width)}{why}")
        return
    day = today.date() if today is not None else dt.date.today()
    errors, findings = lint_paths(obj.decks, list(paths), day)
    if fmt == "json":
        rows = [{**e.to_dict(), "severity": "error", "rule": ""} for e in errors]
        click.echo(json.dumps(rows + [f.to_dict() for f in findings], indent=1))
    elif errors:
        _report(errors)
    else:
        color = sys.stdout.isatty()
        for finding in findings:
            click.echo(finding.format(color))
        n = len(findings)
        click.echo(f"{n} warning{'s' if n != 1 else ''}" if n else "ok: no findings")
    if errors or (strict and findings):
        sys.exit(1)


@main.command()
@click.argument("deck")
@click.option("--type", "card_type", type=click.Choice(["basic", "reversible", "cloze", "choice", "order", "match"]),
              default="basic", show_default=True, help="Card type of the skeleton.")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path),
              help="Card file to append to, relative to the deck folder (created if missing). "
                   "[default: cards.yaml]")
@click.option("--id", "card_id", help="Card id (never changes once shipped). [default: <file>-<n>]")
@click.option("--create", is_flag=True, help="Create the deck folder and its deck.yaml first.")
@click.option("--name", help="With --create: the deck name shown in Anki. [default: DECK]")
@click.pass_obj
def new(obj: Context, deck: str, card_type: str, file: Path | None, card_id: str | None,
        create: bool, name: str | None) -> None:
    """Append a card skeleton with a fresh id to a card file of DECK (a deck id).

    Text is appended, so the comments and formatting above stay as they were. The skeleton
    is valid with TODO placeholders; `deckforge lint` flags them (todo-placeholder) until
    they are replaced. Prints file:line:col of the new card.
    """
    from .errors import display_path
    from .scaffold import ID_RE, add_card, create_deck

    if name is not None and not create:
        raise click.UsageError("--name only applies with --create")
    if create and not ID_RE.match(deck):
        raise click.BadParameter("a deck id is lowercase letters, digits and single hyphens",
                                 param_hint="DECK")
    if card_id is not None and not ID_RE.match(card_id):
        raise click.BadParameter("a card id is lowercase letters, digits and single hyphens",
                                 param_hint="--id")
    try:
        if create:
            folder = create_deck(obj.decks, deck, name or deck)
            click.echo(f"{display_path(folder / 'deck.yaml')}:1:1: created deck `{deck}`")
        result = add_card(obj.decks, deck, card_type, file, card_id, obj.dist)
    except DeckforgeErrors as exc:
        _fail(exc)
    made = " (new file)" if result.created_file else ""
    click.echo(f"{display_path(result.path)}:{result.line}:{result.col}: "
               f"added {card_type} card `{result.card_id}`{made}")
    click.echo("next: replace the TODOs, add a source, then run `deckforge lint`")


if __name__ == "__main__":  # pragma: no cover
    main()
