"""Link learning-path steps to offers through the search service.

The offers of a step are whatever the catalogue holds at run time, found by one search
request per step (``sort="nearby"``: course types, KldB prefixes, title keywords, reach and
municipality; same occupation first, then within reach, distance, next start; see
``search/nearby.py``). This module builds those requests, turns the response items into
:class:`LinkedOffer` and assembles a :class:`ResolvedPath`; it never loads or ranks offers
itself. Stdlib only and Python 3.10-compatible (imported by the action server).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from knowledge import geo
from knowledge.paths.loader import load_paths
from knowledge.paths.matching import clean_code
from knowledge.paths.model import (
    LearningPath,
    LinkedOffer,
    PathData,
    ResolvedPath,
    ResolvedStep,
    Step,
)

#: offers shown per step (the payload says how many more exist)
MAX_OFFERS_PER_STEP = 3
#: upper bound of ``max_distance_km`` accepted by the search API
MAX_DISTANCE_KM = 200.0


def place_of(municipality: str | None) -> str | None:
    """The official name of a known municipality, else ``None`` (no distances then)."""
    return geo.official_name(municipality) if municipality else None


def nearby_request(
    course_types: Sequence[str],
    *,
    today: dt.date,
    municipality: str | None,
    reach_km: float,
    kldb_prefixes: Sequence[str] = (),
    prefer_kldb: Sequence[str] = (),
    title_keywords: Sequence[str] = (),
    title_exclude_keywords: Sequence[str] = (),
    include_outside_reach: bool = False,
    limit: int = MAX_OFFERS_PER_STEP,
) -> dict[str, Any]:
    """A ``POST /search`` body with ``sort="nearby"`` (docs/architecture.md "Search API")."""
    place = place_of(municipality)
    return {
        "sort": "nearby",
        "course_types": list(course_types),
        "kldb_prefixes": list(kldb_prefixes) or None,
        "title_keywords": list(title_keywords) or None,
        "title_exclude_keywords": list(title_exclude_keywords) or None,
        "municipality": place,
        "max_distance_km": min(reach_km, MAX_DISTANCE_KM) if place else None,
        "include_outside_reach": include_outside_reach,
        "prefer_kldb": [c for c in (clean_code(p) for p in prefer_kldb) if c],
        "limit": limit,
        "today": today.isoformat(),
    }


def step_request(
    step: Step,
    *,
    today: dt.date,
    municipality: str | None,
    reach_km: float,
    prefer_kldb: Sequence[str] = (),
    max_offers: int = MAX_OFFERS_PER_STEP,
) -> dict[str, Any] | None:
    """The search request for a step's offers (``None`` for procedures without courses).

    Offers beyond the reach are kept (sorted last), as the path shows every current offer."""
    if not step.links_offers:
        return None
    return nearby_request(
        step.course_types,
        today=today,
        municipality=municipality,
        reach_km=reach_km,
        kldb_prefixes=step.kldb_targets,
        prefer_kldb=prefer_kldb,
        title_keywords=step.offer_keywords,
        title_exclude_keywords=step.offer_exclude_keywords,
        include_outside_reach=True,
        limit=max_offers,
    )


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)) if value else None


def linked_offer(item: Mapping[str, Any]) -> LinkedOffer:
    """A :class:`LinkedOffer` from one item of a search response."""
    distance = item.get("distance_km")
    months = item.get("duration_months")
    return LinkedOffer(
        offer_id=str(item["offer_id"]),
        title=str(item["title"]),
        provider=str(item["provider"]),
        municipality=str(item["municipality"]),
        format=str(item["format"]),
        time_model=str(item["time_model"]),
        url=str(item["url"]),
        next_start=_date(item.get("next_start")),
        distance_km=float(distance) if distance is not None else None,
        within_reach=item.get("within_reach"),
        duration_months=float(months) if months is not None else None,
        example_data=bool(item.get("example_fields")),
    )


def linked_offers(response: Mapping[str, Any] | None) -> tuple[tuple[LinkedOffer, ...], int]:
    """The linked offers of a search response and the number of matching offers."""
    if not response:
        return (), 0
    items = [linked_offer(i) for i in response.get("items") or []]
    return tuple(items), max(int(response.get("total") or 0), len(items))


def resolve_path(
    path: LearningPath,
    step_offers: Sequence[tuple[Sequence[LinkedOffer], int]],
    *,
    municipality: str | None = None,
    data: PathData | None = None,
) -> ResolvedPath:
    """A path with the offers found per step (``(offers, total)`` in step order; procedures
    and steps whose search failed get ``((), 0)``), its sources and funding notes."""
    data = data or load_paths()
    if len(step_offers) != len(path.steps):
        raise ValueError("one (offers, total) entry per step expected")
    pairs = zip(path.steps, step_offers, strict=True)
    steps = tuple(
        ResolvedStep(number, step, tuple(offers), total)
        for number, (step, (offers, total)) in enumerate(pairs, start=1)
    )
    source_ids: list[str] = []
    funding_codes: list[str] = []
    for sid in path.source_ids:
        if sid not in source_ids:
            source_ids.append(sid)
    for step in path.steps:
        for code in step.funding:
            if code not in funding_codes:
                funding_codes.append(code)
        for sid in step.source_ids:
            if sid not in source_ids:
                source_ids.append(sid)
    funding = tuple(data.funding[c] for c in funding_codes if c in data.funding)
    for note in funding:
        for sid in note.source_ids:
            if sid not in source_ids:
                source_ids.append(sid)
    total, minimum = path.total_months()
    return ResolvedPath(
        path=path,
        steps=steps,
        sources=tuple(data.sources[s] for s in source_ids if s in data.sources),
        funding=funding,
        total_months=total,
        total_is_minimum=minimum,
        stand=data.stand,
        municipality=place_of(municipality),
    )
