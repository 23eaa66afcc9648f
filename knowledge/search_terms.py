"""Closed vocabulary of search terms for the Bildungsmonitoring ("search terms that found nothing").

A demand record never holds what a person typed. When a recommendation turn found no offer, it
keeps the *term* of what was looked for as an id from a closed vocabulary:

- ``kldb:<code>``: the target occupation (a KldB code: from the profile, or a typed occupation
  whose title is a KldB job title);
- ``feld:<value>``: a catalogue field of :data:`knowledge.vocabulary.FIELDS` that the typed
  target names (its id, label or a synonym of ``vocabulary_synonyms.csv``, also as one word of
  the text);
- ``aufstieg:<kind>``: an upgrade wish (:data:`knowledge.vocabulary.UPGRADES`);
- ``unbekannt``: anything else (free text is never stored).

The monitoring shows a term only when it occurs at least k times; the rest counts as
"unbekannter Begriff" (``staff/monitoring``).
"""

from __future__ import annotations

import re

from knowledge import vocabulary
from knowledge.kldb import load_kldb

UNKNOWN = "unbekannt"
_CODE = re.compile(r"^\d{2,5}$")
_WORD = re.compile(r"[\wäöüÄÖÜß-]+")


def term_for(target_kldb: str | None, target_text: str | None, upgrade: str | None = None) -> str:
    """The closed-vocabulary id of what a search looked for (see the module docstring)."""
    if target_kldb and _CODE.match(target_kldb):
        return f"kldb:{target_kldb}"
    if upgrade and upgrade in vocabulary.UPGRADES:
        return f"aufstieg:{upgrade}"
    text = (target_text or "").strip()[:200]
    if not text:
        return UNKNOWN
    code = load_kldb().best_code_for_title(text)
    if code:
        return f"kldb:{code}"
    for candidate in (text, *_WORD.findall(text)):
        field = vocabulary.canonical("field", candidate)
        if field:
            return f"feld:{field}"
    return UNKNOWN


def label(term: str) -> str:
    """German label of a term id; an id outside the vocabulary reads as unknown."""
    kind, _, value = term.partition(":")
    if kind == "kldb" and _CODE.match(value):
        occupation = load_kldb().get(value)
        return f"{value} {occupation.title}" if occupation else value
    if kind == "feld" and value in vocabulary.FIELDS:
        return f"{vocabulary.FIELDS[value]} (Themenfeld)"
    if kind == "aufstieg" and value in vocabulary.UPGRADES:
        return f"{vocabulary.UPGRADES[value]} (Aufstiegswunsch)"
    return "unbekannter Begriff"
