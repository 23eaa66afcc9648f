"""Consultation pages (role counsellor; issue 13, handover).

=================================================  =============================================
route                                              what
=================================================  =============================================
GET  /staff/consultations                          "Meine Beratungen": the office's consultations
GET  /staff/consultations/open                     form "Beratung öffnen" (code)
POST /staff/consultations/open                     look the code up (rate-limited), claim, open
GET  /staff/consultations/new                      form: start without a code (profile typed in)
POST /staff/consultations/new                      create it (origin "staff")
GET  /staff/consultations/{id}                     profile, offers and path shown, checklist, chat
GET  /staff/consultations/{id}/profile             edit the working profile
POST /staff/consultations/{id}/profile             save it (validated against the vocabulary)
GET  /staff/consultations/{id}/search              search with every filter of the search API
GET  /staff/consultations/{id}/compare             selected offers side by side
=================================================  =============================================

A consultation of another office, or a missing one, answers 404. Every page that shows a
consultation writes an access-log entry (:func:`staff.consultations.open_for_office`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from staff import consultation_forms as forms
from staff import consultation_search, consultations
from staff.settings import BASE_PATH
from staff.web import Counsellor, client_address, context, form_with_csrf, render

router = APIRouter(prefix=f"{BASE_PATH}/consultations")
_STATUS = {"invalid": 400, "locked": 429}


def _profile_page(
    request: Request,
    template: str,
    profile: dict[str, Any],
    problems: list[str],
    status: int = 200,
    **more: Any,
) -> Response:
    return render(
        request,
        template,
        status,
        profile=profile,
        problems=problems,
        choices=forms.PROFILE_CHOICES,
        municipalities=forms.municipalities(),
        form_value=forms.form_value,
        **more,
    )


@router.get("", include_in_schema=False)
def my_consultations(request: Request, session: Counsellor) -> Response:
    ctx = context(request)
    found = consultations.list_for_office(ctx.engine, session.account.office.id)
    return render(
        request,
        "consultations.html",
        active="consultations",
        items=found,
        display=forms.display,
        kldb_title=forms.kldb_title,
    )


@router.get("/open", include_in_schema=False)
def open_form(request: Request, session: Counsellor) -> Response:
    return render(
        request,
        "consultation_open.html",
        active="consultations",
        ttl_days=context(request).settings.handover_ttl_days,
    )


@router.post("/open", include_in_schema=False)
async def open_code(request: Request, session: Counsellor) -> Response:
    ctx = context(request)
    form = await form_with_csrf(request, session.csrf_token)
    result = await asyncio.to_thread(
        consultations.open_by_code,
        ctx.engine,
        str(form.get("code") or ""),
        session.account.id,
        session.account.office.id,
        client_address(request, ctx),
        ctx.clock(),
        ctx.settings.lookup_policy,
    )
    if result.status == "opened":
        return RedirectResponse(f"{router.prefix}/{result.consultation_id}", status_code=303)
    return render(
        request,
        "consultation_open.html",
        _STATUS[result.status],
        active="consultations",
        error=result.status,
        ttl_days=ctx.settings.handover_ttl_days,
    )


@router.get("/new", include_in_schema=False)
def new_form(request: Request, session: Counsellor) -> Response:
    return _profile_page(request, "consultation_new.html", {}, [], active="consultations")


@router.post("/new", include_in_schema=False)
async def new_create(request: Request, session: Counsellor) -> Response:
    ctx = context(request)
    form = await form_with_csrf(request, session.csrf_token)
    profile, problems = forms.parse_profile(form)
    if problems:
        return _profile_page(
            request, "consultation_new.html", profile, problems, 400, active="consultations"
        )
    new_id = consultations.start_without_code(
        ctx.engine, session.account.office.id, session.account.id, profile, ctx.clock()
    )
    return RedirectResponse(f"{router.prefix}/{new_id}", status_code=303)


def _open(
    request: Request, session: Counsellor, consultation_id: int
) -> consultations.Consultation | None:
    ctx = context(request)
    return consultations.open_for_office(
        ctx.engine, session.account.office.id, consultation_id, session.account.id, ctx.clock()
    )


def _not_found(request: Request) -> Response:
    return render(request, "error.html", 404, problem="not_found")


@router.get("/{consultation_id}", include_in_schema=False)
def detail(request: Request, consultation_id: int, session: Counsellor) -> Response:
    found = _open(request, session, consultation_id)
    if found is None:
        return _not_found(request)
    return render(
        request,
        "consultation.html",
        active="consultations",
        consultation=found,
        checklist=consultations.checklist(found.profile),
        display=forms.display,
        kldb_title=forms.kldb_title,
        notice=request.query_params.get("notice"),
    )


@router.get("/{consultation_id}/profile", include_in_schema=False)
def profile_form(request: Request, consultation_id: int, session: Counsellor) -> Response:
    found = _open(request, session, consultation_id)
    if found is None:
        return _not_found(request)
    return _profile_page(
        request, "consultation_profile.html", found.profile, [], consultation=found,
        active="consultations",
    )  # fmt: skip


@router.post("/{consultation_id}/profile", include_in_schema=False)
async def profile_save(request: Request, consultation_id: int, session: Counsellor) -> Response:
    ctx = context(request)
    form = await form_with_csrf(request, session.csrf_token)
    found = consultations.for_office(ctx.engine, session.account.office.id, consultation_id)
    if found is None:
        return _not_found(request)
    profile, problems = forms.parse_profile(form)
    if problems:
        return _profile_page(
            request, "consultation_profile.html", profile, problems, 400, consultation=found,
            active="consultations",
        )  # fmt: skip
    consultations.update_profile(
        ctx.engine, session.account.office.id, consultation_id, session.account.id, profile,
        ctx.clock(),
    )  # fmt: skip
    return RedirectResponse(f"{router.prefix}/{consultation_id}?notice=saved", status_code=303)


def _run_search(
    request: Request, found: consultations.Consultation, form: forms.SearchForm
) -> consultation_search.Answer:
    ctx = context(request)
    body = forms.search_request(form, found.profile, ctx.clock().date().isoformat())
    return consultation_search.search(
        ctx.settings.search_url, body, ctx.settings.search_timeout_seconds
    )


@router.get("/{consultation_id}/search", include_in_schema=False)
async def search(request: Request, consultation_id: int, session: Counsellor) -> Response:
    found = _open(request, session, consultation_id)
    if found is None:
        return _not_found(request)
    run = request.query_params.get("run") == "1"
    form = (
        forms.parse_search(request.query_params)
        if run
        else forms.SearchForm.from_profile(found.profile)
    )
    answer, problem = None, None
    if run and not form.problems:
        try:
            answer = await asyncio.to_thread(_run_search, request, found, form)
        except consultation_search.SearchUnavailable:
            problem = "search_unavailable"
    return render(
        request,
        "consultation_search.html",
        400 if form.problems else (503 if problem else 200),
        active="consultations",
        consultation=found,
        form=form,
        answer=answer,
        problem=problem,
        municipalities=forms.municipalities(),
        formats=forms.SEARCH_FORMATS,
        time_models=forms.SEARCH_TIME_MODELS,
        course_types=forms.SEARCH_COURSE_TYPES,
        query_string=str(request.url.query),
    )


@router.get("/{consultation_id}/compare", include_in_schema=False)
async def compare(request: Request, consultation_id: int, session: Counsellor) -> Response:
    found = _open(request, session, consultation_id)
    if found is None:
        return _not_found(request)
    form = forms.parse_search(request.query_params)
    wanted = list(dict.fromkeys(request.query_params.getlist("offer")))[: forms.MAX_LIMIT]
    hits: list[consultation_search.Hit] = []
    problem: str | None = None
    if form.problems:
        problem = "filters"
    elif len(wanted) < 2:
        problem = "too_few"
    else:
        try:
            answer = await asyncio.to_thread(_run_search, request, found, form)
            hits = consultation_search.pick(answer.hits, wanted)
        except consultation_search.SearchUnavailable:
            problem = "search_unavailable"
    back = request.url.query
    return render(
        request,
        "consultation_compare.html",
        {"filters": 400, "search_unavailable": 503}.get(problem or "", 200),
        active="consultations",
        consultation=found,
        hits=hits,
        problem=problem,
        formats=forms.SEARCH_FORMATS,
        time_models=forms.SEARCH_TIME_MODELS,
        course_types=forms.SEARCH_COURSE_TYPES,
        back_query=back,
    )
