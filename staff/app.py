"""FastAPI app of the staff pages (process ``staff``, 127.0.0.1:``STAFF_PORT``, default 8082).

Start with ``uvicorn staff.app:app --no-proxy-headers``; the proxy routes ``/staff/`` here
(``proxy/nginx.conf.template``). Every answer carries a strict CSP (no inline script or style,
no framing), ``no-store`` caching for pages and ``nosniff``; the proxy adds its own headers in
front. ``GET /health`` is for the stack's readiness check and is not routed by the proxy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.channels.entry_settings import load_entry_settings
from staff import housekeeping, routes_auth, routes_consultations, routes_pages, routes_plans
from staff.db import Clock, staff_engine, utcnow
from staff.monitoring import routes as monitoring_routes
from staff.monitoring.settings import MonitoringSettings
from staff.oidc import OidcSignIn
from staff.settings import BASE_PATH, StaffSettings, get_settings
from staff.web import (
    SESSION_COOKIE,
    STAFF_DIR,
    Context,
    CsrfFailed,
    Forbidden,
    SignInRequired,
    delete_cookie,
    render,
)

logger = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def create_app(settings: StaffSettings | None = None, clock: Clock = utcnow) -> FastAPI:
    """Build the app; tests pass their own settings and a frozen clock."""
    cfg = settings or get_settings()
    ctx = Context(
        settings=cfg,
        engine=staff_engine(cfg.resolved_app_db_url),
        clock=clock,
        entry=load_entry_settings(),
        oidc=OidcSignIn(cfg) if cfg.oidc_enabled else None,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        job = asyncio.create_task(housekeeping.loop(ctx.engine, cfg, clock))
        try:
            yield
        finally:
            job.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await job

    app = FastAPI(
        title="Bildungslotse – Arbeitsbereich",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.ctx = ctx
    app.mount(f"{BASE_PATH}/static", StaticFiles(directory=STAFF_DIR / "static"), name="static")
    app.include_router(routes_auth.router)
    app.include_router(routes_pages.router)
    app.include_router(monitoring_routes.build_router(MonitoringSettings()))
    app.include_router(routes_plans.router)
    app.include_router(routes_plans.public)
    app.include_router(routes_consultations.router)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.update(HEADERS)
        if not request.url.path.startswith(f"{BASE_PATH}/static/"):
            response.headers["Cache-Control"] = "no-store"
        if request.url.path.startswith(f"{routes_plans.public.prefix}/"):
            response.headers.update(routes_plans.PUBLIC_HEADERS)
        return response

    @app.get("/health", include_in_schema=False)
    def health() -> dict[str, object]:
        return {"status": "ok", "oidc": ctx.oidc is not None}

    @app.get(BASE_PATH, include_in_schema=False)
    def base() -> Response:
        return RedirectResponse(f"{BASE_PATH}/", status_code=308)

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, exc: SignInRequired) -> Response:
        query = {"next": exc.path}
        if exc.expired:
            query["notice"] = "expired"
        response = RedirectResponse(f"{BASE_PATH}/sign-in?{urlencode(query)}", status_code=303)
        if exc.expired:
            delete_cookie(response, ctx, SESSION_COOKIE, f"{BASE_PATH}/")
        return response

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return render(request, "error.html", 403, problem="forbidden")

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return render(request, "error.html", 403, problem="csrf")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return render(request, "error.html", 404, problem="not_found")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        problem = {404: "not_found", 405: "method"}.get(exc.status_code, "error")
        return render(request, "error.html", exc.status_code, problem=problem)

    return app


def __getattr__(name: str) -> FastAPI:
    """``staff.app:app`` for uvicorn, built on first access (tests import the module without
    reading the process environment)."""
    if name == "app":
        built = create_app()
        globals()["app"] = built
        return built
    raise AttributeError(name)
