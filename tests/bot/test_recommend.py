"""Recommendation actions against a real local HTTP search server (fake data, real boundary)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.actions import constants as c
from bot.actions.recommend import (
    ActionExplainRecommendation,
    ActionMoreResults,
    ActionRecommendOffers,
)
from i18n.reasons import rendered_reasons
from rendering import render
from tests.bot.responses import rendered

TODAY_DATE = dt.date(2026, 11, 26)  # BL_TODAY of tests/bot/conftest.py


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def custom_payloads(dispatcher, kind: str = "recommendations") -> list[dict[str, Any]]:
    """Custom payloads of one type."""
    return [m["custom"] for m in dispatcher.messages if is_payload(m, kind)]


def is_payload(message: dict[str, Any], kind: str) -> bool:
    """True if the bot message carries a custom payload of type ``kind``."""
    return (message.get("custom") or {}).get("type") == kind


def complete_text(message: dict[str, Any], channel: str = "text") -> str:
    """What a text client shows for the message (the rendering layer, rendering/)."""
    return "\n".join(part.text for part in render(message, channel))


def message_of(dispatcher, kind: str) -> dict[str, Any]:
    """The one bot message whose custom payload has type ``kind``."""
    found = [m for m in dispatcher.messages if is_payload(m, kind)]
    assert len(found) == 1, [m.get("custom") for m in dispatcher.messages]
    return found[0]


async def test_recommendation_message_has_text_and_payload(
    search_server, tracker_from, dispatcher, domain
):
    events = await ActionRecommendOffers().run(
        dispatcher, tracker_from("altenpflege_profile"), domain
    )

    # a career changer (Einzelhandel -> Altenpflege) first gets the learning path, then the offers
    assert len(dispatcher.messages) == 2, "text and payload belong to ONE bot message each"
    assert dispatcher.messages[0]["custom"]["type"] == "learning_path"
    message = dispatcher.messages[1]
    payload = message["custom"]
    assert payload["type"] == "recommendations"
    assert 3 <= len(payload["items"]) <= 5
    for item in payload["items"]:
        assert tuple(item) == c.RECOMMENDATION_ITEM_KEYS
        assert item["time_model"] in ("teilzeit", "berufsbegleitend")  # Teilzeit-compatible only
        assert all(code.startswith("821") for code in item["kldb_targets"])
        assert item["reasons"] and all({"code", "text"} == set(r) for r in item["reasons"])
    for item in payload["items"]:  # channel-neutral: the text is the lead, the list is rendered
        assert item["title"] not in message["text"]
    assert message["text"] == f"{payload['lead']}\n{payload['footer']}"
    text = complete_text(message)
    for number, item in enumerate(payload["items"], start=1):
        assert f"{number}. „{item['title']}“" in text
        assert item["provider"] in text
        if item["url"]:
            assert item["url"] in text
    assert "Nächster Start: 15.01.2027" in text  # German date of demo-alten-002

    slots = slot_events(events)
    assert slots["shown_offer_ids"] == [i["offer_id"] for i in payload["items"]]
    assert [i["offer_id"] for i in slots["last_search"]["items"]] == slots["shown_offer_ids"]


async def test_messages_are_the_same_whatever_the_input_channel(
    search_server, tracker_from, domain
):
    """No channel branching in the actions: socket.io, REST or Telegram get one message shape."""
    from rasa_sdk.executor import CollectingDispatcher

    sent = []
    for channel in ("socketio", "rest", "telegram"):
        dispatcher = CollectingDispatcher()
        await ActionRecommendOffers().run(
            dispatcher, tracker_from(_state(input_channel=channel)), domain
        )
        sent.append(dispatcher.messages)
    assert sent[0] == sent[1] == sent[2]
    assert all("data" not in m.get("custom", {}) for m in sent[0])


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

    # one request: the search service widens it itself and reports what it relaxed
    (request,) = [r for r in search_server.requests if r.get("sort") is None]
    assert request["kldb_prefix"] == "82102" and request["relax"] is True
    items = custom_payloads(dispatcher)[0]["items"]
    assert items[0]["offer_id"] == "demo-alten-003"  # exact match first
    assert len(items) >= 3
    assert "Berufsgruppe" in message_of(dispatcher, "recommendations")["text"]
    assert slot_events(events)["last_search"]["relaxed"] == ["kldb_group"]


async def test_nothing_fits_gives_no_results_not_unrelated_offers(
    search_server, tracker_from, dispatcher, domain
):
    state = tracker_from("altenpflege_profile")
    state.slots.update(target_occupation="Erzieher", target_kldb="83112")
    events = await ActionRecommendOffers().run(dispatcher, state, domain)
    # the curated path to the Kita may come first; the offers part says honestly: nothing fits
    (answer,) = [m for m in dispatcher.messages if not is_payload(m, "learning_path")]
    assert answer["text"].startswith(
        "Zu Ihrem Ziel „Erzieher“ habe ich im Umkreis von 25 km um Unterhaching kein Angebot "
        "gefunden, das dorthin führt."
    )
    assert custom_payloads(dispatcher) == []
    assert slot_events(events)["shown_offer_ids"] == []
    # the widenings were counted by the search service: the wider area for the target itself
    wider = [r for r in search_server.requests if r.get("max_distance_km") == 200]
    assert wider and all(r["kldb_prefix"] == "83112" and r["relax"] is False for r in wider)


async def test_search_down_then_back(stopped_search_server, tracker_from, domain):
    from rasa_sdk.executor import CollectingDispatcher

    tracker = tracker_from("altenpflege_profile")
    first = CollectingDispatcher()
    events = await ActionRecommendOffers().run(first, tracker, domain)
    # the learning path comes from the local knowledge base and is shown even without search
    assert [m.get("response") for m in first.messages] == [None, "utter_search_unavailable"]
    assert custom_payloads(first, "learning_path")
    assert not any(e.get("name") in c.PROFILE_SLOTS for e in events)  # profile kept

    await stopped_search_server.start()  # the service comes back on the same URL
    second = CollectingDispatcher()
    await ActionRecommendOffers().run(second, tracker, domain)
    assert custom_payloads(second)[0]["type"] == "recommendations"


async def test_search_error_500_is_unavailable(search_server, tracker_from, dispatcher, domain):
    search_server.mode = "error500"
    await ActionRecommendOffers().run(dispatcher, tracker_from("altenpflege_profile"), domain)
    assert dispatcher.messages[-1]["response"] == "utter_search_unavailable"


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
    assert complete_text(more.messages[0]).splitlines()[1].startswith("3. ")  # numbering continues


async def test_more_results_when_exhausted(search_server, tracker_from, dispatcher, domain):
    tracker = tracker_from("altenpflege_profile")
    tracker.slots.update(
        slot_events(await ActionRecommendOffers().run(dispatcher, tracker, domain))
    )
    shown = tracker.slots["shown_offer_ids"]
    search_server.answer(
        {"sort": None, "exclude_ids": shown},
        {"items": [], "total": 0, "query": "Umschulung Altenpflege", "relaxed": []},
    )

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
    assert shown[1]["reasons"]
    for reason in rendered_reasons(shown[1]["reasons"]):
        assert reason["text"] in text
    assert shown[0]["title"] not in text  # only the asked one


async def test_explanation_without_shown_offers(tracker_from, dispatcher, domain):
    await ActionExplainRecommendation().run(dispatcher, tracker_from({"slots": {}}), domain)
    assert dispatcher.messages[0]["response"] == "utter_no_offers_shown"
    assert "noch keine Angebote" in rendered(domain, "utter_no_offers_shown")


# --- learning paths (real path data and real catalogue; search faked at the HTTP boundary) ---


def _state(name: str = "altenpflege_profile", **changes: Any) -> dict[str, Any]:
    import json
    from pathlib import Path

    state = json.loads((Path(__file__).parent / "data" / f"{name}.json").read_text("utf-8"))
    channel = changes.pop("input_channel", None)
    if channel:
        state["input_channel"] = channel
    state["slots"].update(changes)
    return state


async def test_career_changer_gets_the_learning_path_before_the_offers(
    search_server, tracker_from, dispatcher, domain
):
    from knowledge.catalogue import load_catalogue

    await ActionRecommendOffers().run(dispatcher, tracker_from("altenpflege_profile"), domain)

    path_message, offers_message = dispatcher.messages
    payload = path_message["custom"]
    assert payload["type"] == "learning_path"
    assert payload["path_id"] == "pflege-quereinstieg-ueber-pflegefachhelfer"
    assert offers_message["custom"]["type"] == "recommendations"
    catalogue = load_catalogue()
    for step in payload["steps"]:
        assert step["duration"] and step["dqr"].startswith("DQR-Niveau")
        assert step["funding"][0]["code"] == "bildungsgutschein"
        assert step["offers"], step["title"]
        for offer in step["offers"]:
            real = catalogue.by_id(offer["offer_id"])  # only offers that exist
            assert real is not None and real.is_current(TODAY_DATE)
            assert offer["title"] in complete_text(path_message)
    # ordered for the profile's municipality (Unterhaching): place-bound offers within 25 km first
    first = payload["steps"][0]["offers"][0]
    assert first["distance_km"] is None or first["distance_km"] <= 25
    text = complete_text(path_message)
    assert text.startswith("Ein möglicher Lernweg für Sie")
    assert "Dauer: 12 Monate (1 Jahr); DQR-Niveau 3." in text
    assert "Agentur für Arbeit München" in text and "(Stand: 26.11.2026)" in text


async def test_page_gets_the_path_lead_text_clients_the_steps(
    search_server, tracker_from, dispatcher, domain
):
    await ActionRecommendOffers().run(
        dispatcher, tracker_from(_state(input_channel="socketio")), domain
    )
    message = message_of(dispatcher, "learning_path")
    payload = message["custom"]
    page = complete_text(message, "page")
    assert payload["steps"] and "in der Übersicht" in page
    assert "in der Übersicht" not in complete_text(message)
    for step in payload["steps"]:
        for offer in step["offers"]:
            assert offer["title"] not in page, "the page lists the steps"
            assert offer["title"] in complete_text(message, "twilio")


async def test_project_socketio_output_sends_page_and_text_forms(
    search_server, tracker_from, domain
):
    """The dispatcher output through Rasa's own RemoteAction code and the project's socket.io
    output channel: the page gets lead text + payloads, any other client the complete text."""
    import copy
    import inspect

    import socketio
    from rasa.core.actions.action import RemoteAction
    from rasa_sdk.executor import CollectingDispatcher

    from bot.channels.output import RenderingSocketIOOutput

    class RecordingServer:
        """Records emits bound to python-socketio's real ``AsyncServer.emit`` signature."""

        signature = inspect.signature(socketio.AsyncServer.emit)

        def __init__(self) -> None:
            self.emitted: list[dict[str, Any]] = []

        async def emit(self, *args: Any, **kwargs: Any) -> None:
            bound = self.signature.bind(self, *args, **kwargs)  # TypeError on unknown kwargs
            self.emitted.append({k: v for k, v in bound.arguments.items() if k != "self"})

    dispatcher = CollectingDispatcher()
    await ActionRecommendOffers().run(
        dispatcher, tracker_from(_state(input_channel="socketio")), domain
    )
    sent = {}
    for form in ("page", "text"):
        server = RecordingServer()
        output = RenderingSocketIOOutput(server, "bot_uttered", lambda _, f=form: f)
        responses = copy.deepcopy(dispatcher.messages)
        for bot in await RemoteAction._utter_responses(responses, output, None, None):
            await output.send_response("test-user", bot.message())
        assert all(e["event"] == "bot_uttered" and e["room"] == "test-user" for e in server.emitted)
        sent[form] = [e["data"] for e in server.emitted]

    kinds = [m["custom"]["type"] for m in sent["page"] if "custom" in m]
    assert kinds == ["learning_path", "recommendations"]  # the path comes first
    page_text = "\n".join(m.get("text", "") for m in sent["page"])
    assert page_text.startswith("Ein möglicher Lernweg") and "in der Übersicht" in page_text
    offers = next(
        m["custom"]
        for m in sent["page"]
        if "custom" in m and m["custom"]["type"] == "recommendations"
    )
    assert not any(i["title"] in page_text for i in offers["items"])

    assert not any("custom" in m for m in sent["text"])  # a widget gets text only
    widget_text = "\n".join(m.get("text", "") for m in sent["text"])
    assert all(i["title"] in widget_text for i in offers["items"])
    assert "Dauer: 12 Monate (1 Jahr); DQR-Niveau 3." in widget_text
    assert "in der Übersicht" not in widget_text


async def test_target_without_code_still_gets_the_meister_path(
    search_server, tracker_from, dispatcher, domain
):
    state = _state(
        current_occupation="Elektroniker",
        current_kldb="26302",
        target_occupation="Meister",
        target_kldb=None,
        goal="aufstieg",
    )
    await ActionRecommendOffers().run(dispatcher, tracker_from(state), domain)
    payload = custom_payloads(dispatcher, "learning_path")[0]
    assert payload["path_id"] == "handwerk-geselle-meister"
    bonus = {"code": "meisterbonus", "label": "Meisterbonus Bayern"}
    assert bonus in payload["steps"][-1]["funding"]
    message = message_of(dispatcher, "learning_path")
    assert "stmwi.bayern.de/wirtschaft/ausbildung-beruf/meisterbonus" in complete_text(message)
    # the person's trade (Elektro, 26x) leads the master courses
    assert "Elektro" in payload["steps"][-1]["offers"][0]["title"]


async def test_no_learning_path_without_target(search_server, tracker_from, dispatcher, domain):
    state = _state(target_occupation=None, target_kldb=None)
    await ActionRecommendOffers().run(dispatcher, tracker_from(state), domain)
    assert custom_payloads(dispatcher, "learning_path") == []
    assert len(custom_payloads(dispatcher)) == 1


async def test_unknown_combination_sends_no_invented_path(
    search_server, tracker_from, dispatcher, domain
):
    state = _state(
        current_occupation="Koch",
        current_kldb="29302",
        target_occupation="Friseurin",
        target_kldb="82312",
    )
    await ActionRecommendOffers().run(dispatcher, tracker_from(state), domain)
    assert custom_payloads(dispatcher, "learning_path") == []
    (answer,) = dispatcher.messages
    assert answer["text"].startswith("Zu Ihrem Ziel „Friseurin“ habe ich")
    assert custom_payloads(dispatcher) == []


async def test_broken_path_file_never_blocks_the_offers(
    search_server, tracker_from, dispatcher, domain, tmp_path, monkeypatch, caplog
):
    from knowledge.paths import loader

    broken = tmp_path / "learning_paths.json"
    broken.write_text("{ kein json", encoding="utf-8")
    monkeypatch.setattr(loader, "PATHS_FILE", broken)
    await ActionRecommendOffers().run(dispatcher, tracker_from("altenpflege_profile"), domain)
    assert custom_payloads(dispatcher, "learning_path") == []
    assert len(custom_payloads(dispatcher)) == 1
    assert "learning path unavailable: PathDataError" in caplog.text


# --- anonymous demand records (issue 5, item 7) ---------------------------------------------


async def test_recommendation_turn_writes_one_anonymous_demand_record(
    search_server, tracker_from, dispatcher, domain
):
    from bot.actions.clients import demand_store
    from bot.actions.settings import load_settings

    tracker = tracker_from("altenpflege_profile")
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    (record,) = demand_store.read_all(load_settings().app_db_url)
    shown = custom_payloads(dispatcher)[0]["items"]
    assert record.day == TODAY_DATE
    assert record.municipality == tracker.get_slot("municipality")
    assert record.goal == tracker.get_slot("goal")
    assert record.target_kldb == tracker.get_slot("target_kldb")
    assert record.time_model == tracker.get_slot("time_model")
    assert record.offers_found == len(shown)
    assert record.asked_for_human is False
    assert record.search_term is None  # offers were found: no term is kept
    assert tracker.sender_id not in repr(record)


async def test_demand_record_notes_an_earlier_request_for_a_person_and_zero_hits(
    search_server, tracker_from, dispatcher, domain
):
    from bot.actions.clients import demand_store
    from bot.actions.settings import load_settings

    tracker = tracker_from("altenpflege_profile")
    tracker.slots.update(target_occupation="Erzieher", target_kldb="83112")  # nothing fits
    tracker.events.insert(
        0,
        {
            "event": "user",
            "text": "Kann ich mit jemandem sprechen?",
            "parse_data": {"intent": {"name": "request_human"}},
        },
    )
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    (record,) = demand_store.read_all(load_settings().app_db_url)
    assert record.offers_found == 0
    assert record.asked_for_human is True
    assert record.search_term == "kldb:83112"  # the closed-vocabulary term, never typed text


async def test_demand_record_holds_format_employment_band_and_the_channel_flag(
    search_server, tracker_from, dispatcher, domain, monkeypatch
):
    """Format wish, employment status and the age as a band only (issue 14); ``simulated`` only
    with the REST channel's marker, never from what a client put into the metadata."""
    from bot.actions.clients import demand_store
    from bot.actions.settings import load_settings
    from bot.channels import simulation

    secret = "demo-secret-for-the-test-0123456789"
    monkeypatch.setenv(simulation.SECRET_VARIABLE, secret)
    url = load_settings().app_db_url
    tracker = tracker_from("altenpflege_profile")
    tracker.slots.update(format="online", employment_status="Ich bin arbeitslos", age_group="52")
    mark = simulation.marker(secret.encode(), tracker.sender_id)
    tracker.latest_message["metadata"] = {"simulated": mark}
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    tracker = tracker_from("altenpflege_profile")
    tracker.slots.update(employment_status="unbekannt", age_group="unbekannt")
    tracker.latest_message["metadata"] = {"simulated": True, "simulation": {"mac": "x"}}
    await ActionRecommendOffers().run(dispatcher, tracker, domain)
    first, second = demand_store.read_all(url)
    assert (first.format, first.employment_status, first.age_band) == (
        "online",
        "arbeitslos",
        "ab_45",
    )
    assert first.simulated is True
    assert (second.employment_status, second.age_band, second.simulated) == (None, None, False)


async def test_no_demand_record_when_the_search_is_down(
    stopped_search_server, tracker_from, dispatcher, domain
):
    from bot.actions.clients import demand_store
    from bot.actions.settings import load_settings

    await ActionRecommendOffers().run(dispatcher, tracker_from("altenpflege_profile"), domain)
    assert demand_store.read_all(load_settings().app_db_url) == []


async def test_broken_demand_database_never_breaks_the_turn(
    search_server, tracker_from, dispatcher, domain, monkeypatch, tmp_path
):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    monkeypatch.setenv("APP_DB_URL", f"sqlite:///{blocked / 'rasa.db'}")
    await ActionRecommendOffers().run(dispatcher, tracker_from("altenpflege_profile"), domain)
    assert custom_payloads(dispatcher)[0]["items"]
