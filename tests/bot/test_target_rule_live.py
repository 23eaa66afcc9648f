"""Target rule, upgrade wishes and the foreign-qualification rule against the REAL search service.

The recommendation action runs in-process; the search service and its catalogue are the real
ones (``scripts/with_stack.py`` starts them; ``SEARCH_URL`` points to it). Seen defects (issue
12): a person who wanted to drive buses was shown nursing offers; "als Elektroniker den Meister
machen" found one unrelated offer; a 58-year-old German returner was shown an
Anpassungsqualifizierung for practice staff with a foreign qualification.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import constants as c
from bot.actions.clients.search_client import SearchClient
from bot.actions.recommend import ActionMoreResults, ActionRecommendOffers
from bot.actions.settings import load_settings
from bot.actions.utils import targets
from bot.actions.utils.profile import build_search_request, profile_from_slots
from knowledge.catalogue import load_catalogue

pytestmark = pytest.mark.integration


def state(slots: dict[str, Any], *said: str) -> dict[str, Any]:
    return {
        "intent": "inform",
        "slots": slots,
        "latest_message": {"text": said[-1] if said else ""},
    }


def shown_items(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    for message in dispatcher.messages:
        custom = message.get("custom") or {}
        if custom.get("type") == c.PAYLOAD_RECOMMENDATIONS:
            return custom["items"]
    return []


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_a_nurse_who_wants_to_drive_buses_gets_bus_offers_only(
    real_search_url, tracker_from, domain
):
    slots = {
        "current_occupation": "Krankenschwester",
        "current_kldb": "81302",
        "target_occupation": "Busfahrerin",
        "target_kldb": "52132",
        "municipality": "Haar",
        "goal": "umschulung",
        "time_model": "vollzeit",
        "format": "egal",
    }
    dispatcher = CollectingDispatcher()
    await ActionRecommendOffers().run(dispatcher, tracker_from(state(slots)), domain)
    items = shown_items(dispatcher)
    assert items, "the catalogue holds bus and Lkw offers near Haar"
    for item in items:  # the target's Berufsgruppe 521, never nursing (813/821)
        assert any(code.startswith("521") for code in item["kldb_targets"]), item["title"]


async def test_nothing_within_reach_is_said_and_alternatives_are_labelled(
    real_search_url, tracker_from, domain
):
    """The catalogue has no train-driver course (KldB 522): no offer instead of the target;
    the nearest alternatives (Berufshauptgruppe 52) come only on request, labelled."""
    slots = {
        "current_occupation": "Verkäuferin",
        "current_kldb": "62102",
        "target_occupation": "Lokführerin",
        "target_kldb": "52202",
        "municipality": "Aying",
        "goal": "umschulung",
        "time_model": "vollzeit",
        "format": "egal",
    }
    dispatcher = CollectingDispatcher()
    tracker = tracker_from(state(slots))
    tracker.slots.update(
        slot_events(await ActionRecommendOffers().run(dispatcher, tracker, domain))
    )
    assert shown_items(dispatcher) == []
    answer = dispatcher.messages[-1]
    assert answer["text"].startswith("Zu Ihrem Ziel „Lokführerin“ habe ich im Umkreis von 25 km")
    payloads = [b["payload"] for b in answer["buttons"]]
    assert '/more_results{"search_scope":"alternatives"}' in payloads
    scope = {"entity": targets.ENTITY_SEARCH_SCOPE, "value": targets.SCOPE_ALTERNATIVES}
    tracker.latest_message = {"text": "Verwandte Berufe", "entities": [scope]}
    more = CollectingDispatcher()
    await ActionMoreResults().run(more, tracker, domain)
    assert more.messages[0]["text"].startswith(
        "Alternativen aus verwandten Berufen – diese Angebote führen nicht zu Ihrem Ziel"
    )
    alternatives = shown_items(more)
    assert alternatives
    for item in alternatives:
        codes = item["kldb_targets"]
        assert any(k.startswith("52") for k in codes) and not any(
            k.startswith("522") for k in codes
        )


async def test_meister_wish_of_an_electronics_technician_finds_meister_courses(
    real_search_url, tracker_from, domain
):
    slots = {
        "current_occupation": "Elektroniker",
        "current_kldb": "26212",
        "municipality": "Haar",
        "goal": "aufstieg",
        "time_model": "berufsbegleitend",
        "format": "egal",
    }
    tracker = tracker_from(state(slots, "berufsbegleitend"))
    tracker.events.insert(
        0, {"event": "user", "text": "Ich möchte als Elektroniker den Meister machen"}
    )
    dispatcher = CollectingDispatcher()
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    items = shown_items(dispatcher)
    assert items
    catalogue = {o.id: o for o in load_catalogue()}
    for item in items:
        offer = catalogue[item["offer_id"]]
        assert offer.course_type == "aufstiegsfortbildung" and "meister" in offer.title.casefold()
        assert any(code.startswith("26") for code in offer.kldb_targets)


async def test_returner_without_foreign_qualification_gets_no_anpassungsqualifizierung(
    real_search_url, tracker_from, domain
):
    """58-year-old returner to practice work (MFA) near Garching, Teilzeit: neither the offers
    shown nor the first 20 of the bot's request hold one; with a foreign qualification the same
    request does."""
    slots = {
        "current_occupation": "Arzthelferin",
        "current_kldb": "81102",
        "municipality": "Garching b.München",
        "goal": "wiedereinstieg",
        "time_model": "teilzeit",
        "format": "egal",
    }
    dispatcher = CollectingDispatcher()
    await ActionRecommendOffers().run(dispatcher, tracker_from(state(slots)), domain)
    catalogue = {o.id: o for o in load_catalogue()}
    shown = shown_items(dispatcher)
    assert shown
    assert all(catalogue[i["offer_id"]].course_type != "anpassungsqualifizierung" for i in shown)

    settings = load_settings()
    client = SearchClient(real_search_url, 15.0)
    found = {}
    for foreign in (False, True):
        profile = profile_from_slots({**slots, c.SLOT_FOREIGN_QUALIFICATION: foreign})
        request = build_search_request(profile, reach_km=settings.reach_km, today=settings.today())
        body = await client.search({**request, "limit": 20, "relax": True})
        found[foreign] = {catalogue[i["offer_id"]].course_type for i in body["items"]}
    assert "anpassungsqualifizierung" not in found[False]
    assert "anpassungsqualifizierung" in found[True]
