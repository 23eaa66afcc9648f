"""Test helpers of the search tests: offer factory and a small hand-made catalogue."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from knowledge import geo
from knowledge.schema import Offer

TODAY = dt.date(2026, 11, 26)
REPO = Path(__file__).resolve().parents[2]


def make_offer(**kw: Any) -> Offer:
    """An Offer with sensible defaults; ``municipality`` fills lat/lon from knowledge.geo."""
    municipality = kw.pop("municipality", "Unterhaching")
    fmt = kw.pop("format", "praesenz")
    coords = None if fmt == "online" else geo.coordinates(municipality)
    data: dict[str, Any] = {
        "id": "x-001",
        "title": "Kurs",
        "description": "Beschreibung des Kurses.",
        "provider": "Anbieter A",
        "course_type": "weiterbildung",
        "format": fmt,
        "time_model": "vollzeit",
        "municipality": "online" if fmt == "online" else municipality,
        "address": None,
        "lat": coords[0] if coords else None,
        "lon": coords[1] if coords else None,
        "duration_hours": 100,
        "duration_months": None,
        "start_dates": (dt.date(2027, 3, 1),),
        "cost_eur": None,
        "funding": (),
        "azav_certified": False,
        "dqr_level": None,
        "kldb_targets": (),
        "fields": (),
        "url": "https://example.org/kurs",
        "source": "test",
        "source_id": "x",
        "last_updated": TODAY,
        "example_fields": ("start_dates",),
    }
    data.update(kw)
    return Offer(**data)


def fixture_offers() -> list[Offer]:
    """A catalogue covering every filter and reason case."""
    d = dt.date
    return [
        make_offer(
            id="p-1",
            title="Umschulung Altenpflege in Teilzeit",
            description="Umschulung zur Pflegefachkraft Altenpflege, Teilzeit, mit Praxis.",
            provider="Pflegeschule Süd",
            course_type="umschulung",
            time_model="teilzeit",
            municipality="Unterhaching",
            kldb_targets=("82102",),
            fields=("pflege",),
            azav_certified=True,
            funding=("bildungsgutschein",),
            start_dates=(d(2027, 3, 1), d(2026, 9, 1)),
        ),
        make_offer(
            id="p-2",
            title="Umschulung Altenpflege in Vollzeit",
            description="Umschulung Altenpflege Vollzeit mit Examen.",
            provider="Pflegeschule Nord",
            course_type="umschulung",
            time_model="vollzeit",
            municipality="Garching b.München",
            kldb_targets=("82102",),
            fields=("pflege",),
            azav_certified=True,
            funding=("bildungsgutschein",),
        ),
        make_offer(
            id="p-3",
            title="Pflegehelfer Kurs online",
            description="Pflegehelfer Grundlagen online in Teilzeit.",
            provider="Online Akademie",
            format="online",
            time_model="teilzeit",
            kldb_targets=("82101",),
            fields=("pflege",),
        ),
        make_offer(
            id="p-old",
            title="Altenpflege Umschulung alt",
            description="Umschulung Altenpflege, Start lange vorbei.",
            provider="Pflegeschule Alt",
            time_model="teilzeit",
            kldb_targets=("82102",),
            start_dates=(d(2026, 1, 1), d(2026, 11, 25)),
        ),
        make_offer(
            id="p-dup",
            title="Umschulung Altenpflege in Teilzeit",
            description="Umschulung zur Pflegefachkraft Altenpflege, Teilzeit (zweiter Termin).",
            provider="Pflegeschule Süd",
            course_type="umschulung",
            time_model="teilzeit",
            municipality="Unterhaching",
            kldb_targets=("82102",),
            fields=("pflege",),
            start_dates=(d(2027, 9, 1),),
        ),
        make_offer(
            id="p-far",
            title="Altenpflege Weiterbildung Dachau",
            description="Weiterbildung Altenpflege in Dachau, Teilzeit.",
            provider="Schule Dachau",
            time_model="teilzeit",
            municipality="Dachau",
            kldb_targets=("82102",),
        ),
        make_offer(
            id="m-1",
            title="Meisterkurs Elektrotechnik",
            description="Vorbereitung auf die Meisterprüfung im Elektrohandwerk, berufsbegleitend.",
            provider="Handwerkskammer",
            course_type="aufstiegsfortbildung",
            time_model="berufsbegleitend",
            municipality="München",
            format="hybrid",
            kldb_targets=("26212",),
            funding=("aufstiegs_bafoeg", "meisterbonus"),
            start_dates=(d(2027, 1, 15), d(2027, 9, 15)),
        ),
        make_offer(
            id="it-1",
            title="Python programmieren lernen",
            description="Python Programmierung für Einsteiger, online und abends.",
            provider="Code Schule",
            format="online",
            time_model="berufsbegleitend",
            kldb_targets=("43412",),
            fields=("it",),
            start_dates=(),
        ),
        make_offer(
            id="k-1",
            title="Kinderpflege Quereinstieg",
            description="Quereinstieg in die Kita, Kinderpflege, Teilzeit.",
            provider="Kita Akademie",
            time_model="teilzeit",
            municipality="Haar",
            kldb_targets=("83112",),
            fields=("kita",),
            azav_certified=True,
        ),
        make_offer(
            id="s-1",
            title="Deutsch für den Beruf B2",
            description="Berufssprachkurs Deutsch B2 für Zugewanderte.",
            provider="Sprachschule",
            course_type="berufssprachkurs",
            format="praesenz",
            time_model="vollzeit",
            municipality="Ottobrunn",
            funding=("bamf",),
            fields=("sprache",),
        ),
    ]
