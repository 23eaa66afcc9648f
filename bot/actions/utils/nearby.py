"""Offers of given course types near the user (recognition, language courses).

The offers come from the search service: one ``sort: "nearby"`` request (course types, KldB
prefix, reach, municipality) returns current offers within reach (online included), the same
occupation first, then by distance and next start (``search/nearby.py``). The action server
holds no catalogue; if the service fails, there are no offer lines.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection

from bot.actions.clients.search_client import SearchClient, SearchError
from bot.actions.utils.formatting import STYLE_DE
from bot.actions.utils.paths import offer_line
from knowledge import paths
from knowledge.paths import LinkedOffer

DEFAULT_LIMIT = 3

logger = logging.getLogger(__name__)


async def nearby_offers(
    client: SearchClient,
    course_types: Collection[str],
    *,
    today: dt.date,
    municipality: str | None,
    reach_km: float,
    kldb_prefix: str | None = None,
    limit: int = DEFAULT_LIMIT,
    prefer_kldb: str | None = None,
) -> list[LinkedOffer]:
    """Up to ``limit`` current offers of ``course_types`` within reach (online included);
    ``kldb_prefix`` filters by occupation, ``prefer_kldb`` only puts that occupation first."""
    prefixes = [kldb_prefix] if kldb_prefix else []
    prefer = [prefer_kldb] if prefer_kldb else prefixes
    request = paths.nearby_request(
        sorted(course_types),
        today=today,
        municipality=municipality,
        reach_km=reach_km,
        kldb_prefixes=prefixes,
        prefer_kldb=prefer,
        limit=limit,
    )
    try:
        offers, _total = paths.linked_offers(await client.search(request))
    except SearchError as exc:
        logger.warning("nearby offers unavailable: %s", exc)
        return []
    return list(offers)


def offer_lines(title: str, links: list[LinkedOffer], style: str = STYLE_DE) -> list[str]:
    """A heading plus one bullet per offer (in the reply ``style``); nothing without offers."""
    if not links:
        return []
    return [title, *(f"• {offer_line(link, style)}" for link in links)]
