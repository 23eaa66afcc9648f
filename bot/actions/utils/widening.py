"""The honest answer when nothing leads to a stated target (see :mod:`.targets`).

One search per possible widening (wider area, online, nearest alternatives), concurrently;
the answer says that nothing leads to the target within reach, what each widening would find,
and offers those as buttons. The search service ranks; this module only counts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bot.actions import constants as c
from bot.actions.clients.search_client import SearchClient, SearchError
from bot.actions.utils import occupations, targets
from bot.actions.utils.profile import Profile

logger = logging.getLogger(__name__)


async def total(client: SearchClient, request: Mapping[str, Any]) -> int:
    """Offers matching a widened request (0 when the service fails: no button for it)."""
    try:
        body = await client.search({**request, "relax": False, "limit": c.MAX_RESULTS})
    except SearchError as exc:
        logger.warning("widened search failed: %s", exc)
        return 0
    return int(body.get("total") or 0)


async def nothing_towards_target(
    dispatcher: CollectingDispatcher,
    client: SearchClient,
    request: Mapping[str, Any],
    profile: Profile,
    upgrade: str | None,
    style: str,
) -> dict[str, dict[str, Any]]:
    """Say that nothing leads to the target within reach and what each widening would find
    (one search each, concurrently); returns the widened requests offered as buttons."""
    options = targets.scope_requests(request, targets.alternatives_prefixes(profile, upgrade))
    counts = await asyncio.gather(*(total(client, r) for r in options.values()))
    totals = dict(zip(options, counts, strict=True))
    title = occupations.title_for_code(profile.target_kldb)
    target = targets.target_label(profile, upgrade, style, title)
    logger.info("recommend: nothing towards the target, widenings=%s", totals)
    dispatcher.utter_message(
        text=targets.nothing_text(target, request, totals, style),
        buttons=targets.option_buttons(totals, style),
    )
    return {scope: options[scope] for scope, n in totals.items() if n > 0}
