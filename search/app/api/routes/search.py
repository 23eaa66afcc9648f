"""POST /search: hybrid (dense + BM25) search with hard filters, profile and regional-need
ranking, diversity and reasons (always the shipped ``"full"`` mode, see search.service)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from knowledge import geo
from search import ranking
from search.app.api.deps import EncoderDep, HolderDep, SettingsDep
from search.app.schemas import SearchRequest, SearchResponse
from search.encoder import ModelNotFoundError
from search.service import IndexUnavailableError, SearchParams, run_search

router = APIRouter(prefix="/search", tags=["search"])


def _unknown_place(name: str) -> HTTPException:
    return HTTPException(
        status_code=422,
        detail=f"Unbekannte Gemeinde: '{name}'. Bitte den amtlichen Namen angeben, "
               "z. B. 'Unterhaching' oder 'Garching b.München'.",
    )


def to_params(req: SearchRequest, default_reach_km: float) -> SearchParams:
    """Validate places and translate the request into ranking inputs (422 on unknown place)."""
    origin_name = req.municipality or req.profile.municipality
    origin = None
    if origin_name:
        origin = geo.coordinates(origin_name)
        if origin is None:
            raise _unknown_place(origin_name)
        origin_name = geo.official_name(origin_name) or origin_name
    municipalities = None
    if req.municipalities is not None:
        resolved = []
        for name in req.municipalities:
            official = geo.official_name(name)
            if official is None:
                raise _unknown_place(name)
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
    )
    p = req.profile
    profile = ranking.Profile(current_kldb=p.current_kldb, target_kldb=p.target_kldb, goal=p.goal,
                              time_model=p.time_model, format=p.format, municipality=origin_name,
                              dqr_level=p.dqr_level, needs_funding=p.needs_funding)
    return SearchParams(query=req.query, filters=filters, profile=profile, limit=req.limit,
                        reach_km=reach)


@router.post("", response_model=SearchResponse)
async def search(req: SearchRequest, holder: HolderDep, encoder: EncoderDep,
                 settings: SettingsDep) -> SearchResponse:
    try:
        index = holder.snapshot()  # FAISS store and BM25 index of the same build
    except IndexUnavailableError as exc:
        raise HTTPException(status_code=503, detail=f"Suchindex nicht verfügbar: {exc}") from exc
    params = to_params(req, settings.default_reach_km)
    try:
        items, total = await run_in_threadpool(run_search, index, encoder, params)
    except ModelNotFoundError as exc:
        raise HTTPException(status_code=503, detail=f"Sprachmodell nicht verfügbar: {exc}") from exc
    return SearchResponse(items=items, total=total, query=req.query)
