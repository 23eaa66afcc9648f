"""Citizen links to a plan (issue 13): the token and its row in ``plan_links``.

Shared by the staff app ("Neuen Link erstellen", :mod:`staff.plan_links`) and the bot (the
citizen asks for the plan in the chat, :mod:`bot.actions.clients.plan_link_store`). Stdlib and
SQLAlchemy Core only: runs with SQLAlchemy 1.4 (bot env) and 2.x (app env).

- The token has 256 random bits (``secrets.token_urlsafe(32)``, 43 characters of the URL-safe
  base64 alphabet); the link is ``$PUBLIC_URL/plan/<token>`` (:data:`PUBLIC_PATH`).
- Only :func:`token_hash` (SHA-256 hex) is stored; the token is shown once and never logged.
- A link works until ``expires_at`` (``STAFF_PLAN_LINK_TTL_DAYS``, default 30 days).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from sqlalchemy.engine import Connection

from appdb.schema import plan_links

TOKEN_BYTES = 32
#: bits of randomness in a token (>= 128 required by issue 13)
TOKEN_BITS = TOKEN_BYTES * 8
#: what ``secrets.token_urlsafe(32)`` produces
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
PUBLIC_PATH = "/plan"
_LINK_IN_TEXT = re.compile(r"(/plan/)[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
DEFAULT_TTL_DAYS = 30


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """SHA-256 (hex) of the token: the only form the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def public_url(base_url: str, token: str) -> str:
    """The citizen's link ``<base_url>/plan/<token>``."""
    return f"{base_url.rstrip('/')}{PUBLIC_PATH}/{token}"


def redact(text: str) -> str:
    """``text`` with the token of every plan link replaced by "…" (a chat copied into a
    handover snapshot must not carry a working link)."""
    return _LINK_IN_TEXT.sub(r"\1…", text)


def insert_link(conn: Connection, plan_id: int, now: dt.datetime, ttl_days: int) -> str:
    """Insert a new link to ``plan_id`` (expiring ``ttl_days`` after ``now``, naive UTC) on the
    open connection and return its token (not stored). The caller checks that the plan may get
    a link and owns the transaction."""
    token = new_token()
    conn.execute(
        plan_links.insert().values(
            token_hash=token_hash(token),
            plan_id=plan_id,
            created_at=now,
            expires_at=expires_at(now, ttl_days),
            revoked_at=None,
        )
    )
    return token


def expires_at(now: dt.datetime, ttl_days: int) -> dt.datetime:
    """When a link made at ``now`` stops working."""
    return now + dt.timedelta(days=ttl_days)
