"""What lint reads in exam questions: bold constraints, absolute words, self-disqualifying
glosses and ordering steps of unequal length (rules that apply to decks with an ``exam:``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .text import option_length

# --- Bold in a stem ------------------------------------------------------------------------------

_CODE = re.compile(r"```.*?(?:```|\Z)|`[^`\n]*`", re.DOTALL)
# Bold holds some text: a blank to fill in ("______") or "****" is not bold.
_BOLD = re.compile(r"\*\*(?=[^\s*])(.*?[^\W_].*?)(?<=[^\s*])\*\*"
                   r"|(?<!\w)__(?=[^\s_])(.*?[^\W_].*?)(?<=[^\s_])__(?!\w)", re.DOTALL)


def bold_phrase(stem: str) -> str | None:
    """The first phrase the Markdown of ``stem`` bolds (``**…**`` or ``__…__``, code left out)."""
    m = _BOLD.search(_CODE.sub(" ", stem))
    return " ".join((m.group(1) or m.group(2)).split()) if m else None


# --- Absolute words in options -------------------------------------------------------------------

ABSOLUTE_WORDS = ("always", "cannot", "must", "never", "only")
_ABSOLUTE = re.compile(r"\b(?:always|cannot|can\s+not|must|never|only)\b", re.IGNORECASE)
ABSOLUTE_HINT = ("a test-wise candidate strikes out options with absolute words: reword the "
                 "distractors (or give some keys such a word) so that they do not tell")
MIN_ABSOLUTE_DISTRACTORS = 5
"""A deck is judged only when at least this many of its distractors carry an absolute word."""


def has_absolute(option: str) -> bool:
    return bool(_ABSOLUTE.search(_CODE.sub(" ", option)))


@dataclass(frozen=True)
class AbsoluteCount:
    """How many keys and distractors of a deck's choice questions carry an absolute word."""

    keys: int
    keys_absolute: int
    distractors: int
    distractors_absolute: int

    def ratio(self) -> float | None:
        """How many times more often a distractor carries one than a key (inf: no key does);
        None when there is too little to judge."""
        if self.distractors_absolute < MIN_ABSOLUTE_DISTRACTORS or not self.keys:
            return None
        key_rate = self.keys_absolute / self.keys
        rate = self.distractors_absolute / self.distractors
        return rate / key_rate if key_rate else float("inf")


def count_absolutes(questions: Iterable[tuple[Sequence[str], Sequence[int]]]) -> AbsoluteCount:
    """Count over (options, right indexes) of choice questions."""
    keys = keys_abs = wrong = wrong_abs = 0
    for options, answer in questions:
        for i, option in enumerate(options):
            hit = has_absolute(option)
            if i in answer:
                keys, keys_abs = keys + 1, keys_abs + hit
            else:
                wrong, wrong_abs = wrong + 1, wrong_abs + hit
    return AbsoluteCount(keys, keys_abs, wrong, wrong_abs)


# --- Glosses that name their own disqualifier ----------------------------------------------------

# A gloss: an aside in parentheses, or the clause after a dash or a comma ("Global Batch, with
# results within about 24 hours"). A clause after ", and"/", or" continues the option instead.
_GLOSS = re.compile(r"\(([^()]+)\)|\s[—–-]\s+([^—–()]+)$|,\s+(?!(?:and|or|then)\b)([^,()]+)$")

# Constraints a stem decides on, each with its two opposite ends: a gloss at one end in a stem
# that asks for the other restates why its option is wrong. Words, not topics: both ends must be
# said in so many words ("within seconds" against "results within about 24 hours").
_W = r"(?<![\w-])(?:{})(?![\w-])"
_POLES: dict[str, tuple[str, str, str, str]] = {
    "speed": ("fast", _W.format(r"(?:milli)?seconds|millisecond|sub-second|(?:within|in|under) "
                                r"(?:a|one) second|\d+ ?ms|real[- ]time|(?:low|predictable) latency|"
                                r"latency|immediately|instant(?:ly)?|synchronous(?:ly)?"),
              "slow", _W.format(r"(?:\d+|a few|several) (?:hours?|days?)|overnight|nightly|"
                                r"asynchronous(?:ly)?|batch(?:es)?|queued|weekly")),
    "place": ("in one place", _W.format(r"only (?:inside|within|in) (?:the )?\w+|inside (?:the )?"
                                        r"(?:EU|US|country|region|data zone)|data residency|"
                                        r"in[- ]country|(?:one|a single|its own) (?:region|data zone)"),
              "anywhere", _W.format(r"any (?:Azure |AWS |Google Cloud )?region|globally|"
                                    r"anywhere|worldwide|across (?:all )?regions")),
    "billing": ("pay per use", _W.format(r"per[- ]token|pay[- ]as[- ]you[- ]go|pay per use|"
                                         r"(?:as )?cheap(?:ly|est)?(?: as possible)?|lowest cost|"
                                         r"spiky|scale to zero|no idle"),
                "reserved capacity", _W.format(r"reserved|provisioned|PTUs?|dedicated capacity|"
                                               r"committed|kept warm|always[- ]on")),
    "code": ("no code", _W.format(r"no(?: one writes)? (?:custom )?code|without (?:writing )?"
                                  r"(?:any )?code|no[- ]code|low[- ]code|least (?:custom )?code|"
                                  r"no one writes Python|no Python"),
             "code", _W.format(r"(?:custom|training|Python|hand[- ]written) (?:code|script)s?|"
                               r"writes? (?:a |the )?(?:script|code)|by a script")),
    "operations": ("nothing to operate", _W.format(r"least operational (?:overhead|effort)|"
                                                   r"no (?:servers?|clusters?|infrastructure)|"
                                                   r"serverless|fully managed"),
                   "operated by the team", _W.format(r"self[- ]managed|(?:the team )?operates? "
                                                     r"(?:it|its own|a cluster)|own cluster|"
                                                     r"patch(?:es|ing)? (?:the )?(?:servers?|nodes?)")),
    "traffic": ("real traffic", _W.format(r"real (?:user )?traffic|live traffic|production traffic"),
                "no traffic", _W.format(r"no (?:live|real|production) traffic|offline only|"
                                        r"never serv(?:ing|es) (?:customers|users|traffic)")),
}
_POLE_RES = {dim: (a, re.compile(ra, re.IGNORECASE), b, re.compile(rb, re.IGNORECASE))
             for dim, (a, ra, b, rb) in _POLES.items()}


def glosses(option: str) -> list[str]:
    """The asides of ``option``: parentheses, and a closing dash or comma clause."""
    text = " ".join(_CODE.sub(" ", option).split())
    return [next(g for g in m.groups() if g) for m in _GLOSS.finditer(text)]


@dataclass(frozen=True)
class Disqualifier:
    gloss: str
    constraint: str
    """What the stem asks for: ``fast ("seconds")``."""
    said: str
    """What the gloss says instead: ``slow ("24 hours")``."""


def disqualifier(stem: str, option: str) -> Disqualifier | None:
    """A gloss of ``option`` that sits at the opposite end of a constraint ``stem`` states."""
    text = " ".join(_CODE.sub(" ", stem).split())
    for gloss in glosses(option):
        for a, ra, b, rb in _POLE_RES.values():
            for want, in_stem, other, in_gloss in ((a, ra, b, rb), (b, rb, a, ra)):
                s, g = in_stem.search(text), in_gloss.search(gloss)
                # The stem states one end only (else it states no constraint), the gloss the
                # other end only (else it is a comparison, not a disqualifier).
                if s and g and not in_gloss.search(text) and not in_stem.search(gloss):
                    return Disqualifier(gloss, f"{want} (\"{s.group(0)}\")",
                                        f"{other} (\"{g.group(0)}\")")
    return None


# --- Ordering steps ------------------------------------------------------------------------------


def step_margin(steps: Sequence[str]) -> tuple[int, float] | None:
    """For an ordering item: (index of the longest step, how many times longer it is than the
    mean of the others), when one step is strictly the longest; None otherwise."""
    lengths = [option_length(s) for s in steps]
    if len(lengths) < 2:
        return None
    longest = max(lengths)
    if lengths.count(longest) != 1:
        return None
    i = lengths.index(longest)
    others = lengths[:i] + lengths[i + 1:]
    mean = sum(others) / len(others)
    return (i, longest / mean) if mean else None


# --- The findings, for the linter to place -------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    """A finding on one card before it is placed: the field (and list item) it points at."""

    rule: str
    field: str
    item: int | None
    message: str
    hint: str


def _quote(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def question_issues(stem: str, options: Sequence[str], answer: Sequence[int]) -> list[Issue]:
    """The exam-deck rules on one choice question's stem and options."""
    found = []
    bold = bold_phrase(stem)
    if bold is not None:
        found.append(Issue("bold-constraint", "question", None,
                           f"the stem bolds \"{_quote(bold)}\"",
                           "exams do not mark the deciding constraint: write it as plain text "
                           "and let the candidate find it"))
    for j, option in enumerate(options):
        if j in answer:
            continue
        dq = disqualifier(stem, option)
        if dq is not None:
            found.append(Issue("self-disqualifying-gloss", "choices", j,
                               f"option {j}'s gloss \"{_quote(dq.gloss)}\" says {dq.said} where "
                               f"the stem asks for {dq.constraint}",
                               "drop the gloss (a bare name), or gloss every option with facts "
                               "equally true and equally relevant"))
    return found


def steps_issue(steps: Sequence[str], percent: int) -> Issue | None:
    """An ordering item one of whose steps is longer than the others by more than
    ``percent`` of their mean length (the longest-option threshold)."""
    margin = step_margin(steps)
    if margin is None or margin[1] * 100 <= percent:
        return None
    i, ratio = margin
    return Issue("longest-step", "steps", i,
                 f"step {i} is {ratio:.1f}× as long as the others on average (more than "
                 f"{percent / 100:g}×)",
                 "write every step to the same length and detail: a long step stands out and "
                 "is placed by its detail")


def absolute_message(deck_id: str, count: AbsoluteCount, percent: int) -> str | None:
    """The deck-level finding when distractors carry absolute words more than ``percent`` of
    the rate keys do (None when they do not, or there is too little to judge)."""
    ratio = count.ratio()
    if ratio is None or ratio * 100 <= percent:
        return None
    times = "no key does" if ratio == float("inf") else f"{ratio:.1f}× as often"
    return (f"in deck `{deck_id}`, {count.distractors_absolute} of {count.distractors} distractors "
            f"({100 * count.distractors_absolute / count.distractors:.1f}%) carry an absolute word "
            f"({', '.join(ABSOLUTE_WORDS)}) against {count.keys_absolute} of {count.keys} keys "
            f"({100 * count.keys_absolute / count.keys:.1f}%): {times} (the line is "
            f"{percent / 100:g}×)")
