"""The layout rules of docs/architecture.md hold: short modules, no import cycle, no private
names imported across modules, and every module named on that page."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

PACKAGE = ROOT / "src" / "deckforge"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 400


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(imported module, names) for every import of a deckforge module in ``path``, lazy ones too."""
    package = _name(path) if path.name == "__init__.py" else _name(path).rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
            names = [a.name for a in node.names]
            if node.module is None:  # from . import cloze: the module itself
                found += [(f"{module}.{n}", []) for n in names]
            else:
                found.append((module, names))
    return found


def test_no_module_is_longer_than_400_lines() -> None:
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_no_private_name_is_imported_from_another_module() -> None:
    private = [f"{p.relative_to(PACKAGE)}: {n} from {m}" for p in MODULES for m, names in _imports(p)
               for n in names if n.startswith("_") and not n.startswith("__")]
    assert private == []


def test_no_import_cycle() -> None:
    known = {_name(p) for p in MODULES}
    graph: dict[str, set[str]] = {}
    for p in MODULES:
        me = _name(p)
        deps = set()
        for module, _ in _imports(p):
            parts = module.split(".")
            # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
            deps |= {".".join(parts[:i]) for i in range(2, len(parts) + 1)}
        graph[me] = {d for d in deps if d in known and d != me and not me.startswith(d + ".")}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for dep in sorted(graph[node]):
            if dep == path[0]:
                cycles.append(" -> ".join([*path, dep]))
            elif dep not in path and dep > path[0]:  # each cycle found once, from its least module
                visit(dep, [*path, dep])

    for start in sorted(graph):
        visit(start, [start])
    assert cycles == []


def test_the_architecture_page_names_every_module() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [str(p.relative_to(PACKAGE)) for p in MODULES
               if p != PACKAGE / "__init__.py" and f"`{p.relative_to(PACKAGE).as_posix()}`" not in page]
    assert missing == []
