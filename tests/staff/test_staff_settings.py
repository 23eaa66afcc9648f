"""Settings of the staff app and the claim mapping (pure)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from staff.oidc import map_claims
from staff.settings import StaffSettings, is_loopback_http
from staff.web import safe_next


def settings(**values: object) -> StaffSettings:
    return StaffSettings(
        **{"app_db_url": "sqlite://", "public_url": "https://bl.example.de", **values}
    )


def test_the_secure_flag_can_be_turned_off_only_for_plain_http_on_loopback(monkeypatch) -> None:
    assert settings().cookie_secure is True and settings().cookie_name("x") == "__Secure-x"
    for url in ("http://127.0.0.1:8080", "http://localhost:45080", "http://[::1]:8080"):
        assert settings(public_url=url, cookie_secure=False).cookie_name("x") == "x"
    for url in (
        "https://bl.example.de",
        "http://bl.example.de",
        "http://10.0.0.5:8080",
        "https://127.0.0.1",
    ):
        with pytest.raises(ValidationError, match="STAFF_COOKIE_SECURE=false"):
            settings(public_url=url, cookie_secure=False)
    monkeypatch.setenv("STAFF_COOKIE_SECURE", "false")
    monkeypatch.setenv("PUBLIC_URL", "https://bildungslotse.example.de")
    with pytest.raises(ValidationError):
        StaffSettings()
    assert not is_loopback_http("ftp://127.0.0.1/")


def test_environment_names_and_json_maps(monkeypatch) -> None:
    monkeypatch.setenv("APP_DB_URL", "sqlite:///x.db")
    monkeypatch.setenv("PUBLIC_URL", "https://bl.example.de")
    monkeypatch.setenv("CALLBACK_RETENTION_DAYS", "14")
    monkeypatch.setenv("STAFF_IDLE_TIMEOUT_MINUTES", "20")
    monkeypatch.setenv("STAFF_CALLBACK_OFFICES", '{"Jobcenter Landkreis München": "jobcenter"}')
    monkeypatch.setenv("STAFF_OIDC_ISSUER", "https://login.example.de/realms/lra")
    monkeypatch.setenv("STAFF_OIDC_CLIENT_ID", "bildungslotse")
    monkeypatch.setenv("STAFF_OIDC_ROLE_MAP", '{"CN=BL-Beratung,OU=Gruppen,DC=lra": "counsellor"}')
    found = StaffSettings()
    assert found.resolved_app_db_url.endswith("/x.db") and found.callback_retention_days == 14
    assert found.timeouts.idle.total_seconds() == 1200 and found.lockout.limit == 5
    assert found.callback_offices == {"Jobcenter Landkreis München": "jobcenter"}
    assert found.oidc_enabled and found.oidc_role_map == {
        "CN=BL-Beratung,OU=Gruppen,DC=lra": "counsellor"
    }
    assert found.oidc_redirect_uri == "https://bl.example.de/staff/auth/oidc/callback"
    monkeypatch.setenv("STAFF_OIDC_ROLE_MAP", '{"g": "superuser"}')
    with pytest.raises(ValidationError, match="unknown roles"):
        StaffSettings()
    monkeypatch.delenv("STAFF_OIDC_CLIENT_ID")
    monkeypatch.setenv("STAFF_OIDC_ROLE_MAP", "{}")
    with pytest.raises(ValidationError, match="STAFF_OIDC_CLIENT_ID"):
        StaffSettings()


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"groups": ["bl-b", "x"], "office": "LRA-BB"}, ({"counsellor"}, "bb")),
        ({"groups": "bl-a", "office": ["LRA-BB"]}, ({"admin"}, "bb")),
        ({"groups": ["bl-b", "bl-a"], "office": "LRA-BB"}, ({"counsellor", "admin"}, "bb")),
        ({"groups": ["x"], "office": "LRA-BB"}, None),  # no mapped group
        ({"groups": ["bl-b"], "office": "LRA-XX"}, None),  # no mapped office
        ({"groups": ["bl-b"], "office": ["LRA-BB", "LRA-JC"]}, None),  # two offices
        ({"groups": ["bl-b"]}, None),
        ({"groups": [{"bl-b": 1}], "office": "LRA-BB"}, None),  # wrong types ignored
    ],
)
def test_claims_become_roles_and_an_office_only_by_the_maps(claims, expected) -> None:
    cfg = settings(
        oidc_issuer="https://idp.example",
        oidc_client_id="c",
        oidc_role_map={"bl-b": "counsellor", "bl-a": "admin"},
        oidc_office_map={"LRA-BB": "bb", "LRA-JC": "jc"},
    )
    found = map_claims({"sub": "s1", "email": "a@example.de", **claims}, cfg)
    if expected is None:
        assert found is None
    else:
        assert found is not None and (set(found.roles), found.office_code) == expected
        assert (found.subject, found.issuer, found.name) == (
            "s1",
            "https://idp.example",
            "a@example.de",
        )


def test_without_an_office_map_the_claim_is_the_office_code_and_email_is_required() -> None:
    cfg = settings(
        oidc_issuer="https://idp.example", oidc_client_id="c", oidc_role_map={"g": "editor"}
    )
    found = map_claims(
        {"sub": "s", "email": "e@example.de", "groups": ["g"], "office": "vhs-nord"}, cfg
    )
    assert found is not None and found.office_code == "vhs-nord"
    assert map_claims({"sub": "s", "groups": ["g"], "office": "vhs-nord"}, cfg) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/staff/callbacks", "/staff/callbacks"),
        ("/staff/admin/access-log?page=2", "/staff/admin/access-log"),
        (None, "/staff/"),
        ("https://evil.example/staff/", "/staff/"),
        ("//evil.example/staff/x", "/staff/"),
        ("/staff//evil", "/staff/"),
        ("/staff/../web", "/staff/"),
        ("/staff/\\evil", "/staff/"),
        ("/staff/auth/oidc/callback", "/staff/"),
        ("/", "/staff/"),
    ],
)
def test_safe_next(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected
