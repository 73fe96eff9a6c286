"""Type the parts of exam items: options (with ``why``), answers, steps, pairs and case studies."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import DeckforgeError, did_you_mean
from ..model import Case, Pair
from .pyyaml import RawDocument

__all__ = ["ItemParts", "item_parts", "item_texts"]


@dataclass(frozen=True)
class ItemParts:
    """What a choice, order or match card holds besides its text fields."""

    choices: tuple[str, ...] = ()
    whys: tuple[str, ...] = ()
    answer: tuple[int, ...] = ()
    steps: tuple[str, ...] = ()
    pairs: tuple[Pair, ...] = ()
    case: Case | None = None


def _key(text: str) -> str:
    """What two texts must share to be the same option: their words, whatever the spacing and case."""
    return " ".join(text.split()).casefold()


def item_texts(where: tuple[Any, ...], raw: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Every text of an item's lists (options, their whys, steps, pairs), with its YAML path."""
    out: list[tuple[tuple[Any, ...], str]] = []
    for j, option in enumerate(raw.get("choices") or ()):
        if isinstance(option, dict):
            out += [((*where, "choices", j, k), option[k]) for k in ("text", "why") if k in option]
        else:
            out.append(((*where, "choices", j), option))
    out += [((*where, "steps", j), step) for j, step in enumerate(raw.get("steps") or ())]
    for j, pair in enumerate(raw.get("pairs") or ()):
        out += [((*where, "pairs", j, k), pair[k]) for k in ("left", "right")]
    return out


class _Checker:
    def __init__(self, doc: RawDocument, where: tuple[Any, ...]) -> None:
        self.doc, self.where = doc, where
        self.errors: list[DeckforgeError] = []

    def error(self, at: tuple[Any, ...], message: str, hint: str = "") -> None:
        self.errors.append(self.doc.error((*self.where, *at), message, hint))

    def blank(self, at: tuple[Any, ...], text: str, what: str) -> None:
        if not text.strip():
            self.error(at, f"{what} is empty", f"write the {what.split()[-1]}'s text")

    def unique(self, name: str, keys: list[str], what: str, at: tuple[Any, ...] = ()) -> None:
        """Report each item of ``name`` whose key repeats an earlier one."""
        first: dict[str, int] = {}
        for j, key in enumerate(keys):
            if key in first:
                line, _ = self.doc.position((*self.where, name, first[key], *at))
                self.error((name, j, *at), f"duplicate {what}: the same as {what} {first[key] + 1} "
                           f"(line {line})", f"each {what} must differ; reword or remove one")
            else:
                first.setdefault(key, j)


def _choice(c: _Checker, raw: dict[str, Any]) -> ItemParts:
    choices: list[str] = []
    whys: list[str] = []
    for j, option in enumerate(raw["choices"]):
        text, why = (option["text"], option.get("why", "")) if isinstance(option, dict) else (option, "")
        choices.append(text)
        whys.append(why)
        at: tuple[Any, ...] = ("choices", j, "text") if isinstance(option, dict) else ("choices", j)
        if not text.strip():
            c.error(at, "choice is empty")
        if isinstance(option, dict) and "why" in option:
            c.blank(("choices", j, "why"), why, "the option's why")
    c.unique("choices", [_key(t) for t in choices], "option")
    value = raw["answer"]
    answer = tuple(value) if isinstance(value, list) else (value,)
    for a in answer:
        if isinstance(a, float):
            # JSON Schema counts 1.0 as an integer; an index must be written as one.
            c.error(("answer",), f"`answer` must be a whole number, found {a}", f"write answer: {int(a)}")
        elif a >= len(choices):
            c.error(("answer",), f"answer {a} is out of range: there are {len(choices)} choices",
                    f"choices count from 0, so the last one is {len(choices) - 1}")
    return ItemParts(choices=tuple(choices), whys=tuple(whys) if any(whys) else (),
                     answer=tuple(int(a) for a in answer))


def _order(c: _Checker, raw: dict[str, Any]) -> ItemParts:
    steps = tuple(raw["steps"])
    for j, step in enumerate(steps):
        c.blank(("steps", j), step, "step")
    c.unique("steps", [_key(s) for s in steps], "step")
    return ItemParts(steps=steps)


def _match(c: _Checker, raw: dict[str, Any]) -> ItemParts:
    pairs = tuple(Pair(p["left"], p["right"]) for p in raw["pairs"])
    for j, pair in enumerate(pairs):
        c.blank(("pairs", j, "left"), pair.left, "left-hand item")
        c.blank(("pairs", j, "right"), pair.right, "right-hand item")
    c.unique("pairs", [_key(p.left) for p in pairs], "left-hand item", ("left",))
    c.unique("pairs", [_key(p.right) for p in pairs], "right-hand item", ("right",))
    return ItemParts(pairs=pairs)


def _case(c: _Checker, raw: dict[str, Any]) -> Case | None:
    name = raw.get("case")
    if name is None:
        return None
    cases: dict[str, Any] = c.doc.data.get("cases") or {}
    spec = cases.get(name)
    if spec is None:
        hint = did_you_mean(name, cases) or (
            "cases of this file: " + ", ".join(sorted(cases)) if cases
            else "declare it in this file under `cases:` with a `title:` and a `text:`")
        c.error(("case",), f"unknown case `{name}`", hint)
        return None
    return Case(id=name, title=spec["title"], text=spec["text"])


_PARTS = {"choice": _choice, "order": _order, "match": _match}


def item_parts(doc: RawDocument, where: tuple[Any, ...], raw: dict[str, Any]
               ) -> tuple[ItemParts, list[DeckforgeError]]:
    """The typed parts of the item ``raw`` (a schema-valid card at ``where``), and its errors."""
    parts = _PARTS.get(raw.get("type", "basic"))
    if parts is None:
        return ItemParts(), []
    c = _Checker(doc, where)
    found = parts(c, raw)
    case = _case(c, raw)
    if case is not None:
        found = ItemParts(found.choices, found.whys, found.answer, found.steps, found.pairs, case)
    return found, c.errors
