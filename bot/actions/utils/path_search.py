"""The curated learning path of a recommendation turn, with the offers of its steps.

The path comes from :mod:`knowledge.paths` (local knowledge base); the offers of each course
step come from the search service, one ``sort: "nearby"`` request per step, concurrently
(``knowledge.paths.step_request``). A broken path file or a failing search never blocks the
recommendations: the path is skipped (logged) or shown without offers.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.actions.clients.search_client import SearchClient, SearchError, get_search_client
from bot.actions.settings import Settings
from bot.actions.utils.profile import Profile
from knowledge import paths
from knowledge.paths import LearningPath, ResolvedPath

logger = logging.getLogger(__name__)


def matching_path(profile: Profile) -> LearningPath | None:
    """The curated learning path for the profile, or None.

    Needs a target occupation and a starting point (current occupation/qualification or the
    goal "umschulung", i.e. a career change without a stated qualification). A broken path
    file never blocks the recommendations: it is logged and skipped.
    """
    if not (profile.target_kldb or profile.target_occupation):
        return None
    if not (profile.current_kldb or profile.current_occupation or profile.goal == "umschulung"):
        return None
    try:
        return paths.find_path(
            current_kldb=profile.current_kldb,
            current_text=profile.current_occupation,
            target_kldb=profile.target_kldb,
            target_text=profile.target_occupation,
        )
    except (paths.PathDataError, OSError, ValueError) as exc:
        logger.warning("learning path unavailable: %s", type(exc).__name__)
        return None


async def _step_offers(
    client: SearchClient, request: dict[str, Any] | None
) -> tuple[tuple[paths.LinkedOffer, ...], int]:
    """Offers of one step from the search service; none for procedures or when it fails."""
    if request is None:
        return (), 0
    try:
        return paths.linked_offers(await client.search(request))
    except SearchError as exc:
        logger.warning("learning path step offers unavailable: %s", exc)
        return (), 0


async def learning_path_for(
    profile: Profile, settings: Settings, client: SearchClient | None = None
) -> ResolvedPath | None:
    """The curated learning path for the profile with the offers of each step (one search
    request per step, concurrently), or None. A failing search leaves the steps without
    offers; the path is still shown."""
    path = matching_path(profile)
    if path is None:
        return None
    client = client or get_search_client(settings)
    prefer = [code for code in (profile.target_kldb, profile.current_kldb) if code]
    requests = [
        paths.step_request(
            step,
            today=settings.today(),
            municipality=profile.municipality,
            reach_km=settings.reach_km,
            prefer_kldb=prefer,
        )
        for step in path.steps
    ]
    found = await asyncio.gather(*(_step_offers(client, r) for r in requests))
    try:
        return paths.resolve_path(path, list(found), municipality=profile.municipality)
    except (paths.PathDataError, OSError, ValueError) as exc:
        logger.warning("learning path unavailable: %s", type(exc).__name__)
        return None
