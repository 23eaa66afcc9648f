"""Settings of the web page server (environment variables with the prefix ``WEB_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from appdb.urls import DEFAULT_APP_DB_URL, resolve_sqlite_path  # stdlib-only, shared with the bot

__all__ = ["REPO_ROOT", "WEB_DIR", "WebSettings", "get_settings", "resolve_sqlite_path"]

REPO_ROOT = Path(__file__).resolve().parents[1]
WEB_DIR = Path(__file__).resolve().parent


class WebSettings(BaseSettings):
    """Configuration of ``web.server``; every field can be set as ``WEB_<FIELD>``, except the
    two shared with the action server: ``APP_DB_URL`` and ``CALLBACK_RETENTION_DAYS``."""

    model_config = SettingsConfigDict(env_prefix="WEB_", extra="ignore")

    rasa_url: str = Field(
        "http://localhost:5005", description="Rasa server (socket.io and REST channels)."
    )
    rasa_public_url: str | None = Field(
        None, description="Rasa URL as the browser reaches it, if it differs from rasa_url."
    )
    tracker_db_url: str = Field(
        "sqlite:///rasa.db",
        description="SQLAlchemy URL of Rasa's SQL tracker store; relative SQLite paths are "
        "resolved against the repository root.",
    )
    app_db_url: str = Field(
        DEFAULT_APP_DB_URL,
        validation_alias=AliasChoices("APP_DB_URL", "app_db_url"),
        description="Application database (appdb; the same APP_DB_URL as the action server); "
        "relative SQLite paths are resolved against the repository root.",
    )
    callback_retention_days: int = Field(
        30,
        ge=1,
        validation_alias=AliasChoices("CALLBACK_RETENTION_DAYS", "callback_retention_days"),
        description="Days a callback request is kept (the retention job deletes older ones).",
    )
    retention_days: int = Field(30, ge=1, le=3650, description="Days a conversation is kept.")
    retention_interval_hours: float = Field(
        24.0, gt=0, description="How often the background retention job runs."
    )
    retention_on_start: bool = Field(True, description="Run the retention job at start-up.")
    delete_grace_seconds: float = Field(
        5.0,
        ge=0,
        description="A deletion is repeated after this delay, so that events Rasa stores for "
        "the turn that asked for the deletion are removed as well.",
    )
    connect_timeout_ms: int = Field(
        4000, ge=500, le=60000, description="Socket.io connect timeout before the REST fallback."
    )

    @property
    def browser_rasa_url(self) -> str:
        """Rasa URL handed to the browser (without a trailing slash)."""
        return (self.rasa_public_url or self.rasa_url).rstrip("/")

    @property
    def resolved_tracker_db_url(self) -> str:
        """Tracker DB URL with a relative SQLite path made absolute (repository root)."""
        return resolve_sqlite_path(self.tracker_db_url, REPO_ROOT)

    @property
    def resolved_app_db_url(self) -> str:
        """Application database URL with a relative SQLite path made absolute."""
        return resolve_sqlite_path(self.app_db_url, REPO_ROOT)


@lru_cache(maxsize=1)
def get_settings() -> WebSettings:
    """Settings read once from the environment."""
    return WebSettings()
