"""What lint reads in card text: question patterns, option lengths, lists and facts in clozes."""

from __future__ import annotations

import re

from .. import cloze
from ..model import Card

WORD = re.compile(r"\w+")
LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]+\S", re.MULTILINE)
TODO = re.compile(r"\bTODO\b")
# Words that carry no meaning for telling questions apart; "not" and numbers are kept on purpose.
STOPWORDS = frozenset("""
a an the of to in on for and or is are was were be been it its this that these those with by as at
from into about what which who whom whose how when where why does do did can could should would
will shall may might must has have had there their they them you your i we our s
""".split())  # noqa: SIM905 - a word list reads better as text


def question_text(card: Card) -> str:
    if card.type == "cloze":
        return cloze.plain_text(card.field("text"))
    return card.field("question" if card.is_question else "front")


def question_field(card: Card) -> str:
    return "text" if card.type == "cloze" else "question" if card.is_question else "front"


# --- Options of choice questions -----------------------------------------------------------------

_MARKUP = re.compile(r"[*_`]+")


def _length(option: str) -> int:
    """An option's length as a learner sees it: Markdown marks dropped, spaces collapsed."""
    return len(" ".join(_MARKUP.sub("", option).split()))


def key_margin(card: Card) -> tuple[float, bool] | None:
    """For a choice card with right and wrong options: (how many times longer the right
    option(s) are than the mean of the wrong ones, whether a right option is strictly the
    longest of all); None when there is nothing to compare."""
    lengths = [_length(c) for c in card.choices]
    right = [lengths[i] for i in sorted(set(card.answer)) if i < len(lengths)]
    wrong = [n for i, n in enumerate(lengths) if i not in card.answer]
    if not right or not wrong:
        return None
    mean_wrong = sum(wrong) / len(wrong)
    longest = max(lengths)
    strictly = lengths.count(longest) == 1 and longest in right
    if len(right) == 1:
        ratio = right[0] / mean_wrong if right[0] > max(wrong) and mean_wrong else 0.0
    else:  # several right options give themselves away together: all longer than every wrong one
        ratio = (sum(right) / len(right)) / mean_wrong if min(right) > max(wrong) and mean_wrong else 0.0
    return ratio, strictly


_ABOVE = re.compile(
    r"\b(?:all|none|any|both|neither|either)\s+(?:of\s+)?(?:the\s+)?(?:above\b|(?:previous|preceding)\s+"
    r"(?:options|answers|choices)\b)"
    r"|\b(?:all|none|both|neither)\s+of\s+(?:these|those|them|the\s+(?:options|answers|choices))\b"
    r"|\b(?:[Bb]oth|[Ee]ither|[Nn]either|[Oo]ptions?|[Aa]nswers?)\s+\(?[A-F1-9]\)?\s*(?:,\s*\(?[A-F1-9]\)?\s*)*"
    r"(?:and|or|nor|&)\s+\(?[A-F1-9]\)?(?![\w-])"
    r"|^\s*\(?[A-F]\)?\s*(?:and|&)\s+\(?[A-F]\)?(?:\s+only)?\s*\.?\s*$",
    re.IGNORECASE)


def refers_to_options(option: str) -> bool:
    return bool(_ABOVE.search(" ".join(_MARKUP.sub("", option).split())))


# --- Facts a cloze deletion hides ------------------------------------------------------------------

_SEPARATOR = re.compile(r"[,;]\s+")
_CONJUNCTION = re.compile(r"\s(?:and|or|&)\s", re.IGNORECASE)
# A name, then a dash, colon or bracket, then a figure: "Modeling — 36%", "EDA (24%)".
_NAME_AND_NUMBER = re.compile(r"[^\W\d_]{2,}[^\d\n]*?(?:\s[—–-]\s*|:\s*|\(\s*)[~≈]?\d")
_NUMBER_ONLY = re.compile(r"[~≈]?\s*\d[\d.,]*\s*(?:%|[–-]\s*\d[\d.,]*\s*%?)?")
_LETTERS = re.compile(r"[^\W\d_]{2,}")


def _items(text: str) -> int:
    """How many list items ``text`` holds: Markdown list lines, or parts separated by commas or
    semicolons (with "and"/"or" before the last one counting as one more)."""
    lines = len(LIST_ITEM.findall(text))
    if lines >= 2:
        return lines
    parts = _SEPARATOR.split(" ".join(text.split()))
    if len(parts) == 1:
        return 1
    last = parts[-1]
    joined = _CONJUNCTION.search(last)
    return len(parts) + (1 if joined and joined.start() > 0 else 0)


def multi_fact(text: str) -> list[str]:
    """What in the cloze text ``text`` hides more than one fact on one card, described."""
    found: list[str] = []
    by_number: dict[int, list[cloze.Deletion]] = {}
    for d in cloze.deletions(text):
        by_number.setdefault(d.number, []).append(d)
        hidden = " ".join(d.text.split())
        items = _items(d.text)
        if items >= 3 or len(LIST_ITEM.findall(d.text)) >= 2:
            found.append(f"deletion `{d.opening}{clip(hidden)}}}}}` hides a list of {items} items")
        elif _NAME_AND_NUMBER.search(hidden):
            found.append(f"deletion `{d.opening}{clip(hidden)}}}}}` hides a name and its number")
    for number, group in sorted(by_number.items()):
        if len(group) < 2:
            continue
        texts = [" ".join(d.text.split()) for d in group]
        items = sum(_items(t) for t in texts)
        if items >= 3:
            found.append(f"card c{number} hides {len(group)} deletions, a list of {items} items")
        elif any(_NUMBER_ONLY.fullmatch(t) for t in texts) and \
                any(_LETTERS.search(t) and not re.search(r"\d", t) for t in texts):
            found.append(f"card c{number} hides a name and its number")
    return found


def clip(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


# --- Questions that follow one pattern -------------------------------------------------------------

# Names (capitalised inside a sentence, or with two capitals: SageMaker, BigQuery, AWS) and
# figures are masked: a question that swaps them keeps its pattern.
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d[\w.,%-]*")
_SENTENCE_ENDS = frozenset(".!?:;\"“(\n")
# Also left out: the words every exam question uses ("which approach fits best?", "the team
# needs a model"), which would make any two questions look alike.
_PATTERN_STOPWORDS = STOPWORDS | frozenset("""
not no so but if than then each every one he she her his him best most first more new same over
fit fits need needs want wants model models team approach use should
""".split())  # noqa: SIM905 - a word list reads better as text
MIN_PATTERN_WORDS = 5
COMMON_WORD = 100
MIN_SHARE_QUESTIONS = 5


def _stem(word: str) -> str:
    for suffix in ("'s", "’s", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            return word[:-len(suffix)]
    return word


def _starts_sentence(text: str, at: int) -> bool:
    i = at - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_ENDS


def _pattern_words(text: str) -> frozenset[str]:
    """The content words of ``text`` that make its pattern: stemmed, names and figures left out."""
    text = _MARKUP.sub("", text)
    words = set()
    for m in _TOKEN.finditer(text):
        word = m.group(0)
        if word[0].isdigit():
            continue
        lower = word.lower()
        if lower != word and (sum(c.isupper() for c in word) > 1
                              or not _starts_sentence(text, m.start())):
            continue
        if lower not in _PATTERN_STOPWORDS:
            words.add(_stem(lower))
    return frozenset(words)


def choice_pattern(card: Card) -> frozenset[str]:
    key = " ".join(card.choices[i] for i in card.answer if i < len(card.choices))
    return _pattern_words(card.field("question") + "\n" + key)
