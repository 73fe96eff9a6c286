"""Lint: card-quality findings over typed cards (``check``), by the ``rules``, reading card ``text``."""

from __future__ import annotations

from .check import lint_paths, lint_project
from .rules import NOT_A_RULE, RULES, Finding, LintConfig, load_config

__all__ = ["NOT_A_RULE", "RULES", "Finding", "LintConfig", "lint_paths", "lint_project", "load_config"]
