"""Ages in a message: two-digit numbers 15-99 stated with a cue, never counts or durations.

The cue words are data files under ``nlu/resolver_words/`` (see :mod:`.resolver_words`).
"""

from __future__ import annotations

import re
from typing import Any

from nlu.components.resolver_words import entries, word_set, words

AGE = "age"
_NUMBER_RE = re.compile(r"(?<![\w.,:/])\d{2}(?![\w:/%€]|[.,]\d)")
_AGE_LEFT = word_set("age_left")
_AGE_RIGHT = word_set("age_right")
_NOT_AGE_LEFT = word_set("not_age_left")
_NOT_AGE_RIGHT_PREFIXES = entries("not_age_right_prefixes")
MIN_AGE, MAX_AGE = 15, 99


def _age_context(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    return words(text[:start])[-2:], words(text[end:])[:2]


def is_plausible_age(text: str, start: int, end: int) -> bool:
    """A two-digit number 15-99 that is not a count, amount, duration or calculation."""
    surface = text[start:end].strip()
    if not surface.isdigit() or not MIN_AGE <= int(surface) <= MAX_AGE:
        return False
    left, right = _age_context(text, start, end)
    if left and left[-1] in _NOT_AGE_LEFT:
        return False
    return not (right and right[0].startswith(_NOT_AGE_RIGHT_PREFIXES))


def rule_ages(text: str) -> list[dict[str, Any]]:
    """Ages stated with a cue: "ich bin 45", "mit 55 Jahren", "45 bin ich", "Alter: 59"."""
    found = []
    for match in _NUMBER_RE.finditer(text):
        start, end = match.span()
        left, right = _age_context(text, start, end)
        cued = any(w in _AGE_LEFT for w in left) or bool(right and right[0] in _AGE_RIGHT)
        if cued and is_plausible_age(text, start, end):
            found.append({"entity": AGE, "start": start, "end": end, "value": match.group(0)})
    return found


def resolve_ages(text: str, crf_ages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rule ages plus the CRF's plausible ages ("39, Minijob"), one per span."""
    ages = {(e["start"], e["end"]): e for e in rule_ages(text)}
    for entity in crf_ages:
        span = (entity.get("start", -1), entity.get("end", -1))
        if span not in ages and is_plausible_age(text, *span):
            ages[span] = {**entity, "value": text[span[0] : span[1]]}
    return list(ages.values())
