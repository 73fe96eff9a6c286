"""Validate raw YAML data against the JSON Schemas in ``schema/`` and explain what is wrong."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def _explain(kind: str, doc: RawDocument, err: ValidationError) -> Iterator[DeckforgeError]:
    path = tuple(err.absolute_path)
    v: Any = err.validator
    inst: Any = err.instance
    expected_value: Any = err.validator_value
    name = _name(path)
    if v in ("additionalProperties", "unevaluatedProperties") and isinstance(inst, dict):
        if kind == "cards" and inst.get("type", "basic") not in CARD_TYPES:
            return  # the unknown type is reported; its fields cannot be judged
        allowed = _allowed(kind, path, inst)
        for key in inst:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or "allowed here: " + ", ".join(allowed)
                yield doc.error((*path, key), f"unknown field `{key}`", hint, key=True)
        return
    if v == "required" and isinstance(inst, dict):
        for key in expected_value:
            if key not in inst:
                where = ""
                if kind == "cards" and len(path) == 2 and path[0] == "cards":
                    card_id = inst.get("id")
                    card_type = inst.get("type", "basic")
                    where = f" in {card_type} card" + (f" `{card_id}`" if isinstance(card_id, str) else "")
                    fields = ", ".join(f"`{f}`" for f in _required(card_type))
                    hint = f"a {card_type} card needs {fields}" if fields else ""
                elif kind == "cards" and len(path) == 4 and path[2] == "pairs":
                    hint = "each pair needs `left:` and `right:`, e.g. - {left: S3, right: object storage}"
                else:
                    hint = _KIND_HINTS[kind] if not path else ""
                typo = [k for k in inst if did_you_mean(k, [key])]
                if typo:
                    hint = f"`{typo[0]}` looks like a misspelling of `{key}`"
                yield doc.error(path, f"missing required field `{key}`{where}", hint)
        return
    if v == "type":
        expected = expected_value
        kinds: list[str] = expected if isinstance(expected, list) else [expected]
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in kinds)
        if not path:
            yield doc.error(path, f"expected {words} at the top of the file, found {_what(inst)}",
                            _KIND_HINTS[kind])
            return
        item = isinstance(path[-1], int)
        what = f"each item of `{name}`" if item else f"`{name}`"
        if path in doc.scalar_text and doc.scalar_text[path][1]:
            became, text = doc.scalar_text[path]
            if expected == "string":
                yield doc.error(path, f"{what} must be text, but YAML read `{text}` as {became}",
                                f'put it in quotes: "{text}"' if item
                                else f'put it in quotes: {name}: "{text}"')
                return
        if inst is None and expected == "string" and not item:
            yield doc.error(path, f"`{name}` is empty", f"write the {name} text after `{name}:`")
            return
        hint = ""
        if expected == "string" and isinstance(inst, (list, dict)):
            hint = "text that starts with [ or { must be put in quotes"
        elif expected == "array" and not item:
            hint = f"write each item on its own line starting with `- `, below `{name}:`"
        elif expected == "object" and item and name == "cards":
            hint = "each card starts with `- id: ...` and has its fields indented below it"
        yield doc.error(path, f"{what} must be {words}, found {_what(inst)}", hint)
        return
    if v == "pattern":
        msg, hint = _PATTERN_HELP.get(name, ("has an invalid form", ""))
        if kind == "deck" and path[:1] == ("exam",) and name == "id":
            msg, hint = _EXAM_ID_HELP
        if isinstance(path[-1], int) and name == "tags":
            yield doc.error(path, f"a tag cannot contain spaces or quotes: {inst!r}",
                            "join words with - and use :: for levels, e.g. domain::monitoring")
            return
        yield doc.error(path, f"`{name}` {msg}: {inst!r}", hint)
        return
    if v == "enum":
        options = [str(o) for o in expected_value]
        hint = did_you_mean(str(inst), options) or "one of: " + ", ".join(options)
        yield doc.error(path, f"unknown {name} `{inst}`", hint)
        return
    if v == "minLength":
        yield doc.error(path, f"`{name}` is empty", f"write the {name} text after `{name}:`")
        return
    if v == "maxLength":
        what = f"an item of `{name}`" if isinstance(path[-1], int) else f"`{name}`"
        hint = ("split it into several cards" if name in _FIELD_WORDS or name == "choices"
                else f"use a shorter {name.removesuffix('s')}")
        yield doc.error(path, f"{what} is longer than {expected_value} characters", hint)
        return
    if v in ("minItems", "maxItems"):
        bound = "at least" if v == "minItems" else "at most"
        yield doc.error(path, f"`{name}` needs {bound} {expected_value} items, found {len(inst)}",
                        _ITEM_COUNT_HINTS.get(name, ""))
        return
    if v == "uniqueItems":
        yield doc.error(path, f"`{name}` lists the same item twice", "remove the repeat")
        return
    if v in ("minimum", "maximum"):
        bound = "or more" if v == "minimum" else "or less"
        yield doc.error(path, f"`{name}` must be {expected_value} {bound}, found {inst}",
                        "choice indices count from 0" if name == "answer" else
                        "weights are percentages" if name == "weight" else "")
        return
    if v == "oneOf" and name == "weight":
        if isinstance(inst, (int, float)) and not isinstance(inst, bool):
            yield doc.error(path, f"`weight` must be a percentage from 0 to 100, found {inst}",
                            "weights are the guide's shares of the exam, in percent")
            return
        yield doc.error(path, f"`weight` must be a percentage or a range [low, high], found {_what(inst)}",
                        "for example weight: 28, or weight: [30, 35] when the guide gives a range")
        return
    if v == "oneOf" and name == "answer" and isinstance(inst, int) and not isinstance(inst, bool):
        yield doc.error(path, f"`answer` must be 0 or more, found {inst}", "choice indices count from 0")
        return
    if v == "oneOf" and name == "answer" and inst == []:
        yield doc.error(path, "`answer` lists no choice",
                        "list the indices of the correct choices, e.g. answer: [1, 3] for a "
                        "\"choose two\" item, or write answer: 1 for one")
        return
    if v == "oneOf" and name == "choices" and isinstance(inst, dict):
        if "why" in inst and "text" not in inst:
            yield doc.error(path, "this option has a `why` but no `text`",
                            "a plain option cannot carry a why: write it as `- text: <option>` "
                            "with `why: <reason>` on the next line, indented like `text:`")
            return
        extra = [k for k in inst if k not in ("text", "why")]
        yield doc.error((*path, extra[0]) if extra else path,
                        f"unknown field `{extra[0]}` in an option" if extra else "`choices`: "
                        "an option must be text, or `text:` with an optional `why:`",
                        (did_you_mean(str(extra[0]), ("text", "why")) or
                         "an option has `text:` and an optional `why:`") if extra else "",
                        key=bool(extra))
        return
    if v == "oneOf" and name == "choices":
        # Worded as before options could be mappings: an option is text first of all.
        if path in doc.scalar_text and doc.scalar_text[path][1]:
            became, text = doc.scalar_text[path]
            yield doc.error(path, f"each item of `choices` must be text, but YAML read `{text}` "
                            f"as {became}", f'put it in quotes: "{text}"')
            return
        yield doc.error(path, f"each item of `choices` must be text, found {_what(inst)}",
                        "text that starts with [ or { must be put in quotes" if isinstance(inst, list)
                        else "an option is text, or `text:` with an optional `why:`")
        return
    if v == "oneOf" and name == "answer":
        yield doc.error(path, f"`answer` must be a choice index (0, 1, ...) or a list of indices, found {_what(inst)}",
                        "answer: 0 marks the first choice correct")
        return
    if v == "oneOf" and name == "source":
        yield doc.error(path, "`source` must be `name#section` text or a list of them",
                        "for example source: exam-facts#aws-mls-c01")
        return
    if v == "anyOf" and not path:
        yield doc.error(path, "a card file needs `cards:` (or `include:`)", _KIND_HINTS[kind])
        return
    if v == "propertyNames":
        yield doc.error(path, f"invalid name in `{name}`: {err.message}",
                        "names are lowercase letters, digits and hyphens")
        return
    yield doc.error(path, f"`{name}`: {err.message}")


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
