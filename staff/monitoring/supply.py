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
MAX_CACHED = 5000
MAX_AGE = 86400.0


class _Counter:
    """Counts offers per (place, code), from the cache or with one shared HTTP client that is
    opened only when something is not cached."""

    def __init__(self, settings: MonitoringSettings, today: dt.date) -> None:
        self.settings = settings
        self.today = today
        self.now = time.monotonic()
        self.client: httpx.Client | None = None

    def count(self, code: str, place: str | None) -> int:
        key = (self.settings.search_url, place, code, self.today)
        with _lock:
            cached = _cache.get(key)
        if cached and self.now - cached[0] < self.settings.supply_cache_seconds:
            return cached[1]
        if self.client is None:
            self.client = httpx.Client(timeout=self.settings.search_timeout_seconds)
        body: dict[str, object] = {
            "sort": "nearby",
            "kldb_prefix": code,
            "limit": 1,
            "today": self.today.isoformat(),
        }
        if place:
            body["municipality"] = place
        answer = self.client.post(f"{self.settings.search_url}/search", json=body)
        answer.raise_for_status()
        total = int(answer.json()["total"])
        with _lock:
            if len(_cache) >= MAX_CACHED:  # drop what has expired (one day is ~300 entries)
                for old in [k for k, v in _cache.items() if self.now - v[0] >= MAX_AGE]:
                    del _cache[old]
            _cache[key] = (self.now, total)
        return total

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def _counts(
    settings: MonitoringSettings,
    codes: list[str],
    places: list[str | None],
    today: dt.date,
) -> dict[str | None, dict[str, int]] | None:
    counter = _Counter(settings, today)
    try:
        return {place: {code: counter.count(code, place) for code in codes} for place in places}
    except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
        logger.warning("monitoring: search service gave no supply figures (%s)", type(exc).__name__)
        return None
    finally:
        counter.close()


def offers_leading_to(
    settings: MonitoringSettings, codes: Iterable[str], place: str | None, today: dt.date
) -> dict[str, int] | None:
    """Offers per code within reach of ``place`` (whole catalogue without one); ``None`` if the
    search service fails."""
    found = _counts(settings, list(codes), [place], today)
    return found[place] if found is not None else None


def offers_by_municipality(
    settings: MonitoringSettings, codes: Iterable[str], places: Iterable[str], today: dt.date
) -> dict[str, dict[str, int]] | None:
    """Offers per municipality and code within reach of each (``None`` if the service fails)."""
    found = _counts(settings, list(codes), list(places), today)
    return {str(place): counts for place, counts in found.items()} if found is not None else None


def clear_cache() -> None:
    with _lock:
        _cache.clear()
