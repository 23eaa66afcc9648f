"""Settings of the action server: the only module that reads ``os.environ``.

Variables (all optional; defaults suit a local ``honcho start``):

==================  ==========================  =============================================
variable            default                     meaning
==================  ==========================  =============================================
SEARCH_URL          http://127.0.0.1:$SEARCH_PORT  base URL of the search service (POST /search;
                                                SEARCH_PORT defaults to 8000)
SEARCH_TIMEOUT_S    3.0                         total timeout of one search call in seconds
REACH_KM            25                          radius around the user's municipality in km
BL_TODAY            (unset -> today's date)     ISO date overriding "today" (tests, demos)
APP_DB_URL          sqlite:///app.db            application database (appdb: demand records,
                                                callback requests); created by
                                                ``.venv-app/bin/python -m appdb upgrade``; a
                                                driver-less postgresql:// URL gets psycopg2 here
                                                and psycopg 3 in the app env; relative SQLite
                                                paths are resolved against the repository root
==================  ==========================  =============================================

Callback requests (issue 5; see docs/deployment.md):

- ``CALLBACK_RECIPIENT`` (unset -> no callback is offered): name of the counselling place whose
  staff read callback requests, e.g. "Bildungsberatung Landkreis München". Only when it is set
  does the bot offer a callback; requests are stored (with consent) in the application
  database (``APP_DB_URL``) and read with
  ``python -m bot.actions.clients.callback_store list|export``.
- ``CALLBACK_RETENTION_DAYS`` (default 30): days a callback request is kept; the consent text
  names this period and the clean-up deletes older requests.

Consultation handover (issue 13; docs/staff.md):

- ``STAFF_HANDOVER_TTL_DAYS`` (default 7): days a handover code is valid; an unclaimed snapshot
  is deleted after it (the staff app reads the same setting).
- ``STAFF_PLAN_LINK_TTL_DAYS`` (default 30): days a citizen link to a plan works ("Mein Plan" in
  the chat makes one; the staff app reads the same setting).
- ``PUBLIC_URL`` (default ``http://127.0.0.1:$PROXY_PORT``, ``PROXY_PORT`` default 8080): the
  address citizens open; the plan link shown in the chat is ``$PUBLIC_URL/plan/<token>``.

Settings are read on every call of :func:`load_settings` (cheap), so a changed environment
(tests, restarts) is picked up without import-time state.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from appdb.urls import DEFAULT_APP_DB_URL, app_db_url

DEFAULT_SEARCH_URL = "http://127.0.0.1:8000"


def default_search_url() -> str:
    """The search service of this machine's stack: 127.0.0.1 on ``SEARCH_PORT`` (the Procfile's
    port), so a stack started on other ports never asks another stack's service."""
    port = os.environ.get("SEARCH_PORT", "").strip()
    return f"http://127.0.0.1:{port}" if port.isdigit() else DEFAULT_SEARCH_URL


DEFAULT_SEARCH_TIMEOUT_S = 3.0
DEFAULT_REACH_KM = 25.0
DEFAULT_CALLBACK_RETENTION_DAYS = 30
DEFAULT_HANDOVER_TTL_DAYS = 7
DEFAULT_PLAN_LINK_TTL_DAYS = 30
DEFAULT_PROXY_PORT = 8080
MAX_RECIPIENT_LENGTH = 200
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Action server configuration (immutable, hashable)."""

    search_url: str = DEFAULT_SEARCH_URL
    search_timeout_s: float = DEFAULT_SEARCH_TIMEOUT_S
    reach_km: float = DEFAULT_REACH_KM
    today_override: str | None = None
    app_db_url: str = DEFAULT_APP_DB_URL
    callback_recipient: str | None = None
    callback_retention_days: int = DEFAULT_CALLBACK_RETENTION_DAYS
    handover_ttl_days: int = DEFAULT_HANDOVER_TTL_DAYS
    plan_link_ttl_days: int = DEFAULT_PLAN_LINK_TTL_DAYS
    public_url: str = f"http://127.0.0.1:{DEFAULT_PROXY_PORT}"

    @property
    def callback_configured(self) -> bool:
        """A callback is offered only when a recipient is configured."""
        return bool(self.callback_recipient)

    def today(self) -> dt.date:
        """The date used for "next start" filtering (``BL_TODAY`` or the system date)."""
        if self.today_override:
            return dt.date.fromisoformat(self.today_override)
        return dt.date.today()

    @staticmethod
    def now() -> dt.datetime:
        """The current time, naive UTC (as the application database stores times)."""
        return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _positive(name: str, default: float, kind: type = float) -> Any:
    """``kind`` (float or int) from the environment variable ``name``; must be > 0."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError as exc:
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name} must be {what}, got {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


def _recipient() -> str | None:
    raw = " ".join(os.environ.get("CALLBACK_RECIPIENT", "").split())
    if len(raw) > MAX_RECIPIENT_LENGTH:
        raise ValueError(f"CALLBACK_RECIPIENT must be at most {MAX_RECIPIENT_LENGTH} characters")
    return raw or None


def _public_url() -> str:
    """``PUBLIC_URL`` without a trailing slash (as the proxy and the staff app read it)."""
    raw = os.environ.get("PUBLIC_URL", "").strip()
    if not raw:
        port = os.environ.get("PROXY_PORT", "").strip() or str(DEFAULT_PROXY_PORT)
        raw = f"http://127.0.0.1:{port}"
    if not raw.startswith(("http://", "https://")):
        raise ValueError(f"PUBLIC_URL must be an http(s) URL, got {raw!r}")
    return raw.rstrip("/")


def load_settings() -> Settings:
    """Read the settings from the environment (raises ValueError on malformed values)."""
    today = os.environ.get("BL_TODAY", "").strip() or None
    if today:
        dt.date.fromisoformat(today)  # fail early on a malformed override
    return Settings(
        search_url=(os.environ.get("SEARCH_URL", "").strip() or default_search_url()).rstrip("/"),
        search_timeout_s=_positive("SEARCH_TIMEOUT_S", DEFAULT_SEARCH_TIMEOUT_S),
        reach_km=_positive("REACH_KM", DEFAULT_REACH_KM),
        today_override=today,
        app_db_url=app_db_url(os.environ, REPO_ROOT),
        callback_recipient=_recipient(),
        callback_retention_days=_positive(
            "CALLBACK_RETENTION_DAYS", DEFAULT_CALLBACK_RETENTION_DAYS, int
        ),
        handover_ttl_days=_positive("STAFF_HANDOVER_TTL_DAYS", DEFAULT_HANDOVER_TTL_DAYS, int),
        plan_link_ttl_days=_positive("STAFF_PLAN_LINK_TTL_DAYS", DEFAULT_PLAN_LINK_TTL_DAYS, int),
        public_url=_public_url(),
    )
