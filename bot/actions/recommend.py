"""Recommendation actions: search offers for the profile, show more, explain.

The search service is reached only through :mod:`bot.actions.clients.search_client`. If it is
down the user gets ``utter_search_unavailable`` and the conversation (and all slots) continue;
nothing about the failure is cached.

When the profile names a target occupation and a starting point (current occupation or
qualification, or the goal "umschulung"), a curated learning path from :mod:`knowledge.paths`
is sent first (one message: text plus the ``learning_path`` payload), then the offers.

The action server holds no offer catalogue: the recommendations are one search request with
``relax: true`` (the service widens the occupation and the area itself and reports what it
relaxed), and each course step of the path is one ``sort: "nearby"`` request, all sent
concurrently. Without the search service the path is shown without offers.

A stated target is never replaced by unrelated offers (:mod:`bot.actions.utils.targets`): the
request keeps to the target's code (a target named without a known code drops the current
field's prefix instead of standing in for it), an upgrade wish ("den Meister machen") searches
the Aufstiegsfortbildungen of the person's field, and when nothing leads to the target within
reach the answer says so and offers the widenings that find something
(:mod:`bot.actions.utils.widening`); ``action_more_results`` shows them, labelled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import constants as c
from bot.actions.clients import demand_store
from bot.actions.clients.demand_store import DemandRecord
from bot.actions.clients.search_client import SearchClient, SearchError, get_search_client
from bot.actions.settings import Settings, load_settings
from bot.actions.utils import demand, formatting, occupations, targets, widening
from bot.actions.utils import paths as path_render
from bot.actions.utils.path_search import learning_path_for
from bot.actions.utils.profile import (
    Profile,
    build_search_request,
    kldb_of,
    pick_occupation,
    profile_from_slots,
    upgrade_kind,
)
from knowledge import search_terms
from knowledge.paths import ResolvedPath

logger = logging.getLogger(__name__)
#: fixed texts of the follow-ups (domain responses with English and einfache-Sprache variants)
UTTER_NO_MORE_RESULTS = "utter_no_more_results"
UTTER_NO_OFFERS_SHOWN = "utter_no_offers_shown"


def _offer_id(hit: Mapping[str, Any]) -> str:
    return str(hit.get("offer_id") or hit.get("id") or "")


async def search_with_relaxation(
    client: SearchClient, request: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Search with ``relax: true``: the service widens stepwise while it finds too few offers.

    Returns at most MAX_RESULTS hits (exact matches first) and the relaxation codes the
    service needed for the hits shown. Raises ``SearchError`` if the service fails.
    """
    body = await client.search({**request, "relax": True, "min_results": c.MIN_RESULTS})
    hits = [h for h in body["items"] if _offer_id(h)][: c.MAX_RESULTS]
    return hits, [str(code) for code in body.get("relaxed") or []]


def occupation_updates(tracker: Tracker) -> dict[str, Any]:
    """Slot updates for occupations named in the latest message (codes from the NLU entities)."""
    entities = tracker.latest_message.get("entities", [])
    updates: dict[str, Any] = {}
    target = pick_occupation(entities, c.ROLE_TARGET)
    # an upgrade wish ("als Keramikerin den Meister machen") was mapped to the field's upgrade
    # position by the profile form (bot/actions/forms.py); the named job is not the target
    upgrade = upgrade_kind(entities, tracker.latest_message.get("text") or "")
    if target is not None and target.get("role") == c.ROLE_TARGET and not upgrade:
        value = str(target.get("value")).strip()
        updates[c.SLOT_TARGET_OCCUPATION] = value
        updates[c.SLOT_TARGET_KLDB] = kldb_of(target) or occupations.code_for_title(value)
    current = pick_occupation(entities, c.ROLE_CURRENT)
    if current is not None and current.get("role") != c.ROLE_TARGET:
        value = str(current.get("value")).strip()
        updates[c.SLOT_CURRENT_OCCUPATION] = value
        updates[c.SLOT_CURRENT_KLDB] = kldb_of(current) or occupations.code_for_title(value)
    return updates


def _last_search_value(
    request: Mapping[str, Any],
    hits: Sequence[Mapping[str, Any]],
    relaxed: Sequence[str],
    start: int,
    options: Mapping[str, Mapping[str, Any]] | None = None,
    scope: str | None = None,
) -> dict[str, Any]:
    """Compact record for follow-ups: the strict request and what was shown (with reasons);
    ``options`` = the widened requests offered as buttons, ``scope`` = the widening shown."""
    value = {
        "request": dict(request),
        "relaxed": list(relaxed),
        "start_number": start,
        "items": [formatting.stored_item(h) for h in hits],
    }
    if options:
        value["options"] = {k: dict(r) for k, r in options.items()}
    if scope:
        value["scope"] = scope
    return value


def _send_recommendations(
    dispatcher: CollectingDispatcher,
    hits: Sequence[Mapping[str, Any]],
    profile: Profile,
    reach_km: float,
    relaxed: Sequence[str],
    more: bool = False,
    start_number: int = 1,
    style: str = formatting.STYLE_DE,
    notes: Sequence[str] = (),
    lead_text: str | None = None,
) -> None:
    """One channel-neutral message: lead + footer as text, the payload with the items (the
    rendering layer composes the offer lines for text channels, the page shows cards)."""
    payload = formatting.recommendations_payload(
        hits, profile, reach_km, relaxed, more, start_number, style, notes, lead_text
    )
    text = f"{payload['lead']}\n{payload['footer']}"
    dispatcher.utter_message(text=text, json_message=payload)


def _send_learning_path(
    dispatcher: CollectingDispatcher, resolved: ResolvedPath, style: str = formatting.STYLE_DE
) -> None:
    """One channel-neutral message: lead + footer as text, the path payload (steps, funding
    with office and Stand, sources)."""
    payload = path_render.learning_path_payload(resolved, style)
    dispatcher.utter_message(text=f"{payload['lead']}\n{payload['footer']}", json_message=payload)


def asked_for_human(events: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the user asked for a person earlier in this conversation (intent only)."""
    return any(
        e.get("event") == "user"
        and (e.get("parse_data") or {}).get("intent", {}).get("name")
        in (c.INTENT_REQUEST_HUMAN, c.INTENT_REQUEST_CALLBACK)
        for e in events
    )


async def _record_demand(
    settings: Settings,
    profile: Profile,
    offers_found: int,
    tracker: Tracker,
    upgrade: str | None = None,
) -> None:
    """Anonymous demand record for the Bildungsmonitoring (never blocks or breaks the turn);
    a search that found nothing keeps its closed-vocabulary term, never the typed text."""
    record = DemandRecord(
        day=settings.today(),
        municipality=profile.municipality,
        goal=profile.goal,
        target_kldb=profile.target_kldb,
        time_model=profile.time_model,
        offers_found=offers_found,
        asked_for_human=asked_for_human(tracker.events),
        **demand.record_extras(
            tracker.slots, profile.format, tracker.latest_message, tracker.sender_id
        ),
        search_term=None
        if offers_found
        else search_terms.term_for(profile.target_kldb, profile.target_occupation, upgrade),
    )
    await asyncio.to_thread(demand_store.write, settings.app_db_url, record)


def _upgrade(profile: Profile, tracker: Tracker) -> str | None:
    """The upgrade wish of the conversation, unless a target occupation with a code decides."""
    if profile.target_kldb:
        return None
    return targets.upgrade_wish(tracker.events, profile.goal, profile.target_occupation)


class ActionRecommendOffers(Action):
    """Searches 3–5 offers for the profile and sends text plus the recommendations payload.

    A stated target (occupation or upgrade wish, :mod:`bot.actions.utils.targets`) is never
    replaced by unrelated offers: when nothing leads to it within reach, the answer says so and
    offers the widenings that find something, as buttons.
    """

    def name(self) -> str:
        return "action_recommend_offers"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = load_settings()
        updates = occupation_updates(tracker)
        slots = {**tracker.current_slot_values(), **updates}
        target = slots.get(c.SLOT_TARGET_OCCUPATION)
        if target and not slots.get(c.SLOT_TARGET_KLDB):  # a target the NLU gave no code
            code = occupations.code_for_title(str(target))
            if code:
                slots[c.SLOT_TARGET_KLDB] = updates[c.SLOT_TARGET_KLDB] = code
        profile = profile_from_slots(slots)
        style = formatting.style_of_slots(slots)
        request = build_search_request(
            profile,
            reach_km=settings.reach_km,
            today=settings.today(),
            title_for_code=occupations.field_title,
        )
        upgrade = _upgrade(profile, tracker)
        notes = []
        path_profile = profile
        if upgrade:
            field = occupations.title_for_code(targets.upgrade_field(profile))
            request = targets.upgrade_request(request, profile, upgrade, field)
            notes.append(targets.upgrade_note(upgrade, field, style))
            if not profile.target_occupation:  # the path matches the wish by its keywords
                path_profile = replace(profile, target_occupation=upgrade.capitalize())
        elif profile.target_occupation and not profile.target_kldb:
            notes.append(targets.unresolved_note(profile.target_occupation, style))
        events: list[EventType] = [SlotSet(k, v) for k, v in updates.items()]
        client = get_search_client(settings)
        resolved, outcome = await asyncio.gather(
            learning_path_for(path_profile, settings, client),
            search_with_relaxation(client, request),
            return_exceptions=True,
        )
        if isinstance(resolved, BaseException):
            raise resolved
        if resolved is not None:
            logger.info("recommend: learning path %s", resolved.path.id)
            _send_learning_path(dispatcher, resolved, style)
        if isinstance(outcome, SearchError):
            logger.warning("search failed: %s", outcome)
            dispatcher.utter_message(response=c.UTTER_SEARCH_UNAVAILABLE)
            return events
        if isinstance(outcome, BaseException):
            raise outcome
        hits, relaxed = outcome
        logger.info("recommend: %d hits, relaxed=%s, upgrade=%s", len(hits), relaxed, upgrade)
        await _record_demand(settings, profile, len(hits), tracker, upgrade)
        if not hits:
            options: dict[str, dict[str, Any]] = {}
            if targets.stated_target(profile, upgrade):
                options = await widening.nothing_towards_target(
                    dispatcher, client, request, profile, upgrade, style
                )
            else:
                dispatcher.utter_message(response=c.UTTER_NO_RESULTS)
            return events + [
                SlotSet(c.SLOT_SHOWN_OFFER_IDS, []),
                SlotSet(c.SLOT_LAST_SEARCH, _last_search_value(request, [], [], 1, options)),
            ]
        _send_recommendations(
            dispatcher,
            hits,
            profile,
            settings.reach_km,
            relaxed,
            style=style,
            notes=notes,
        )
        return events + [
            SlotSet(c.SLOT_SHOWN_OFFER_IDS, [_offer_id(h) for h in hits]),
            SlotSet(c.SLOT_LAST_SEARCH, _last_search_value(request, hits, relaxed, 1)),
        ]


class ActionMoreResults(Action):
    """Repeats the last search, excluding offers already shown; with a ``search_scope`` entity
    (the buttons of a "nothing found" answer) the search widened that way, labelled."""

    def name(self) -> str:
        return "action_more_results"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        last = tracker.get_slot(c.SLOT_LAST_SEARCH)
        if not isinstance(last, Mapping) or not isinstance(last.get("request"), Mapping):
            return await ActionRecommendOffers().run(dispatcher, tracker, domain)
        settings = load_settings()
        slots = tracker.current_slot_values()
        style = formatting.style_of_slots(slots)
        profile = profile_from_slots(slots)
        shown = [str(x) for x in tracker.get_slot(c.SLOT_SHOWN_OFFER_IDS) or []]
        base: Mapping[str, Any] = last["request"]
        scope = targets.scope_of(tracker.latest_message.get("entities") or [])
        lead = None
        if scope:
            upgrade = _upgrade(profile, tracker)
            alternatives = targets.alternatives_prefixes(profile, upgrade)
            base = (last.get("options") or {}).get(scope) or targets.scope_request(
                base, scope, alternatives
            )
            if base is None:
                dispatcher.utter_message(response=UTTER_NO_MORE_RESULTS)
                return []
            target = None
            if targets.stated_target(profile, upgrade):
                title = occupations.title_for_code(profile.target_kldb)
                target = targets.target_label(profile, upgrade, style, title)
            lead = targets.scope_lead(scope, base, target, style)
        else:
            scope = last.get("scope")
        request = {**base, "exclude_ids": shown}
        try:
            hits, relaxed = await search_with_relaxation(get_search_client(settings), request)
        except SearchError as exc:
            logger.warning("search failed: %s", exc)
            dispatcher.utter_message(response=c.UTTER_SEARCH_UNAVAILABLE)
            return []
        hits = [h for h in hits if _offer_id(h) not in shown]
        logger.info("more results: %d hits, scope=%s", len(hits), scope)
        if not hits:
            dispatcher.utter_message(response=UTTER_NO_MORE_RESULTS)
            dispatcher.utter_message(response=c.UTTER_NO_RESULTS)
            return []
        start = len(shown) + 1
        _send_recommendations(
            dispatcher,
            hits,
            profile,
            settings.reach_km,
            relaxed,
            True,
            start,
            style=style,
            lead_text=lead,
        )
        value = _last_search_value(base, hits, relaxed, start, last.get("options"), scope)
        return [
            SlotSet(c.SLOT_SHOWN_OFFER_IDS, shown + [_offer_id(h) for h in hits]),
            SlotSet(c.SLOT_LAST_SEARCH, value),
        ]


class ActionExplainRecommendation(Action):
    """Explains the last shown offers from the reasons the search service returned."""

    def name(self) -> str:
        return "action_explain_recommendation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        last = tracker.get_slot(c.SLOT_LAST_SEARCH)
        items = last.get("items") if isinstance(last, Mapping) else None
        style = formatting.style_of_slots(tracker.current_slot_values())
        if not items:
            dispatcher.utter_message(response=UTTER_NO_OFFERS_SHOWN)
            return []
        start = int(last.get("start_number") or 1)
        number = formatting.parse_offer_number(tracker.latest_message.get("text"))
        index = formatting.offer_index(number, len(items), start)
        text = formatting.explanation_text(items, index, start, style)
        note = formatting.relaxation_note(
            last.get("relaxed") or [], load_settings().reach_km, style
        )
        dispatcher.utter_message(text=f"{text}\n{note}" if note else text)
        return []
