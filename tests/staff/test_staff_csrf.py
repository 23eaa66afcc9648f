"""CSRF protection on every form of the staff app: the sign-in form (double-submit cookie, no
session yet) and the forms of a signed-in session (the session's token)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.staff.staff_helpers import PASSWORD, StaffWorld, csrf_token

TEMPLATES = Path(__file__).resolve().parents[2] / "staff" / "templates"


def test_every_post_form_in_the_templates_carries_a_csrf_token() -> None:
    forms = 0
    for template in TEMPLATES.glob("*.html"):
        for form in re.findall(r"<form\b.*?</form>", template.read_text(), flags=re.S):
            if 'method="post"' in form:
                forms += 1
                assert 'name="csrf_token"' in form, template.name
    assert forms >= 3  # sign-in, sign-out, mark done


def test_sign_in_without_the_form_token_or_cookie_is_refused(world: StaffWorld) -> None:
    world.add_account("anna@example.de", "counsellor")
    client = world.client()
    form = client.get("/staff/sign-in")
    data = {"email": "anna@example.de", "password": PASSWORD}
    missing = client.post("/staff/sign-in", data=data)
    wrong = client.post("/staff/sign-in", data={**data, "csrf_token": "x" * 43})
    no_cookie = world.client().post("/staff/sign-in", data={**data, "csrf_token": csrf_token(form)})
    for answer in (missing, wrong, no_cookie):
        assert answer.status_code == 403
        assert "Das Anmeldeformular war abgelaufen." in answer.text
        assert "__Secure-bl_staff=" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize(
    ("path", "fields"),
    [("/staff/sign-out", {}), ("/staff/callbacks/{id}/done", {})],
)
def test_signed_in_forms_need_the_session_token(
    world: StaffWorld, path: str, fields: dict[str, str]
) -> None:
    account = world.add_account("anna@example.de", "counsellor")
    request_id = world.add_callback()
    client = world.session_client(account)
    target = path.format(id=request_id)
    other = world.session_client(account)  # another session of the same account
    foreign_token = world.page_token(other)
    for token in (None, "", foreign_token):
        data = {**fields, **({"csrf_token": token} if token is not None else {})}
        answer = client.post(target, data=data)
        assert answer.status_code == 403, token
        assert "Formular abgelaufen" in answer.text
    assert client.get("/staff/").status_code == 200  # still signed in
    assert world.callback_row(request_id).done_at is None
    good = client.post(target, data={**fields, "csrf_token": world.page_token(client)})
    assert good.status_code == 303


def test_a_cross_site_post_is_refused_even_with_the_token(world: StaffWorld) -> None:
    account = world.add_account("anna@example.de", "counsellor")
    request_id = world.add_callback()
    client = world.session_client(account)
    token = world.page_token(client)
    target = f"/staff/callbacks/{request_id}/done"
    assert (
        client.post(
            target, data={"csrf_token": token}, headers={"Origin": "https://evil.example"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            target, data={"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"}
        ).status_code
        == 403
    )
    assert world.callback_row(request_id).done_at is None
    # what Chromium sends for a form post under Referrer-Policy: no-referrer
    browser = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    assert client.post(target, data={"csrf_token": token}, headers=browser).status_code == 303
