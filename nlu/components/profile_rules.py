"""Goal, time model and format beyond the EntityRuler's exact phrases (used by EntityResolver).

The ruler matches fixed phrases ("berufsbegleitend", "wieder einsteigen"). People write
"berufsbegleitende Kurse", "was Berufsbegleitendes", "wieder in den Beruf einsteigen",
"wieder eisteign", "Volzeit", "nicht online" or "ob online oder vor Ort ist mir egal". This
module adds, after the ruler and the CRF:

- :func:`regex_entities`: the patterns of ``nlu/patterns/profile_regex.csv`` (inflections,
  words in between, dialect);
- :func:`fuzzy_entities`: the terms of ``nlu/resolver_words/fuzzy_profile_terms.txt`` with one
  typo (words of six or more letters);
- :func:`apply_format_rules`: a format right after a negation ("nicht online", "ned online",
  "lieber vor Ort als online") is dropped; a clause with an indifference word ("egal",
  "wurscht", "doesn't matter") and two formats or a format noun ("Format egal") gives format
  ``egal``;
- :func:`drop_work_time_models`: a time model next to a work verb describes the current job
  ("ich arbeite Vollzeit im Schichtdienst") and is dropped;
- :func:`indifferent_entity`: a whole message that means "no preference" or "I don't know"
  ("egal", "weiß nicht", "doesn't matter"; ``nlu/resolver_words/indifferent_answers.txt``)
  gets the entity ``indifferent`` (value ``egal``), so every form question can move on.

New entities never overlap existing ones; every rule works on the message text only.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.gazetteer import within_one_edit
from knowledge.kldb import match_keys
from nlu.components.resolver_words import entries, word_set

PATTERN_FILE = Path(__file__).resolve().parent.parent / "patterns" / "profile_regex.csv"
FORMAT, TIME_MODEL, GOAL = "format", "time_model", "goal"
FORMAT_ANY = "egal"
FUZZY_MIN_LENGTH = 6

_NEGATIONS = word_set("negations")
_INDIFFERENT = word_set("indifferent")
_FORMAT_NOUNS = word_set("format_nouns")
_WORK_VERBS = word_set("work_verbs")
_CLAUSE_BREAKS = word_set("clause_breaks") - {"oder", "und"}
_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_TOKEN_RE = re.compile(r"\w+(?:[-/]\w+)*|[^\w\s]")


@lru_cache(maxsize=1)
def patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(entity, value, compiled pattern) from ``nlu/patterns/profile_regex.csv``."""
    with PATTERN_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";", quoting=csv.QUOTE_NONE)
        rows = [r for r in reader if r and not r[0].startswith("#")]
    if rows[0] != ["entity", "value", "pattern"]:
        raise ValueError(f"{PATTERN_FILE.name}: header must be entity;value;pattern")
    return tuple((e, v, re.compile(p, re.IGNORECASE)) for e, v, p in rows[1:])


@lru_cache(maxsize=1)
def fuzzy_terms() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(entity, value, folded keys of the term) for one-typo matching."""
    found = []
    for line in entries("fuzzy_profile_terms"):
        entity, value, term = line.split(maxsplit=2)
        found.append((entity, value, frozenset(match_keys(term))))
    return tuple(found)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _free(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return not any(_overlaps(span, t) for t in taken)


def _entity(kind: str, value: str, start: int, end: int) -> dict[str, Any]:
    return {"entity": kind, "start": start, "end": end, "value": value}


def regex_entities(text: str, taken: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Entities from the regular expressions, outside ``taken`` spans (first match per span).

    ``taken`` are the spans of goal, time model and format entities: a pattern may span words
    of other entities ("neben meinem [Minijob]" is a time model around an employment status).
    """
    found: list[dict[str, Any]] = []
    spans = list(taken)
    for kind, value, pattern in patterns():
        for match in pattern.finditer(text):
            span = (match.start(), match.end())
            if match.end() > match.start() and _free(span, spans):
                found.append(_entity(kind, value, *span))
                spans.append(span)
    return found


def fuzzy_value(word: str, kind: str | None = None) -> tuple[str, str] | None:
    """(entity, value) of the term one typo away from ``word`` (of ``kind`` if given); None
    for words spelled right or too short ("Volzeit" -> time_model vollzeit, "onine" ->
    format online)."""
    keys = match_keys(word)
    if len(word) < FUZZY_MIN_LENGTH - 1:
        return None
    for entity, value, term_keys in fuzzy_terms():
        if kind and entity != kind:
            continue
        if keys & term_keys:
            return None  # spelled right: the ruler or a regex had the chance to take it
        long_enough = len(word) >= FUZZY_MIN_LENGTH or min(map(len, term_keys)) > len(word)
        if long_enough and any(within_one_edit(k, t) for k in keys for t in term_keys):
            return entity, value
    return None


def fuzzy_entities(text: str, taken: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Single words one typo away from a term of ``fuzzy_profile_terms.txt``."""
    found: list[dict[str, Any]] = []
    for match in _WORD_RE.finditer(text):
        span = (match.start(), match.end())
        if not _free(span, taken):
            continue
        hit = fuzzy_value(match.group(0))
        if hit:
            found.append(_entity(hit[0], hit[1], *span))
    return found


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0).lower(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _clause_bounds(tokens: list[tuple[str, int, int]], position: int) -> tuple[int, int]:
    """Character range of the clause around ``position`` (split at , . ; ! ? : and the like)."""
    start, end = 0, len(tokens) and tokens[-1][2]
    for word, s, e in tokens:
        if word in _CLAUSE_BREAKS:
            if e <= position:
                start = e
            elif s >= position:
                end = s
                break
    return start, end


def _negated(tokens: list[tuple[str, int, int]], entity: dict[str, Any]) -> bool:
    """ "nicht online", "kein Onlinekurs", "lieber vor Ort als online", "online liegt mir
    nicht"."""
    before = [w for w, _, e in tokens if e <= entity["start"]]
    clause = _clause_bounds(tokens, entity["start"])
    after = [w for w, s, _ in tokens if s >= entity["end"] and s < clause[1]]
    if any(w in _NEGATIONS for w in before[-2:]):
        return True
    if before[-1:] == ["als"] and "lieber" in before:
        return True
    return len(after) <= 4 and bool(after) and after[-1] in ("nicht", "ned", "net")


def apply_format_rules(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Negated formats dropped; "online oder vor Ort ist mir egal" -> one format ``egal``."""
    tokens = _tokens(text)
    formats = [e for e in entities if e["entity"] == FORMAT and e["value"] != FORMAT_ANY]
    for entity in formats:
        clause = _clause_bounds(tokens, entity["start"])
        clause_words = [w for w, s, _ in tokens if clause[0] <= s < clause[1]]
        same_clause = [f for f in formats if clause[0] <= f["start"] < clause[1]]
        indifferent = any(w in _INDIFFERENT for w in clause_words)
        if indifferent and (len({f["value"] for f in same_clause}) >= 2):
            start = min(f["start"] for f in same_clause)
            end = max(f["end"] for f in same_clause)
            kept = [e for e in entities if e not in same_clause]
            return [*kept, _entity(FORMAT, FORMAT_ANY, start, end)]
    negated = [e for e in formats if _negated(tokens, e)]
    if negated and len(negated) < len(formats):
        entities = [e for e in entities if e not in negated]
    if not any(e["entity"] == FORMAT for e in entities):
        entities = entities + _format_noun_indifference(tokens, entities)
    return entities


def _format_noun_indifference(
    tokens: list[tuple[str, int, int]], entities: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """ "Format egal", "Kursform ist mir gleich" (no format named) -> format ``egal``."""
    taken = [(e["start"], e["end"]) for e in entities]
    for index, (word, start, end) in enumerate(tokens):
        if word not in _FORMAT_NOUNS or not _free((start, end), taken):
            continue
        clause = _clause_bounds(tokens, start)
        rest = [w for w, s, _ in tokens[index + 1 :] if s < clause[1]][:4]
        if any(w in _INDIFFERENT for w in rest):
            return [_entity(FORMAT, FORMAT_ANY, start, end)]
    return []


def drop_work_time_models(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop ``vollzeit`` where it describes the current job ("arbeite Vollzeit im
    Schichtdienst", "weil ich Vollzeit arbeite"): working full time says nothing about a
    full-time course (rather the opposite). Part-time work is kept: it fits part-time
    learning."""
    time_models = [e for e in entities if e["entity"] == TIME_MODEL and e["value"] == "vollzeit"]
    if not time_models:
        return entities
    tokens = _tokens(text)
    dropped = []
    for entity in time_models:
        before = [w for w, _, e in tokens if e <= entity["start"]][-2:]
        after = [w for w, s, _ in tokens if s >= entity["end"]][:2]
        if any(w in _WORK_VERBS for w in before + after):
            dropped.append(entity)
    return [e for e in entities if e not in dropped]


INDIFFERENT = "indifferent"
_FILLERS = ("ehrlich gesagt", "ist mir", "is ma", "mir", "das", "ich", "also", "echt", "eher")


def _normalised(text: str) -> str:
    text = re.sub(r"[^\w\s']+", " ", text.casefold().replace("’", "'"))
    text = " " + " ".join(text.split()) + " "
    for filler in _FILLERS:
        text = text.replace(f" {filler} ", " ")
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _indifferent_answers() -> frozenset[str]:
    return frozenset(_normalised(line) for line in entries("indifferent_answers"))


def indifferent_entity(text: str) -> dict[str, Any] | None:
    """The ``indifferent`` entity when the whole message means "no preference"/"don't know"."""
    if len(text) > 60:
        return None
    normalised = _normalised(text)
    if normalised and normalised in _indifferent_answers():
        return _entity(INDIFFERENT, FORMAT_ANY, 0, len(text))
    return None


def add_profile_entities(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """All rules of this module on the resolved entities of one message."""
    indifferent = indifferent_entity(text)
    if indifferent is not None:
        return [*entities, indifferent]
    profile = [e for e in entities if e.get("entity") in (GOAL, TIME_MODEL, FORMAT)]
    extra = regex_entities(text, [(e.get("start", -1), e.get("end", -1)) for e in profile])
    taken = [(e.get("start", -1), e.get("end", -1)) for e in [*entities, *extra]]
    extra += fuzzy_entities(text, taken)
    merged = drop_work_time_models(text, [*entities, *extra])
    return apply_format_rules(text, merged)
