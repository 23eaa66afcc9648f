"""Translate a validated search request (:class:`search.app.schemas.SearchRequest`) into the
ranking inputs of :mod:`search.service` (:class:`search.service.SearchParams`).

Library code shared by the HTTP route and the evaluation (``eval/``): places are resolved
with :mod:`knowledge.geo`; an unknown place raises :class:`UnknownPlaceError` (the route
answers HTTP 422 with its message).
"""

from __future__ import annotations

import datetime as dt

from knowledge import geo
from search import ranking
from search.app.schemas import SearchRequest
from search.service import SearchParams


class UnknownPlaceError(ValueError):
    """A municipality in the request is not a known place of the Landkreis and its region."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Unbekannte Gemeinde: '{name}'. Bitte den amtlichen Namen angeben, "
            "z. B. 'Unterhaching' oder 'Garching b.München'."
        )
        self.name = name


def _fold(words: list[str] | None) -> tuple[str, ...]:
    return tuple(w.casefold() for w in words or ())


def to_params(req: SearchRequest, default_reach_km: float) -> SearchParams:
    """Resolve places and translate the request (raises :class:`UnknownPlaceError`)."""
    origin_name = req.municipality or req.profile.municipality
    origin = None
    if origin_name:
        origin = geo.coordinates(origin_name)
        if origin is None:
            raise UnknownPlaceError(origin_name)
        origin_name = geo.official_name(origin_name) or origin_name
    municipalities = None
    if req.municipalities is not None:
        resolved = []
        for name in req.municipalities:
            official = geo.official_name(name)
            if official is None:
                raise UnknownPlaceError(name)
            resolved.append(official)
        municipalities = frozenset(resolved)
    reach = req.max_distance_km or default_reach_km
    filters = ranking.Filters(
        today=req.today or dt.date.today(),
        municipality=origin_name,
        origin=origin,
        max_distance_km=reach if origin is not None else None,
        municipalities=municipalities,
        formats=frozenset(req.formats) if req.formats is not None else None,
        time_models=frozenset(req.time_models) if req.time_models is not None else None,
        kldb_prefix=req.kldb_prefix,
        fundable=req.fundable,
        exclude_ids=frozenset(req.exclude_ids),
        course_types=frozenset(req.course_types) if req.course_types is not None else None,
        kldb_prefixes=tuple(req.kldb_prefixes) if req.kldb_prefixes is not None else None,
        title_keywords=_fold(req.title_keywords),
        title_exclude_keywords=_fold(req.title_exclude_keywords),
        include_outside_reach=req.include_outside_reach,
        foreign_qualification=req.profile.foreign_qualification,
    )
    p = req.profile
    profile = ranking.Profile(
        current_kldb=p.current_kldb,
        target_kldb=p.target_kldb,
        goal=p.goal,
        time_model=p.time_model,
        format=p.format,
        municipality=origin_name,
        dqr_level=p.dqr_level,
        needs_funding=p.needs_funding,
        foreign_qualification=p.foreign_qualification,
    )
    return SearchParams(
        query=req.query or "",
        filters=filters,
        profile=profile,
        limit=req.limit,
        reach_km=reach,
        sort=req.sort,
        prefer_kldb=tuple(req.prefer_kldb),
        min_results=req.min_results if req.relax else 0,
    )
