"""Settings of the staff app (environment variables ``STAFF_*``; docs/staff.md lists them).

Shared with other processes: ``APP_DB_URL`` (application database) and ``PUBLIC_URL`` (the
proxy's address, where the staff pages are under ``/staff/``). Maps are JSON objects, because
identity-provider group names may contain commas and equals signs (LDAP names).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from functools import lru_cache
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from appdb.schema import STAFF_ROLES
from appdb.urls import DEFAULT_APP_DB_URL, REPO_ROOT, resolve_sqlite_path
from bot.channels.entry_settings import load_entry_settings
from staff.lockout import Policy
from staff.sessions import Timeouts

BASE_PATH = "/staff"


def _default_public_url() -> str:
    return load_entry_settings().public_url


def _default_search_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('SEARCH_PORT', '8000').strip() or '8000'}"


def is_loopback_http(url: str) -> bool:
    """True for a plain-http URL whose host is a loopback address or ``localhost``."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


class StaffSettings(BaseSettings):
    """Configuration of the staff app; every field can be set as ``STAFF_<FIELD>`` except the
    shared ``APP_DB_URL`` and ``PUBLIC_URL``."""

    model_config = SettingsConfigDict(env_prefix="STAFF_", extra="ignore")

    app_db_url: str = Field(
        DEFAULT_APP_DB_URL,
        validation_alias=AliasChoices("APP_DB_URL", "app_db_url"),
        description="Application database (relative SQLite paths: repository root).",
    )
    public_url: str = Field(
        default_factory=_default_public_url,
        validation_alias=AliasChoices("PUBLIC_URL", "public_url"),
        description="Address of the public entry; the identity provider returns to "
        "<public_url>/staff/auth/oidc/callback.",
    )
    cookie_secure: bool = Field(
        True,
        description="Secure flag of the sign-in cookie; false only with a plain-http loopback "
        "PUBLIC_URL (development and tests).",
    )
    idle_timeout_minutes: float = Field(30, gt=0, le=24 * 60)
    absolute_timeout_hours: float = Field(8, gt=0, le=24 * 7)
    lockout_failures: int = Field(5, ge=1, le=100)
    lockout_window_minutes: float = Field(15, gt=0, le=24 * 60)
    password_min_length: int = Field(12, ge=8, le=128)
    access_log_retention_days: int = Field(365, ge=1, le=3650)
    housekeeping_interval_minutes: float = Field(60, gt=0)
    callback_retention_days: int = Field(
        30,
        ge=1,
        validation_alias=AliasChoices("CALLBACK_RETENTION_DAYS", "callback_retention_days"),
        description="Days a callback request is kept (the same setting as the bot's).",
    )
    demand_retention_months: int = Field(
        24,
        ge=1,
        le=120,
        validation_alias=AliasChoices("DEMAND_RETENTION_MONTHS", "demand_retention_months"),
        description="Whole months (before the current one) the raw demand rows are kept; older "
        "months are kept as monthly counts only (appdb/demand_retention.py).",
    )
    callback_offices: dict[str, str] = Field(
        default_factory=dict,
        description="Callback recipient (CALLBACK_RECIPIENT of the bot) -> office code, e.g. "
        '{"Bildungsberatung Landkreis München": "bildungsberatung"}.',
    )
    # consultations (issue 13, handover; docs/staff.md)
    handover_ttl_days: int = Field(
        7, ge=1, le=90, description="Days a handover code is valid (shared with the bot)."
    )
    handover_lookup_failures: int = Field(10, ge=1, le=100)
    handover_lookup_window_minutes: float = Field(15, gt=0, le=24 * 60)
    plan_retention_days: int = Field(
        90, ge=1, le=3650, description="Days a plan is kept after its last change."
    )
    consultation_retention_days: int = Field(
        90,
        ge=1,
        le=3650,
        description="Days a claimed consultation without plans is kept after its last change.",
    )
    plan_link_ttl_days: int = Field(
        30, ge=1, le=365, description="Days a citizen's read-only plan link works."
    )
    office_contacts: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Office code -> contact shown on plans (keys phone, email, address, hours, "
        'url), e.g. {"bildungsberatung": {"phone": "089 6221-0", "email": "…"}}.',
    )
    search_url: str = Field(
        default_factory=_default_search_url,
        validation_alias=AliasChoices("SEARCH_URL", "search_url"),
        description="The search service: the counsellor's search (POST /search) and offers by id "
        "for the plan builder (POST /offers/lookup).",
    )
    search_timeout_seconds: float = Field(10, gt=0, le=60)
    oidc_issuer: str | None = Field(
        None, description="Issuer of the district's identity provider (unset: local only)."
    )
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid email profile"
    oidc_roles_claim: str = Field("groups", description="Claim with the user's groups.")
    oidc_role_map: dict[str, str] = Field(
        default_factory=dict, description="Group (claim value) -> role."
    )
    oidc_office_claim: str = Field("office", description="Claim naming the user's office.")
    oidc_office_map: dict[str, str] = Field(
        default_factory=dict,
        description="Office claim value -> office code (empty: the value is the code).",
    )
    oidc_timeout_seconds: float = Field(10, gt=0, le=60)

    @model_validator(mode="after")
    def _check(self) -> StaffSettings:
        if not self.cookie_secure and not is_loopback_http(self.public_url):
            raise ValueError(
                "STAFF_COOKIE_SECURE=false is allowed only with a plain-http loopback PUBLIC_URL"
            )
        if urlsplit(self.public_url).scheme not in ("http", "https"):
            raise ValueError(f"PUBLIC_URL is not an http(s) URL: {self.public_url!r}")
        unknown = set(self.oidc_role_map.values()) - set(STAFF_ROLES)
        if unknown:
            raise ValueError(f"STAFF_OIDC_ROLE_MAP names unknown roles: {sorted(unknown)}")
        if self.oidc_issuer and not self.oidc_client_id:
            raise ValueError("STAFF_OIDC_ISSUER needs STAFF_OIDC_CLIENT_ID")
        return self

    @property
    def resolved_app_db_url(self) -> str:
        return resolve_sqlite_path(self.app_db_url, REPO_ROOT)

    @property
    def timeouts(self) -> Timeouts:
        return Timeouts(
            idle=dt.timedelta(minutes=self.idle_timeout_minutes),
            absolute=dt.timedelta(hours=self.absolute_timeout_hours),
        )

    @property
    def lockout(self) -> Policy:
        return Policy(self.lockout_failures, dt.timedelta(minutes=self.lockout_window_minutes))

    @property
    def lookup_policy(self) -> Policy:
        """Rate limit of "open by code" (per account and per address)."""
        return Policy(
            self.handover_lookup_failures,
            dt.timedelta(minutes=self.handover_lookup_window_minutes),
        )

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def oidc_redirect_uri(self) -> str:
        return f"{self.public_url.rstrip('/')}{BASE_PATH}/auth/oidc/callback"

    def cookie_name(self, name: str) -> str:
        """``__Secure-<name>``: browsers accept such a cookie only with the Secure flag (the
        cookies are scoped to ``/staff/``, so the ``__Host-`` prefix, which needs path ``/``,
        does not fit)."""
        return f"__Secure-{name}" if self.cookie_secure else name


@lru_cache(maxsize=1)
def get_settings() -> StaffSettings:
    """Settings read once from the environment."""
    return StaffSettings()
