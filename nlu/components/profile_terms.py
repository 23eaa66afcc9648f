"""Profile terms and non-occupations from ``nlu/patterns/*.csv`` (shared with the EntityRuler)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from knowledge.kldb import match_keys

PATTERN_DIR = Path(__file__).resolve().parent.parent / "patterns"
PROFILE_TERMS = PATTERN_DIR / "profile_terms.csv"
NOT_OCCUPATIONS = PATTERN_DIR / "not_occupations.csv"


@lru_cache(maxsize=1)
def profile_term_index() -> dict[tuple[str, str], str]:
    """(entity, folded key) -> canonical value, from ``nlu/patterns/profile_terms.csv``."""
    index: dict[tuple[str, str], str] = {}
    with PROFILE_TERMS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for key in match_keys(row["term"]):
                index.setdefault((row["entity"], key), row["value"])
            for key in match_keys(row["value"]):
                index.setdefault((row["entity"], key), row["value"])
    return index


@lru_cache(maxsize=1)
def not_occupations() -> frozenset[str]:
    """Folded keys of words that are no occupation in a message ("Frau", "Anfänger")."""
    with NOT_OCCUPATIONS.open(encoding="utf-8", newline="") as handle:
        return frozenset(key for row in csv.DictReader(handle) for key in match_keys(row["word"]))


def canonical_profile_value(entity: str, text: str) -> str | None:
    """Canonical goal/time_model/format value for a surface text, or None."""
    index = profile_term_index()
    for key in sorted(match_keys(text)):
        if (entity, key) in index:
            return index[(entity, key)]
    return None
