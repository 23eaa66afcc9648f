"""Settings of the monitoring pages (docs/monitoring.md).

``STAFF_MONITORING_K`` (default 5) is the smallest count shown; it can be raised, never lowered:
a value below 5 stops the staff process at start. ``SEARCH_URL`` is the search service the
supply figures come from (the staff app never loads the catalogue itself).
"""

from __future__ import annotations

import os

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from staff.monitoring.suppression import MIN_K, check_k


def _default_search_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('SEARCH_PORT', '8000')}"


class MonitoringSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STAFF_MONITORING_", extra="ignore")

    k: int = Field(MIN_K, description="Smallest count shown (>= 5; only raising is allowed).")
    search_url: str = Field(
        default_factory=_default_search_url,
        validation_alias=AliasChoices("SEARCH_URL", "search_url"),
        description="Base URL of the search service (POST /search).",
    )
    search_timeout_seconds: float = Field(5.0, gt=0, le=60)
    supply_cache_seconds: float = Field(600.0, ge=0, le=86400)

    @field_validator("k")
    @classmethod
    def _k_not_below_minimum(cls, value: int) -> int:
        return check_k(value)

    @field_validator("search_url")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip().rstrip("/")
