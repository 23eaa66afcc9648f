"""The staff pages in real Chromium (Playwright, Debian's chromium) THROUGH THE PROXY of the
running stack (scripts/with_stack.py): sign-in, wrong password, lockout message, the callback
inbox, keyboard only, axe-core WCAG 2.1 AA without serious or critical findings, reflow at
320 CSS pixels, and no CSP violation (the proxy's CSP is enforced: no bypass).

The test writes an office, an account and a callback request (invented test data) into the
stack's application database (APP_DB_URL, as the staff process reads it) and removes them,
with the sign-in failures it caused, afterwards.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from appdb.schema import (
    callback_requests,
    consultations,
    offices,
    staff_access_log,
    staff_accounts,
    staff_roles,
    staff_sessions,
    staff_signin_failures,
)
from appdb.urls import app_db_url, with_installed_driver
from bot.actions.clients import consultation_store
from bot.actions.utils import handover
from staff import passwords, store
from staff.db import utcnow
from tests.prereq import missing, require_module
from tests.security.entry_clients import PROXY_URL
from tests.staff.consultation_helpers import CHAT_LINE, EVENTS, SLOTS

pytestmark = [pytest.mark.integration, pytest.mark.app]

playwright_api = require_module("playwright.sync_api", "make test-venvs")

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE_JS = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STAFF = f"{PROXY_URL}/staff"
LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche."
FAILED = "Die Anmeldung ist fehlgeschlagen."


@dataclass
class BrowserData:
    email: str
    password: str
    office_id: int
    account_id: int
    request_id: int
    contact: str


@pytest.fixture(scope="module")
def engine() -> Iterator[sa.Engine]:
    try:
        httpx.get(f"{STAFF}/sign-in", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        missing(
            f"staff pages not reachable through the proxy ({exc})", "run via scripts/with_stack.py"
        )
    found = sa.create_engine(with_installed_driver(app_db_url()))
    yield found
    found.dispose()


@pytest.fixture(scope="module")
def data(engine: sa.Engine) -> Iterator[BrowserData]:
    started = utcnow() - dt.timedelta(seconds=5)
    tag = uuid.uuid4().hex[:8]
    office = store.add_office(
        engine, f"pwtest-{tag}", f"Teststelle Browser {tag}", "bildungsberatung"
    )
    password = f"Browser-Test-{secrets.token_urlsafe(12)}"
    email = f"pw-{tag}@example.invalid"
    account = store.add_account(
        engine,
        email,
        "Petra Test",
        office.code,
        ["counsellor", "admin"],
        passwords.hash_password(password),
        utcnow(),
    )
    contact = "+49 89 5550100"  # invented
    rows = [
        {"contact_kind": "phone", "contact": contact},
        {"contact_kind": "email", "contact": "b.buerger@example.invalid"},  # stays open
    ]
    with engine.begin() as conn:
        request_id, _ = (
            conn.execute(
                callback_requests.insert().values(
                    sender_id=uuid.uuid4().hex,
                    day=dt.date.today(),
                    preferred_time="nachmittags",
                    situation="arbeitslos",
                    recipient=f"Teststelle Browser {tag}",
                    office_id=office.id,
                    **row,
                )
            ).inserted_primary_key[0]
            for row in rows
        )
    yield BrowserData(email, password, office.id, account.id, int(request_id), contact)
    with engine.begin() as conn:
        conn.execute(staff_access_log.delete().where(staff_access_log.c.account_id == account.id))
        conn.execute(callback_requests.delete().where(callback_requests.c.office_id == office.id))
        conn.execute(consultations.delete().where(consultations.c.office_id == office.id))
        conn.execute(staff_sessions.delete().where(staff_sessions.c.account_id == account.id))
        conn.execute(staff_roles.delete().where(staff_roles.c.account_id == account.id))
        conn.execute(staff_accounts.delete().where(staff_accounts.c.id == account.id))
        conn.execute(offices.delete().where(offices.c.id == office.id))
        # the failures this test caused (the browser's address is 127.0.0.1 behind the proxy)
        conn.execute(staff_signin_failures.delete().where(staff_signin_failures.c.at >= started))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        missing(f"Chromium not found at {CHROMIUM}", "run scripts/ensure-chromium.sh")
    if not AXE_JS.is_file():
        missing("web/node_modules missing (axe-core)", "run `npm ci --prefix web`")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="de-DE")
    found = context.new_page()
    found.csp_errors = []
    found.on(
        "console",
        lambda m: found.csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield found
    assert found.csp_errors == []  # no inline script or style anywhere
    context.close()


def axe_findings(page: Any) -> list[str]:
    """axe-core (WCAG 2.0/2.1 A and AA) evaluated through DevTools (not an inline script, so
    the CSP stays enforced); serious and critical findings."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    return [
        f"{v['id']}: {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def tab_to(page: Any, selector: str, limit: int = 30) -> None:
    """Press Tab until ``selector`` has the focus (keyboard only); the focus must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), f"no visible focus on {selector}"
            return
    raise AssertionError(f"{selector} not reached with {limit} Tab presses")


def fits_320(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def sign_in_by_keyboard(page: Any, email: str, password: str) -> None:
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_sign_in_inbox_and_admin_keyboard_only(
    page: Any, data: BrowserData, engine: sa.Engine
) -> None:
    answer = page.goto(f"{STAFF}/")
    assert page.url.startswith(f"{STAFF}/sign-in")
    assert "frame-ancestors 'none'" in answer.all_headers()["content-security-policy"]
    assert axe_findings(page) == []
    sign_in_by_keyboard(page, data.email, data.password)
    assert page.url == f"{STAFF}/"
    assert "Guten Tag, Petra Test" in page.inner_text("main")
    cookie = next(c for c in page.context.cookies() if c["name"] == "__Secure-bl_staff")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert axe_findings(page) == []

    tab_to(page, 'main a[href="/staff/callbacks"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{STAFF}/callbacks"
    assert data.contact not in page.inner_text("main")  # the list shows no contact
    assert axe_findings(page) == []
    tab_to(page, f'a[href="/staff/callbacks/{data.request_id}"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{STAFF}/callbacks/{data.request_id}"
    assert data.contact in page.inner_text("main")
    assert axe_findings(page) == []
    tab_to(page, "form[action$='/done'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{STAFF}/callbacks?notice=done"
    assert "als erledigt markiert" in page.inner_text("main")

    with engine.connect() as conn:
        actions = (
            conn.execute(
                sa.select(staff_access_log.c.action)
                .where(staff_access_log.c.account_id == data.account_id)
                .order_by(staff_access_log.c.id)
            )
            .scalars()
            .all()
        )
    assert actions == ["view", "done"]

    page.goto(f"{STAFF}/admin/access-log")
    assert f"Rückrufwunsch Nr. {data.request_id}" in page.inner_text("main")
    assert axe_findings(page) == []
    page.goto(f"{STAFF}/admin")
    assert data.email in page.inner_text("main")
    assert axe_findings(page) == []

    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/", "/callbacks", f"/callbacks/{data.request_id}", "/admin", "/admin/access-log"):
        page.goto(f"{STAFF}{path}")
        assert fits_320(page), f"horizontal scrolling at 320 px on {path}"
    tab_to(page, "header form button")  # sign out, by keyboard
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{STAFF}/sign-in?notice=signed_out"
    assert fits_320(page) and axe_findings(page) == []
    page.goto(f"{STAFF}/callbacks")
    assert page.url.startswith(f"{STAFF}/sign-in")


def test_open_by_code_and_edit_profile_keyboard_only(
    page: Any, data: BrowserData, engine: sa.Engine
) -> None:
    now = utcnow()
    snapshot = handover.snapshot(SLOTS, EVENTS, True, now)
    code = consultation_store.write(
        app_db_url(), uuid.uuid4().hex, snapshot, snapshot["profile"], True, now, 7
    )
    assert code is not None
    page.goto(f"{STAFF}/sign-in")
    sign_in_by_keyboard(page, data.email, data.password)
    page.goto(f"{STAFF}/consultations/open")
    assert axe_findings(page) == []
    tab_to(page, "#code")
    page.keyboard.type(code.lower().replace("-", " "))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/staff/consultations/" in page.url
    consultation_path = page.url.removeprefix(PROXY_URL)
    main = page.inner_text("main")
    assert "Verkäuferin" in main and "Umschulung Pflegefachfrau (Testangebot)" in main
    assert CHAT_LINE in main
    assert axe_findings(page) == []
    tab_to(page, 'main a[href$="/profile"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/profile") and axe_findings(page) == []
    tab_to(page, "#goal")
    page.keyboard.press("End")  # the last goal of the list, by keyboard
    chosen = page.eval_on_selector("#goal", "e => e.options[e.selectedIndex].text")
    tab_to(page, "main form button[type=submit]", limit=60)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("?notice=saved")
    assert "Das Profil ist gespeichert." in page.inner_text("main")
    assert chosen in page.inner_text("main")
    page.goto(f"{PROXY_URL}{consultation_path}/search")
    assert axe_findings(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/consultations", "/consultations/open", "/consultations/new"):
        page.goto(f"{STAFF}{path}")
        assert fits_320(page), f"horizontal scrolling at 320 px on {path}"
    for suffix in ("", "/profile", "/search"):
        page.goto(f"{PROXY_URL}{consultation_path}{suffix}")
        assert fits_320(page), f"horizontal scrolling at 320 px on {suffix or 'the consultation'}"


def test_wrong_password_and_lockout_messages(page: Any, data: BrowserData) -> None:
    page.goto(f"{STAFF}/sign-in")
    sign_in_by_keyboard(page, data.email, "ein-falsches-Passwort")
    alert = page.get_by_role("alert")
    assert FAILED in alert.inner_text()
    assert page.get_attribute("#password", "aria-describedby") == "sign-in-error"
    assert axe_findings(page) == []
    messages = []
    for _ in range(4):  # failures 2..5 of this account
        page.fill("#email", data.email)
        page.fill("#password", "ein-falsches-Passwort")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        messages.append(page.get_by_role("alert").inner_text())
    assert [LOCKED in m for m in messages] == [False, False, False, True]
    page.fill("#email", data.email)
    page.fill("#password", data.password)  # right password, still locked
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert (
        page.url.startswith(f"{STAFF}/sign-in") and LOCKED in page.get_by_role("alert").inner_text()
    )
    page.set_viewport_size({"width": 320, "height": 640})
    assert fits_320(page) and axe_findings(page) == []
