"""Settings of the action server: the only module that reads ``os.environ``.

Variables (all optional; defaults suit a local ``honcho start``):

==================  ==========================  =============================================
variable            default                     meaning
==================  ==========================  =============================================
SEARCH_URL          http://localhost:8000       base URL of the search service (POST /search)
SEARCH_TIMEOUT_S    3.0                         total timeout of one search call in seconds
REACH_KM            25                          radius around the user's municipality in km
BL_TODAY            (unset -> today's date)     ISO date overriding "today" (tests, demos)
DEMAND_DB_URL       sqlite:///rasa.db           SQLAlchemy URL for anonymous demand records (use
                                                the tracker store's database; relative SQLite
                                                paths are resolved against the repository root)
==================  ==========================  =============================================

Settings are read on every call of :func:`load_settings` (cheap), so a changed environment
(tests, restarts) is picked up without import-time state.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SEARCH_URL = "http://localhost:8000"
DEFAULT_SEARCH_TIMEOUT_S = 3.0
DEFAULT_REACH_KM = 25.0
DEFAULT_DEMAND_DB_URL = "sqlite:///rasa.db"
REPO_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Settings:
    """Action server configuration (immutable, hashable)."""

    search_url: str = DEFAULT_SEARCH_URL
    search_timeout_s: float = DEFAULT_SEARCH_TIMEOUT_S
    reach_km: float = DEFAULT_REACH_KM
    today_override: str | None = None
    demand_db_url: str = DEFAULT_DEMAND_DB_URL

    def today(self) -> dt.date:
        """The date used for "next start" filtering (``BL_TODAY`` or the system date)."""
        if self.today_override:
            return dt.date.fromisoformat(self.today_override)
        return dt.date.today()


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"{name} must be positive, got {raw!r}")
    return value


def resolve_sqlite_path(url: str, base: Path) -> str:
    """Make the file path of a relative ``sqlite:///`` URL absolute against ``base``.

    ``sqlite:///rasa.db`` -> ``sqlite:////<base>/rasa.db``; absolute paths, in-memory
    databases and other dialects are returned unchanged. Shared with ``web.settings`` (both
    processes open Rasa's tracker database; this module is stdlib-only, so both envs import it).
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return url
    path = url[len(prefix) :]
    if not path or path == ":memory:" or path.startswith("/"):
        return url
    return prefix + str((base / path).resolve())


def load_settings() -> Settings:
    """Read the settings from the environment (raises ValueError on malformed values)."""
    today = os.environ.get("BL_TODAY", "").strip() or None
    if today:
        dt.date.fromisoformat(today)  # fail early on a malformed override
    return Settings(
        search_url=(os.environ.get("SEARCH_URL", "").strip() or DEFAULT_SEARCH_URL).rstrip("/"),
        search_timeout_s=_float("SEARCH_TIMEOUT_S", DEFAULT_SEARCH_TIMEOUT_S),
        reach_km=_float("REACH_KM", DEFAULT_REACH_KM),
        today_override=today,
        demand_db_url=resolve_sqlite_path(
            os.environ.get("DEMAND_DB_URL", "").strip() or DEFAULT_DEMAND_DB_URL, REPO_ROOT
        ),
    )
