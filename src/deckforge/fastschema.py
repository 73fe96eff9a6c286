"""A fast yes/no check of data against the same JSON Schemas; jsonschema still explains errors.

The schemas in ``schema/`` are compiled into plain Python closures. A closure answers True only
when jsonschema would report no error; every doubt answers False, and the caller then runs
jsonschema itself, so error messages come from one place. Keywords this module does not know
make ``compile_schema`` raise ``Unsupported``: a schema change can make validation slower,
never different.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Unsupported", "compile_schema", "is_valid"]

Check = Callable[[Any], bool]
Evaluated = Callable[[dict[str, Any]], set[str]]

# Keywords that only annotate: jsonschema ignores them when validating.
_ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "default", "examples",
                "deprecated", "readOnly", "writeOnly", "$defs", "markdownDescription"}
_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


class Unsupported(Exception):
    """The schema uses a keyword this module does not compile."""


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class _Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.checks: dict[str, Check] = {}
        self.evals: dict[str, Evaluated] = {}

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise Unsupported(f"remote $ref {ref}")
        node: Any = self.root
        for part in [p for p in ref[1:].split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def ref_check(self, ref: str) -> Check:
        if ref not in self.checks:
            # A cell first, so recursive schemas compile; then the compiled function itself.
            cell: list[Check] = []
            self.checks[ref] = lambda v: cell[0](v)
            cell.append(self.compile(self.resolve(ref)))
            self.checks[ref] = cell[0]
        return self.checks[ref]

    def ref_evaluated(self, ref: str) -> Evaluated:
        if ref not in self.evals:
            cell: list[Evaluated] = []
            self.evals[ref] = lambda v: cell[0](v)
            cell.append(self.evaluated(self.resolve(ref)))
        return self.evals[ref]

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        checks: list[Check] = []
        # unevaluatedProperties last: it may then take every allOf branch as passed.
        for key, value in sorted(schema.items(), key=lambda kv: kv[0] == "unevaluatedProperties"):
            if key in _ANNOTATIONS or key in ("then", "else"):
                continue
            checks.append(self.keyword(key, value, schema))
        if len(checks) == 1:
            return checks[0]

        def all_of(v: Any) -> bool:
            for c in checks:  # noqa: SIM110 - a plain loop is measurably faster here
                if not c(v):
                    return False
            return True
        return all_of

    def keyword(self, key: str, value: Any, schema: dict[str, Any]) -> Check:  # noqa: C901
        if key == "type":
            names = value if isinstance(value, list) else [value]
            tests = [_TYPES[n] for n in names]
            if len(tests) == 1:
                return tests[0]
            return lambda v: any(t(v) for t in tests)
        if key == "$ref":
            return self.ref_check(value)
        if key == "properties":
            props = {name: self.compile(sub) for name, sub in value.items()}

            def properties(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                for k, x in v.items():
                    check = props.get(k)
                    if check is not None and not check(x):
                        return False
                return True
            return properties
        if key == "required":
            names = list(value)
            return lambda v: not isinstance(v, dict) or all(n in v for n in names)
        if key == "additionalProperties":
            known = set(schema.get("properties", {}))
            if "patternProperties" in schema:
                raise Unsupported("patternProperties")
            sub = self.compile(value)
            return lambda v: not isinstance(v, dict) or all(sub(x) for k, x in v.items() if k not in known)
        if key == "unevaluatedProperties":
            sub = self.compile(value)
            evaluated = self.evaluated(schema, all_of_passed=True)

            def unevaluated(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                seen = evaluated(v)
                return all(sub(x) for k, x in v.items() if k not in seen)
            return unevaluated
        if key == "propertyNames":
            sub = self.compile(value)
            return lambda v: not isinstance(v, dict) or all(sub(k) for k in v)
        if key == "items":
            if not isinstance(value, (dict, bool)):
                raise Unsupported("items as a list")
            sub = self.compile(value)

            def items(v: Any) -> bool:
                if not isinstance(v, list):
                    return True
                for x in v:  # noqa: SIM110 - a plain loop is measurably faster here
                    if not sub(x):
                        return False
                return True
            return items
        if key == "pattern":
            search = re.compile(value).search
            return lambda v: not isinstance(v, str) or search(v) is not None
        if key in ("minLength", "maxLength", "minItems", "maxItems"):
            kind = str if key.endswith("Length") else list
            bound = int(value)
            if key.startswith("min"):
                return lambda v: not isinstance(v, kind) or len(v) >= bound
            return lambda v: not isinstance(v, kind) or len(v) <= bound
        if key in ("minimum", "maximum"):
            if not _number(value):
                raise Unsupported(key)
            if key == "minimum":
                return lambda v: not _number(v) or v >= value
            return lambda v: not _number(v) or v <= value
        if key in ("enum", "const"):
            options = list(value) if key == "enum" else [value]
            if not all(isinstance(o, str) for o in options):
                raise Unsupported(f"{key} of non-strings")
            allowed = frozenset(options)
            # Only text can equal text under jsonschema's equality; anything else is "not sure".
            return lambda v: isinstance(v, str) and v in allowed
        if key == "uniqueItems":
            if value is not True:
                return lambda v: True

            def unique(v: Any) -> bool:
                if not isinstance(v, list):
                    return True
                # Plain text or plain whole numbers only; mixed lists go to jsonschema.
                if all(isinstance(x, str) for x in v) or all(type(x) is int for x in v):
                    return len(set(v)) == len(v)
                return False
            return unique
        if key in ("allOf", "anyOf", "oneOf"):
            subs = [self.compile(s) for s in value]
            if key == "allOf":
                return lambda v: all(s(v) for s in subs)
            if key == "anyOf":
                return lambda v: any(s(v) for s in subs)
            return lambda v: sum(1 for s in subs if s(v)) == 1
        if key == "if":
            test = self.compile(value)
            then = self.compile(schema.get("then", True))
            other = self.compile(schema.get("else", True))
            return lambda v: then(v) if test(v) else other(v)
        raise Unsupported(key)

    def evaluated(self, schema: Any, all_of_passed: bool = False) -> Evaluated:
        """The keys jsonschema counts as evaluated for ``unevaluatedProperties`` (its own rules).

        ``all_of_passed``: this schema's allOf branches are known to hold (they were checked
        before), so their validity need not be checked again.
        """
        if not isinstance(schema, dict):
            return lambda v: set()
        for key in ("$dynamicRef", "patternProperties", "dependentSchemas"):
            if key in schema:
                raise Unsupported(key)
        parts: list[Evaluated] = []
        if "$ref" in schema:
            parts.append(self.ref_evaluated(schema["$ref"]))
        props = schema.get("properties")
        if isinstance(props, dict):
            names = set(props)
            parts.append(lambda v: names & v.keys())
        for key in ("additionalProperties", "unevaluatedProperties"):
            if key in schema:
                sub = self.compile(schema[key])
                def passing(v: dict[str, Any], sub: Check = sub) -> set[str]:
                    return {k for k, x in v.items() if sub(x)}
                parts.append(passing)
        for key in ("allOf", "oneOf", "anyOf"):
            for item in schema.get(key, []):
                inner = self.evaluated(item)
                if key == "allOf" and all_of_passed:
                    parts.append(inner)
                    continue
                compiled = self.compile(item)

                def if_valid(v: dict[str, Any], valid: Check = compiled,
                             inner: Evaluated = inner) -> set[str]:
                    return inner(v) if valid(v) else set()
                parts.append(if_valid)
        if "if" in schema:
            test = self.compile(schema["if"])
            if_keys = self.evaluated(schema["if"])
            then_keys = self.evaluated(schema["then"]) if "then" in schema else (lambda v: set())
            else_keys = self.evaluated(schema["else"]) if "else" in schema else (lambda v: set())
            parts.append(lambda v: (if_keys(v) | then_keys(v)) if test(v) else else_keys(v))

        def evaluated(v: dict[str, Any]) -> set[str]:
            out: set[str] = set()
            for part in parts:
                out |= part(v)
            return out
        return evaluated


def compile_schema(schema: dict[str, Any]) -> Check:
    """A function telling whether data is valid under ``schema`` (True only when certain)."""
    return _Compiler(schema).compile(schema)


@cache
def _compiled(kind: str) -> Check | None:
    # Read the file directly: importing jsonschema costs more than a whole cached build.
    path = Path(__file__).parent / "schema" / f"{kind}.schema.json"
    try:
        return compile_schema(json.loads(path.read_text(encoding="utf-8")))
    except (Unsupported, KeyError, TypeError, ValueError, OSError, re.error):
        return None


def is_valid(kind: str, data: Any) -> bool:
    """True when ``data`` certainly passes the ``kind`` schema; False means "ask jsonschema"."""
    check = _compiled(kind)
    if check is None:
        return False
    try:
        return bool(check(data))
    except (TypeError, ValueError, RecursionError):
        return False
