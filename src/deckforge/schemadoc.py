"""Generate docs/schema.md, the field reference, from the JSON Schemas in schema/."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .load.schema import SCHEMA_DIR

__all__ = ["render_schema_docs"]

# Order and file names of the pages' sections; each schema says what it describes.
_FILES = (("deck.yaml", "deck.schema.json"), ("Card files", "cards.schema.json"),
          ("decks/sources.yaml", "sources.schema.json"), ("decks/lint.yaml", "lint.schema.json"))
_TYPES = {"string": "text", "integer": "whole number", "number": "number", "boolean": "true/false",
          "array": "list", "object": "mapping"}

Schema = dict[str, Any]


def _resolve(root: Schema, node: Schema) -> Schema:
    while "$ref" in node:
        ref = node["$ref"]
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        # Keywords next to a $ref (e.g. a description) win over the referenced schema's.
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _type(root: Schema, node: Schema) -> str:
    node = _resolve(root, node)
    if "oneOf" in node or "anyOf" in node:
        alternatives: list[Schema] = node.get("oneOf") or node.get("anyOf") or []
        return " or ".join(_type(root, n) for n in alternatives)
    if "enum" in node:
        return "one of " + ", ".join(f"`{v}`" for v in node["enum"])
    if "const" in node:
        return f"`{node['const']}`"
    kind = str(node.get("type", "any"))
    words = _TYPES.get(kind, kind)
    if kind == "array" and "items" in node:
        words = f"list of {_type(root, node['items'])}"
    return words


def _limits(root: Schema, node: Schema) -> str:
    node = _resolve(root, node)
    parts = []
    if "pattern" in node:
        parts.append(f"matches `{node['pattern']}`")
    for key, text in (("minLength", "at least {} character(s)"), ("maxLength", "at most {} characters"),
                      ("minimum", "at least {}"), ("minItems", "at least {} items"),
                      ("maxItems", "at most {} items"), ("default", "default {}")):
        if key in node:
            parts.append(text.format(node[key]))
    if node.get("uniqueItems"):
        parts.append("no repeats")
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        inner = _resolve(root, node["items"])
        if "pattern" in inner:
            parts.append(f"each matches `{inner['pattern']}`")
    return "; ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(root: Schema, node: Schema) -> list[str]:
    required = set(node.get("required", ()))
    rows = ["| Field | Type | Required | Description | Limits |", "|---|---|---|---|---|"]
    for name, prop in node.get("properties", {}).items():
        desc = prop.get("description") or _resolve(root, prop).get("description", "")
        rows.append(f"| `{name}` | {_cell(_type(root, prop))} | {'yes' if name in required else ''} "
                    f"| {_cell(desc)} | {_cell(_limits(root, prop))} |")
    return rows


def _sections(root: Schema, node: Schema, title: str, level: int) -> list[str]:
    node = root if node is root else _resolve(root, node)
    out = [f"{'#' * level} {title}", ""]
    if node is not root and node.get("description"):
        out += [node["description"], ""]
    out += _table(root, node) + [""]
    if "anyOf" in node and all(set(n) == {"required"} for n in node["anyOf"]):
        one_of = " or ".join(f"`{n['required'][0]}`" for n in node["anyOf"])
        out += [f"Needs at least one of {one_of}.", ""]
    if node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False:
        out += ["Other fields are errors.", ""]
    for name, prop in node.get("properties", {}).items():
        sub = _resolve(root, prop)
        items = sub.get("items")
        if sub.get("type") == "array" and isinstance(items, dict) and "properties" in _resolve(root, items):
            out += _sections(root, items, f"Each item of `{name}`", level + 1)
        extra = sub.get("additionalProperties")
        if sub.get("type") == "object" and isinstance(extra, dict) and "properties" in extra:
            out += _sections(root, extra, f"Each entry of `{name}`", level + 1)
    for branch in node.get("allOf", ()):
        cond = branch.get("if", {}).get("properties", {}).get("type", {})
        types = cond.get("enum") or ([cond["const"]] if "const" in cond else [])
        if types and "then" in branch:
            label = " and ".join(f"`{t}`" for t in types)
            out += _sections(root, branch["then"], f"Fields of {label} cards", level + 1)
    return out


def render_schema_docs(schema_dir: Path = SCHEMA_DIR) -> str:
    """The Markdown text of docs/schema.md."""
    out = ["# Schema reference", "",
           "<!-- Generated from schema/*.json by `python -m deckforge.schemadoc docs/schema.md`;",
           "     do not edit by hand: tests/test_docs.py fails when this page drifts. -->", "",
           "The files under `decks/` are checked against these JSON Schemas (draft 2020-12) by",
           "`deckforge validate`, and editors read them through the",
           "`# yaml-language-server: $schema=...` line at the top of each file.", ""]
    for title, name in _FILES:
        root = json.loads((schema_dir / name).read_text(encoding="utf-8"))
        out += [f"## {title} (`schema/{name}`)", "", root.get("description", ""), ""]
        out += _sections(root, root, "Fields", 3)
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    text = render_schema_docs()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
