"""A fast yes/no check of data against the same JSON Schemas; jsonschema still explains errors.

The schemas in ``schema/`` are compiled into plain Python closures. A closure answers True only
when jsonschema would report no error; every doubt answers False, and the caller then runs
jsonschema itself, so error messages come from one place. Keywords this module does not know
make ``compile_schema`` raise ``Unsupported``: a schema change can make validation slower,
never different.

Two specialisations make the per-card work small. Simple string and array schemas become one
closure each (no per-keyword calls). An object schema closed by ``unevaluatedProperties: false``
whose ``if``/``then`` branches all test one property against constants (the card's ``type``) is
flattened, at compile time, into one "shape" per value of that property: the allowed keys, the
required keys and one check per key, so a card costs a dictionary lookup, two set comparisons
and one call per field. Anything else keeps the general keyword-by-keyword closures.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["Unsupported", "compile_schema", "is_valid"]

Check = Callable[[Any], bool]
Evaluated = Callable[[dict[str, Any]], set[str]]
# required keys, allowed keys, the check of each allowed key
_Case = tuple[frozenset[str], frozenset[str], dict[str, Check]]

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
# The values each JSON type admits, as disjoint kinds ("number" includes the integers).
_KINDS = {"string": {"string"}, "object": {"object"}, "array": {"array"}, "boolean": {"boolean"},
          "null": {"null"}, "integer": {"integer"}, "number": {"integer", "fraction"}}
_ANY_KIND = frozenset().union(*_KINDS.values())
# Keywords whose values are data or names, not subschemas (for the exactness walk).
_DATA_KEYWORDS = {"enum", "const", "required", "type", "pattern"}
_ABSENT = object()  # the discriminator key is missing from the object


class Unsupported(Exception):
    """The schema uses a keyword this module does not compile."""


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _true(v: Any) -> bool:
    return True


def _bound(schema: dict[str, Any], key: str, default: int) -> int:
    value = schema.get(key, default)
    if type(value) is not int or value < 0:
        raise Unsupported(f"{key} {value!r}")
    return value


def _unique(v: list[Any]) -> bool:
    # jsonschema's equality is never looser than Python's (it only splits True from 1), and
    # equal values hash alike: distinct set members are distinct to jsonschema too. The reverse
    # fails for [1, True] and unhashable items: a doubt (False), not a no.
    try:
        return len(set(v)) == len(v)
    except TypeError:
        return False


def _any(checks: list[Check]) -> Check:
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) or second(v)

    def any_of(v: Any) -> bool:
        for c in checks:  # noqa: SIM110 - a plain loop is measurably faster here
            if c(v):
                return True
        return False
    return any_of


def _all(checks: list[Check]) -> Check:
    if not checks:
        return _true
    if len(checks) == 1:
        return checks[0]

    def all_of(v: Any) -> bool:
        for c in checks:  # noqa: SIM110 - a plain loop is measurably faster here
            if not c(v):
                return False
        return True
    return all_of


class _Parts:
    """An object schema flattened: constraints per property, required names, if/then/else."""

    def __init__(self) -> None:
        self.props: dict[str, list[Any]] = {}
        self.required: set[str] = set()
        self.conditionals: list[tuple[Any, Any, Any]] = []

    def add(self, other: _Parts) -> None:
        for name, subs in other.props.items():
            self.props.setdefault(name, []).extend(subs)
        self.required |= other.required

    def copy(self) -> _Parts:
        out = _Parts()
        out.add(self)
        return out


class _Compiler:
    def __init__(self, root: dict[str, Any], shapes: bool = True) -> None:
        self.root = root
        self.checks: dict[str, Check] = {}
        self.evals: dict[str, Evaluated] = {}
        self.use_shapes = shapes
        self.shaped: list[dict[str, Any]] = []  # the schemas compiled as shapes (for tests)

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

    def exact(self, schema: Any) -> bool:
        """Whether the compiled check of ``schema`` never doubts, for plain YAML/JSON data.

        Only ``uniqueItems`` doubts ([1, True], unhashable items); every other compiled keyword
        answers what jsonschema answers, so a schema is exact when no uniqueItems is reachable.
        ``if`` tests and overlapping ``oneOf`` branches need exact checks: there a doubt would
        pick the wrong branch or miss a second match.
        """
        stack: list[Any] = [schema]
        seen: set[int] = set()
        while stack:
            node = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, list):
                stack.extend(node)
            if not isinstance(node, dict):
                continue
            if node.get("uniqueItems") is True:
                return False
            for key, value in node.items():
                if key == "$ref":
                    stack.append(self.resolve(value))
                elif key == "properties" and isinstance(value, dict):
                    stack.extend(value.values())
                elif key not in _ANNOTATIONS and key not in _DATA_KEYWORDS:
                    stack.append(value)
        return True

    def kinds(self, schema: Any, depth: int = 0) -> frozenset[str]:
        """The kinds of values (see _KINDS) that can possibly be valid under ``schema``."""
        if schema is False:
            return frozenset()
        if not isinstance(schema, dict) or depth > 50:
            return _ANY_KIND
        out = _ANY_KIND
        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            out = frozenset().union(*(_KINDS[n] for n in names))
        if "$ref" in schema:
            out &= self.kinds(self.resolve(schema["$ref"]), depth + 1)
        for item in schema.get("allOf", []):
            out &= self.kinds(item, depth + 1)
        return out

    def compile(self, schema: Any) -> Check:
        if schema is True:
            return _true
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        special = self.leaf(schema)
        if special is None and self.use_shapes:
            special = self.shape(schema)
        if special is not None:
            return special
        checks: list[Check] = []
        # unevaluatedProperties last: it may then take every allOf branch as passed.
        for key, value in sorted(schema.items(), key=lambda kv: kv[0] == "unevaluatedProperties"):
            if key in _ANNOTATIONS or key in ("then", "else"):
                continue
            checks.append(self.keyword(key, value, schema))
        return _all(checks)

    def leaf(self, schema: dict[str, Any]) -> Check | None:
        """One closure for a plain string or array schema (the bulk of every card)."""
        keys = {k for k in schema if k not in _ANNOTATIONS}
        kind = schema.get("type")
        if kind == "string" and keys <= {"type", "minLength", "maxLength", "pattern"}:
            lo = _bound(schema, "minLength", 0)
            hi = _bound(schema, "maxLength", sys.maxsize)
            if "pattern" not in schema:
                return lambda v: isinstance(v, str) and lo <= len(v) <= hi
            search = re.compile(schema["pattern"]).search
            if lo == 0 and hi == sys.maxsize:
                return lambda v: isinstance(v, str) and search(v) is not None
            return lambda v: isinstance(v, str) and lo <= len(v) <= hi and search(v) is not None
        if kind == "array" and keys <= {"type", "items", "minItems", "maxItems", "uniqueItems"}:
            lo = _bound(schema, "minItems", 0)
            hi = _bound(schema, "maxItems", sys.maxsize)
            if not isinstance(schema.get("items", True), (dict, bool)):
                raise Unsupported("items as a list")
            item = self.compile(schema.get("items", True))
            unique = schema.get("uniqueItems") is True

            def array(v: Any) -> bool:
                if not isinstance(v, list) or not lo <= len(v) <= hi:
                    return False
                for x in v:
                    if not item(x):
                        return False
                return not unique or _unique(v)
            return array
        return None

    def collect(self, schema: Any, parts: _Parts, top: bool, refs: tuple[str, ...] = ()) -> bool:
        """Add what ``schema`` asks of an object to ``parts``; False when it asks anything else.

        Only keywords whose evaluated properties (for unevaluatedProperties) are their property
        names once the whole schema holds: properties, required, $ref, allOf, if/then/else.
        """
        if schema is True:
            return True
        if not isinstance(schema, dict):
            return False
        for key, value in schema.items():
            if key in _ANNOTATIONS or key in ("then", "else"):
                continue
            if key == "type":
                ok = value == "object"
            elif key == "properties":
                ok = isinstance(value, dict)
                for name, sub in value.items():
                    parts.props.setdefault(name, []).append(sub)
            elif key == "required":
                ok = isinstance(value, list) and all(isinstance(n, str) for n in value)
                parts.required.update(value)
            elif key == "$ref":
                ok = value not in refs and self.collect(self.resolve(value), parts, False,
                                                        (*refs, value))
            elif key == "allOf":
                ok = all(self.collect(sub, parts, False, refs) for sub in value)
            elif key == "if":
                parts.conditionals.append((value, schema.get("then", True), schema.get("else", True)))
                ok = True
            else:
                # unevaluatedProperties only where the shape starts (shape() checked it is false).
                ok = key == "unevaluatedProperties" and top
            if not ok:
                return False
        return True

    def discriminator(self, test: Any) -> tuple[str, Any, bool] | None:
        """(name, its subschema, required?) for an ``if`` testing one property only."""
        if not isinstance(test, dict) or not {k for k in test if k not in _ANNOTATIONS} <= \
                {"properties", "required"}:
            return None
        props = test.get("properties", {})
        required = test.get("required", [])
        if not isinstance(props, dict) or not isinstance(required, list):
            return None
        names = set(props) | set(required)
        if len(names) != 1:
            return None
        name = names.pop()
        return name, props.get(name, True), name in required

    def shape(self, schema: dict[str, Any]) -> Check | None:  # noqa: C901
        """The flattened check of a closed object schema (see the module docstring), or None."""
        if schema.get("unevaluatedProperties") is not False or schema.get("type") != "object":
            return None
        base = _Parts()
        if not self.collect(schema, base, top=True):
            return None
        key: str | None = None
        tests: list[tuple[str, Any, bool, _Parts, _Parts]] = []
        for test, then, other in base.conditionals:
            found = self.discriminator(test)
            if found is None or (key is not None and found[0] != key):
                return None
            key = found[0]
            branches = _Parts(), _Parts()
            if not all(self.collect(s, p, False) and not p.conditionals
                       for s, p in zip((then, other), branches, strict=True)):
                return None
            # A doubt in the test would take the wrong branch: it must answer exactly.
            if not self.exact(found[1]):
                return None
            tests.append((*found, *branches))
        values: list[Any] = [_ABSENT]
        if key is not None:
            # The values the discriminator may take, from a constant list next to the shape.
            options = next((s.get("enum", [s.get("const")]) for s in base.props.get(key, [])
                            if isinstance(s, dict) and ("enum" in s or "const" in s)), None)
            if options is None or not all(isinstance(o, str) for o in options):
                return None
            values += options

        cases: dict[Any, _Case] = {}
        for value in values:
            parts = base.copy()
            for name, sub, required, then, other in tests:
                # "properties" holds when the key is missing; "required" does not.
                passed = not required if value is _ABSENT else self.compile(sub)(value)
                if passed:
                    parts.props.setdefault(name, []).append(sub)
                parts.add(then if passed else other)
            if value is _ABSENT:
                if key in parts.required:
                    continue  # never valid: no case, so False
            elif not all(self.compile(s)(value) for s in parts.props.get(key or "", [])):
                continue
            checks = {n: self.compile_all(subs) for n, subs in parts.props.items() if n != key}
            if key is not None:
                checks[key] = _true  # this case exists only for values that passed above
            cases[value] = (frozenset(parts.required), frozenset(parts.props), checks)
        self.shaped.append(schema)
        return self.shaped_check(key, cases)

    def compile_all(self, subs: list[Any]) -> Check:
        unique: list[Any] = []
        for sub in subs:
            if all(sub is not u for u in unique):
                unique.append(sub)
        return _all([self.compile(s) for s in unique])

    @staticmethod
    def shaped_check(key: str | None, cases: dict[Any, _Case]) -> Check:
        def shaped(v: Any) -> bool:
            if not isinstance(v, dict):
                return False
            try:
                case = cases.get(_ABSENT if key is None else v.get(key, _ABSENT))
            except TypeError:  # an unhashable value is in no enum
                return False
            if case is None:
                return False
            required, allowed, checks = case
            keys = v.keys()
            if not (keys <= allowed and keys >= required):
                return False
            for k, x in v.items():  # noqa: SIM110 - a plain loop is measurably faster here
                if not checks[k](x):
                    return False
            return True
        return shaped

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
            bound = _bound(schema, key, 0)
            if key.startswith("min"):
                return lambda v: not isinstance(v, kind) or len(v) >= bound
            return lambda v: not isinstance(v, kind) or len(v) <= bound
        if key in ("minimum", "maximum"):
            if not _number(value):
                raise Unsupported(key)
            # Written as jsonschema writes them, so NaN compares the same way.
            if key == "minimum":
                return lambda v: not _number(v) or not v < value
            return lambda v: not _number(v) or not v > value
        if key in ("enum", "const"):
            options = list(value) if key == "enum" else [value]
            if not all(isinstance(o, str) for o in options):
                raise Unsupported(f"{key} of non-strings")
            allowed = frozenset(options)
            # Only text can equal text under jsonschema's equality.
            return lambda v: isinstance(v, str) and v in allowed
        if key == "uniqueItems":
            if value is not True:
                return _true
            return lambda v: not isinstance(v, list) or _unique(v)
        if key in ("allOf", "anyOf", "oneOf"):
            subs = [self.compile(s) for s in value]
            if key == "allOf":
                return _all(subs)
            kinds = [self.kinds(s) for s in value]
            disjoint = all(not (a & b) for i, a in enumerate(kinds) for b in kinds[i + 1:])
            if key == "anyOf" or disjoint:
                # Branches admitting disjoint kinds of values never both hold: oneOf is anyOf.
                return _any(subs)
            # Counting needs exact branches: a doubted second match would count as none.
            if not all(self.exact(s) for s in value):
                raise Unsupported("oneOf of overlapping branches that may doubt")
            return lambda v: sum(1 for s in subs if s(v)) == 1
        if key == "if":
            if not self.exact(value):
                raise Unsupported("an if that may doubt")
            test = self.compile(value)
            then = self.compile(schema.get("then", True))
            other = self.compile(schema.get("else", True))
            return lambda v: then(v) if test(v) else other(v)
        raise Unsupported(key)

    def evaluated(self, schema: Any, all_of_passed: bool = False) -> Evaluated:
        """The keys jsonschema counts as evaluated for ``unevaluatedProperties`` (its own rules).

        ``all_of_passed``: this schema's allOf branches are known to hold (they were checked
        before), so their validity need not be checked again. A doubting branch check only
        counts fewer keys as evaluated, which makes unevaluatedProperties stricter, never laxer.
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
            if not self.exact(schema["if"]):
                raise Unsupported("an if that may doubt")
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


def compile_schema(schema: dict[str, Any], shapes: bool = True) -> Check:
    """A function telling whether data is valid under ``schema`` (True only when certain).

    ``shapes=False`` keeps closed object schemas on the general path (tests compare the two).
    """
    return _Compiler(schema, shapes).compile(schema)


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
