"""The plan builder in real Chromium THROUGH THE PROXY of the running stack: sign in, build a plan
for a consultation (an offer from the real search service by its id, a learning-path step, the
funding checklist, a note for the citizen and an internal one), download the PDF (text checked
with pypdf), make the citizen link and open it without a session; axe-core WCAG 2.1 AA without
serious or critical findings, reflow at 320 CSS pixels, no CSP violation.

Writes an office, an account and a consultation (invented test data) into the stack's application
database and removes them (with the plan, its links and the access-log entries) afterwards.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from appdb.deletion import delete_plans
from appdb.schema import (
    consultations,
    offices,
    staff_access_log,
    staff_accounts,
    staff_roles,
    staff_sessions,
)
from staff import passwords, store
from staff.db import utcnow
from tests.integration.conftest import SEARCH_URL
from tests.integration.test_staff_browser import (  # noqa: F401 - fixtures
    PROXY_URL,
    STAFF,
    axe_findings,
    browser,
    engine,
    fits_320,
    page,
    sign_in_by_keyboard,
)
from tests.prereq import require_module

pytestmark = [pytest.mark.integration, pytest.mark.app]
pypdf = require_module("pypdf", "make test-venvs")
PROFILE = {"current_occupation": "Verkäuferin", "current_kldb": "62102", "target_occupation": "Pflegefachfrau",
           "target_kldb": "81302", "municipality": "Haar", "goal": "umschulung", "time_model": "teilzeit",
           "employment_status": "arbeitslos", "vocational_qualification": "ja"}  # fmt: skip
INTERNAL = "Interner Vermerk: Zeugnis fehlt noch"
FOR_CITIZEN = "Bitte vereinbaren Sie einen Termin bei der Agentur für Arbeit"


@dataclass
class PlanData:
    email: str
    password: str
    account_id: int
    consultation_id: int
    offer_id: str
    offer_title: str


@pytest.fixture(scope="module")
def plan_data(engine: sa.Engine) -> Iterator[PlanData]:  # noqa: F811 - the imported fixture
    search = os.environ.get("SEARCH_URL") or SEARCH_URL
    found = httpx.post(
        f"{search}/search", json={"query": "Pflege Umschulung", "limit": 1}, timeout=30
    )
    found.raise_for_status()
    offer = found.json()["items"][0]
    tag = uuid.uuid4().hex[:8]
    office = store.add_office(engine, f"pwplan-{tag}", f"Teststelle Plan {tag}", "bildungsberatung")
    password = f"Plan-Test-{secrets.token_urlsafe(12)}"
    email = f"pwplan-{tag}@example.invalid"
    account = store.add_account(
        engine,
        email,
        "Paula Plan",
        office.code,
        ["counsellor"],
        passwords.hash_password(password),
        utcnow(),
    )
    now = utcnow()
    snapshot = {"version": 1, "profile": PROFILE, "offers": [], "learning_path": None, "chat": []}
    with engine.begin() as conn:
        consultation_id = conn.execute(
            consultations.insert().values(
                origin="staff", snapshot=json.dumps(snapshot), includes_chat_text=False,
                profile=json.dumps(PROFILE), created_at=now, claimed_at=now, claimed_by=account.id,
                office_id=office.id, updated_at=now,
            )
        ).inserted_primary_key[0]  # fmt: skip
    yield PlanData(
        email, password, account.id, int(consultation_id), offer["offer_id"], offer["title"]
    )
    with engine.begin() as conn:
        delete_plans(conn, [int(consultation_id)])
        conn.execute(consultations.delete().where(consultations.c.id == consultation_id))
        conn.execute(staff_access_log.delete().where(staff_access_log.c.account_id == account.id))
        conn.execute(staff_sessions.delete().where(staff_sessions.c.account_id == account.id))
        conn.execute(staff_roles.delete().where(staff_roles.c.account_id == account.id))
        conn.execute(staff_accounts.delete().where(staff_accounts.c.id == account.id))
        conn.execute(offices.delete().where(offices.c.id == office.id))


def _submit(tab: Any, selector: str) -> None:
    with tab.expect_navigation():
        tab.click(selector)


def test_build_a_plan_download_the_pdf_and_open_the_citizen_link(
    page: Any,  # noqa: F811
    browser: Any,  # noqa: F811
    plan_data: PlanData,
) -> None:
    page.goto(f"{STAFF}/plans")
    sign_in_by_keyboard(page, plan_data.email, plan_data.password)
    assert page.url == f"{STAFF}/plans"
    assert axe_findings(page) == []
    page.select_option("#consultation", str(plan_data.consultation_id))
    page.fill("#title", "Bildungsplan Pflege (Browsertest)")
    _submit(page, "main form[action='/staff/plans'] button")
    assert re.search(r"/staff/plans/\d+\?notice=created", page.url)
    plan_url = page.url.split("?")[0]

    page.fill("#offer-id", plan_data.offer_id)
    _submit(page, "form[action$='/offers'] button")
    assert "notice=step_added" in page.url and plan_data.offer_title in page.inner_text(
        "#schritte ~ ol, main"
    )
    _submit(page, "form[action$='/path-steps'] button >> nth=0")
    _submit(page, "form[action$='/checklist'] button")
    page.fill("#note-text", INTERNAL)
    _submit(page, "form[action$='/notes'] button")
    page.fill("#note-text", FOR_CITIZEN)
    page.check("#note-citizen")
    _submit(page, "form[action$='/notes'] button")
    assert axe_findings(page) == []

    with page.expect_download() as download:
        page.click(f"a[href='{plan_url.removeprefix(PROXY_URL)}.pdf']")
    pdf = download.value.path().read_bytes()
    text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    )
    assert "Bildungsplan Pflege (Browsertest)" in text and plan_data.offer_title[:30] in text
    assert "Stand" in text and "Förderung" in text and FOR_CITIZEN in text and INTERNAL not in text

    _submit(page, "form[action$='/links'] button")
    link = page.inner_text("#new-link")
    assert link.startswith(f"{PROXY_URL}/plan/") and len(link.rsplit("/", 1)[1]) == 43
    assert axe_findings(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(plan_url)
    assert fits_320(page), "horizontal scrolling at 320 px on the plan page"

    citizen = browser.new_context(viewport={"width": 320, "height": 640}, locale="de-DE")
    try:
        view = citizen.new_page()
        answer = view.goto(link)
        assert answer.status == 200
        headers = answer.all_headers()
        assert (
            headers["referrer-policy"] == "no-referrer" and headers["cache-control"] == "no-store"
        )
        body = view.inner_text("main")
        assert (
            "Bildungsplan Pflege (Browsertest)" in body
            and FOR_CITIZEN in body
            and INTERNAL not in body
        )
        assert fits_320(view) and axe_findings(view) == []
        assert view.goto(f"{PROXY_URL}/plan/{'A' * 43}").status == 404
    finally:
        citizen.close()
