"""A missing PostgreSQL fails the tests under CI=true and is a loud skip locally."""

from __future__ import annotations

import pytest

from tests import pg_support


def test_missing_prerequisite_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        pg_support.missing_prerequisite("PostgreSQL is not reachable")


def test_missing_prerequisite_skips_loudly_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PREREQUISITE MISSING"):
        pg_support.missing_prerequisite("PostgreSQL is not reachable")


def test_unreachable_server_goes_through_the_ci_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(pg_support, "PG_HOST", "postgres@127.0.0.1:1")  # nothing listens
    with pytest.raises(pytest.fail.Exception, match="not reachable"):
        with pg_support.fresh_database("bl_unreachable"):
            pass
