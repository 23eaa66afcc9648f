"""Settings: documented defaults and environment overrides."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.actions.settings import load_settings


def test_defaults(monkeypatch):
    for name in ("SEARCH_URL", "SEARCH_PORT", "SEARCH_TIMEOUT_S", "REACH_KM", "BL_TODAY"):
        monkeypatch.delenv(name, raising=False)
    s = load_settings()
    assert (s.search_url, s.search_timeout_s, s.reach_km) == ("http://127.0.0.1:8000", 3.0, 25.0)
    assert s.today() == dt.date.today()


def test_the_search_url_follows_the_search_port(monkeypatch):
    monkeypatch.delenv("SEARCH_URL", raising=False)
    monkeypatch.setenv("SEARCH_PORT", "9300")
    assert load_settings().search_url == "http://127.0.0.1:9300"
    monkeypatch.setenv("SEARCH_URL", "http://search.internal:80/")
    assert load_settings().search_url == "http://search.internal:80"


def test_overrides(monkeypatch):
    monkeypatch.setenv("REACH_KM", "40")
    monkeypatch.setenv("BL_TODAY", "2027-01-05")
    s = load_settings()
    assert s.reach_km == 40.0
    assert s.today() == dt.date(2027, 1, 5)


@pytest.mark.parametrize(
    ("name", "value"), [("REACH_KM", "weit"), ("SEARCH_TIMEOUT_S", "-1"), ("BL_TODAY", "morgen")]
)
def test_malformed_values_fail_loudly(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError):
        load_settings()
