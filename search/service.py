"""Search use case: query embedding -> FAISS candidates -> ranking -> result items.

:class:`IndexHolder` keeps the loaded index and swaps in a newer build without restart: at
most every ``check_seconds`` it stats the index directory (symlink target + meta mtime) and
reloads when they changed. A failed reload keeps the old index and records the error.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search import facts, ranking
from search.encoder import Encoder
from search.store import META_FILE, IndexLoadError, IndexStore, load

log = logging.getLogger(__name__)

#: Candidates fetched from FAISS before filtering; small catalogues are scanned completely.
FULL_SCAN_UP_TO = 20_000
CANDIDATES_PER_RESULT = 200


class IndexUnavailableError(RuntimeError):
    """No usable index is loaded."""


def _signature(directory: Path) -> tuple[str, int] | None:
    try:
        real = os.path.realpath(directory)
        return real, os.stat(os.path.join(real, META_FILE)).st_mtime_ns
    except OSError:
        return None


class IndexHolder:
    """Thread-safe holder of the current :class:`IndexStore` with cheap change detection."""

    def __init__(self, directory: Path, expected_model: Callable[[], str | None],
                 check_seconds: float = 2.0) -> None:
        self.directory = Path(directory)
        self.expected_model = expected_model
        self.check_seconds = check_seconds
        self._store: IndexStore | None = None
        self._sig: tuple[str, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.last_error: str | None = None

    def reload(self) -> bool:
        """Load the directory now; returns True on success (errors kept in ``last_error``)."""
        with self._lock:
            sig = _signature(self.directory)
            try:
                store = load(self.directory, self.expected_model())
            except (IndexLoadError, OSError) as exc:
                self.last_error = str(exc)
                log.error("Suchindex nicht geladen: %s", exc)
                self._sig = sig  # do not retry the same broken build on every request
                return False
            self._store, self._sig, self.last_error = store, sig, None
            log.info("Suchindex geladen: %d Angebote (%s)", store.size, store.meta.built_at)
            return True

    def maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_seconds:
            return
        self._checked = now
        sig = _signature(self.directory)
        if sig is not None and sig != self._sig:
            self.reload()

    def get(self) -> IndexStore:
        self.maybe_reload()
        if self._store is None:
            raise IndexUnavailableError(self.last_error or "Suchindex nicht geladen")
        return self._store


@dataclass(frozen=True)
class SearchParams:
    query: str
    filters: ranking.Filters
    profile: ranking.Profile
    limit: int
    reach_km: float


def item_payload(r: ranking.Ranked, profile: ranking.Profile, today: dt.date) -> dict[str, Any]:
    """Recommendation payload fields + score, distance, description, course type, funding.

    ``profile.municipality`` must be the place distances were measured from.
    """
    o = r.offer
    start = ranking.next_start(o, today)
    return {
        "offer_id": o.id,
        "title": o.title,
        "provider": o.provider,
        "municipality": o.municipality,
        "format": o.format,
        "time_model": o.time_model,
        "kldb_targets": list(o.kldb_targets),
        "shortage_occupation": ranking.shortage_entry(o, facts.shortage_entries) is not None,
        "url": o.url,
        "next_start": start.isoformat() if start else None,
        "reasons": ranking.reasons(o, profile, r.distance_km, today,
                                   facts.kldb_title, facts.shortage_entries),
        "score": round(r.score, 6),
        "distance_km": round(r.distance_km, 1) if r.distance_km is not None else None,
        "description": o.description,
        "course_type": o.course_type,
        "funding": list(o.funding),
        "example_fields": list(o.example_fields),
    }


def run_search(store: IndexStore, encoder: Encoder, params: SearchParams) -> tuple[list, int]:
    """Return (items for the first ``limit`` results, total number of matching offers)."""
    qvec = encoder.encode_queries([params.query])[0]
    k = store.size if store.size <= FULL_SCAN_UP_TO else params.limit * CANDIDATES_PER_RESULT
    hits = store.search(qvec, k)
    candidates = [(store.offers[i], s) for i, s in hits]
    ranked = ranking.rank(candidates, params.filters, params.profile, params.reach_km,
                          facts.shortage_entries)
    items = [item_payload(r, params.profile, params.filters.today)
             for r in ranked[: params.limit]]
    return items, len(ranked)
