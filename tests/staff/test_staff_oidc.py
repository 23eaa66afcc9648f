"""Sign-in with an identity provider against a REAL OpenID Connect provider: the npm package
oidc-provider started by this module (tests/staff/oidc/provider.mjs; `npm ci --prefix
tests/staff/oidc` installs it). The provider requires PKCE; its accounts are invented test data.

The browser is played by an httpx client at the provider (its cookies, its login form) and the
TestClient at the staff app; the staff app itself talks to the provider over HTTP (discovery,
token endpoint, JWKS, userinfo) through Authlib.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from appdb.schema import staff_accounts, staff_login_flows, staff_sessions
from staff import store
from tests.prereq import missing
from tests.staff.staff_helpers import BASE_URL, FakeClock, StaffWorld

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
REDIRECT_URI = f"{BASE_URL}/staff/auth/oidc/callback"
ACCOUNTS = {  # invented test accounts of the provider
    "anna": {
        "email": "anna.dienst@example.de",
        "name": "Anna Dienstkonto",
        "groups": ["bl-beratung", "intranet"],
        "office": "LRA-BB",
    },
    "fremd": {"email": "fremd@example.de", "groups": ["intranet"], "office": "LRA-BB"},
    "ohnestelle": {"email": "ohne@example.de", "groups": ["bl-beratung"], "office": "LRA-XY"},
}


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    node = shutil.which("node")
    if node is None:
        missing("Node.js is not installed", "needed for the test OIDC provider")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        missing("the test OIDC provider is not installed", "npm ci --prefix tests/staff/oidc")
    port = _free_port()
    found = Provider(f"http://127.0.0.1:{port}", "bildungslotse-staff", secrets.token_urlsafe(32))
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_REDIRECT_URI": REDIRECT_URI,
        "OIDC_CLIENT_ID": found.client_id,
        "OIDC_CLIENT_SECRET": found.client_secret,
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS),
    }
    proc = subprocess.Popen(
        [node, "provider.mjs"],
        cwd=OIDC_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(
                    f"{found.issuer}/.well-known/openid-configuration", timeout=1
                ).raise_for_status()
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"oidc-provider did not start:\n{output[-2000:]}")
                time.sleep(0.1)
        yield found
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def oidc_world(
    db_url: str, clock: FakeClock, provider: Provider, **overrides: object
) -> StaffWorld:
    values: dict[str, object] = {
        "oidc_issuer": provider.issuer,
        "oidc_client_id": provider.client_id,
        "oidc_client_secret": provider.client_secret,
        "oidc_role_map": {"bl-beratung": "counsellor", "bl-admin": "admin"},
        "oidc_office_map": {"LRA-BB": "bb"},
        **overrides,
    }
    return StaffWorld(db_url, clock, **values)


@pytest.fixture
def idp_world(staff_db_url: str, clock: FakeClock, provider: Provider) -> StaffWorld:
    world = oidc_world(staff_db_url, clock, provider)
    world.add_office("bb", "Bildungsberatung Landkreis München (Test)", "bildungsberatung")
    return world


def start(client: TestClient, provider: Provider) -> str:
    """Press "Mit Dienstkonto anmelden"; return the provider's authorization URL."""
    answer = client.get("/staff/auth/oidc/start?next=/staff/callbacks")
    assert answer.status_code == 303, answer.text
    url = answer.headers["location"]
    assert url.startswith(f"{provider.issuer}/auth?")
    return url


def at_provider(url: str, login: str) -> str:
    """The user signs in at the provider; return where it sends the browser back to."""
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        answer = browser.get(url)
        while answer.status_code in (302, 303):
            answer = browser.get(urljoin(str(answer.url), answer.headers["location"]))
        assert answer.status_code == 200 and 'name="login"' in answer.text, answer.text
        action = answer.text.split('action="', 1)[1].split('"', 1)[0]
        answer = browser.post(urljoin(str(answer.url), action), data={"login": login})
        while answer.headers.get("location", "").startswith(("/", provider_prefix(answer))):
            answer = browser.get(urljoin(str(answer.url), answer.headers["location"]))
        back = answer.headers["location"]
    assert back.startswith(REDIRECT_URI), back
    parts = urlsplit(back)
    return f"{parts.path}?{parts.query}"


def provider_prefix(answer: httpx.Response) -> str:
    url = urlsplit(str(answer.url))
    return f"{url.scheme}://{url.netloc}/"


def _count(world: StaffWorld, table: sa.Table) -> int:
    with world.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_authorization_request_uses_pkce_state_and_nonce(
    idp_world: StaffWorld, provider: Provider
) -> None:
    query = parse_qs(urlsplit(start(idp_world.client(), provider)).query)
    assert query["response_type"] == ["code"] and query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url SHA-256
    assert len(query["state"][0]) >= 30 and len(query["nonce"][0]) >= 20
    assert query["redirect_uri"] == [REDIRECT_URI] and set(query["scope"][0].split()) >= {
        "openid",
        "email",
    }
    assert _count(idp_world, staff_login_flows) == 1


def test_a_mapped_user_signs_in_and_gets_roles_and_office_from_the_claims(
    idp_world: StaffWorld, provider: Provider, staff_db_url: str, clock: FakeClock
) -> None:
    client = idp_world.client()
    back = at_provider(start(client, provider), "anna")
    answer = client.get(back)
    assert answer.status_code == 200, answer.text
    assert '<meta http-equiv="refresh" content="0;url=/staff/callbacks">' in answer.text
    cookies = " ".join(v for k, v in answer.headers.multi_items() if k == "set-cookie")
    assert "__Secure-bl_staff=" in cookies and "SameSite=strict" in cookies.replace(
        "samesite", "SameSite"
    )
    page = client.get("/staff/callbacks")
    assert page.status_code == 200 and "Anna Dienstkonto" in page.text
    (account,) = store.list_accounts(idp_world.engine)
    assert (account.email, account.method, account.roles, account.office.code) == (
        "anna.dienst@example.de",
        "oidc",
        frozenset({"counsellor"}),
        "bb",
    )
    with idp_world.engine.connect() as conn:
        assert conn.execute(sa.select(staff_sessions.c.auth_method)).scalars().all() == ["oidc"]
        subject = conn.execute(sa.select(staff_accounts.c.oidc_subject)).scalar_one()
    assert subject == "anna" and _count(idp_world, staff_login_flows) == 0
    assert client.get("/staff/admin").status_code == 403

    # the provider's groups are the truth at every sign-in: a new mapping gives a new role
    wider = oidc_world(
        staff_db_url,
        clock,
        provider,
        oidc_role_map={"bl-beratung": "counsellor", "intranet": "editor"},
    )
    again = wider.client()
    assert again.get(at_provider(start(again, provider), "anna")).status_code == 200
    (updated,) = store.list_accounts(wider.engine)
    assert updated.id == account.id and updated.roles == {"counsellor", "editor"}


@pytest.mark.parametrize("login", ["fremd", "ohnestelle"])
def test_a_user_without_mapped_role_or_office_gets_no_access(
    idp_world: StaffWorld, provider: Provider, login: str
) -> None:
    client = idp_world.client()
    answer = client.get(at_provider(start(client, provider), login))
    assert answer.status_code == 403 and "Kein Zugang" in answer.text
    assert "__Secure-bl_staff=" not in answer.headers.get("set-cookie", "")
    assert store.list_accounts(idp_world.engine) == [] and _count(idp_world, staff_sessions) == 0
    assert client.get("/staff/").status_code == 303


def test_a_tampered_state_a_replayed_answer_and_a_foreign_browser_are_refused(
    idp_world: StaffWorld, provider: Provider
) -> None:
    client = idp_world.client()
    back = at_provider(start(client, provider), "anna")
    tampered = back.replace("state=", "state=x")
    assert client.get(tampered).status_code == 400  # the flow is used up by the attempt
    assert client.get(back).status_code == 400
    assert _count(idp_world, staff_sessions) == 0

    victim, attacker = idp_world.client("198.51.100.1"), idp_world.client("198.51.100.2")
    start(victim, provider)  # the victim's own flow, whose cookie the attacker does not have
    stolen = at_provider(start(attacker, provider), "anna")
    answer = victim.get(stolen)  # the attacker's answer in the victim's browser: wrong state
    assert answer.status_code == 400 and "Anmeldung fehlgeschlagen" in answer.text
    assert idp_world.client().get(stolen).status_code == 400  # a browser without any flow
    assert _count(idp_world, staff_sessions) == 0

    ok = idp_world.client()
    good = at_provider(start(ok, provider), "anna")
    assert ok.get(good).status_code == 200
    assert ok.get(good).status_code == 400  # a second use of the same answer


def test_the_return_must_come_within_ten_minutes(
    idp_world: StaffWorld, provider: Provider, clock: FakeClock
) -> None:
    client = idp_world.client()
    back = at_provider(start(client, provider), "anna")
    clock.advance(minutes=10, seconds=1)
    assert client.get(back).status_code == 400
    assert _count(idp_world, staff_sessions) == 0


def test_a_provider_whose_discovery_names_another_issuer_is_not_used(
    staff_db_url: str, clock: FakeClock, provider: Provider
) -> None:
    port = urlsplit(provider.issuer).port
    world = oidc_world(staff_db_url, clock, provider, oidc_issuer=f"http://localhost:{port}")
    world.add_office("bb", "Bildungsberatung (Test)", "bildungsberatung")
    answer = world.client().get("/staff/auth/oidc/start")
    assert answer.status_code == 503 and "nicht erreichbar" in answer.text


def test_the_sign_in_page_offers_the_service_account_only_when_configured(
    idp_world: StaffWorld, staff_db_url: str, clock: FakeClock
) -> None:
    assert "Mit Dienstkonto anmelden" in idp_world.client().get("/staff/sign-in").text
    world = StaffWorld(staff_db_url, clock)  # no STAFF_OIDC_ISSUER
    assert "Mit Dienstkonto anmelden" not in world.client().get("/staff/sign-in").text
    assert world.client().get("/staff/auth/oidc/start").status_code == 404
