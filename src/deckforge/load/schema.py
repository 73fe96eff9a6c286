"""Validate raw YAML data against the JSON Schemas in ``schema/`` and explain what is wrong."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import DeckforgeError, did_you_mean
from ..model import CARD_TYPES
from .pyyaml import RawDocument

if TYPE_CHECKING:  # jsonschema is imported when a document is checked (a build may never need it)
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = ["SCHEMA_DIR", "SCHEMA_FILES", "card_fields", "check_document", "is_valid", "schema",
           "validate_document"]

SCHEMA_DIR = Path(__file__).parent.parent / "schema"
SCHEMA_FILES = {"deck": "deck.schema.json", "cards": "cards.schema.json",
                "sources": "sources.schema.json"}

_KIND_HINTS = {
    "deck": "deck.yaml needs `id:` and `name:`",
    "cards": "a card file needs `cards:` with a list of cards (or `include:`)",
    "sources": "sources.yaml needs `sources:` mapping names to a title and sections",
}
_FIELD_WORDS = {"front", "back", "text", "extra", "question", "explanation", "notes", "name",
                "description", "subdeck", "title"}


@cache
def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema for ``kind`` (``deck``, ``cards`` or ``sources``)."""
    with (SCHEMA_DIR / SCHEMA_FILES[kind]).open(encoding="utf-8") as f:
        result: dict[str, Any] = json.load(f)
    return result


@cache
def _validator(kind: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(kind))


@cache
def _fast_validator(kind: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(schema(kind))


def is_valid(kind: str, data: Any) -> bool:
    """Whether ``data`` meets the ``kind`` schema: the yes/no of jsonschema, from jsonschema-rs
    (about 3x faster on card files than a check of our own; a test holds it to jsonschema's
    verdict). jsonschema still words every error (``check_document``)."""
    try:
        return bool(_fast_validator(kind).is_valid(data))
    except (ValueError, TypeError, OverflowError):  # data JSON cannot hold (e.g. non-text keys)
        return False


@cache
def card_fields(card_type: str) -> tuple[str, ...]:
    """The fields a card of ``card_type`` may have, read from the schema."""
    defs = schema("cards")["$defs"]
    common = tuple(defs["card"]["properties"])
    specific = "basic" if card_type == "reversible" else card_type
    extra = tuple(defs[specific]["properties"]) if specific in defs else ()
    return common + extra


def _allowed(kind: str, doc_path: tuple[Any, ...], instance: dict[str, Any]) -> tuple[str, ...]:
    s = schema(kind)
    if kind == "cards" and len(doc_path) == 2 and doc_path[0] == "cards":
        card_type = instance.get("type", "basic")
        return card_fields(card_type if isinstance(card_type, str) else "basic")
    if kind == "cards" and len(doc_path) == 2 and doc_path[0] == "include":
        return tuple(s["properties"]["include"]["items"]["properties"])
    if kind == "sources" and len(doc_path) == 2:
        return tuple(s["properties"]["sources"]["additionalProperties"]["properties"])
    return tuple(s.get("properties", {}))



def _name(path: tuple[Any, ...]) -> str:
    for p in reversed(path):
        if isinstance(p, str):
            return p
    return "value"


def _what(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "empty"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "array": "a list",
               "object": "a mapping of fields", "number": "a number", "boolean": "true or false"}

_PATTERN_HELP = {
    "id": ("must be lowercase letters, digits and single hyphens", "for example `exam-fee-2026`"),
    "as_of": ("must be a date written YYYY-MM-DD", "for example as_of: 2026-11-28"),
    "source": ("must look like `name#section`, optionally followed by a space and text",
               "for example source: exam-facts#aws-mls-c01 (AWS exam guide)"),
    "subdeck": ("must not start or end with spaces or ':'", "use `Parent::Child` for deeper levels"),
    "name": ("must not start or end with spaces or ':'", "use `Parent::Child` for a sub-deck"),
    "from": ("must name a .yaml file", "for example from: ../_shared/courses.yaml"),
    "objectives": ("must be an objective id as the guide numbers it", 'for example "3.2" (in quotes)'),
    "code": ("must be an exam code", "for example code: MLA-C02"),
    "since": ("must be a date written YYYY-MM-DD", "for example since: 2026-09-29"),
    "until": ("must be a date written YYYY-MM-DD", "for example until: 2027-01-31"),
    "date": ("must be a date written YYYY-MM-DD", "for example date: 2026-06-01"),
    "retired": ("must be a date written YYYY-MM-DD", "for example retired: 2026-03-31"),
}
_ITEM_COUNT_HINTS = {
    "steps": "an ordering item has 3 to 8 steps: split a longer process into two items",
    "pairs": "a matching item has 3 to 8 pairs: split a longer list into two items",
}
# An id in the exam of deck.yaml is the guide's numbering, not a slug.
_EXAM_ID_HELP = ("must be the guide's numbering, e.g. 3 or 3.2", 'put it in quotes: id: "3.2"')


class _Failure(NamedTuple):
    """One way a document breaks its schema, as the explainers below read it."""

    kind: str
    doc: RawDocument
    path: tuple[Any, ...]
    name: str
    """The field it is about (the last name on ``path``)."""
    inst: Any
    """The value that breaks the rule."""
    expected: Any
    """The rule's value in the schema (the type, the pattern, the bound...)."""
    message: str
    """jsonschema's own wording."""


_Explainer = Callable[[_Failure], "list[DeckforgeError] | None"]


def _explain(kind: str, doc: RawDocument, err: ValidationError) -> list[DeckforgeError]:
    """What is wrong, worded for a writer: by the explainer of the rule broken (``_EXPLAINERS``),
    else jsonschema's message."""
    path = tuple(err.absolute_path)
    f = _Failure(kind, doc, path, _name(path), err.instance, err.validator_value, err.message)
    explainer = _EXPLAINERS.get(str(err.validator))
    found = explainer(f) if explainer is not None else None
    return found if found is not None else [doc.error(path, f"`{f.name}`: {err.message}")]


def _unknown_fields(f: _Failure) -> list[DeckforgeError] | None:
    if not isinstance(f.inst, dict):
        return None
    if f.kind == "cards" and f.inst.get("type", "basic") not in CARD_TYPES:
        return []  # the unknown type is reported; its fields cannot be judged
    allowed = _allowed(f.kind, f.path, f.inst)
    return [f.doc.error((*f.path, key), f"unknown field `{key}`",
                        did_you_mean(key, allowed) or "allowed here: " + ", ".join(allowed), key=True)
            for key in f.inst if key not in allowed]


def _required_fields(f: _Failure) -> list[DeckforgeError] | None:
    if not isinstance(f.inst, dict):
        return None
    errors = []
    for key in f.expected:
        if key in f.inst:
            continue
        where = ""
        if f.kind == "cards" and len(f.path) == 2 and f.path[0] == "cards":
            card_id = f.inst.get("id")
            card_type = f.inst.get("type", "basic")
            where = f" in {card_type} card" + (f" `{card_id}`" if isinstance(card_id, str) else "")
            fields = ", ".join(f"`{name}`" for name in _required(card_type))
            hint = f"a {card_type} card needs {fields}" if fields else ""
        elif f.kind == "cards" and len(f.path) == 4 and f.path[2] == "pairs":
            hint = "each pair needs `left:` and `right:`, e.g. - {left: S3, right: object storage}"
        else:
            hint = _KIND_HINTS[f.kind] if not f.path else ""
        typo = [k for k in f.inst if did_you_mean(k, [key])]
        if typo:
            hint = f"`{typo[0]}` looks like a misspelling of `{key}`"
        errors.append(f.doc.error(f.path, f"missing required field `{key}`{where}", hint))
    return errors


def _wrong_type(f: _Failure) -> list[DeckforgeError]:
    doc, path, name, inst, expected = f.doc, f.path, f.name, f.inst, f.expected
    kinds: list[str] = expected if isinstance(expected, list) else [expected]
    words = " or ".join(_TYPE_WORDS.get(t, t) for t in kinds)
    if not path:
        return [doc.error(path, f"expected {words} at the top of the file, found {_what(inst)}",
                          _KIND_HINTS[f.kind])]
    item = isinstance(path[-1], int)
    what = f"each item of `{name}`" if item else f"`{name}`"
    if path in doc.scalar_text and doc.scalar_text[path][1] and expected == "string":
        became, text = doc.scalar_text[path]
        return [doc.error(path, f"{what} must be text, but YAML read `{text}` as {became}",
                          f'put it in quotes: "{text}"' if item
                          else f'put it in quotes: {name}: "{text}"')]
    if inst is None and expected == "string" and not item:
        return [doc.error(path, f"`{name}` is empty", f"write the {name} text after `{name}:`")]
    hint = ""
    if expected == "string" and isinstance(inst, (list, dict)):
        hint = "text that starts with [ or { must be put in quotes"
    elif expected == "array" and not item:
        hint = f"write each item on its own line starting with `- `, below `{name}:`"
    elif expected == "object" and item and name == "cards":
        hint = "each card starts with `- id: ...` and has its fields indented below it"
    return [doc.error(path, f"{what} must be {words}, found {_what(inst)}", hint)]


def _wrong_form(f: _Failure) -> list[DeckforgeError]:
    msg, hint = _PATTERN_HELP.get(f.name, ("has an invalid form", ""))
    if f.kind == "deck" and f.path[:1] == ("exam",) and f.name == "id":
        msg, hint = _EXAM_ID_HELP
    if isinstance(f.path[-1], int) and f.name == "tags":
        return [f.doc.error(f.path, f"a tag cannot contain spaces or quotes: {f.inst!r}",
                            "join words with - and use :: for levels, e.g. domain::monitoring")]
    return [f.doc.error(f.path, f"`{f.name}` {msg}: {f.inst!r}", hint)]


def _not_an_option(f: _Failure) -> list[DeckforgeError]:
    options = [str(o) for o in f.expected]
    hint = did_you_mean(str(f.inst), options) or "one of: " + ", ".join(options)
    return [f.doc.error(f.path, f"unknown {f.name} `{f.inst}`", hint)]


def _empty(f: _Failure) -> list[DeckforgeError]:
    return [f.doc.error(f.path, f"`{f.name}` is empty", f"write the {f.name} text after `{f.name}:`")]


def _too_long(f: _Failure) -> list[DeckforgeError]:
    what = f"an item of `{f.name}`" if isinstance(f.path[-1], int) else f"`{f.name}`"
    hint = ("split it into several cards" if f.name in _FIELD_WORDS or f.name == "choices"
            else f"use a shorter {f.name.removesuffix('s')}")
    return [f.doc.error(f.path, f"{what} is longer than {f.expected} characters", hint)]


def _items(bound: str) -> _Explainer:
    def explain(f: _Failure) -> list[DeckforgeError]:
        return [f.doc.error(f.path, f"`{f.name}` needs {bound} {f.expected} items, found {len(f.inst)}",
                            _ITEM_COUNT_HINTS.get(f.name, ""))]
    return explain


def _repeated(f: _Failure) -> list[DeckforgeError]:
    return [f.doc.error(f.path, f"`{f.name}` lists the same item twice", "remove the repeat")]


def _bound(bound: str) -> _Explainer:
    def explain(f: _Failure) -> list[DeckforgeError]:
        return [f.doc.error(f.path, f"`{f.name}` must be {f.expected} {bound}, found {f.inst}",
                            "choice indices count from 0" if f.name == "answer" else
                            "weights are percentages" if f.name == "weight" else "")]
    return explain


def _one_of(f: _Failure) -> list[DeckforgeError] | None:
    doc, path, name, inst = f.doc, f.path, f.name, f.inst
    number = isinstance(inst, (int, float)) and not isinstance(inst, bool)
    if name == "weight" and number:
        return [doc.error(path, f"`weight` must be a percentage from 0 to 100, found {inst}",
                          "weights are the guide's shares of the exam, in percent")]
    if name == "weight":
        return [doc.error(path, f"`weight` must be a percentage or a range [low, high], found "
                          f"{_what(inst)}", "for example weight: 28, or weight: [30, 35] when "
                          "the guide gives a range")]
    if name == "answer" and isinstance(inst, int) and not isinstance(inst, bool):
        return [doc.error(path, f"`answer` must be 0 or more, found {inst}", "choice indices count from 0")]
    if name == "answer" and inst == []:
        return [doc.error(path, "`answer` lists no choice",
                          "list the indices of the correct choices, e.g. answer: [1, 3] for a "
                          "\"choose two\" item, or write answer: 1 for one")]
    if name == "choices":
        return _not_an_option_text(f)
    if name == "answer":
        return [doc.error(path, "`answer` must be a choice index (0, 1, ...) or a list of indices, "
                          f"found {_what(inst)}", "answer: 0 marks the first choice correct")]
    if name == "source":
        return [doc.error(path, "`source` must be `name#section` text or a list of them",
                          "for example source: exam-facts#aws-mls-c01")]
    return None


def _not_an_option_text(f: _Failure) -> list[DeckforgeError]:
    """An option that is neither text nor ``{text, why}``."""
    doc, path, inst = f.doc, f.path, f.inst
    if isinstance(inst, dict):
        if "why" in inst and "text" not in inst:
            return [doc.error(path, "this option has a `why` but no `text`",
                              "a plain option cannot carry a why: write it as `- text: <option>` "
                              "with `why: <reason>` on the next line, indented like `text:`")]
        extra = [k for k in inst if k not in ("text", "why")]
        if not extra:
            return [doc.error(path, "`choices`: an option must be text, or `text:` with an optional `why:`")]
        return [doc.error((*path, extra[0]), f"unknown field `{extra[0]}` in an option",
                          did_you_mean(str(extra[0]), ("text", "why")) or
                          "an option has `text:` and an optional `why:`", key=True)]
    # Worded as before options could be mappings: an option is text first of all.
    if path in doc.scalar_text and doc.scalar_text[path][1]:
        became, text = doc.scalar_text[path]
        return [doc.error(path, f"each item of `choices` must be text, but YAML read `{text}` "
                          f"as {became}", f'put it in quotes: "{text}"')]
    return [doc.error(path, f"each item of `choices` must be text, found {_what(inst)}",
                      "text that starts with [ or { must be put in quotes" if isinstance(inst, list)
                      else "an option is text, or `text:` with an optional `why:`")]


def _no_content(f: _Failure) -> list[DeckforgeError] | None:
    if f.path:
        return None
    return [f.doc.error(f.path, "a card file needs `cards:` (or `include:`)", _KIND_HINTS[f.kind])]


def _bad_name(f: _Failure) -> list[DeckforgeError]:
    return [f.doc.error(f.path, f"invalid name in `{f.name}`: {f.message}",
                        "names are lowercase letters, digits and hyphens")]


_EXPLAINERS: dict[str, _Explainer] = {
    "additionalProperties": _unknown_fields, "unevaluatedProperties": _unknown_fields,
    "required": _required_fields, "type": _wrong_type, "pattern": _wrong_form,
    "enum": _not_an_option, "minLength": _empty, "maxLength": _too_long,
    "minItems": _items("at least"), "maxItems": _items("at most"), "uniqueItems": _repeated,
    "minimum": _bound("or more"), "maximum": _bound("or less"), "oneOf": _one_of,
    "anyOf": _no_content, "propertyNames": _bad_name,
}
"""The explainer of each schema rule (JSON Schema keyword); None from one: not its case."""


def _required(card_type: Any) -> tuple[str, ...]:
    defs = schema("cards")["$defs"]
    key = "basic" if card_type == "reversible" else card_type
    if isinstance(key, str) and key in defs and "required" in defs[key]:
        return tuple(defs[key]["required"])
    return ()


def validate_document(kind: str, doc: RawDocument) -> list[DeckforgeError]:
    """All the ways ``doc`` breaks the ``kind`` schema, as DeckforgeErrors."""
    return check_document(kind, doc)[0]


def check_document(kind: str, doc: RawDocument) -> tuple[list[DeckforgeError], set[int] | None]:
    """Errors, and the indices of the broken cards; None when the file as a whole is broken."""
    if doc.data is None:
        return [DeckforgeError(str(doc.path), 1, 1, "file is empty", _KIND_HINTS[kind])], None
    errors: list[DeckforgeError] = []
    bad_cards: set[int] | None = set()
    for err in _validator(kind).iter_errors(doc.data):
        errors.extend(_explain(kind, doc, err))
        where = tuple(err.absolute_path)
        if (kind == "cards" and len(where) >= 2 and where[0] == "cards"
                and isinstance(where[1], int) and bad_cards is not None):
            bad_cards.add(where[1])
        else:
            bad_cards = None
    return errors, bad_cards
