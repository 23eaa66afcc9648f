"""Local sign-in and sign-out of the staff app: cookie attributes, one message for every
failure, server-side sessions, safe return paths, nothing secret in the logs."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from appdb.schema import staff_accounts, staff_sessions
from staff import passwords, store
from staff.db import sha256_hex
from tests.staff.staff_helpers import PASSWORD, StaffWorld, csrf_token

FAILED = "Die Anmeldung ist fehlgeschlagen. Bitte prüfen Sie E-Mail-Adresse und Passwort."


def _session_rows(world: StaffWorld) -> list[sa.Row]:
    with world.engine.connect() as conn:
        return list(conn.execute(sa.select(staff_sessions)))


def test_sign_in_sets_a_strict_secure_httponly_cookie_and_a_server_session(
    world: StaffWorld,
) -> None:
    account = world.add_account("Anna.Beraterin@Example.de", "counsellor")
    client = world.client()
    answer = world.sign_in(client, "  anna.beraterin@example.DE ", next_path="/staff/callbacks")
    assert answer.status_code == 303 and answer.headers["location"] == "/staff/callbacks"
    cookies = [v for k, v in answer.headers.multi_items() if k == "set-cookie"]
    session_cookie = next(c for c in cookies if c.startswith("__Secure-bl_staff="))
    attributes = {part.strip().lower() for part in session_cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/staff/"} <= attributes
    assert not any(a.startswith(("max-age", "expires", "domain")) for a in attributes)
    token = session_cookie.split(";")[0].split("=", 1)[1]
    assert len(token) >= 43  # 256 bits, urlsafe base64
    rows = _session_rows(world)
    assert [(r.account_id, r.auth_method) for r in rows] == [(account.id, "local")]
    assert rows[0].token_hash == sha256_hex(token) != token  # only the hash is stored

    page = client.get("/staff/callbacks")
    assert page.status_code == 200 and "Rückrufwünsche" in page.text
    with world.engine.connect() as conn:
        last = conn.execute(sa.select(staff_accounts.c.last_sign_in_at)).scalar_one()
    assert last == world.clock()


def test_unknown_account_wrong_password_and_disabled_account_get_the_same_answer(
    world: StaffWorld,
) -> None:
    world.add_account("anna@example.de", "counsellor")
    world.add_account("bernd@example.de", "counsellor")
    store.set_active(world.engine, "bernd@example.de", False)
    answers = [
        world.sign_in(world.client(f"198.51.100.{i}"), email, password)
        for i, (email, password) in enumerate(
            [
                ("anna@example.de", "falsches-Passwort-123"),
                ("niemand@example.de", PASSWORD),
                ("bernd@example.de", PASSWORD),
                ("kein-email-format", PASSWORD),
            ]
        )
    ]
    assert {a.status_code for a in answers} == {401}
    assert all(FAILED in a.text for a in answers)
    bodies = {a.text.replace(csrf_token(a), "TOKEN") for a in answers}
    assert len(bodies) == 1  # byte-identical apart from the fresh form token
    assert _session_rows(world) == []


def test_sign_out_ends_the_server_session_and_the_old_cookie_is_worthless(
    world: StaffWorld,
) -> None:
    world.add_account("anna@example.de", "counsellor")
    client = world.client()
    world.sign_in(client, "anna@example.de")
    replay = world.client("192.0.2.99")  # a copy of the cookie elsewhere
    replay.cookies.set(
        "__Secure-bl_staff",
        client.cookies.get("__Secure-bl_staff"),
        domain="testserver.local",
        path="/staff/",
    )
    assert replay.get("/staff/").status_code == 200
    token = world.page_token(client)
    out = client.post("/staff/sign-out", data={"csrf_token": token})
    assert out.status_code == 303 and out.headers["location"] == "/staff/sign-in?notice=signed_out"
    assert 'bl_staff=""' in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    assert _session_rows(world) == []
    assert replay.get("/staff/").status_code == 303
    assert "Sie haben sich abgemeldet." in client.get("/staff/sign-in?notice=signed_out").text


def test_each_sign_in_starts_a_new_session(world: StaffWorld) -> None:
    world.add_account("anna@example.de", "counsellor")
    first, second = world.client(), world.client()
    world.sign_in(first, "anna@example.de")
    world.sign_in(second, "anna@example.de")
    assert first.cookies.get("__Secure-bl_staff") != second.cookies.get("__Secure-bl_staff")
    assert len(_session_rows(world)) == 2


def test_the_return_path_stays_inside_the_staff_pages(world: StaffWorld, fast_hashing) -> None:
    world.add_account("anna@example.de", "counsellor")
    for target in (
        "https://evil.example/",
        "//evil.example/staff/",
        "/staff/../x",
        "/other",
        "/staff/auth/oidc/start",
    ):
        answer = world.sign_in(world.client(), "anna@example.de", next_path=target)
        assert answer.headers["location"] == "/staff/", target
    anonymous = world.client().get("/staff/admin")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/staff/sign-in?next=%2Fstaff%2Fadmin"


def test_a_signed_in_user_opening_the_sign_in_page_goes_to_the_start_page(
    world: StaffWorld,
) -> None:
    account = world.add_account("anna@example.de", "analyst")
    client = world.session_client(account)
    assert client.get("/staff/sign-in").headers["location"] == "/staff/"


def test_an_outdated_hash_is_replaced_at_sign_in(world: StaffWorld) -> None:
    from pwdlib.hashers.argon2 import Argon2Hasher

    weak = Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    account = world.add_account("anna@example.de", "counsellor")
    with world.engine.begin() as conn:
        conn.execute(staff_accounts.update().values(password_hash=weak))
    assert world.sign_in(world.client(), "anna@example.de").status_code == 303
    with world.engine.connect() as conn:
        stored = conn.execute(sa.select(staff_accounts.c.password_hash)).scalar_one()
    assert stored != weak and "m=65536" in stored and passwords.verify(PASSWORD, stored)[0]
    assert account.id


def test_no_password_or_e_mail_in_the_log(world: StaffWorld, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    world.add_account("anna@example.de", "counsellor")
    world.sign_in(world.client(), "anna@example.de", "falsches-Passwort-123")
    world.sign_in(world.client(), "anna@example.de")
    assert "staff sign-in" in caplog.text
    for secret in ("anna@example.de", "falsches-Passwort-123", PASSWORD):
        assert secret not in caplog.text


def test_pages_forbid_caching_framing_and_inline_code(world: StaffWorld) -> None:
    page = world.client().get("/staff/sign-in")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text and " style=" not in page.text and "onclick" not in page.text
    assert world.client().get("/staff/static/staff.css").status_code == 200
