"""Helpers of the staff app tests: a frozen clock and a small world (database, app, accounts).

The accounts, offices and callback requests made here are invented test data.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from functools import lru_cache
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi.testclient import TestClient

from appdb.schema import callback_requests
from staff import passwords, sessions, store
from staff.app import create_app
from staff.db import staff_engine
from staff.settings import StaffSettings

BASE_URL = "https://testserver"
PASSWORD = "Test-Passwort-nur-fuer-Tests"  # invented, test only
RECIPIENTS = {
    "Bildungsberatung Landkreis München": "bb",
    "Jobcenter Landkreis München": "jc",
}
_TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class FakeClock:
    """A clock the test moves by hand (naive UTC, like the app's)."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 12, 7, 8, 0)) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@lru_cache(maxsize=8)
def _hashed(password: str, hasher: object) -> str:
    return passwords.hash_password(password)


def hashed(password: str) -> str:
    """One argon2 hash per password and hasher in a test session (hashing costs ~0.2 s)."""
    return _hashed(password, passwords._hasher())


def csrf_token(page: httpx.Response) -> str:
    found = _TOKEN_RE.search(page.text)
    assert found, "no csrf_token in the page"
    return found.group(1)


class StaffWorld:
    """The staff app on one migrated database with a frozen clock."""

    def __init__(self, db_url: str, clock: FakeClock, **overrides: Any) -> None:
        self.db_url = db_url
        self.clock = clock
        values: dict[str, Any] = {
            "app_db_url": db_url,
            "public_url": BASE_URL,
            "callback_offices": RECIPIENTS,
            **overrides,
        }
        self.settings = StaffSettings(**values)
        self.engine = staff_engine(db_url)
        self.app = create_app(self.settings, clock)

    # ------------------------------------------------------------ data
    def add_office(self, code: str, name: str, kind: str) -> store.Office:
        return store.add_office(self.engine, code, name, kind)

    def add_account(
        self,
        email: str,
        *roles: str,
        office: str = "bb",
        password: str = PASSWORD,
    ) -> store.Account:
        return store.add_account(
            self.engine, email, email.split("@")[0], office, roles, hashed(password), self.clock()
        )

    def add_callback(
        self,
        recipient: str = "Bildungsberatung Landkreis München",
        day: dt.date | None = None,
        contact: str = "+49 89 1234567",
        kind: str = "phone",
        sender: str | None = None,
    ) -> int:
        with self.engine.begin() as conn:
            new_id = conn.execute(
                callback_requests.insert().values(
                    sender_id=sender or uuid.uuid4().hex,
                    day=day or self.clock().date(),
                    contact_kind=kind,
                    contact=contact,
                    preferred_time="vormittags",
                    situation="anerkennung",
                    recipient=recipient,
                )
            ).inserted_primary_key[0]
        return int(new_id)

    def callback_row(self, request_id: int) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(callback_requests).where(callback_requests.c.id == request_id)
            ).first()

    # ------------------------------------------------------------ clients
    def client(self, address: str = "203.0.113.10") -> TestClient:
        return TestClient(
            self.app, base_url=BASE_URL, follow_redirects=False, client=(address, 50000)
        )

    def sign_in(
        self,
        client: TestClient,
        email: str,
        password: str = PASSWORD,
        next_path: str = "",
        **headers: str,
    ) -> httpx.Response:
        """Sign in through the form, as a browser does (GET the form, POST it with its token)."""
        form = client.get("/staff/sign-in")
        assert form.status_code == 200
        data = {"csrf_token": csrf_token(form), "email": email, "password": password}
        if next_path:
            data["next"] = next_path
        return client.post("/staff/sign-in", data=data, headers=headers)

    def session_client(self, account: store.Account, address: str = "203.0.113.10") -> TestClient:
        """A client with a session made directly (no password hashing: fast matrix tests)."""
        client = self.client(address)
        token = sessions.create(self.engine, account.id, "local", self.clock())
        client.cookies.set(
            self.settings.cookie_name("bl_staff"), token, domain="testserver.local", path="/staff/"
        )
        return client

    def page_token(self, client: TestClient, path: str = "/staff/") -> str:
        """The CSRF token of the signed-in session (from any page's sign-out form)."""
        page = client.get(path)
        assert page.status_code == 200, page.status_code
        return csrf_token(page)
