"""FastAPI app of the search service: ``uvicorn search.app.main:app --port 8000``.

The model and index are loaded in the lifespan (never at import). ``create_app`` accepts an
encoder and an index holder so tests can run without the real model.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from search import facts
from search.app.api.routes import health, offers, search
from search.app.core.config import Settings, get_settings
from search.encoder import (
    CachedQueryEncoder,
    Encoder,
    ModelNotFoundError,
    SentenceTransformerEncoder,
)
from search.service import IndexHolder

log = logging.getLogger(__name__)


def _describe(error: dict) -> str:
    loc = ".".join(str(x) for x in error.get("loc", ()) if x != "body")
    return f"{loc or 'Anfrage'}: {error.get('msg', 'ungültig')}"


async def _validation_handler(_: Request, exc: Exception) -> JSONResponse:
    # registered for RequestValidationError only (Starlette types handlers with Exception)
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    message = "Ungültige Anfrage – " + "; ".join(_describe(e) for e in errors)
    safe = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in errors
    ]
    return JSONResponse(status_code=422, content={"detail": safe, "message": message})


def create_app(
    settings: Settings | None = None,
    encoder: Encoder | None = None,
    holder: IndexHolder | None = None,
) -> FastAPI:
    explicit = settings is not None
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        enc = encoder
        if enc is None:
            st = SentenceTransformerEncoder(settings.model_path, **settings.encoder_kwargs())
            try:
                st.encode_queries(["Aufwärmen"])  # load + warm up at start-up, not on request 1
            except ModelNotFoundError as exc:
                log.error("%s", exc)
            facts.kldb_title("821")  # load KldB and shortage tables once
            facts.shortage_entries("821")
            enc = CachedQueryEncoder(st, maxsize=settings.query_cache_size)
        hold = holder or IndexHolder(
            settings.index_dir,
            expected_model=lambda: enc.name,
            check_seconds=settings.reload_check_seconds,
        )
        hold.reload()
        app.state.encoder = enc
        app.state.index_holder = hold
        yield

    app = FastAPI(title="Bildungslotse Suchdienst", version="0.1.0", lifespan=lifespan)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
    )
    app.add_exception_handler(RequestValidationError, _validation_handler)
    if explicit:  # routes see the same settings as the lifespan
        app.dependency_overrides[get_settings] = lambda: settings
    app.include_router(health.router)
    app.include_router(search.router)
    app.include_router(offers.router)
    return app


app = create_app()
