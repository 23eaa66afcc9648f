"""Catalogue coverage: offers within reach of each municipality by time model and format, and the
municipalities where a field in demand has no part-time or evening (berufsbegleitend) offer.

The figures come from the search service (``POST /offers/coverage``; the staff app holds no
catalogue), cached for ``supply_cache_seconds`` like the other supply figures. Offer counts are
facts about the catalogue, not about people: they are shown as they are. Demand enters only as
"in demand" = at least k requests from the municipality in the field in the filtered period
(the raw count itself is not shown here), so the list reveals no count below k.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import defaultdict

import httpx

from knowledge.vocabulary import FORMATS, TIME_MODELS
from staff.monitoring import filters as flt
from staff.monitoring.queries import Counts
from staff.monitoring.settings import MonitoringSettings
from staff.monitoring.tables import NUMBER, Row, Table

logger = logging.getLogger(__name__)

ALL_FIELDS = ""  # the search service's key for "every offer once"
#: time models a person with a job or family can combine with it
FLEXIBLE = ("teilzeit", "berufsbegleitend")
#: (municipality, field, format, time model) -> offers
Coverage = dict[tuple[str, str, str, str], int]

_cache: dict[tuple[str, dt.date], tuple[float, Coverage]] = {}
_lock = threading.Lock()


def fetch(settings: MonitoringSettings, today: dt.date) -> Coverage | None:
    """Coverage of the 29 municipalities (the search service's reach); ``None`` if it fails."""
    key = (settings.search_url, today)
    now = time.monotonic()
    with _lock:
        cached = _cache.get(key)
    if cached and now - cached[0] < settings.supply_cache_seconds:
        return cached[1]
    try:
        answer = httpx.post(
            f"{settings.search_url}/offers/coverage",
            json={"today": today.isoformat()},
            timeout=settings.search_timeout_seconds,
        )
        answer.raise_for_status()
        found = {
            (r["municipality"], r["field"], r["format"], r["time_model"]): int(r["offers"])
            for r in answer.json()["rows"]
        }
    except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
        logger.warning("monitoring: search service gave no coverage (%s)", type(exc).__name__)
        return None
    with _lock:
        _cache.clear()  # one entry per day and service is all there is to keep
        _cache[key] = (now, found)
    return found


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _per(coverage: Coverage, field: str) -> dict[str, dict[str, int]]:
    """Offers per municipality and time model / format (one field, or all fields)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (place, f, fmt, time_model), n in coverage.items():
        if f == field:
            out[place][time_model] += n
            out[place][fmt] += n
            out[place]["_all"] += n
    return out


def coverage_table(coverage: Coverage | None, field: str | None, place: str | None) -> Table:
    """Rows: the 29 municipalities (or ``place``); columns: offers by time model, by format, all."""
    caption = "Angebote in Reichweite je Gemeinde nach Zeitmodell und Form"
    if field:
        caption += f" – {flt.label('field', field)}"
    columns = (*TIME_MODELS.values(), *FORMATS.values(), "Angebote insgesamt")
    keys = (*TIME_MODELS, *FORMATS, "_all")
    per = _per(coverage or {}, field or ALL_FIELDS)
    rows = (
        tuple(
            Row(m, tuple(per[m].get(k, 0) for k in keys))
            for m in flt.municipalities()
            if place in (None, m)
        )
        if coverage is not None
        else ()
    )
    return Table("abdeckung", caption, "Gemeinde", columns, (NUMBER,) * len(columns), rows)


def gaps_table(coverage: Coverage | None, demand: dict[tuple[str, ...], Counts], k: int) -> Table:
    """(Municipality, field) pairs with at least ``k`` requests and no part-time or
    berufsbegleitend offer of the field within reach; the most offers overall first."""
    rows = []
    if coverage is not None:
        # offers per (place, field) and time model, added up once (not once per demand pair)
        per_pair: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for (m, f, _fmt, time_model), n in coverage.items():
            per_pair[(m, f)][time_model] += n
        places = set(flt.municipalities())
        for (place, field), counts in demand.items():
            if place not in places or field == flt.UNKNOWN or counts.requests < k:
                continue
            by_model = per_pair.get((place, field), {})
            if any(by_model.get(t) for t in FLEXIBLE):
                continue
            label = f"{place} – {flt.label('field', field)}"
            rows.append(Row(label, (sum(by_model.values()), 0)))
    rows.sort(key=lambda r: (-int(r.values[0] or 0), r.label))
    return Table(
        "luecken",
        f"Gefragte Berufsbereiche (mindestens {k} Anfragen) ohne Teilzeit- oder "
        "berufsbegleitendes Angebot in Reichweite",
        "Gemeinde und Berufsbereich",
        ("Angebote in Reichweite (alle Zeitmodelle)", "davon Teilzeit oder berufsbegleitend"),
        (NUMBER, NUMBER),
        tuple(rows),
    )
