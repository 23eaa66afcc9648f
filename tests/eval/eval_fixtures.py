"""Offer factory for the evaluation tests (independent of tests/search)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from knowledge import geo
from knowledge.schema import Offer

TODAY = dt.date(2026, 11, 26)


def offer(**kw: Any) -> Offer:
    """An Offer with sensible defaults; place-bound offers get the municipality's coordinates."""
    municipality = kw.pop("municipality", "Haar")
    fmt = kw.pop("format", "praesenz")
    coords = None if fmt == "online" else geo.coordinates(municipality)
    data: dict[str, Any] = {
        "id": "o-1",
        "title": "Kurs",
        "description": "Ein Kurs.",
        "provider": "Anbieter",
        "course_type": "weiterbildung",
        "format": fmt,
        "time_model": "teilzeit",
        "municipality": "online" if fmt == "online" else municipality,
        "address": None,
        "lat": coords[0] if coords else None,
        "lon": coords[1] if coords else None,
        "duration_hours": 40,
        "duration_months": None,
        "start_dates": (dt.date(2027, 3, 1),),
        "cost_eur": None,
        "funding": (),
        "azav_certified": False,
        "dqr_level": None,
        "kldb_targets": (),
        "fields": (),
        "url": "https://example.org",
        "source": "test",
        "source_id": "x",
        "last_updated": TODAY,
        "example_fields": (),
    }
    data.update(kw)
    return Offer(**data)
