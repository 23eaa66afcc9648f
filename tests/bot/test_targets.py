"""A stated target is never replaced by unrelated offers; upgrade wishes find the upgrade.

Unit tests against the fake search service of conftest.py (it filters nothing: these tests check
what the bot asks for and says; tests/bot/test_target_rule_live.py checks the offers of the real
service). Seen defects (issue 12): a person who wanted to drive buses was shown nursing offers;
"als Elektroniker den Meister machen" found one unrelated offer instead of Meister courses.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.actions import constants as c
from bot.actions.recommend import ActionMoreResults, ActionRecommendOffers
from bot.actions.utils import targets
from bot.actions.utils.profile import Profile
from tests.bot.conftest import canned_entries

NURSE_TO_BUS = {
    "current_occupation": "Krankenschwester",
    "current_kldb": "81302",
    "target_occupation": "Busfahrer",
    "target_kldb": "52132",
    "municipality": "Haar",
    "goal": "umschulung",
    "time_model": "vollzeit",
    "format": "egal",
}
ELECTRICIAN = {
    "current_occupation": "Elektroniker",
    "current_kldb": "26212",
    "municipality": "Haar",
    "goal": "aufstieg",
    "time_model": "berufsbegleitend",
    "format": "egal",
}
EMPTY = {"items": [], "total": 0, "query": "q", "relaxed": []}


def demo_items(n: int) -> list[dict[str, Any]]:
    entry = next(e for e in canned_entries() if e["when"] == {"sort": None})
    return entry["response"]["items"][:n]


def found(n: int) -> dict[str, Any]:
    return {"items": demo_items(n), "total": n, "query": "q", "relaxed": []}


def state(slots: dict[str, Any], said: str = "Vollzeit") -> dict[str, Any]:
    return {"intent": "inform", "slots": dict(slots), "latest_message": {"text": said}}


def recommendation_requests(server) -> list[dict[str, Any]]:
    return [r for r in server.requests if r.get("sort") is None]


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_target_keeps_its_code_and_leaves_the_current_field_out_of_the_query(
    search_server, tracker_from, dispatcher, domain
):
    await ActionRecommendOffers().run(dispatcher, tracker_from(state(NURSE_TO_BUS)), domain)
    request = recommendation_requests(search_server)[0]
    assert request["kldb_prefix"] == "52132" and request["relax"] is True
    assert "Busfahrer" in request["query"] and "pflege" not in request["query"].casefold()
    assert request["profile"]["foreign_qualification"] is False


async def test_target_without_a_code_never_takes_the_current_field(
    search_server, tracker_from, dispatcher, domain
):
    slots = {**NURSE_TO_BUS, "target_occupation": "Drohnenpilotin", "target_kldb": None}
    slots["goal"] = "weiterbildung"  # a goal that would search the current field
    await ActionRecommendOffers().run(dispatcher, tracker_from(state(slots)), domain)
    request = recommendation_requests(search_server)[0]
    assert request["kldb_prefix"] is None  # not "813" (nursing)
    assert "Drohnenpilotin" in request["query"] and "pflege" not in request["query"].casefold()
    text = dispatcher.messages[-1]["text"]
    assert "„Drohnenpilotin“ konnte ich keinem Beruf sicher zuordnen" in text


async def test_nothing_towards_the_target_says_so_and_offers_widenings(
    search_server, tracker_from, dispatcher, domain
):
    base = {"sort": None, "kldb_prefix": "52132"}
    search_server.answer({**base, "max_distance_km": 25}, EMPTY)
    search_server.answer({**base, "max_distance_km": 200}, found(2))
    search_server.answer({"sort": None, "kldb_prefixes": ["52"]}, found(3))
    slots = {**NURSE_TO_BUS, "format": "praesenz"}
    search_server.answer({**base, "formats": ["online"]}, EMPTY)
    events = await ActionRecommendOffers().run(dispatcher, tracker_from(state(slots)), domain)
    answer = dispatcher.messages[-1]
    assert answer["text"].splitlines() == [
        "Zu Ihrem Ziel „Busfahrer“ habe ich im Umkreis von 25 km um Haar kein Angebot gefunden, "
        "das dorthin führt.",
        "So kann ich weitersuchen:",
        "• im größeren Umkreis (bis 200 km): 2 Angebote",
        "• in verwandten Berufen – führen nicht zu Ihrem Ziel: 3 Angebote",
        "Oder Sie lassen sich persönlich beraten.",
    ]
    assert [b["payload"] for b in answer["buttons"]] == [
        '/more_results{"search_scope":"wider_area"}',
        '/more_results{"search_scope":"alternatives"}',
        "/request_human",
    ]
    assert not answer.get("custom")  # no offers in place of the target
    last = slot_events(events)[c.SLOT_LAST_SEARCH]
    assert set(last["options"]) == {"wider_area", "alternatives"}
    assert last["options"]["alternatives"]["kldb_prefix"] is None


async def test_alternatives_are_shown_labelled_as_not_leading_to_the_target(
    search_server, tracker_from, dispatcher, domain
):
    base = {"sort": None, "kldb_prefix": "52132"}
    search_server.answer({**base, "max_distance_km": 25}, EMPTY)
    search_server.answer({**base, "max_distance_km": 200}, EMPTY)
    search_server.answer({"sort": None, "kldb_prefixes": ["52"]}, found(2))
    tracker = tracker_from(state(NURSE_TO_BUS))
    tracker.slots.update(
        slot_events(await ActionRecommendOffers().run(dispatcher, tracker, domain))
    )
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]][0].endswith('"alternatives"}')
    scope = {"entity": targets.ENTITY_SEARCH_SCOPE, "value": targets.SCOPE_ALTERNATIVES}
    tracker.latest_message = {"text": "/more_results", "entities": [scope]}
    from rasa_sdk.executor import CollectingDispatcher

    more = CollectingDispatcher()
    events = slot_events(await ActionMoreResults().run(more, tracker, domain))
    assert more.messages[0]["text"].splitlines()[0] == (
        "Alternativen aus verwandten Berufen – diese Angebote führen nicht zu Ihrem Ziel "
        "„Busfahrer“:"
    )
    assert search_server.requests[-1]["kldb_prefixes"] == ["52"]
    assert events[c.SLOT_LAST_SEARCH]["scope"] == targets.SCOPE_ALTERNATIVES


async def test_generic_no_results_buttons_widen_the_last_request(
    search_server, tracker_from, dispatcher, domain
):
    slots = {k: v for k, v in NURSE_TO_BUS.items() if not k.startswith("target")}
    slots["goal"] = "weiterbildung"
    search_server.answer({"sort": None, "max_distance_km": 25}, EMPTY)
    tracker = tracker_from(state(slots))
    tracker.slots.update(
        slot_events(await ActionRecommendOffers().run(dispatcher, tracker, domain))
    )
    assert dispatcher.messages[-1]["response"] == c.UTTER_NO_RESULTS  # no target stated
    scope = {"entity": targets.ENTITY_SEARCH_SCOPE, "value": targets.SCOPE_WIDER}
    tracker.latest_message = {"text": "/more_results", "entities": [scope]}
    from rasa_sdk.executor import CollectingDispatcher

    more = CollectingDispatcher()
    await ActionMoreResults().run(more, tracker, domain)
    assert search_server.requests[-1]["max_distance_km"] == 200
    assert more.messages[0]["text"].startswith("Angebote im größeren Umkreis (bis 200 km um Haar):")


async def test_meister_wish_searches_the_upgrade_of_the_own_field(
    search_server, tracker_from, dispatcher, domain
):
    tracker = tracker_from(state(ELECTRICIAN, "berufsbegleitend"))
    said = "Ich bin Elektroniker aus Haar und möchte den Meister machen"
    tracker.events.insert(0, {"event": "user", "text": said})
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    request = recommendation_requests(search_server)[0]
    assert request["course_types"] == ["aufstiegsfortbildung"]
    assert request["kldb_prefixes"] == ["26"] and request["kldb_prefix"] is None
    assert request["title_keywords"] == ["meister"]
    assert request["query"].startswith("Aufstiegsfortbildung Meister Elektroniker")
    texts = [m.get("text") or "" for m in dispatcher.messages]
    assert any(
        "Gesucht habe ich Aufstiegsfortbildungen zum Abschluss Meister/in in Ihrem Berufsfeld" in t
        for t in texts
    )
    # the curated path to the Meister comes first (matched by the wish)
    path = next(m for m in dispatcher.messages if (m.get("custom") or {}).get("type"))
    assert path["custom"]["path_id"] == "handwerk-geselle-meister"


@pytest.mark.parametrize(
    ("said", "goal", "expected"),
    [
        ("als MFA den Fachwirt machen", "aufstieg", "fachwirt"),
        ("Ich will staatlich geprüfter Techniker werden", "aufstieg", "techniker"),
        ("den Meister", "weiterbildung", None),  # a later other goal overrides the wish
        ("Was ist der Meisterbonus?", "aufstieg", None),
    ],
)
def test_upgrade_wish_from_the_conversation(said, goal, expected):
    events = [{"event": "user", "text": said}, {"event": "user", "text": "Teilzeit"}]
    assert targets.upgrade_wish(events, goal) == expected


def test_upgrade_wish_stops_at_a_restart_and_a_named_target_counts():
    events = [{"event": "user", "text": "den Meister machen"}, {"event": "restart"}]
    assert targets.upgrade_wish(events, "aufstieg") is None
    assert targets.upgrade_wish([], None, "Meisterin") == "meister"


def test_widenings_only_where_they_can_add_something():
    request = {"municipality": "Haar", "max_distance_km": 25, "formats": None}
    assert set(targets.scope_requests(request, ["52"])) == {"wider_area", "alternatives"}
    assert targets.scope_request(request, "online") is None  # online already included
    assert targets.scope_request({**request, "formats": ["praesenz", "hybrid"]}, "online") == {
        **request,
        "formats": ["online"],
    }
    assert targets.scope_request({**request, "municipality": None}, "wider_area") is None
    assert targets.scope_request(request, "alternatives", None) is None


@pytest.mark.parametrize(
    ("profile", "upgrade", "expected"),
    [
        (Profile(target_kldb="52132"), None, ["52"]),
        (Profile(target_kldb="52"), None, ["5"]),
        (Profile(target_occupation="Drohnenpilotin"), None, None),
        (Profile(current_kldb="62102"), "fachwirt", ["6"]),
        (Profile(), "meister", None),
    ],
)
def test_alternatives_are_one_level_up(profile, upgrade, expected):
    assert targets.alternatives_prefixes(profile, upgrade) == expected


async def test_a_target_without_code_from_the_nlu_gets_its_code_from_the_title(
    search_server, tracker_from, dispatcher, domain
):
    slots = {**NURSE_TO_BUS, "target_occupation": "Busfahrerin", "target_kldb": None}
    events = await ActionRecommendOffers().run(dispatcher, tracker_from(state(slots)), domain)
    assert recommendation_requests(search_server)[0]["kldb_prefix"] == "52132"
    assert slot_events(events)[c.SLOT_TARGET_KLDB] == "52132"
