"""Recommendation actions against a real local HTTP search server (fake data, real boundary)."""

from __future__ import annotations

from typing import Any

from bot.actions import constants as c
from bot.actions.recommend import (
    ActionExplainRecommendation,
    ActionMoreResults,
    ActionRecommendOffers,
)


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def custom_payloads(dispatcher) -> list[dict[str, Any]]:
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]


async def test_recommendation_message_has_text_and_payload(
    search_server, tracker_from, dispatcher, domain
):
    events = await ActionRecommendOffers().run(
        dispatcher, tracker_from("altenpflege_profile"), domain
    )

    assert len(dispatcher.messages) == 1, "text and payload belong to ONE bot message"
    message = dispatcher.messages[0]
    payload = message["custom"]
    assert payload["type"] == "recommendations"
    assert 3 <= len(payload["items"]) <= 5
    for item in payload["items"]:
        assert tuple(item) == c.RECOMMENDATION_ITEM_KEYS
        assert item["time_model"] in ("teilzeit", "berufsbegleitend")  # Teilzeit-compatible only
        assert all(code.startswith("821") for code in item["kldb_targets"])
        assert item["reasons"] and all({"code", "text"} == set(r) for r in item["reasons"])
    text = message["text"]
    for number, item in enumerate(payload["items"], start=1):
        assert f"{number}. „{item['title']}“" in text
        assert item["provider"] in text
    assert "Nächster Start: 15.01.2027" in text  # German date of demo-alten-002

    slots = slot_events(events)
    assert slots["shown_offer_ids"] == [i["offer_id"] for i in payload["items"]]
    assert [i["offer_id"] for i in slots["last_search"]["items"]] == slots["shown_offer_ids"]


async def test_socketio_gets_payload_under_data_and_no_duplicate_list(
    search_server, tracker_from, dispatcher, domain
):
    import json
    from pathlib import Path

    state = json.loads(
        (Path(__file__).parent / "data" / "altenpflege_profile.json").read_text(encoding="utf-8")
    )
    state["input_channel"] = "socketio"
    await ActionRecommendOffers().run(dispatcher, tracker_from(state), domain)

    message = dispatcher.messages[0]
    payload = message["custom"]["data"]  # Rasa's socket.io channel emits json_message as kwargs
    assert payload["type"] == "recommendations"
    assert 3 <= len(payload["items"]) <= 5
    assert "passende Angebote" in message["text"]
    for item in payload["items"]:
        assert item["title"] not in message["text"], "cards show the offers; the text must not repeat them"


async def test_request_carries_profile_filters(search_server, tracker_from, dispatcher, domain):
    await ActionRecommendOffers().run(dispatcher, tracker_from("altenpflege_profile"), domain)
    request = search_server.requests[0]
    assert request["municipality"] == "Unterhaching"
    assert request["max_distance_km"] == 25
    assert request["time_models"] == ["teilzeit", "berufsbegleitend"]
    assert request["formats"] is None  # format "egal"
    assert request["kldb_prefix"] == "821"
    assert request["today"] == "2026-11-26"
    assert "Umschulung" in request["query"] and "Altenpflege" in request["query"]
    assert request["profile"]["goal"] == "umschulung"


async def test_praesenz_accepts_hybrid_but_not_online(
    search_server, tracker_from, dispatcher, domain
):
    state = tracker_from("altenpflege_profile")
    state.slots["format"] = "praesenz"
    await ActionRecommendOffers().run(dispatcher, state, domain)
    assert search_server.requests[0]["formats"] == ["praesenz", "hybrid"]
    items = custom_payloads(dispatcher)[0]["items"]
    assert {i["format"] for i in items} <= {"praesenz", "hybrid"}


async def test_too_few_exact_hits_widen_to_group_and_say_so(
    search_server, tracker_from, dispatcher, domain
):
    state = tracker_from("altenpflege_profile")
    state.slots["target_kldb"] = "82102"  # only one Teilzeit-compatible offer within 25 km
    events = await ActionRecommendOffers().run(dispatcher, state, domain)

    prefixes = [r["kldb_prefix"] for r in search_server.requests]
    assert prefixes[:2] == ["82102", "821"]
    items = custom_payloads(dispatcher)[0]["items"]
    assert items[0]["offer_id"] == "demo-alten-003"  # exact match first
    assert len(items) >= 3
    assert "Berufsgruppe" in dispatcher.messages[0]["text"]
    assert slot_events(events)["last_search"]["relaxed"] == ["kldb_group"]


async def test_nothing_fits_gives_no_results_not_unrelated_offers(
    search_server, tracker_from, dispatcher, domain
):
    state = tracker_from("altenpflege_profile")
    state.slots.update(target_occupation="Erzieher", target_kldb="83112")
    events = await ActionRecommendOffers().run(dispatcher, state, domain)
    assert [m.get("response") for m in dispatcher.messages] == ["utter_no_results"]
    assert custom_payloads(dispatcher) == []
    assert slot_events(events)["shown_offer_ids"] == []


async def test_search_down_then_back(stopped_search_server, tracker_from, domain):
    from rasa_sdk.executor import CollectingDispatcher

    tracker = tracker_from("altenpflege_profile")
    first = CollectingDispatcher()
    events = await ActionRecommendOffers().run(first, tracker, domain)
    assert [m.get("response") for m in first.messages] == ["utter_search_unavailable"]
    assert not any(e.get("name") in c.PROFILE_SLOTS for e in events)  # profile kept

    await stopped_search_server.start()  # the service comes back on the same URL
    second = CollectingDispatcher()
    await ActionRecommendOffers().run(second, tracker, domain)
    assert custom_payloads(second)[0]["type"] == "recommendations"


async def test_search_error_500_is_unavailable(search_server, tracker_from, dispatcher, domain):
    search_server.mode = "error500"
    await ActionRecommendOffers().run(dispatcher, tracker_from("altenpflege_profile"), domain)
    assert dispatcher.messages[0]["response"] == "utter_search_unavailable"


async def test_more_results_excludes_shown_offers(search_server, tracker_from, dispatcher, domain):
    tracker = tracker_from("altenpflege_profile")
    first = slot_events(await ActionRecommendOffers().run(dispatcher, tracker, domain))
    tracker.slots.update(first)
    tracker.slots["last_search"]["request"]["limit"] = 2  # make room for a second page
    tracker.slots["shown_offer_ids"] = first["shown_offer_ids"][:2]

    from rasa_sdk.executor import CollectingDispatcher

    more = CollectingDispatcher()
    events = slot_events(await ActionMoreResults().run(more, tracker, domain))
    request = search_server.requests[-1]
    assert set(first["shown_offer_ids"][:2]) <= set(request["exclude_ids"])
    new_ids = [i["offer_id"] for i in custom_payloads(more)[0]["items"]]
    assert new_ids and not set(new_ids) & set(first["shown_offer_ids"][:2])
    assert events["shown_offer_ids"] == first["shown_offer_ids"][:2] + new_ids
    assert more.messages[0]["text"].splitlines()[1].startswith("3. ")  # numbering continues


async def test_more_results_when_exhausted(search_server, tracker_from, dispatcher, domain):
    tracker = tracker_from("altenpflege_profile")
    tracker.slots.update(
        slot_events(await ActionRecommendOffers().run(dispatcher, tracker, domain))
    )
    tracker.slots["shown_offer_ids"] = [i["offer_id"] for i in search_server.items]

    from rasa_sdk.executor import CollectingDispatcher

    more = CollectingDispatcher()
    assert await ActionMoreResults().run(more, tracker, domain) == []
    assert more.messages[-1]["response"] == "utter_no_results"


async def test_explanation_uses_only_reasons_of_shown_offers(
    search_server, tracker_from, dispatcher, domain
):
    tracker = tracker_from("altenpflege_profile")
    tracker.slots.update(
        slot_events(await ActionRecommendOffers().run(dispatcher, tracker, domain))
    )
    shown = tracker.slots["last_search"]["items"]

    from rasa_sdk.executor import CollectingDispatcher

    explain = CollectingDispatcher()
    tracker.latest_message["text"] = "Warum passt das zweite Angebot?"
    await ActionExplainRecommendation().run(explain, tracker, domain)
    text = explain.messages[0]["text"]
    assert f"2. „{shown[1]['title']}“" in text
    for reason in shown[1]["reasons"]:
        assert reason["text"] in text
    assert shown[0]["title"] not in text  # only the asked one


async def test_explanation_without_shown_offers(tracker_from, dispatcher, domain):
    await ActionExplainRecommendation().run(dispatcher, tracker_from({"slots": {}}), domain)
    assert "noch keine Angebote" in dispatcher.messages[0]["text"]
