"""Occupations the EntityRuler's exact KldB phrases miss (used by EntityResolver).

- :func:`term_code`: abbreviations, colloquial and English titles of
  ``nlu/patterns/occupation_terms.csv`` (also for CRF spans; the ruler has them as patterns);
- :func:`fuzzy_code`: a job title typed with one typo ("Dentaltechnicker", "Kaminkeherer",
  "Vermesungsassistent"): every spelling one edit away is looked up in the KldB title index;
  only for words of at least ``FUZZY_MIN_LENGTH`` letters;
- :func:`recover_occupations`: CRF occupations without a code get one from the two lookups; a
  word right after a cue ("ich bin ...", "als ...", "war ...") or before "werden" that no entity
  covers becomes an occupation if the lookups find it; "Leiter der Konstruktion" is the KldB title
  "Leiter/in - Konstruktion"; an occupation after "bei einem/einer" names the employer and is
  dropped.
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
_NEXT_CUES = word_set("occupation_next_cues")
_QUALIFIED_HEADS = word_set("qualified_heads")
_EMPLOYER_LEFT = word_set("employer_left")
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


_QUALIFIED_RE = re.compile(
    r"\b(\w+)\s+(?:der|des|vom|von\s+der|vo\s+da)\s+([^\W\d_][\w-]*)",
    re.IGNORECASE,
)


def qualified_code(head: str, field: str) -> str | None:
    """ "Leiter der Konstruktion" -> the code of "Leiter/in - Konstruktion" (genitive -s/-es
    dropped: "des Rechtsreferats")."""
    if head.lower() not in _QUALIFIED_HEADS:
        return None
    kldb = load_kldb()
    for noun in (field, re.sub(r"e?s$", "", field)):
        code = kldb.best_code_for_title(f"{head} {noun}")
        if code:
            return code
    return None


def _crf_code(surface: str) -> str | None:
    """Code for a CRF occupation span: the whole span, else its first word, with the lookups."""
    code = term_code(surface) or fuzzy_code(surface)
    if code:
        return code
    first = surface.split()[0] if surface.split() else ""
    return (term_code(first) or fuzzy_code(first)) if first != surface else None


def _employer(text: str, start: int) -> bool:
    """ "bei einem Maschinenbauer": the occupation names the employer."""
    left = " ".join(text[:start].lower().split()[-2:])
    return left in _EMPLOYER_LEFT


def recover_occupations(
    text: str,
    entities: list[dict[str, Any]],
    make: Callable[[str, int, int, str | None], dict[str, Any]],
) -> list[dict[str, Any]]:
    """Codes for CRF occupations without one; occupations typed after a cue word, before
    "werden", or as "<head> der <field>"; employers ("bei einem Bäcker") dropped.

    ``make(text, start, end, code)`` builds an occupation entity (the resolver's
    ``occupation_entity``); the caller sets the role.
    """
    result = []
    for entity in entities:
        if entity.get("entity") == "occupation":
            if _employer(text, entity["start"]):
                continue
            if not entity.get("kldb"):
                code = _crf_code(text[entity["start"] : entity["end"]])
                if code:
                    fixed = make(text, entity["start"], entity["end"], code)
                    entity = {
                        **entity,
                        **{k: fixed[k] for k in ("kldb", "kldb_title") if k in fixed},
                    }
        result.append(entity)
    taken = [(e.get("start", -1), e.get("end", -1)) for e in result]
    for match in _QUALIFIED_RE.finditer(text):
        span = (match.start(), match.end())
        code = qualified_code(match.group(1), match.group(2))
        if code:
            result = [e for e in result if not _overlaps(span, (e["start"], e["end"]))]
            result.append(make(text, span[0], span[1], code))
            taken.append(span)
    words = list(_WORD_RE.finditer(text))
    for index, match in enumerate(words):
        word, span = match.group(0), (match.start(), match.end())
        before = words[index - 1].group(0).lower() if index else ""
        after = words[index + 1].group(0).lower() if index + 1 < len(words) else ""
        if before not in _CUES and after not in _NEXT_CUES or len(word) < FUZZY_MIN_LENGTH:
            continue
        if any(_overlaps(span, t) for t in taken) or _employer(text, span[0]):
            continue
        code = term_code(word) or fuzzy_code(word)
        if code:
            result.append(make(text, span[0], span[1], code))
            taken.append(span)
    return result
