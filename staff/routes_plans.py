"""Routes of the plan builder (role counsellor, office-scoped) and of the citizen's link.

======================================================  =============================================
route                                                   what
======================================================  =============================================
GET  /staff/plans                                       the office's plans; create one for a consultation
POST /staff/plans                                       create (``consultation_id``, ``title``)
GET  /staff/plans/{id}                                  the plan builder (logged ``view``)
GET  /staff/plans/{id}.pdf                              the printable plan (logged ``pdf``)
POST /staff/plans/{id}/title                            rename
POST /staff/plans/{id}/offers                           add an offer by catalogue id (search service)
POST /staff/plans/{id}/path-steps                       add a learning-path step
POST /staff/plans/{id}/steps/{step}/move                up / down
POST /staff/plans/{id}/steps/{step}/dates               start and end date
POST /staff/plans/{id}/steps/{step}/remove              remove a step
POST /staff/plans/{id}/checklist                        attach (or refresh) / remove the funding checklist
POST /staff/plans/{id}/contacts                         add a contact
POST /staff/plans/{id}/contacts/{n}/remove              remove an added contact
POST /staff/plans/{id}/notes                            add a note (internal unless ``for_citizen``)
POST /staff/plans/{id}/notes/{note}/remove              remove a note
POST /staff/plans/{id}/links                            make a citizen link (shown once)
POST /staff/plans/{id}/links/revoke                     revoke a citizen link
POST /staff/plans/{id}/delete                           delete the plan
GET  /plan/{token}, GET /plan/{token}.pdf               the citizen's read-only page and PDF (public)
GET  /plan/static/{name}                                the stylesheets of the citizen's page
======================================================  =============================================

Every change is a POST with the session's CSRF token, answered with a redirect back to the plan
page (works without JavaScript); another office's plan answers 404 like a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from staff import plan_changes, plan_links, plan_offers, plan_pdf, plans
from staff.settings import BASE_PATH
from staff.store import Office
from staff.web import STAFF_DIR, Counsellor, context, form_with_csrf, render, templates

router = APIRouter(prefix=BASE_PATH)
public = APIRouter(prefix=plan_links.PUBLIC_PATH)
CONTACT_KEYS = ("phone", "email", "address", "hours", "url")
PUBLIC_STYLES = {"staff.css", "plan.css"}
#: extra headers of the citizen's pages (the app's CSP, nosniff and no-referrer hold as well)
PUBLIC_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def office_contact(contacts: dict[str, dict[str, str]], office: Office) -> dict[str, str]:
    """The office's contact for plans (``STAFF_OFFICE_CONTACTS``), its name first."""
    given = contacts.get(office.code, {})
    return {"name": office.name, **{k: str(given[k]) for k in CONTACT_KEYS if given.get(k)}}


def _text(form: FormData, name: str, limit: int) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _date(form: FormData, name: str) -> dt.date | None:
    value = _text(form, name, 10)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _back(plan_id: int, notice: str, anchor: str = "") -> Response:
    target = f"{BASE_PATH}/plans/{plan_id}?notice={notice}{f'#{anchor}' if anchor else ''}"
    return RedirectResponse(target, status_code=303)


def _not_found(request: Request) -> Response:
    return render(request, "error.html", 404, problem="not_found")


def _apply(request: Request, session: Counsellor, plan_id: int, apply: plans.Change) -> bool:
    ctx = context(request)
    return plans.change(
        ctx.engine, session.account.office.id, plan_id, session.account.id, ctx.clock(), apply
    )


# ---------------------------------------------------------------- list and create


@router.get("/plans", include_in_schema=False)
def plan_list(request: Request, session: Counsellor) -> Response:
    ctx = context(request)
    office_id = session.account.office.id
    return render(
        request,
        "plan_list.html",
        active="plans",
        plans=plans.list_for_office(ctx.engine, office_id),
        consultations=plans.consultations_of_office(ctx.engine, office_id),
        retention_days=ctx.settings.plan_retention_days,
    )


@router.post("/plans", include_in_schema=False)
async def plan_create(request: Request, session: Counsellor) -> Response:
    ctx = context(request)
    form = await form_with_csrf(request, session.csrf_token)
    try:
        consultation_id = int(_text(form, "consultation_id", 12))
    except ValueError:
        return _not_found(request)
    title = _text(form, "title", plans.TITLE_MAX) or "Bildungsplan"
    contact = office_contact(ctx.settings.office_contacts, session.account.office)
    office_id = session.account.office.id
    new_id = plans.create(
        ctx.engine, office_id, consultation_id, session.account.id, title, contact, ctx.clock()
    )
    return _not_found(request) if new_id is None else _back(new_id, "created")


# ---------------------------------------------------------------- the builder


def _page(request: Request, session: Counsellor, plan: plans.Plan, **extra: Any) -> Response:
    ctx = context(request)
    found = plans.consultation_for_office(ctx.engine, plan.office_id, plan.consultation_id)
    profile = found.profile if found else {}
    shown = plan_offers.snapshot_offers(found.snapshot) if found else []
    in_plan = {s.offer_id for s in plan.steps if s.offer_id}
    return render(
        request,
        "plan.html",
        active="plans",
        plan=plan,
        consultation=found,
        shown_offers=[o for o in shown if o["offer_id"] not in in_plan],
        paths=plan_offers.paths_for(profile) if not plan.anonymised_at else [],
        now=ctx.clock(),
        notice=request.query_params.get("notice"),
        link_ttl_days=ctx.settings.plan_link_ttl_days,
        public_base=ctx.settings.public_url.rstrip("/") + plan_links.PUBLIC_PATH,
        **extra,
    )


@router.get("/plans/{plan_id}.pdf", include_in_schema=False)
def plan_pdf_download(request: Request, plan_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    office_id = session.account.office.id
    plan = plans.open_plan(ctx.engine, office_id, plan_id, session.account.id, ctx.clock(), "pdf")
    if plan is None:
        return _not_found(request)
    return _pdf_response(plan, ctx.clock())


@router.get("/plans/{plan_id}", include_in_schema=False)
def plan_page(request: Request, plan_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    office_id = session.account.office.id
    plan = plans.open_plan(ctx.engine, office_id, plan_id, session.account.id, ctx.clock())
    return _not_found(request) if plan is None else _page(request, session, plan)


@router.post("/plans/{plan_id}/title", include_in_schema=False)
async def plan_title(request: Request, plan_id: int, session: Counsellor) -> Response:
    form = await form_with_csrf(request, session.csrf_token)
    title = _text(form, "title", plans.TITLE_MAX)
    if not title:
        return _back(plan_id, "title_missing", "titel")
    ok = _apply(request, session, plan_id, plan_changes.set_title(title))
    return _back(plan_id, "saved", "titel") if ok else _not_found(request)


@router.post("/plans/{plan_id}/offers", include_in_schema=False)
async def plan_add_offer(request: Request, plan_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    form = await form_with_csrf(request, session.csrf_token)
    offer_id = _text(form, "offer_id", 100)
    office_id = session.account.office.id
    plan = plans.for_office(ctx.engine, office_id, plan_id)
    if plan is None:
        return _not_found(request)
    if not offer_id:
        return _back(plan_id, "offer_missing", "angebote")
    found = plans.consultation_for_office(ctx.engine, office_id, plan.consultation_id)
    profile = found.profile if found else {}
    try:
        items, _missing = plan_offers.lookup_offers(ctx.settings, [offer_id], profile)
        step = plan_offers.offer_step(items[0]) if items else None
    except plan_offers.SearchUnavailable:
        shown = plan_offers.snapshot_offers(found.snapshot) if found else []
        copy = next((o for o in shown if o["offer_id"] == offer_id), None)
        if copy is None:
            return _back(plan_id, "search_unavailable", "angebote")
        step = plan_offers.snapshot_offer_step(copy)
    if step is None:
        return _back(plan_id, "offer_unknown", "angebote")
    start = _date(form, "start_date")
    ok = _apply(request, session, plan_id, plan_changes.add_step(offer_id, step, start, None))
    return _back(plan_id, "step_added" if ok else "too_many", "schritte")


@router.post("/plans/{plan_id}/path-steps", include_in_schema=False)
async def plan_add_path_step(request: Request, plan_id: int, session: Counsellor) -> Response:
    form = await form_with_csrf(request, session.csrf_token)
    try:
        index = int(_text(form, "step", 3))
    except ValueError:
        index = -1
    step = plan_offers.path_step(_text(form, "path_id", 100), index)
    if step is None:
        return _not_found(request)
    ok = _apply(request, session, plan_id, plan_changes.add_step(None, step, None, None))
    return _back(plan_id, "step_added", "schritte") if ok else _not_found(request)


@router.post("/plans/{plan_id}/steps/{step_id}/move", include_in_schema=False)
async def plan_move_step(
    request: Request, plan_id: int, step_id: int, session: Counsellor
) -> Response:
    form = await form_with_csrf(request, session.csrf_token)
    delta = -1 if _text(form, "direction", 4) == "up" else 1
    ok = _apply(request, session, plan_id, plan_changes.move_step(step_id, delta))
    return _back(plan_id, "moved", f"schritt-{step_id}") if ok else _not_found(request)


@router.post("/plans/{plan_id}/steps/{step_id}/dates", include_in_schema=False)
async def plan_step_dates(
    request: Request, plan_id: int, step_id: int, session: Counsellor
) -> Response:
    form = await form_with_csrf(request, session.csrf_token)
    start, end = _date(form, "start_date"), _date(form, "end_date")
    if start and end and end < start:
        return _back(plan_id, "dates_order", f"schritt-{step_id}")
    ok = _apply(request, session, plan_id, plan_changes.set_dates(step_id, start, end))
    return _back(plan_id, "saved", f"schritt-{step_id}") if ok else _not_found(request)


@router.post("/plans/{plan_id}/steps/{step_id}/remove", include_in_schema=False)
async def plan_remove_step(
    request: Request, plan_id: int, step_id: int, session: Counsellor
) -> Response:
    await form_with_csrf(request, session.csrf_token)
    ok = _apply(request, session, plan_id, plan_changes.remove_step(step_id))
    return _back(plan_id, "step_removed", "schritte") if ok else _not_found(request)


@router.post("/plans/{plan_id}/checklist", include_in_schema=False)
async def plan_checklist(request: Request, plan_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    form = await form_with_csrf(request, session.csrf_token)
    office_id = session.account.office.id
    items = None
    if _text(form, "action", 10) != "remove":
        plan = plans.for_office(ctx.engine, office_id, plan_id)
        found = plan and plans.consultation_for_office(ctx.engine, office_id, plan.consultation_id)
        if not found:
            return _not_found(request)
        items = plan_offers.checklist_for(found.profile)
    ok = _apply(request, session, plan_id, plan_changes.set_checklist(items))
    return _back(plan_id, "checklist", "foerderung") if ok else _not_found(request)


@router.post("/plans/{plan_id}/contacts", include_in_schema=False)
async def plan_add_contact(request: Request, plan_id: int, session: Counsellor) -> Response:
    form = await form_with_csrf(request, session.csrf_token)
    contact = {"name": _text(form, "name", 200)}
    contact |= {k: v for k in ("phone", "email", "hours") if (v := _text(form, k, 200))}
    if not contact["name"]:
        return _back(plan_id, "contact_missing", "kontakte")
    ok = _apply(request, session, plan_id, plan_changes.add_contact(contact))
    return _back(plan_id, "saved", "kontakte") if ok else _not_found(request)


@router.post("/plans/{plan_id}/contacts/{index}/remove", include_in_schema=False)
async def plan_remove_contact(
    request: Request, plan_id: int, index: int, session: Counsellor
) -> Response:
    await form_with_csrf(request, session.csrf_token)
    ok = _apply(request, session, plan_id, plan_changes.remove_contact(index))
    return _back(plan_id, "saved", "kontakte") if ok else _not_found(request)


@router.post("/plans/{plan_id}/notes", include_in_schema=False)
async def plan_add_note(request: Request, plan_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    form = await form_with_csrf(request, session.csrf_token)
    text = _text(form, "text", plans.NOTE_MAX)
    if not text:
        return _back(plan_id, "note_missing", "notizen")
    for_citizen = form.get("for_citizen") == "yes"
    change = plan_changes.add_note(text, for_citizen, session.account.id, ctx.clock())
    ok = _apply(request, session, plan_id, change)
    return _back(plan_id, "saved", "notizen") if ok else _not_found(request)


@router.post("/plans/{plan_id}/notes/{note_id}/remove", include_in_schema=False)
async def plan_remove_note(
    request: Request, plan_id: int, note_id: int, session: Counsellor
) -> Response:
    await form_with_csrf(request, session.csrf_token)
    ok = _apply(request, session, plan_id, plan_changes.remove_note(note_id))
    return _back(plan_id, "saved", "notizen") if ok else _not_found(request)


@router.post("/plans/{plan_id}/links", include_in_schema=False)
async def plan_new_link(request: Request, plan_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    await form_with_csrf(request, session.csrf_token)
    office_id, account_id = session.account.office.id, session.account.id
    token = plan_links.create_link(
        ctx.engine, office_id, plan_id, account_id, ctx.clock(), ctx.settings.plan_link_ttl_days
    )
    plan = plans.for_office(ctx.engine, office_id, plan_id)
    if token is None or plan is None:
        return _not_found(request)
    return _page(request, session, plan, new_link=token)


@router.post("/plans/{plan_id}/links/revoke", include_in_schema=False)
async def plan_revoke_link(request: Request, plan_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    form = await form_with_csrf(request, session.csrf_token)
    token_hash = _text(form, "link", 64)
    ok = plan_links.revoke_link(
        ctx.engine, session.account.office.id, plan_id, token_hash, session.account.id, ctx.clock()
    )
    return _back(plan_id, "link_revoked", "link") if ok else _not_found(request)


@router.post("/plans/{plan_id}/delete", include_in_schema=False)
async def plan_delete(request: Request, plan_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    await form_with_csrf(request, session.csrf_token)
    office_id = session.account.office.id
    if not plans.delete(ctx.engine, office_id, plan_id, session.account.id, ctx.clock()):
        return _not_found(request)
    return RedirectResponse(f"{BASE_PATH}/plans?notice=deleted", status_code=303)


# ---------------------------------------------------------------- the citizen's link


def _pdf_response(plan: plans.Plan, now: dt.datetime) -> Response:
    return Response(
        plan_pdf.render_pdf(plan, now),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{plan_pdf.file_name(plan)}"'},
    )


def _missing(request: Request) -> Response:
    """One answer for unknown, expired and revoked links."""
    return templates.TemplateResponse(request, "plan_public_missing.html", {}, status_code=404)


@public.get("/static/{name}", include_in_schema=False)
def public_style(name: str) -> Response:
    if name not in PUBLIC_STYLES:
        return Response(status_code=404)
    return FileResponse(STAFF_DIR / "static" / name, media_type="text/css")


@public.get("/{token}.pdf", include_in_schema=False)
def public_pdf(request: Request, token: str) -> Response:
    ctx = context(request)
    found = plan_links.plan_for_token(ctx.engine, token, ctx.clock())
    return _missing(request) if found is None else _pdf_response(found[0], ctx.clock())


@public.get("/{token}", include_in_schema=False)
def public_page(request: Request, token: str) -> Response:
    ctx = context(request)
    found = plan_links.plan_for_token(ctx.engine, token, ctx.clock())
    if found is None:
        return _missing(request)
    plan, expires_at = found
    return templates.TemplateResponse(
        request, "plan_public.html", {"plan": plan, "token": token, "expires_at": expires_at}
    )
