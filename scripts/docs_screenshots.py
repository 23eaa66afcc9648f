"""Screenshots for docs/counsellor-guide.md (``make docs-screenshots``; not part of ``make test``).

Runs inside ``scripts/with_stack.py`` against the real stack through the proxy: a chat over the REST
channel reaches recommendations and hands the consultation over (code), then a counsellor signs in
with Chromium (Playwright, Debian's chromium), opens the code, looks at the profile, searches,
compares, builds a plan with the funding checklist and a note, makes the citizen link, opens it
without a session, and looks at the monitoring page. Each step is saved as a PNG in
``docs/img/counsellor/``.

Everything it creates is invented example data, labelled "(Beispiel)": an office, one account with
a random password that is never printed, the conversation, the consultation and the plan. It is
removed again at the end (the conversation through the page's deletion endpoint).

    python scripts/with_stack.py -- .venv-app/bin/python scripts/docs_screenshots.py
"""

from __future__ import annotations

import os
import re
import secrets
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from playwright import sync_api as playwright_api

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from appdb.deletion import delete_app_rows, delete_plans  # noqa: E402
from appdb.schema import (  # noqa: E402
    consultations,
    offices,
    staff_access_log,
    staff_accounts,
    staff_roles,
    staff_sessions,
)
from appdb.urls import app_db_url, with_installed_driver  # noqa: E402
from staff import passwords, store  # noqa: E402
from staff.db import utcnow  # noqa: E402

PROXY_URL = (
    os.environ.get("PUBLIC_URL") or f"http://127.0.0.1:{os.environ.get('PROXY_PORT', '8080')}"
)
RASA_URL = f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
STAFF = f"{PROXY_URL}/staff"
CHROMIUM = os.environ.get("BL_CHROMIUM", "/usr/bin/chromium")
OUT = ROOT / "docs" / "img" / "counsellor"
CODE = re.compile(r"\b[0-9A-Z]{5}-[0-9A-Z]{5}\b")
WITH_CHAT = '/affirm{"handover_scope": "chat"}'
VIEWPORT = {"width": 1200, "height": 1000}


@dataclass
class Demo:
    office_id: int
    account_id: int
    email: str
    password: str
    sender: str


@contextmanager
def demo_data(engine: sa.Engine) -> Iterator[Demo]:
    """An invented office and account (counsellor + analyst), removed afterwards with all they made."""
    tag = uuid.uuid4().hex[:6]
    office = store.add_office(
        engine,
        f"beispiel-{tag}",
        "Bildungsberatung Landkreis München (Beispiel)",
        "bildungsberatung",
    )
    password = secrets.token_urlsafe(18)
    email = f"beraterin-{tag}@beispiel.invalid"
    account = store.add_account(
        engine,
        email,
        "Anna Beispiel (Beispiel)",
        office.code,
        ["counsellor", "analyst"],
        passwords.hash_password(password),
        utcnow(),
    )
    demo = Demo(office.id, account.id, email, password, uuid.uuid4().hex)
    try:
        yield demo
    finally:
        httpx.delete(f"{PROXY_URL}/api/conversations/{demo.sender}", timeout=30)
        delete_app_rows(engine, demo.sender)
        with engine.begin() as conn:
            ids = [
                r.id
                for r in conn.execute(
                    sa.select(consultations.c.id).where(consultations.c.office_id == office.id)
                )
            ]
            delete_plans(conn, ids)
            conn.execute(consultations.delete().where(consultations.c.id.in_(ids)))
            conn.execute(
                staff_access_log.delete().where(staff_access_log.c.account_id == account.id)
            )
            conn.execute(staff_sessions.delete().where(staff_sessions.c.account_id == account.id))
            conn.execute(staff_roles.delete().where(staff_roles.c.account_id == account.id))
            conn.execute(staff_accounts.delete().where(staff_accounts.c.id == account.id))
            conn.execute(offices.delete().where(offices.c.id == office.id))


def chat_handover(sender: str) -> str:
    """A chat that reaches recommendations and hands over with the chat text; the code shown."""
    with httpx.Client(base_url=RASA_URL, timeout=60) as client:

        def say(text: str) -> str:
            answer = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
            answer.raise_for_status()
            return "\n".join(r.get("text", "") for r in answer.json() if r.get("text"))

        say("Hallo")
        say("Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln")
        say("Teilzeit")
        say("Ich möchte das mit einer Beraterin besprechen")
        found = CODE.search(say(WITH_CHAT))
    if not found:
        raise SystemExit("docs-screenshots: the bot showed no handover code")
    return found.group(0)


def shot(page: Any, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # the visible part only: full pages would be megabytes each
    page.screenshot(path=str(OUT / f"{name}.png"))
    print(f"docs-screenshots: {name}.png")


def submit(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def walk(page: Any, browser: Any, demo: Demo, code: str) -> None:
    page.goto(f"{STAFF}/sign-in")
    page.fill("#email", demo.email)
    shot(page, "01-anmeldung")
    page.fill("#password", demo.password)
    submit(page, "main button[type=submit]")
    shot(page, "02-start")

    page.goto(f"{STAFF}/consultations/open")
    page.fill("#code", code)
    shot(page, "03-beratung-oeffnen")
    submit(page, "main form[action$='/consultations/open'] button[type=submit]")
    consultation_url = page.url
    shot(page, "04-beratung")

    page.goto(f"{consultation_url}/profile")
    shot(page, "05-profil-bearbeiten")

    page.goto(f"{consultation_url}/search?run=1&query=Pflege&limit=6")
    shot(page, "06-suche")
    boxes = page.locator("input[name=offer][type=checkbox]")
    for i in range(min(2, boxes.count())):
        boxes.nth(i).check()
    if boxes.count() >= 2:
        submit(page, "form[action$='/compare'] button[type=submit]")
        shot(page, "07-vergleich")

    page.goto(consultation_url)
    page.fill("#plan-title", "Bildungsplan Pflege (Beispiel)")
    submit(page, "form[action$='/plans'] button[type=submit]")
    plan_url = page.url
    takes = page.locator("form[action$='/offers'] input[name=offer_id][type=hidden]")
    if takes.count():
        submit(page, "form[action$='/offers']:has(input[name=offer_id][type=hidden]) button")
    submit(page, "form[action$='/checklist'] button")
    page.fill(
        "form[action$='/notes'] textarea",
        "Bitte bringen Sie Ihr Zeugnis zum nächsten Termin mit (Beispiel).",
    )
    page.check("#note-citizen")
    submit(page, "form[action$='/notes'] button[type=submit]")
    submit(page, "form[action$='/links'] button")
    link = page.inner_text("#new-link")
    page.goto(plan_url)
    shot(page, "08-plan")

    citizen = browser.new_context(viewport=VIEWPORT, locale="de-DE")
    try:
        view = citizen.new_page()
        view.goto(link)
        shot(view, "09-plan-fuer-buerger")
    finally:
        citizen.close()

    page.goto(f"{STAFF}/analyst")
    shot(page, "10-auswertung")


def main() -> int:
    if not Path(CHROMIUM).is_file():
        print(f"docs-screenshots: Chromium not found at {CHROMIUM} (scripts/ensure-chromium.sh)")
        return 1
    engine = sa.create_engine(with_installed_driver(app_db_url()))
    try:
        with demo_data(engine) as demo:
            code = chat_handover(demo.sender)
            with playwright_api.sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                try:
                    context = browser.new_context(viewport=VIEWPORT, locale="de-DE")
                    walk(context.new_page(), browser, demo, code)
                finally:
                    browser.close()
    finally:
        engine.dispose()
    print(f"docs-screenshots: written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
