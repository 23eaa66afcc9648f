"""Places in messages beyond the ruler's exact phrases (used by EntityResolver).

- :func:`municipality_entity`: the entity for a resolved place (official name, ``in_landkreis``);
- :func:`fuzzy_municipalities`: municipalities typed with one typo ("Unterhachnig"), for words of
  six or more letters outside existing entities;
- :func:`places_for_codeless_occupations`: the CRF sometimes tags a misspelt place ("wohne in
  Buchenhein") as an occupation; a code-less occupation that resolves to a place of the
  Landkreis becomes that municipality.
"""

from __future__ import annotations

import re
from typing import Any

from knowledge import gazetteer

MUNICIPALITY = "municipality"


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def municipality_entity(start: int, end: int, place: gazetteer.Place) -> dict[str, Any]:
    """Municipality entity with the official name as value."""
    return {
        "entity": MUNICIPALITY,
        "start": start,
        "end": end,
        "value": place.name,
        "in_landkreis": place.in_landkreis,
    }


def fuzzy_municipalities(text: str, taken: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Municipalities typed with one typo, for words (>= 6 letters) outside existing entities."""
    found = []
    for match in re.finditer(rf"[^\W\d_]{{{gazetteer.FUZZY_MIN_LENGTH},}}", text):
        span = (match.start(), match.end())
        if any(_overlaps(span, t) for t in taken):
            continue
        place = gazetteer.resolve_place(match.group(0))
        if place is not None:
            found.append(municipality_entity(span[0], span[1], place))
    return found


def places_for_codeless_occupations(
    text: str, entities: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Code-less occupation entities that are a Landkreis place become municipality entities."""
    result = []
    for entity in entities:
        if entity.get("entity") == "occupation" and not entity.get("kldb"):
            place = gazetteer.resolve_place(text[entity["start"] : entity["end"]])
            if place is not None and place.in_landkreis:
                entity = municipality_entity(entity["start"], entity["end"], place)
        result.append(entity)
    return result
