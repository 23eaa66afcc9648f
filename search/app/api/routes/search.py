"""POST /search: hybrid (dense + BM25) search with hard filters, profile and regional-need
ranking, diversity, reasons and optional relaxation (always the shipped ``"full"`` mode), or a
filter-only ``sort="nearby"`` listing; see search.service and docs/architecture.md."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from search.app.api.deps import EncoderDep, HolderDep, SettingsDep
from search.app.schemas import SearchRequest, SearchResponse
from search.encoder import ModelNotFoundError
from search.params import UnknownPlaceError, to_params
from search.service import IndexUnavailableError, execute

router = APIRouter(prefix="/search", tags=["search"])


@router.post("", response_model=SearchResponse)
async def search(
    req: SearchRequest, holder: HolderDep, encoder: EncoderDep, settings: SettingsDep
) -> SearchResponse:
    try:
        index = holder.snapshot()  # FAISS store and BM25 index of the same build
    except IndexUnavailableError as exc:
        raise HTTPException(status_code=503, detail=f"Suchindex nicht verfügbar: {exc}") from exc
    try:
        params = to_params(req, settings.default_reach_km)
    except UnknownPlaceError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    try:
        outcome = await run_in_threadpool(execute, index, encoder, params)
    except ModelNotFoundError as exc:
        raise HTTPException(status_code=503, detail=f"Sprachmodell nicht verfügbar: {exc}") from exc
    # the service returns plain dicts and relaxation labels; pydantic validates them here
    return SearchResponse.model_validate(
        {
            "items": outcome.items,
            "total": outcome.total,
            "query": req.query,
            "relaxed": outcome.relaxed,
        }
    )
