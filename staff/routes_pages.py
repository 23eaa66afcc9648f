"""The pages behind the sign-in (routes under ``/staff/``).

==================================  ============  =============================================
route                               role          what
==================================  ============  =============================================
GET  /staff/                        any           start page with a section per role
GET  /staff/callbacks               counsellor    callback inbox of the account's office
GET  /staff/callbacks/{id}          counsellor    one request with its contact (logged)
POST /staff/callbacks/{id}/done     counsellor    mark it done (logged)
GET  /staff/editor                  editor        what the editorial pages will offer
GET  /staff/analyst                 analyst       Bildungsmonitoring (staff/monitoring/routes.py)
GET  /staff/admin                   admin         accounts and offices
GET  /staff/admin/access-log        admin         the access log, newest first
==================================  ============  =============================================
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from staff import access_log, callbacks, store
from staff.settings import BASE_PATH
from staff.web import (
    Admin,
    Counsellor,
    CsrfFailed,
    Editor,
    SignedIn,
    context,
    form_with_csrf,
    render,
)

router = APIRouter(prefix=BASE_PATH)
PAGE_SIZE = 100


def _prepare_callbacks(request: Request) -> None:
    ctx = context(request)
    callbacks.prepare(
        ctx.engine,
        ctx.settings.callback_offices,
        ctx.settings.callback_retention_days,
        ctx.clock().date(),
    )


@router.get("/", include_in_schema=False)
def home(request: Request, session: SignedIn) -> Response:
    open_count = None
    if "counsellor" in session.account.roles:
        _prepare_callbacks(request)
        open_count = len(callbacks.inbox(context(request).engine, session.account.office.id)[0])
    return render(request, "home.html", open_count=open_count)


@router.get("/callbacks", include_in_schema=False)
def inbox(request: Request, session: Counsellor) -> Response:
    _prepare_callbacks(request)
    open_requests, done = callbacks.inbox(context(request).engine, session.account.office.id)
    return render(
        request,
        "callbacks.html",
        open_requests=open_requests,
        done=done,
        notice=request.query_params.get("notice"),
        retention_days=context(request).settings.callback_retention_days,
    )


@router.get("/callbacks/{request_id}", include_in_schema=False)
def callback_detail(request: Request, request_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    _prepare_callbacks(request)
    found = callbacks.open_request(
        ctx.engine, session.account.office.id, request_id, session.account.id, ctx.clock()
    )
    if found is None:  # another office's request looks like a missing one
        return render(request, "error.html", 404, problem="not_found")
    return render(request, "callback.html", item=found.request, contact=found.contact)


@router.post("/callbacks/{request_id}/done", include_in_schema=False)
async def callback_done(request: Request, request_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    try:
        await form_with_csrf(request, session.csrf_token)
    except CsrfFailed:
        return render(request, "error.html", 403, problem="csrf")
    if not callbacks.mark_done(
        ctx.engine, session.account.office.id, request_id, session.account.id, ctx.clock()
    ):
        return render(request, "error.html", 404, problem="not_found")
    return RedirectResponse(f"{BASE_PATH}/callbacks?notice=done", status_code=303)


@router.get("/editor", include_in_schema=False)
def editor(request: Request, session: Editor) -> Response:
    return render(request, "editor.html")


@router.get("/admin", include_in_schema=False)
def admin(request: Request, session: Admin) -> Response:
    ctx = context(request)
    _prepare_callbacks(request)
    return render(
        request,
        "admin.html",
        accounts=store.list_accounts(ctx.engine),
        offices=store.list_offices(ctx.engine),
        unassigned=callbacks.unassigned_count(ctx.engine),
        oidc_issuer=ctx.settings.oidc_issuer,
    )


@router.get("/admin/access-log", include_in_schema=False)
def admin_access_log(request: Request, session: Admin, page: int = 1) -> Response:
    page = max(1, min(page, 10_000))
    entries, total = access_log.entries(
        context(request).engine, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    return render(
        request,
        "access_log.html",
        entries=entries,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        retention_days=context(request).settings.access_log_retention_days,
    )
