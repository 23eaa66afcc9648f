"""Supply figures from the search service: how many catalogue offers lead to a KldB code.

The staff app holds no catalogue (docs/architecture.md: only the search service loads offers).
It asks ``POST /search`` with ``sort: "nearby"`` (a filter-only listing, no query),
``kldb_prefix`` = the code, ``limit: 1``; the answer's ``total`` is the number of offers
matching the filters: for a municipality, those within reach of it (online offers count),
without one the whole catalogue; offers whose listed starts all lie in the past never count.
Answers are cached for ``supply_cache_seconds``. When the service does not answer, the page
says so and shows need and demand only.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable

import httpx

from staff.monitoring.settings import MonitoringSettings

logger = logging.getLogger(__name__)

_cache: dict[tuple[str, str | None, str, dt.date], tuple[float, int]] = {}
_lock = threading.Lock()


def offers_leading_to(
    settings: MonitoringSettings, codes: Iterable[str], place: str | None, today: dt.date
) -> dict[str, int] | None:
    """Offers per code (``None`` if the search service fails for any of them)."""
    found: dict[str, int] = {}
    now = time.monotonic()
    try:
        with httpx.Client(timeout=settings.search_timeout_seconds) as client:
            for code in codes:
                key = (settings.search_url, place, code, today)
                with _lock:
                    cached = _cache.get(key)
                if cached and now - cached[0] < settings.supply_cache_seconds:
                    found[code] = cached[1]
                    continue
                body: dict[str, object] = {
                    "sort": "nearby",
                    "kldb_prefix": code,
                    "limit": 1,
                    "today": today.isoformat(),
                }
                if place:
                    body["municipality"] = place
                answer = client.post(f"{settings.search_url}/search", json=body)
                answer.raise_for_status()
                total = int(answer.json()["total"])
                with _lock:
                    _cache[key] = (now, total)
                found[code] = total
    except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
        logger.warning("monitoring: search service gave no supply figures (%s)", type(exc).__name__)
        return None
    return found


def offers_by_municipality(
    settings: MonitoringSettings, codes: Iterable[str], places: Iterable[str], today: dt.date
) -> dict[str, dict[str, int]] | None:
    """Offers per municipality and code within reach of each (``None`` if the service fails)."""
    wanted = list(codes)
    found: dict[str, dict[str, int]] = {}
    for place in places:
        counts = offers_leading_to(settings, wanted, place, today)
        if counts is None:
            return None
        found[place] = counts
    return found


def clear_cache() -> None:
    with _lock:
        _cache.clear()
