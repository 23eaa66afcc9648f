"""The monitoring pages in real Chromium THROUGH THE PROXY of the running stack: an analyst sees
the tables and the charts (rendered by vega-embed with the CSP-safe interpreter: no CSP
violation), axe-core WCAG 2.1 AA without serious or critical findings, reflow at 320 CSS
pixels; a counsellor is refused; anonymous requests go to the sign-in page.

The test writes an office, two accounts and invented demand rows into the stack's application
database and removes them afterwards (the demand rows by their ids).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from appdb.schema import demand_records, offices, staff_accounts, staff_roles, staff_sessions
from staff import passwords, store
from staff.db import utcnow
from tests.integration.test_staff_browser import (  # noqa: F401  (fixtures by name)
    STAFF,
    axe_findings,
    browser,
    engine,
    fits_320,
    page,
)
from tests.prereq import require_module
from tests.staff.monitoring_support import random_rows

pytestmark = [pytest.mark.integration, pytest.mark.app]
pypdf = require_module("pypdf", "make test-venvs")


@dataclass
class Accounts:
    analyst: str
    counsellor: str
    password: str


@pytest.fixture(scope="module")
def accounts(engine: sa.Engine) -> Iterator[Accounts]:  # noqa: F811
    tag = uuid.uuid4().hex[:8]
    office = store.add_office(engine, f"mon-{tag}", f"Teststelle Monitoring {tag}", "sonstige")
    password = f"Monitoring-Test-{secrets.token_urlsafe(12)}"
    hashed = passwords.hash_password(password)
    made = [
        store.add_account(
            engine, f"{role}-{tag}@example.invalid", "Test", office.code, [role], hashed, utcnow()
        )
        for role in ("analyst", "counsellor")
    ]
    today = dt.date.today()
    rows = random_rows(5, 400, today.replace(day=1) - dt.timedelta(days=150), 150)
    with engine.begin() as conn:
        first = conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(demand_records.c.id), 0))
        ).scalar_one()
        conn.execute(demand_records.insert(), rows)
    yield Accounts(made[0].email, made[1].email, password)
    with engine.begin() as conn:
        conn.execute(demand_records.delete().where(demand_records.c.id > first))
        for account in made:
            conn.execute(staff_sessions.delete().where(staff_sessions.c.account_id == account.id))
            conn.execute(staff_roles.delete().where(staff_roles.c.account_id == account.id))
            conn.execute(staff_accounts.delete().where(staff_accounts.c.id == account.id))
        conn.execute(offices.delete().where(offices.c.id == office.id))


def sign_in(page: Any, email: str, password: str) -> None:  # noqa: F811
    page.goto(f"{STAFF}/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_analyst_sees_tables_and_charts(page: Any, accounts: Accounts) -> None:  # noqa: F811
    page.goto(f"{STAFF}/analyst")
    assert page.url.startswith(f"{STAFF}/sign-in")  # anonymous
    sign_in(page, accounts.analyst, accounts.password)
    page.goto(f"{STAFF}/analyst")
    assert page.url == f"{STAFF}/analyst"
    # seven demand tables, the catalogue coverage from the running search service (and the gap
    # list when the data have a gap)
    assert page.locator("main table caption").count() >= 8
    assert page.locator("#caption-abdeckung").count() == 1
    page.wait_for_selector("figure.chart canvas", timeout=15_000)
    assert page.locator("figure.chart canvas").count() >= 2
    assert axe_findings(page) == []
    page.select_option("#f-einheit", "week")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "einheit=week" in page.url and "KW " in page.inner_text("main")
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{STAFF}/analyst")
    assert fits_320(page), "horizontal scrolling at 320 px"
    assert axe_findings(page) == []
    with page.expect_download() as download:
        page.click("a[href*='tabelle=nachfrage'][href*='format=xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as report:
        page.click("a[href*='/analyst/bericht.pdf']")
    assert report.value.suggested_filename.startswith("bildungsmonitoring-bericht-")
    reader = pypdf.PdfReader(report.value.path())
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Bildungsmonitoring: Nachfrage nach Weiterbildung" in text and "Katalogabdeckung" in text


def test_counsellor_is_refused(page: Any, accounts: Accounts) -> None:  # noqa: F811
    sign_in(page, accounts.counsellor, accounts.password)
    answer = page.goto(f"{STAFF}/analyst")
    assert answer.status == 403 and "Kein Zugriff" in page.inner_text("main")
