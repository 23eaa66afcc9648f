"""The counsellor's search: one ``POST /search`` to the search service (``SEARCH_URL``) over
HTTP. The staff app never loads the catalogue itself (only the search service ranks offers);
the reasons come back as codes with parameters and are rendered in German by
:func:`i18n.reasons.render_reason`, as in the chat.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from i18n.reasons import render_reason

logger = logging.getLogger(__name__)


class SearchUnavailable(Exception):
    """The search service did not answer usefully (network, timeout, HTTP error)."""


@dataclass(frozen=True)
class Hit:
    """One offer of a search answer, with its reasons as German text."""

    offer_id: str
    title: str
    provider: str
    municipality: str
    format: str
    time_model: str
    course_type: str
    url: str
    next_start: str | None
    distance_km: float | None
    duration_months: float | None
    funding: tuple[str, ...]
    kldb_targets: tuple[str, ...]
    description: str
    reasons: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Answer:
    hits: list[Hit]
    total: int
    relaxed: tuple[str, ...]


def _hit(item: Mapping[str, Any]) -> Hit:
    reasons = tuple(
        text for text in (render_reason(r, "de") for r in item.get("reasons") or []) if text
    )
    return Hit(
        offer_id=str(item.get("offer_id") or ""),
        title=str(item.get("title") or ""),
        provider=str(item.get("provider") or ""),
        municipality=str(item.get("municipality") or ""),
        format=str(item.get("format") or ""),
        time_model=str(item.get("time_model") or ""),
        course_type=str(item.get("course_type") or ""),
        url=str(item.get("url") or ""),
        next_start=item.get("next_start"),
        distance_km=item.get("distance_km"),
        duration_months=item.get("duration_months"),
        funding=tuple(str(x) for x in item.get("funding") or []),
        kldb_targets=tuple(str(x) for x in item.get("kldb_targets") or []),
        description=str(item.get("description") or ""),
        reasons=reasons,
    )


def search(base_url: str, body: Mapping[str, Any], timeout: float) -> Answer:
    """Run one search; raises :class:`SearchUnavailable` (logged with the error type only)."""
    try:
        response = httpx.post(f"{base_url.rstrip('/')}/search", json=dict(body), timeout=timeout)
        response.raise_for_status()
        data = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        logger.warning("staff search failed: %s", type(exc).__name__)
        raise SearchUnavailable(type(exc).__name__) from exc
    return Answer(
        hits=[_hit(item) for item in data.get("items") or []],
        total=int(data.get("total") or 0),
        relaxed=tuple(str(x) for x in data.get("relaxed") or []),
    )


def pick(hits: Sequence[Hit], wanted: Sequence[str]) -> list[Hit]:
    """The hits named in ``wanted``, in that order."""
    by_id = {hit.offer_id: hit for hit in hits}
    return [by_id[w] for w in wanted if w in by_id]
