"""GET /health: index size, model name and build time."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from search.app.api.deps import HolderDep
from search.app.schemas import HealthResponse
from search.service import IndexUnavailableError

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse, responses={503: {"model": HealthResponse}})
def health(holder: HolderDep) -> HealthResponse | JSONResponse:
    try:
        store = holder.get()
    except IndexUnavailableError as exc:
        body = HealthResponse(
            status="error", offers=0, model=None, index_built=None, detail=str(exc)
        )
        return JSONResponse(status_code=503, content=body.model_dump())
    return HealthResponse(
        status="ok", offers=store.size, model=store.meta.model, index_built=store.meta.built_at
    )
