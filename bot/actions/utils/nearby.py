"""Pure helper: catalogue offers of given course types near the user (recognition, language).

Only offers that exist in the catalogue and have an upcoming (or rolling) start; ordered by
:func:`knowledge.paths.rank_offers` (same occupation first, then within reach / online, then
distance and next start). Offers outside the reach are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from bot.actions.utils.formatting import STYLE_DE
from bot.actions.utils.paths import offer_line
from knowledge import paths
from knowledge.paths import LinkedOffer
from knowledge.schema import Offer

DEFAULT_LIMIT = 3


def nearby_offers(
    offers: Iterable[Offer],
    course_types: Collection[str],
    *,
    today: dt.date,
    municipality: str | None,
    reach_km: float,
    kldb_prefix: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[LinkedOffer]:
    """Up to ``limit`` current offers of ``course_types`` within reach (online included)."""
    fitting = [
        o
        for o in offers
        if o.course_type in course_types
        and o.is_current(today)
        and (not kldb_prefix or any(code.startswith(kldb_prefix) for code in o.kldb_targets))
    ]
    ranked = paths.rank_offers(
        fitting, today=today, municipality=municipality, reach_km=reach_km,
        prefer_kldb=[kldb_prefix] if kldb_prefix else [],
    )
    return [link for link in ranked if link.within_reach in (True, None)][:limit]


def offer_lines(title: str, links: list[LinkedOffer], style: str = STYLE_DE) -> list[str]:
    """A heading plus one bullet per offer (in the reply ``style``); nothing without offers."""
    if not links:
        return []
    return [title, *(f"• {offer_line(link, style)}" for link in links)]
