"""Search use case: query -> dense (FAISS) + BM25 scores -> hybrid relevance -> profile and
regional-need ranking -> diverse result items with reasons.

:class:`IndexHolder` keeps the loaded index (FAISS store + BM25 artefact of the same version
directory) and swaps in a newer build without restart: at most every ``check_seconds`` it
stats the index directory (symlink target + meta mtime) and reloads when they changed. A
failed reload keeps the old index and records the error.

Modes (``SearchParams.mode``; the API always uses ``"full"``, the shipped configuration):
``"bm25"`` / ``"dense"`` / ``"hybrid"`` rank by retrieval relevance alone (no profile terms,
no diversity) and exist for the evaluation (``python -m eval.run``); ``"full"`` is hybrid
relevance plus profile and regional-need components and diversity (:mod:`search.ranking`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from knowledge import vocabulary
from knowledge.schema import Offer
from search import facts, hybrid, nearby, ranking, reasons
from search.bm25 import BM25Index, BM25LoadError, build_for_offers
from search.encoder import Encoder
from search.store import META_FILE, IndexLoadError, IndexStore, load

log = logging.getLogger(__name__)

#: Candidates fetched from FAISS before filtering; small catalogues are scanned completely.
FULL_SCAN_UP_TO = 20_000
CANDIDATES_PER_RESULT = 200
MODES = ("bm25", "dense", "hybrid", "full")
DEFAULT_MODE = "full"


class IndexUnavailableError(RuntimeError):
    """No usable index is loaded."""


def _signature(directory: Path) -> tuple[str, int] | None:
    try:
        real = os.path.realpath(directory)
        return real, os.stat(os.path.join(real, META_FILE)).st_mtime_ns
    except OSError:
        return None


@dataclass(frozen=True)
class LoadedIndex:
    """FAISS store and BM25 index loaded from the same version directory."""

    store: IndexStore
    bm25: BM25Index


def load_bm25(directory: Path, store: IndexStore) -> BM25Index:
    """The BM25 artefact of ``directory``; rebuilt in memory from the indexed offers if it is
    missing or does not match (an index built before BM25 existed), with a warning."""
    try:
        return BM25Index.load(directory, store.meta.ids)
    except BM25LoadError as exc:
        from search.build import passage_text

        log.warning("%s – BM25-Index wird aus den indexierten Angeboten neu aufgebaut", exc)
        return build_for_offers([store.offers[i] for i in store.meta.ids], passage_text)


def load_index(directory: Path | str, expected_model: str | None = None) -> LoadedIndex:
    """Load FAISS store and BM25 index from one (resolved) version directory."""
    real = Path(os.path.realpath(directory))
    store = load(real, expected_model)
    return LoadedIndex(store, load_bm25(real, store))


class IndexHolder:
    """Thread-safe holder of the current :class:`LoadedIndex` with cheap change detection."""

    def __init__(
        self, directory: Path, expected_model: Callable[[], str | None], check_seconds: float = 2.0
    ) -> None:
        self.directory = Path(directory)
        self.expected_model = expected_model
        self.check_seconds = check_seconds
        self._loaded: LoadedIndex | None = None
        self._sig: tuple[str, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()
        self.last_error: str | None = None

    def reload(self) -> bool:
        """Load the directory now; returns True on success (errors kept in ``last_error``)."""
        with self._lock:
            sig = _signature(self.directory)
            try:
                loaded = load_index(sig[0] if sig else self.directory, self.expected_model())
            except (IndexLoadError, OSError) as exc:
                self.last_error = str(exc)
                log.error("Suchindex nicht geladen: %s", exc)
                self._sig = sig  # do not retry the same broken build on every request
                return False
            self._loaded, self._sig, self.last_error = loaded, sig, None
            log.info(
                "Suchindex geladen: %d Angebote (%s)", loaded.store.size, loaded.store.meta.built_at
            )
            return True

    def maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.check_seconds:
            return
        self._checked = now
        sig = _signature(self.directory)
        if sig is not None and sig != self._sig:
            self.reload()

    def snapshot(self) -> LoadedIndex:
        """The current store and BM25 index as one consistent pair."""
        self.maybe_reload()
        loaded = self._loaded
        if loaded is None:
            raise IndexUnavailableError(self.last_error or "Suchindex nicht geladen")
        return loaded

    def get(self) -> IndexStore:
        return self.snapshot().store


@dataclass(frozen=True)
class SearchParams:
    query: str
    filters: ranking.Filters
    profile: ranking.Profile
    limit: int
    reach_km: float
    mode: str = DEFAULT_MODE
    #: "relevance" (retrieval + profile ranking) or "nearby" (filter-only, search.nearby)
    sort: str = "relevance"
    prefer_kldb: tuple[str, ...] = ()
    #: widen (see :func:`relaxation_steps`) while fewer results than this; 0 = never
    min_results: int = 0


@dataclass(frozen=True)
class SearchOutcome:
    """Items shown, offers matching the strict request, relaxation steps that were needed."""

    items: list[dict[str, Any]]
    total: int
    relaxed: list[str]


def item_payload(
    r: ranking.Ranked,
    profile: ranking.Profile,
    today: dt.date,
    matched_words: list[str] | None = None,
    filters: ranking.Filters | None = None,
) -> dict[str, Any]:
    """Recommendation payload fields + score, distance, description, course type, funding,
    duration and whether the offer is within reach (``filters``: the request's filters).

    ``profile.municipality`` must be the place distances were measured from.
    """
    o = r.offer
    reach = nearby.within_reach(o, r.distance_km, filters) if filters is not None else None
    start = reasons.next_start(o, today)
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
        "reasons": reasons.reasons(
            r, profile, today, facts.kldb_title, facts.shortage_entries, matched_words or ()
        ),
        "score": round(r.score, 6),
        "distance_km": round(r.distance_km, 1) if r.distance_km is not None else None,
        "description": o.description,
        "course_type": o.course_type,
        "funding": list(o.funding),
        "example_fields": list(o.example_fields),
        "duration_months": o.duration_months,
        "within_reach": reach,
    }


def dense_scores(
    store: IndexStore, encoder: Encoder, query: str, limit: int = 10
) -> dict[str, float]:
    """Cosine of the query with every candidate offer (whole catalogue up to FULL_SCAN_UP_TO)."""
    qvec = encoder.encode_queries([query])[0]
    k = store.size if store.size <= FULL_SCAN_UP_TO else limit * CANDIDATES_PER_RESULT
    return dict(store.search(qvec, k))


def relevance(
    dense: dict[str, float],
    lexical: dict[str, float],
    mode: str,
    fusion: hybrid.FusionConfig = hybrid.DEFAULT_FUSION,
) -> dict[str, float]:
    """Retrieval relevance in [0, 1] per candidate for a mode (see module docstring)."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r} (allowed: {', '.join(MODES)})")
    if mode in ("bm25", "dense"):
        fusion = hybrid.FusionConfig(method=mode)  # type: ignore[arg-type]
    return hybrid.fuse(dense, lexical, fusion)


def rank_candidates(
    store: IndexStore,
    rel: dict[str, float],
    params: SearchParams,
    weights: dict[str, float] | None = None,
) -> list[ranking.Ranked]:
    """Hard filters, then score and order for ``params.mode``."""
    candidates = [(store.offers[i], s) for i, s in rel.items()]
    if params.mode == "full":
        return ranking.rank(
            candidates,
            params.filters,
            params.profile,
            params.reach_km,
            facts.shortage_entries,
            weights or ranking.WEIGHTS,
            diverse=True,
        )
    return ranking.rank(
        candidates,
        params.filters,
        ranking.Profile(),
        params.reach_km,
        facts.shortage_entries,
        ranking.RELEVANCE_ONLY,
        diverse=False,
    )


def relaxation_steps(params: SearchParams) -> list[tuple[str, SearchParams]]:
    """Stepwise wider parameters for too few results, each with the code of what was relaxed.

    Order: (1) the 3-digit occupational group instead of a longer KldB prefix, (2) twice the
    reach (at most ``knowledge.vocabulary.MAX_DISTANCE_KM``; also the reach of the distance fit). Time model and
    format are never relaxed; every step is cumulative.
    """
    steps: list[tuple[str, SearchParams]] = []
    current = params
    prefix = current.filters.kldb_prefix
    if prefix and len(prefix) > 3:
        current = replace(current, filters=replace(current.filters, kldb_prefix=prefix[:3]))
        steps.append((vocabulary.RELAX_KLDB_GROUP, current))
    distance = current.filters.max_distance_km
    if current.filters.origin is not None and distance:
        wider = min(distance * vocabulary.WIDER_AREA_FACTOR, vocabulary.MAX_DISTANCE_KM)
        if wider > distance:
            current = replace(
                current, reach_km=wider, filters=replace(current.filters, max_distance_km=wider)
            )
            steps.append((vocabulary.RELAX_WIDER_AREA, current))
    return steps


def _relaxed(
    store: IndexStore, rel: dict[str, float], params: SearchParams, first: list[ranking.Ranked]
) -> tuple[list[tuple[ranking.Ranked, SearchParams]], list[str]]:
    """The strict results, then results of wider steps while fewer than ``min_results``."""
    hits = [(r, params) for r in first[: params.limit]]
    relaxed: list[str] = []
    applied: list[str] = []
    for code, wider in relaxation_steps(params):
        if len(hits) >= params.min_results:
            break
        applied.append(code)
        seen = frozenset(r.offer.id for r, _ in hits)
        step = replace(
            wider, filters=replace(wider.filters, exclude_ids=wider.filters.exclude_ids | seen)
        )
        extra = rank_candidates(store, rel, step)
        if extra:
            relaxed = list(applied)
            hits += [(r, step) for r in extra[: params.limit - len(hits)]]
    return hits, relaxed


def run_listing(offers: list[Offer], params: SearchParams) -> SearchOutcome:
    """``sort="nearby"``: offers passing the filters in the nearby order (no retrieval)."""
    ranked = nearby.rank_nearby(offers, params.filters, params.prefer_kldb)
    items = [
        item_payload(r, params.profile, params.filters.today, None, params.filters)
        for r in ranked[: params.limit]
    ]
    return SearchOutcome(items, len(ranked), [])


def execute(index: LoadedIndex, encoder: Encoder, params: SearchParams) -> SearchOutcome:
    """Run a request: listing (``sort="nearby"``) or search, with relaxation if asked for."""
    if params.sort == "nearby":
        return run_listing(list(index.store.offers.values()), params)
    dense = dense_scores(index.store, encoder, params.query, params.limit)
    lexical = index.bm25.score_map(params.query)
    rel = relevance(dense, lexical, params.mode)
    ranked = rank_candidates(index.store, rel, params)
    hits, relaxed = _relaxed(index.store, rel, params, ranked)
    items = []
    for r, used in hits:
        words = index.bm25.matched_words(params.query, f"{r.offer.title}\n{r.offer.description}")
        items.append(item_payload(r, used.profile, used.filters.today, words, used.filters))
    return SearchOutcome(items, len(ranked), relaxed)


def run_search(
    index: LoadedIndex, encoder: Encoder, params: SearchParams
) -> tuple[list[dict[str, Any]], int]:
    """Return (items for the first ``limit`` results, total number of matching offers)."""
    outcome = execute(index, encoder, params)
    return outcome.items, outcome.total
