"""Recognition of foreign qualifications: a short answer first, the rest on request.

``action_recognition_info`` answers a recognition question, and a message that shows a
qualification from abroad (``situation_news``, set by ``action_read_situation``), in two short
messages: (1) two or three sentences - that the qualification can be recognised, the office
that decides for the person's occupation (``knowledge/data/facts/recognition.json`` "bodies"),
the next step (the counselling contact for recognition from ``contacts.json``) - with source and
Stand; (2) job-related language courses (Berufssprachkurse) near the person from the search
service, and the offer of more detail as buttons. Someone who stated limited German (B1 or
lower, "wenig Deutsch") is offered the detail in einfache Sprache. A place outside the
Landkreis in the municipality slot (a first message answered here never reaches the profile
form's municipality check) is cleared, and the courses are those of the Landkreis.

``action_recognition_details`` gives the rest when the offer is accepted ("ja", "Mehr dazu"):
the full checklist with the Anerkennungszuschuss, the office, sources and Stand, and the
Anpassungsqualifizierungen near the person. "ja" to the einfache-Sprache offer switches the
reply style to einfache Sprache first. The rules (``bot/data/rules/dialogue_fit.yml``) keep
the profile form waiting while the offer is open, so "ja" is never taken as a form answer.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import constants as c
from bot.actions.clients.search_client import get_search_client
from bot.actions.settings import load_settings
from bot.actions.utils import facts, formatting, nearby, occupations
from bot.actions.utils.info_texts import text as info_text
from bot.actions.utils.places import outside_landkreis
from bot.actions.utils.profile import kldb_of, occupation_entities, profile_from_slots
from knowledge import facts as kfacts
from knowledge import situation

logger = logging.getLogger(__name__)

INTENT_AFFIRM = "affirm"
#: a yes to the offer: "ja", and a one-word positive such as "super" or "gut" that the NLU may
#: read as a mood (the rules of bot/data/rules/dialogue_fit.yml accept both)
YES_INTENTS = frozenset({INTENT_AFFIRM, "mood_positive"})
INTENT_MORE_DETAIL = "ask_more_detail"
LANGUAGE_COURSES_SHOWN = 2
RECOGNITION_SITUATION = "anerkennung"


def _code_of(entities: Any) -> str | None:
    for entity in occupation_entities(entities or []):
        code = kldb_of(entity) or occupations.code_for_title(str(entity.get("value")))
        if code:
            return code
    return None


def occupation_code(tracker: Tracker) -> str | None:
    """KldB code the recognition is about: an occupation in the latest message, else the
    target or current occupation, else one named earlier in the conversation."""
    code = _code_of(tracker.latest_message.get("entities"))
    if code:
        return code
    profile = profile_from_slots(tracker.current_slot_values())
    if profile.target_kldb or profile.current_kldb:
        return profile.target_kldb or profile.current_kldb
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            code = _code_of((event.get("parse_data") or {}).get("entities"))
            if code:
                return code
    return None


def plain_offered(slots: Mapping[str, Any]) -> bool:
    """Whether the answer offers einfache Sprache: limited German stated, German replies that
    are not plain yet."""
    level = slots.get(c.SLOT_GERMAN_LEVEL)
    style = formatting.style_of_slots(slots)
    return level in situation.LIMITED_LEVELS and style == formatting.STYLE_DE


def short_answer(topic: kfacts.Topic, code: str | None, occupation: str | None, style: str) -> str:
    """Two or three sentences and the next step, with source and Stand."""
    if occupation:
        lines = [info_text("recognition_lead_occupation", style, occupation=occupation)]
    else:
        lines = [info_text("recognition_lead", style)]
    body = topic.body_for(code)
    if body:
        lines.append(body.note)
        sources = list(body.sources)
    else:
        lines.append(info_text("who_decides", style, office=topic.office))
        sources = list(topic.sources)
    first, _others = kfacts.contacts_for({RECOGNITION_SITUATION}, facts.load_contacts())
    for contact in first[:1]:
        key = "recognition_next" if contact.url else "recognition_next_no_url"
        lines.append(info_text(key, style, name=contact.name, what=contact.what, url=contact.url))
        if contact.url:
            sources.append(contact.url)
    lines.append(facts.source_line(sources, topic.stand, style))
    return "\n".join(lines)


def offer_buttons(plain: bool, style: str) -> list[dict[str, str]]:
    """Yes (details; with ``plain`` in einfache Sprache), more detail as it is, no."""
    if plain:
        return [
            {"title": info_text("button_yes_plain", style), "payload": f"/{INTENT_AFFIRM}"},
            {"title": info_text("button_more", style), "payload": f"/{INTENT_MORE_DETAIL}"},
            {"title": info_text("button_no", style), "payload": "/deny"},
        ]
    return [
        {"title": info_text("button_yes_more", style), "payload": f"/{INTENT_MORE_DETAIL}"},
        {"title": info_text("button_no", style), "payload": "/deny"},
    ]


class ActionRecognitionInfo(Action):
    """Short recognition answer, Berufssprachkurse near the person, and the offer of more."""

    def name(self) -> str:
        return "action_recognition_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots = tracker.current_slot_values()
        # a first message answered here never reaches the profile form's municipality check:
        # a place outside the Landkreis must not stay in the slot (nor be searched around)
        outside = outside_landkreis(slots.get(c.SLOT_MUNICIPALITY))
        events: list[EventType] = []
        if outside is not None:
            events = [SlotSet(c.SLOT_MUNICIPALITY, None), SlotSet(c.SLOT_OUTSIDE_AREA, True)]
            slots = {**slots, c.SLOT_MUNICIPALITY: None}
        style = formatting.style_of_slots(slots)
        profile = profile_from_slots(slots)
        code = occupation_code(tracker)
        occupation = slots.get(c.SLOT_CURRENT_OCCUPATION)
        topic = facts.load_topic("recognition")
        dispatcher.utter_message(text=short_answer(topic, code, occupation, style))
        settings = load_settings()
        links = await nearby.nearby_offers(
            get_search_client(settings),
            ("berufssprachkurs",),
            today=settings.today(),
            municipality=profile.municipality,
            reach_km=settings.reach_km,
            prefer_kldb=code,
            limit=LANGUAGE_COURSES_SHOWN,
        )
        if links:
            where = ""
            if profile.municipality:
                where = info_text("near", style, place=profile.municipality)
            elif outside is not None:
                where = info_text("outside_district", style, place=outside.name)
            heading = info_text("recognition_language", style, where=where)
            lines = nearby.offer_lines(heading, links, style)
        else:
            lines = [info_text("recognition_language_none", style)]
        plain = plain_offered(slots)
        lines.append(info_text("recognition_more_plain" if plain else "recognition_more", style))
        dispatcher.utter_message(text="\n".join(lines), buttons=offer_buttons(plain, style))
        logger.info("recognition info: body=%s courses=%d", bool(topic.body_for(code)), len(links))
        return events


class ActionRecognitionDetails(Action):
    """The rest of the recognition answer, after "ja" or "Mehr dazu"."""

    def name(self) -> str:
        return "action_recognition_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots = tracker.current_slot_values()
        events: list[EventType] = []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent in YES_INTENTS and plain_offered(slots):
            events.append(SlotSet(c.SLOT_PLAIN_LANGUAGE, True))  # what the "ja" accepted
            slots = {**slots, c.SLOT_PLAIN_LANGUAGE: True}
        style = formatting.style_of_slots(slots)
        code = occupation_code(tracker)
        topic = facts.load_topic("recognition")
        body = topic.body_for(code)
        extra = (
            [info_text("body_note", style, note=body.note, sources=" ; ".join(body.sources))]
            if body
            else []
        )
        answer = facts.render_topic(topic, extra, style)
        dispatcher.utter_message(text=f"{answer}\n{facts.disclaimer(style)}")
        settings = load_settings()
        links = await nearby.nearby_offers(
            get_search_client(settings),
            ("anpassungsqualifizierung",),
            today=settings.today(),
            municipality=profile_from_slots(slots).municipality,
            reach_km=settings.reach_km,
            kldb_prefix=code[:3] if code else None,
        )
        offers = nearby.offer_lines(info_text("recognition_offers", style), links, style)
        if offers:
            dispatcher.utter_message(text="\n".join(offers))
        logger.info("recognition details: body=%s offers=%d", bool(body), len(links))
        return events
