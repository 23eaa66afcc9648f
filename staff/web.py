"""Request plumbing of the staff app: context, templates, who is signed in, roles, CSRF.

- :func:`signed_in` (dependency) loads the session from the cookie; anonymous requests are
  redirected to the sign-in page (:class:`SignInRequired`), an expired session with a notice.
- :func:`role` (dependency factory) refuses accounts without the role (:class:`Forbidden`,
  403 page).
- :func:`form_with_csrf` reads a POSTed form and checks its ``csrf_token`` against the session's
  (:class:`CsrfFailed`, 403); a foreign ``Origin`` or a cross-site fetch is refused as well.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from starlette.datastructures import FormData
from starlette.responses import Response

from bot.channels.entry_settings import EntrySettings, origin_of
from staff import sessions
from staff.db import Clock
from staff.lockout import Policy
from staff.oidc import OidcSignIn
from staff.settings import BASE_PATH, StaffSettings

STAFF_DIR = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=STAFF_DIR / "templates")
LOCAL_ZONE = ZoneInfo("Europe/Berlin")
ROLE_LABELS = {
    "counsellor": "Beratung",
    "editor": "Redaktion",
    "analyst": "Auswertung",
    "admin": "Verwaltung",
}
OFFICE_KIND_LABELS = {
    "bildungsberatung": "Bildungsberatung",
    "agentur": "Agentur für Arbeit",
    "jobcenter": "Jobcenter",
    "vhs": "Volkshochschule",
    "sonstige": "sonstige Stelle",
}


def local_time(value: datetime) -> str:
    """A stored naive-UTC time as German local time: "07.12.2026, 14:05 Uhr"."""
    local = value.replace(tzinfo=timezone.utc).astimezone(LOCAL_ZONE)
    return local.strftime("%d.%m.%Y, %H:%M Uhr")


templates.env.filters["local_time"] = local_time
templates.env.filters["role_label"] = lambda role: ROLE_LABELS.get(role, role)
templates.env.filters["office_kind"] = lambda kind: OFFICE_KIND_LABELS.get(kind, kind)
SESSION_COOKIE = "bl_staff"
CSRF_COOKIE = "bl_staff_csrf"
FLOW_COOKIE = "bl_staff_oidc"
FLOW_PATH = f"{BASE_PATH}/auth/oidc/"


@dataclass
class Context:
    """What every request handler needs (``app.state.ctx``)."""

    settings: StaffSettings
    engine: Engine
    clock: Clock
    entry: EntrySettings
    oidc: OidcSignIn | None

    @property
    def timeouts(self) -> sessions.Timeouts:
        return self.settings.timeouts

    @property
    def lockout(self) -> Policy:
        return self.settings.lockout


class SignInRequired(Exception):
    def __init__(self, path: str, expired: bool) -> None:
        super().__init__(path)
        self.path = path
        self.expired = expired


class Forbidden(Exception):
    """Signed in, but the account lacks the role."""


class CsrfFailed(Exception):
    """Missing or wrong CSRF token, or a cross-site form post."""


def context(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


def client_address(request: Request, ctx: Context) -> str:
    """The client: X-Forwarded-For's last entry when the peer is the proxy (the channels'
    rule, ``CHANNEL_TRUSTED_PROXIES``), otherwise the peer."""
    peer = request.client.host if request.client else ""
    return ctx.entry.client_address(peer, request.headers.get("x-forwarded-for")) or "unknown"


def cookie_name(ctx: Context, name: str) -> str:
    return ctx.settings.cookie_name(name)


def set_cookie(
    response: Response, ctx: Context, name: str, value: str, path: str, same_site: str = "strict"
) -> None:
    response.set_cookie(
        cookie_name(ctx, name),
        value,
        path=path,
        httponly=True,
        secure=ctx.settings.cookie_secure,
        samesite=same_site,  # type: ignore[arg-type]  # "strict" | "lax"
    )


def delete_cookie(response: Response, ctx: Context, name: str, path: str) -> None:
    response.delete_cookie(
        cookie_name(ctx, name),
        path=path,
        httponly=True,
        secure=ctx.settings.cookie_secure,
        samesite="strict",
    )


def signed_in(request: Request) -> sessions.Session:
    """Dependency: the live session, or a redirect to the sign-in page."""
    ctx = context(request)
    token = request.cookies.get(cookie_name(ctx, SESSION_COOKIE), "")
    session, expired = sessions.load(ctx.engine, token, ctx.clock(), ctx.timeouts)
    if session is None:
        raise SignInRequired(request.url.path, expired)
    request.state.session = session
    return session


SignedIn = Annotated[sessions.Session, Depends(signed_in)]


def role(name: str) -> Callable[..., sessions.Session]:
    """Dependency factory: the session of an account that has the role ``name``."""

    def check(session: SignedIn) -> sessions.Session:
        if name not in session.account.roles:
            raise Forbidden(name)
        return session

    return check


Counsellor = Annotated[sessions.Session, Depends(role("counsellor"))]
Editor = Annotated[sessions.Session, Depends(role("editor"))]
Analyst = Annotated[sessions.Session, Depends(role("analyst"))]
Admin = Annotated[sessions.Session, Depends(role("admin"))]


def _same_origin(request: Request, ctx: Context) -> bool:
    """Fetch metadata and Origin, where the browser sends them, must say "this site". With
    ``Referrer-Policy: no-referrer`` browsers send ``Origin: null`` for form posts, so the
    token (checked by the caller) carries the decision then."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site != "same-origin":
        return False
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return True
    own = {origin_of(ctx.settings.public_url)}
    host = request.headers.get("host")
    if host:
        own.add(f"{request.url.scheme}://{host}".lower())
    return origin.lower() in own


async def form_with_csrf(request: Request, expected: str) -> FormData:
    """The posted form, if its ``csrf_token`` equals ``expected`` and the post is same-origin."""
    ctx = context(request)
    form = await request.form(max_files=0, max_fields=20, max_part_size=16 * 1024)
    given = form.get("csrf_token")
    if (
        not isinstance(given, str)
        or not expected
        or not secrets.compare_digest(given.encode(), expected.encode())
        or not _same_origin(request, ctx)
    ):
        raise CsrfFailed()
    return form


def safe_next(value: str | None) -> str:
    """A local staff path to return to after signing in (anything else: the start page)."""
    if not value:
        return f"{BASE_PATH}/"
    parts = urlsplit(value)
    path = parts.path
    if (
        parts.scheme
        or parts.netloc
        or not path.startswith(f"{BASE_PATH}/")
        or "//" in path
        or ".." in path.split("/")
        or "\\" in value
        or path.startswith(f"{BASE_PATH}/auth/")
    ):
        return f"{BASE_PATH}/"
    return path


def render(
    request: Request,
    template: str,
    status_code: int = 200,
    session: sessions.Session | None = None,
    **values: Any,
) -> Response:
    """A page; the layout gets the session (navigation, sign-out form with its token)."""
    ctx = context(request)
    current = session or getattr(request.state, "session", None)
    return templates.TemplateResponse(
        request,
        template,
        {
            "session": current,
            "account": current.account if current else None,
            "csrf_token": current.csrf_token if current else "",
            "base": BASE_PATH,
            "oidc_enabled": ctx.oidc is not None,
            **values,
        },
        status_code=status_code,
    )
