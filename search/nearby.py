"""The ``sort="nearby"`` order: a filter-only listing of offers near the person.

Used for the offers of a learning-path step, Anpassungsqualifizierungen and language courses
(requests with course types, KldB prefixes and reach, no free-text query). There is no retrieval
relevance; offers that pass the hard filters (:func:`search.ranking.passes_filters`) are ordered

1. by occupation: the longest common KldB prefix of an offer target with one of the
   ``prefer_kldb`` codes first (the person's target, then current occupation),
2. within reach first: online offers and place-bound ones within ``max_distance_km`` of the
   municipality (everything counts as within reach without a municipality),
3. offers with a known distance before those without one (only with a municipality),
4. by distance (km, one decimal, as shown to the user),
5. by next start (rolling starts count as ``today``), then by offer id.

Pure functions: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from knowledge.schema import Offer
from search import ranking, reasons


def common_prefix(codes: Iterable[str], preferred: Sequence[str]) -> int:
    """Length of the longest common prefix of any offer code with any preferred code."""
    best = 0
    for code in codes:
        for pref in preferred:
            n = 0
            while n < min(len(code), len(pref)) and code[n] == pref[n]:
                n += 1
            best = max(best, n)
    return best


def within_reach(offer: Offer, distance: float | None, filters: ranking.Filters) -> bool | None:
    """True for online offers and place-bound ones within reach; ``None`` without a
    municipality (or for a place-bound offer without coordinates)."""
    if filters.origin is None:
        return None
    if offer.format == "online":
        return True
    if distance is None or filters.max_distance_km is None:
        return None
    return distance <= filters.max_distance_km


def _key(
    r: ranking.Ranked, filters: ranking.Filters, prefer: Sequence[str]
) -> tuple[int, int, int, float, dt.date, str]:
    inside = within_reach(r.offer, r.distance_km, filters)
    shown = round(r.distance_km, 1) if r.distance_km is not None else None
    start = reasons.next_start(r.offer, filters.today) or filters.today
    return (
        -common_prefix(r.offer.kldb_targets, prefer),
        0 if inside in (True, None) else 1,
        1 if shown is None and filters.origin is not None else 0,
        shown if shown is not None else 0.0,
        start,
        r.offer.id,
    )


def rank_nearby(
    offers: Iterable[Offer], filters: ranking.Filters, prefer_kldb: Sequence[str] = ()
) -> list[ranking.Ranked]:
    """Offers passing ``filters`` in the nearby order (score 0: no relevance, no profile)."""
    ranked = []
    for offer in offers:
        dist = ranking.offer_distance(offer, filters.origin)
        if ranking.passes_filters(offer, filters, dist):
            ranked.append(ranking.Ranked(offer, 0.0, 0.0, dist, {}, ranking.RELEVANCE_ONLY, 0.0))
    prefer = [p for p in prefer_kldb if p]
    return sorted(ranked, key=lambda r: _key(r, filters, prefer))
