"""FastAPI server of the chat page (port 8080): page, assets, client config, deletion API.

Start with ``uvicorn web.server:app``. Settings: ``web.settings.WebSettings`` (``WEB_*``).
No message text is ever logged here; the page talks to Rasa directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import FastAPI, HTTPException, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

import i18n
from appdb.deletion import ConversationDeleter, DeletionResult
from bot.channels.entry_settings import SESSION_ID_PATTERN
from web.retention import retention_loop
from web.settings import WEB_DIR, WebSettings, get_settings

logger = logging.getLogger(__name__)

STATIC_DIR = WEB_DIR / "static"
SOCKET_IO_BUNDLE = WEB_DIR / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
RETENTION_PLACEHOLDER = "{{RETENTION_DAYS}}"

# Conversation ids: the channels' rule (128 random bits as 32 lowercase hex digits), one definition.
SenderId = Annotated[str, PathParam(min_length=32, max_length=32, pattern=SESSION_ID_PATTERN)]


def connect_sources(rasa_url: str) -> str:
    """CSP ``connect-src`` for the page: itself plus Rasa over HTTP(S) and WebSocket."""
    parts = urlsplit(rasa_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    return f"'self' {origin} {ws_scheme}://{parts.netloc}"


def security_headers(rasa_url: str) -> dict[str, str]:
    """Headers for the page: strict CSP (no inline script), no referrer leakage."""
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {connect_sources(rasa_url)}; base-uri 'none'; form-action 'self'; "
        "object-src 'none'"
    )
    return {
        "Content-Security-Policy": csp,
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }


@lru_cache(maxsize=4)
def render_page(retention_days: int) -> str:
    """The page with the retention period filled in (visible before any script runs)."""
    html = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    return html.replace(RETENTION_PLACEHOLDER, str(retention_days))


def client_config(settings: WebSettings) -> dict[str, Any]:
    """What app.js needs: where Rasa is, timeouts, retention (texts: ``/i18n/{style}.json``)."""
    return {
        "rasaUrl": settings.browser_rasa_url,
        "socketPath": "/socket.io/",
        "connectTimeoutMs": settings.connect_timeout_ms,
        "retentionDays": settings.retention_days,
    }


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """Build the app; tests pass their own settings."""
    cfg = settings or get_settings()
    db = ConversationDeleter(cfg.resolved_tracker_db_url, cfg.resolved_app_db_url)
    headers = security_headers(cfg.browser_rasa_url)
    pending: set[asyncio.Task[DeletionResult | None]] = set()

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if not SOCKET_IO_BUNDLE.is_file():
            logger.warning("socket.io client missing: run `npm ci --prefix web`")
        job = asyncio.create_task(
            retention_loop(
                db,
                cfg.retention_days,
                cfg.retention_interval_hours * 3600,
                run_first=cfg.retention_on_start,
                callback_retention_days=cfg.callback_retention_days,
            )
        )
        try:
            yield
        finally:
            job.cancel()
            for task in (job, *pending):
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            db.dispose()

    app = FastAPI(
        title="Bildungslotse – Chatseite", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.settings = cfg
    app.state.deleter = db
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(render_page(cfg.retention_days), headers=headers)

    @app.get("/vendor/socket.io.min.js", include_in_schema=False)
    def socket_io_client() -> FileResponse:
        if not SOCKET_IO_BUNDLE.is_file():
            raise HTTPException(404, "socket.io client not installed (npm ci --prefix web)")
        return FileResponse(SOCKET_IO_BUNDLE, media_type="text/javascript")

    @app.get("/config.json")
    def config() -> JSONResponse:
        return JSONResponse(client_config(cfg), headers={"Cache-Control": "no-store"})

    @app.get("/i18n/{style}.json")
    def page_texts(style: str) -> JSONResponse:
        """The page's texts and labels from the message catalogue of ``style`` (i18n/)."""
        if style not in i18n.STYLES:
            raise HTTPException(404, f"unknown style; one of {', '.join(i18n.STYLES)}")
        return JSONResponse(i18n.page_labels(style), headers={"Cache-Control": "no-cache"})

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "socketio_client": SOCKET_IO_BUNDLE.is_file(),
            "retention_days": cfg.retention_days,
        }

    @app.delete("/api/conversations/{sender_id}", status_code=204)
    async def delete_conversation(sender_id: SenderId) -> Response:
        """Delete the conversation (appdb.deletion), then once more after the grace period:
        Rasa saves the turn that asked for the deletion after its reply went out."""
        try:
            deleted = await asyncio.to_thread(db.delete_conversation, sender_id)
        except Exception as exc:  # noqa: BLE001 - report storage failures as 503
            logger.error("Deleting a conversation failed: %s", type(exc).__name__)
            raise HTTPException(503, "Löschen ist gerade nicht möglich.") from exc
        logger.info(
            "Deleted a conversation on request (%d events, %d application rows)",
            deleted.events,
            deleted.app_rows,
        )
        if cfg.delete_grace_seconds > 0:
            task = asyncio.create_task(db.delete_again_later(sender_id, cfg.delete_grace_seconds))
            pending.add(task)
            task.add_done_callback(pending.discard)
        return Response(status_code=204)

    return app


app = create_app()
