"""Occupations the EntityRuler's exact KldB phrases miss (used by EntityResolver).

- :func:`term_code`: abbreviations, colloquial and English titles of
  ``nlu/patterns/occupation_terms.csv`` (also for CRF spans; the ruler has them as patterns);
- :func:`fuzzy_code`: a job title typed with one typo ("Dentaltechnicker", "Kaminkeherer",
  "Vermesungsassistent"): every spelling one edit away is looked up in the KldB title index;
  only for words of at least ``FUZZY_MIN_LENGTH`` letters;
- :func:`recover_occupations`: CRF occupations without a code get one from the two lookups, and
  a word right after a cue ("ich bin ...", "als ...", "war ...") that no entity covers becomes an
  occupation if the lookups find it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.kldb import load_kldb, match_keys
from nlu.components.resolver_words import word_set

TERMS_FILE = Path(__file__).resolve().parent.parent / "patterns" / "occupation_terms.csv"
FUZZY_MIN_LENGTH = 8
_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüß"
_CUES = word_set("occupation_cues")
_WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


@lru_cache(maxsize=1)
def term_index() -> dict[str, str]:
    """Folded key -> 5-digit KldB code for the terms of ``occupation_terms.csv``."""
    index: dict[str, str] = {}
    with TERMS_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for key in match_keys(row["term"]):
                index.setdefault(key, row["kldb"].strip())
    return index


def term_code(text: str) -> str | None:
    """Code of an abbreviation, colloquial or English title, else None."""
    index = term_index()
    return next((index[k] for k in sorted(match_keys(text)) if k in index), None)


def _edits(word: str) -> set[str]:
    """Spellings one insert, delete, substitution or neighbour swap away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | replaces | inserts) - {word}


def fuzzy_code(text: str) -> str | None:
    """The KldB code of the one title one typo away from ``text`` (None if none or several)."""
    kldb = load_kldb()
    found: set[str] = set()
    for key in match_keys(text):
        if len(key) < FUZZY_MIN_LENGTH:
            continue
        for variant in _edits(key):
            code = kldb.best_code_for_title(variant)
            if code:
                found.add(code)
    return found.pop() if len(found) == 1 else None


def lookup(text: str) -> str | None:
    """Code for a typed occupation: KldB title, KldB head group, occupation term, one typo."""
    return load_kldb().resolve_code(text) or term_code(text) or fuzzy_code(text)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def recover_occupations(
    text: str,
    entities: list[dict[str, Any]],
    make: Callable[[str, int, int, str | None], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Codes for CRF occupations without one; occupations typed after a cue word.

    ``make(text, start, end, code)`` builds an occupation entity (the resolver's
    ``occupation_entity``); the caller sets the role.
    """
    result = []
    for entity in entities:
        if entity.get("entity") == "occupation" and not entity.get("kldb"):
            surface = text[entity["start"] : entity["end"]]
            code = term_code(surface) or fuzzy_code(surface)
            if code:
                fixed = make(text, entity["start"], entity["end"], code)
                entity = {**entity, **{k: fixed[k] for k in ("kldb", "kldb_title") if k in fixed}}
        result.append(entity)
    taken = [(e.get("start", -1), e.get("end", -1)) for e in result]
    previous = ""
    for match in _WORD_RE.finditer(text):
        word, span = match.group(0), (match.start(), match.end())
        cue, previous = previous, word.lower()
        if cue not in _CUES or len(word) < FUZZY_MIN_LENGTH:
            continue
        if any(_overlaps(span, t) for t in taken):
            continue
        code = term_code(word) or fuzzy_code(word)
        if code:
            result.append(make(text, span[0], span[1], code))
            taken.append(span)
    return result
