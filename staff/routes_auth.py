"""Sign-in, sign-out and the identity provider's return (routes under ``/staff/``).

Local sign-in: e-mail and password, CSRF by a double-submit cookie (no session exists yet),
lockout per account and per address (:mod:`staff.lockout`); unknown accounts, disabled
accounts and wrong passwords get the same message and take the same time. A successful sign-in
starts a new server-side session (:mod:`staff.sessions`) in a cookie that is HttpOnly,
SameSite=Strict, Secure (``STAFF_COOKIE_SECURE``) and scoped to ``/staff/``. No password or
e-mail address is ever logged.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

import httpx2
from authlib.common.errors import AuthlibBaseError
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from joserfc.errors import JoseError

from staff import lockout, passwords, sessions, store
from staff.oidc import SignInFailed, map_claims
from staff.settings import BASE_PATH
from staff.web import (
    CSRF_COOKIE,
    FLOW_COOKIE,
    FLOW_PATH,
    SESSION_COOKIE,
    Context,
    CsrfFailed,
    SignedIn,
    client_address,
    context,
    cookie_name,
    delete_cookie,
    form_with_csrf,
    render,
    safe_next,
    set_cookie,
)

logger = logging.getLogger(__name__)
router = APIRouter(prefix=BASE_PATH)
COOKIE_PATH = f"{BASE_PATH}/"
MAX_FIELD = 254


def _sign_in_page(
    request: Request, status_code: int = 200, error: str | None = None, next_path: str = ""
) -> Response:
    """The sign-in form with a fresh double-submit token (cookie and hidden field)."""
    ctx = context(request)
    token = secrets.token_urlsafe(32)
    response = render(
        request,
        "sign_in.html",
        status_code,
        sign_in_token=token,
        error=error,
        notice=request.query_params.get("notice"),
        next_path=safe_next(next_path or request.query_params.get("next")),
    )
    set_cookie(response, ctx, CSRF_COOKIE, token, COOKIE_PATH)
    return response


def _start_session(request: Request, account_id: int, method: str, next_path: str) -> Response:
    ctx = context(request)
    now = ctx.clock()
    store.record_sign_in(ctx.engine, account_id, now)
    token = sessions.create(ctx.engine, account_id, method, now)
    if method == "oidc":
        # the return from the provider is a cross-site navigation: a SameSite=Strict cookie set
        # now is not sent on a redirect in the same chain, so the browser moves on from here
        response = render(request, "signed_in.html", next_path=safe_next(next_path))
    else:
        response = RedirectResponse(safe_next(next_path), status_code=303)
    set_cookie(response, ctx, SESSION_COOKIE, token, COOKIE_PATH)
    delete_cookie(response, ctx, CSRF_COOKIE, COOKIE_PATH)
    return response


@router.get("/sign-in", include_in_schema=False)
def sign_in_form(request: Request) -> Response:
    ctx = context(request)
    token = request.cookies.get(cookie_name(ctx, SESSION_COOKIE), "")
    if token and sessions.load(ctx.engine, token, ctx.clock(), ctx.timeouts)[0]:
        return RedirectResponse(f"{BASE_PATH}/", status_code=303)
    return _sign_in_page(request)


@router.post("/sign-in", include_in_schema=False)
async def sign_in(request: Request) -> Response:
    ctx = context(request)
    try:
        form = await form_with_csrf(request, request.cookies.get(cookie_name(ctx, CSRF_COOKIE), ""))
    except CsrfFailed:
        return _sign_in_page(request, 403, "form_expired")
    email = str(form.get("email") or "")[:MAX_FIELD]
    password = str(form.get("password") or "")[: passwords.MAX_LENGTH + 1]
    next_path = str(form.get("next") or "")
    address = client_address(request, ctx)
    # argon2 and the database are blocking work: off the event loop
    outcome, account_id = await asyncio.to_thread(_check, ctx, email, password, address)
    if outcome != "ok":
        return _sign_in_page(request, 401 if outcome == "failed" else 429, outcome, next_path)
    logger.info("staff sign-in: account %d (local)", account_id)
    return _start_session(request, account_id, "local", next_path)


def _check(ctx: Context, email: str, password: str, address: str) -> tuple[str, int]:
    """("ok", account id), ("failed", 0) or ("locked", 0) for a local sign-in attempt."""
    now = ctx.clock()
    if lockout.is_locked(ctx.engine, email, address, now, ctx.lockout):
        # no hash here: the message already says "locked", and a locked-out client must not
        # keep the server busy with argon2
        logger.warning("staff sign-in refused: locked out")
        return "locked", 0
    found = store.local_account(ctx.engine, email) if email and password else None
    if found is None:
        passwords.burn_time()  # the time of a real check: existence does not show
        ok, new_hash = False, None
    else:
        ok, new_hash = passwords.verify(password, found[1])
    if not ok or found is None:
        lockout.record_failure(ctx.engine, email, address, now)
        locked = lockout.is_locked(ctx.engine, email, address, now, ctx.lockout)
        logger.info("staff sign-in failed%s", " (now locked out)" if locked else "")
        return ("locked" if locked else "failed"), 0
    lockout.clear_account(ctx.engine, email)
    if new_hash:
        store.rehash(ctx.engine, found[0].id, new_hash)
    return "ok", found[0].id


@router.post("/sign-out", include_in_schema=False)
async def sign_out(request: Request, session: SignedIn) -> Response:
    ctx = context(request)
    try:
        await form_with_csrf(request, session.csrf_token)
    except CsrfFailed:
        return render(request, "error.html", 403, session=session, problem="csrf")
    sessions.delete(ctx.engine, session.token_hash)
    response = RedirectResponse(f"{BASE_PATH}/sign-in?notice=signed_out", status_code=303)
    delete_cookie(response, ctx, SESSION_COOKIE, COOKIE_PATH)
    return response


@router.get("/auth/oidc/start", include_in_schema=False)
async def oidc_start(request: Request) -> Response:
    """A link, not a form: CSP form-action would block the redirect to the provider."""
    ctx = context(request)
    if ctx.oidc is None:
        return render(request, "error.html", 404, problem="not_found")
    try:
        url, transaction = await ctx.oidc.start(request)
    except (httpx2.HTTPError, AuthlibBaseError, SignInFailed, ValueError) as exc:
        logger.error("identity provider not reachable: %s", type(exc).__name__)
        return render(request, "error.html", 503, problem="idp_unavailable")
    transaction["next"] = safe_next(request.query_params.get("next"))
    flow = sessions.save_flow(ctx.engine, transaction, ctx.clock())
    response = RedirectResponse(url, status_code=303)
    # Lax: the provider sends the browser back with a cross-site top-level GET
    set_cookie(response, ctx, FLOW_COOKIE, flow, FLOW_PATH, same_site="lax")
    return response


@router.get("/auth/oidc/callback", include_in_schema=False)
async def oidc_callback(request: Request) -> Response:
    ctx = context(request)
    if ctx.oidc is None:
        return render(request, "error.html", 404, problem="not_found")
    transaction = sessions.take_flow(
        ctx.engine, request.cookies.get(cookie_name(ctx, FLOW_COOKIE), ""), ctx.clock()
    )
    if transaction is None:
        return _flow_error(request, 400, "oidc_expired")
    next_path = str(transaction.pop("next", ""))
    try:
        claims = await ctx.oidc.finish(request, transaction)
    except (httpx2.HTTPError, AuthlibBaseError, JoseError, SignInFailed, ValueError) as exc:
        logger.warning("identity-provider sign-in rejected: %s", type(exc).__name__)
        return _flow_error(request, 400, "oidc_failed")
    identity = map_claims(claims, ctx.settings)
    if identity is None:
        logger.info("identity-provider sign-in without a mapped role or office: no access")
        return _flow_error(request, 403, "no_role")
    try:
        account = store.upsert_oidc_account(
            ctx.engine,
            identity.issuer,
            identity.subject,
            identity.email,
            identity.name,
            identity.office_code,
            identity.roles,
            ctx.clock(),
        )
    except store.StoreError as exc:
        logger.warning("identity-provider sign-in refused: %s", exc)
        return _flow_error(request, 403, "no_account")
    logger.info("staff sign-in: account %d (identity provider)", account.id)
    response = _start_session(request, account.id, "oidc", next_path)
    delete_cookie(response, ctx, FLOW_COOKIE, FLOW_PATH)
    return response


def _flow_error(request: Request, status_code: int, problem: str) -> Response:
    response = render(request, "error.html", status_code, problem=problem)
    delete_cookie(response, context(request), FLOW_COOKIE, FLOW_PATH)
    return response
