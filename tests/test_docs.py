"""Generated docs stay in step with their sources: docs/cli.md with --help, docs/schema.md with schema/.

Regenerate both with `make docs` (DECKFORGE_UPDATE_DOCS=1 python -m pytest tests/test_docs.py).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from click.testing import CliRunner

from deckforge.cli import main
from deckforge.lint import RULES, LintConfig
from deckforge.schemadoc import render_schema_docs

ROOT = Path(__file__).resolve().parent.parent
UPDATE = os.environ.get("DECKFORGE_UPDATE_DOCS") == "1"


def help_text(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="deckforge", terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.output


def cli_docs() -> str:
    out = ["# Command-line reference", "",
           "<!-- Generated from `deckforge --help` by `make docs`; tests/test_docs.py fails when",
           "     this page drifts. -->", "", "```", help_text().rstrip(), "```", ""]
    assert isinstance(main, click.Group)
    for name in sorted(main.commands):
        out += [f"## deckforge {name}", "", "```", help_text(name).rstrip(), "```", ""]
    return "\n".join(out)


def check(path: Path, text: str) -> None:
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        f"{path.relative_to(ROOT)} is out of date: run `make docs`")


def test_cli_reference_matches_help() -> None:
    check(ROOT / "docs" / "cli.md", cli_docs())


def test_cli_reference_lists_every_lint_rule() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert all(name in text for name in RULES)


def test_schema_reference_matches_schemas() -> None:
    check(ROOT / "docs" / "schema.md", render_schema_docs())


def test_schema_reference_documents_lint_ignore_and_lint_settings() -> None:
    text = render_schema_docs()
    assert "| `lint_ignore` | list of text |" in text
    assert "| `stale_after_months` | whole number |  |" in text


def test_lint_schema_agrees_with_the_linter() -> None:
    schema = json.loads((ROOT / "schema" / "lint.schema.json").read_text(encoding="utf-8"))
    props = schema["properties"]
    assert props["disable"]["items"]["enum"] == list(RULES)
    defaults = LintConfig()
    for key, spec in props.items():
        if key != "disable":
            assert getattr(defaults, key) == spec["default"], key


def test_every_yaml_file_has_a_schema_modeline() -> None:
    missing = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "decks").rglob("*.yaml"))
               if not p.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")]
    assert missing == []


def test_modelines_point_at_existing_schemas() -> None:
    for path in sorted((ROOT / "decks").rglob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), path
