"""Shared fixtures for the knowledge tests (no network, no heavy packages)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

#: Fixed reference date so that tests about "current" offers do not age.
TODAY = dt.date(2026, 11, 26)


def _record(**overrides: Any) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": "t-001",
        "title": "Testkurs Altenpflege",
        "description": "Ein Testkurs über Grundpflege. Er dient nur den automatischen Tests.",
        "provider": "Testanbieter",
        "course_type": "weiterbildung",
        "format": "praesenz",
        "time_model": "teilzeit",
        "municipality": "Haar",
        "start_dates": ["2027-03-01"],
        "kldb_targets": ["82102"],
        "fields": ["pflege"],
        "url": "https://www.example.org",
        "source": "Testquelle",
        "last_updated": "2026-11-26",
    }
    rec.update(overrides)
    return rec


@pytest.fixture
def make_record() -> Callable[..., dict[str, Any]]:
    """Factory for a valid offer record; keyword arguments override fields."""
    return _record


@pytest.fixture
def write_offers(tmp_path: Path) -> Callable[..., Path]:
    """Write ``{"source": ..., "offers": records}`` to ``tmp_path/name`` and return the folder."""

    def _write(name: str, records: list[Any], source: str | None = "Testdatei") -> Path:
        data: dict[str, Any] = {"offers": records}
        if source is not None:
            data["source"] = source
        (tmp_path / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return tmp_path

    return _write
