"""The funding form: whether to run it, and its validation (asks only the deciding facts).

Domain requirements (bot/domain/info.yml): form ``funding_form`` whose ``required_slots`` list
every slot of :data:`bot.actions.utils.funding_profile.FORM_SLOTS` in that order, a response
``utter_ask_funding_form_<slot>`` per slot, and the bool slot ``funding_questions_needed``
(influences the conversation) with the custom mapping ``action_check_funding_questions``
restricted to intent ``ask_funding``; a rule starts the form when it is true.

Why a slot-extraction action and not a slot set by ``action_funding_info``: Rasa's rule check
requires every rule that runs an action to show the featurized slots that action sets in other
rules, so a slot set by ``action_funding_info`` would make the profile-form digression rule
incomplete. Slots set during extraction (before any action) are not part of that check.

Why a plain :class:`rasa_sdk.Action` and not ``FormValidationAction``: the slots to ask depend on
the answers so far *and* on the funding rules (a company size matters only for employed people,
an age only where an age rule or an age-dependent amount is still open), so every turn this
action (1) normalises all form slots from slot candidates, entities and the typed answer to the
question just asked ("Weiß nicht" -> ``unbekannt``), (2) asks
:func:`knowledge.funding.deciding_facts` which unknown facts still change the checklist and
(3) sets ``requested_slot`` to the first of them, or to ``None`` to end the form. Returning
no slot change except ``requested_slot`` lets Rasa reject the form for that turn, so other
questions in between are still answered.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import constants as c
from bot.actions.settings import load_settings
from bot.actions.utils import funding_profile as fp

logger = logging.getLogger(__name__)


class ActionCheckFundingQuestions(Action):
    """Slot extraction on ``ask_funding``: ``funding_questions_needed`` for the rules."""

    def name(self) -> str:
        return "action_check_funding_questions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        entities = latest.get("entities") or []
        slots = tracker.current_slot_values()
        needed = fp.questions_needed(
            fp.form_values(slots, entities),
            text=str(latest.get("text") or ""),
            topics=[str(e["value"]) for e in entities if e.get("entity") == c.ENTITY_TOPIC],
            active_loop=(tracker.active_loop or {}).get("name"),
            target_kldb=slots.get(fp.SLOT_TARGET_KLDB),
        )
        logger.info("funding questions needed: %s", needed)
        return [SlotSet(fp.SLOT_QUESTIONS_NEEDED, needed)]


def slots_before_latest_message(tracker: Tracker) -> dict[str, Any]:
    """Slot values as they were before the latest user message (its candidates excluded)."""
    events = tracker.events
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    values: dict[str, Any] = {}
    for event in events[: max(last_user, 0)]:
        if event.get("event") == "slot":
            values[event["name"]] = event.get("value")
        elif event.get("event") in ("restart", "session_started"):
            values.clear()
    return values


class ValidateFundingForm(Action):
    """Normalises the funding-form slots and picks the next deciding question."""

    def name(self) -> str:
        return "validate_funding_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        values = fp.form_values(
            tracker.current_slot_values(),
            latest.get("entities") or [],
            text=str(latest.get("text") or ""),
            intent=(latest.get("intent") or {}).get("name"),
            requested_slot=tracker.get_slot(c.REQUESTED_SLOT),
            today=load_settings().today(),
            previous=slots_before_latest_message(tracker),
        )
        events: list[EventType] = [
            SlotSet(slot, value)
            for slot, value in values.items()
            if value != tracker.get_slot(slot)
        ]
        missing = fp.missing_slots(values, tracker.get_slot(fp.SLOT_TARGET_KLDB))
        next_slot = missing[0] if missing else None
        events.append(SlotSet(c.REQUESTED_SLOT, next_slot))
        logger.info(
            "funding form: changed=%s next=%s",
            sorted(e["name"] for e in events if e["name"] != c.REQUESTED_SLOT),
            next_slot,
        )
        return events
