"""Validation of ``profile_form``.

Required slots: current_occupation, municipality, goal, time_model, format.

Domain requirements (bot/domain): form ``profile_form`` with the required slots above; slots
``current_kldb``, ``target_occupation``, ``target_kldb``, ``outside_area``; response
``utter_outside_landkreis`` with variable ``{place}``; all profile slots mapped ``from_entity``.

How rasa-sdk 3.6.2 decides what to validate: ``FormValidationAction.get_validation_events``
validates only slots that were set in the current turn *and* appear in ``required_slots()``
(default: the form's ``required_slots`` in the domain). Rasa itself passes only candidates of
required slots. Overriding ``required_slots`` to add ``target_occupation`` would make the SDK
request it (``next_requested_slot``), so instead :meth:`get_validation_events` is extended:
after the normal per-slot validation it derives ``target_occupation``/``target_kldb`` from the
latest message's occupation entity with role ``target``.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions import constants as c
from bot.actions.utils import occupations
from bot.actions.utils.places import resolve_municipality
from bot.actions.utils.profile import kldb_of, occupation_entities, pick_occupation
from knowledge import vocabulary

logger = logging.getLogger(__name__)

MAX_OCCUPATION_CHARS = 80
MAX_TYPED_OCCUPATION_WORDS = 4
_LETTERS = re.compile(r"[A-Za-zÄÖÜäöüß]")


def _entities(tracker: Tracker, entity: str) -> list[dict[str, Any]]:
    return [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def _plausible_text(value: Any) -> bool:
    text = str(value or "").strip()
    return bool(text) and len(text) <= MAX_OCCUPATION_CHARS and bool(_LETTERS.search(text))


class ValidateProfileForm(FormValidationAction):
    """Validates and normalises the learner profile collected by ``profile_form``."""

    def name(self) -> str:
        return "validate_profile_form"

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        events += self._target_events(tracker, {e.get("name") for e in events})
        return events

    @staticmethod
    def _target_events(tracker: Tracker, already: set[str]) -> list[EventType]:
        """target_occupation/target_kldb from an occupation entity with role ``target``."""
        target = pick_occupation(tracker.latest_message.get("entities", []), c.ROLE_TARGET)
        if (
            target is None
            or target.get("role") != c.ROLE_TARGET
            or c.SLOT_TARGET_OCCUPATION in already
        ):
            return []
        value = str(target.get("value")).strip()
        if not _plausible_text(value):
            return []
        code = kldb_of(target) or occupations.code_for_title(value)
        return [SlotSet(c.SLOT_TARGET_OCCUPATION, value), SlotSet(c.SLOT_TARGET_KLDB, code)]

    async def extract_current_occupation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Accept a bare job title typed as answer to the occupation question ("Verkäuferin").

        Only when the form asked for the occupation, the NLU found no occupation entity and the
        short text is a known KldB job title.
        """
        if tracker.get_slot(c.REQUESTED_SLOT) != c.SLOT_CURRENT_OCCUPATION:
            return {}
        if occupation_entities(tracker.latest_message.get("entities", [])):
            return {}
        text = (tracker.latest_message.get("text") or "").strip(" .!?")
        if not text or len(text.split()) > MAX_TYPED_OCCUPATION_WORDS:
            return {}
        if occupations.code_for_title(text) is None:
            return {}
        # the code is set by validate_current_occupation: rasa-sdk drops extracted values of
        # slots that are not required (current_kldb) before validation
        return {c.SLOT_CURRENT_OCCUPATION: text}

    def validate_current_occupation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep the current occupation and set its KldB code from the entity (or title lookup)."""
        entities = tracker.latest_message.get("entities", [])
        entity = pick_occupation(entities, c.ROLE_CURRENT, str(value or ""))
        if entity is not None and entity.get("role") == c.ROLE_TARGET:
            # a target mentioned without a current occupation must not fill the current one
            return {c.SLOT_CURRENT_OCCUPATION: None, c.SLOT_CURRENT_KLDB: None}
        if not _plausible_text(value):
            return {c.SLOT_CURRENT_OCCUPATION: None, c.SLOT_CURRENT_KLDB: None}
        text = str(value).strip()
        if entity is not None and str(entity.get("value")).casefold() != text.casefold():
            text = str(entity.get("value")).strip()
        code = kldb_of(entity) or occupations.code_for_title(text)
        return {c.SLOT_CURRENT_OCCUPATION: text, c.SLOT_CURRENT_KLDB: code}

    def validate_municipality(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Official name for Landkreis municipalities; places outside are declined politely."""
        entity = next(
            (e for e in _entities(tracker, c.ENTITY_MUNICIPALITY) if e.get("value") == value), None
        )
        resolved = resolve_municipality(str(value or ""))
        in_landkreis = entity.get("in_landkreis") if entity and "in_landkreis" in entity else None
        if in_landkreis is None and resolved is not None:
            in_landkreis = resolved.in_landkreis
        if in_landkreis is False:
            place = resolved.name if resolved else str(value)
            dispatcher.utter_message(response=c.UTTER_OUTSIDE_LANDKREIS, place=place)
            return {c.SLOT_MUNICIPALITY: None, c.SLOT_OUTSIDE_AREA: True}
        if resolved is None or not in_landkreis:
            return {c.SLOT_MUNICIPALITY: None}
        return {c.SLOT_MUNICIPALITY: resolved.name, c.SLOT_OUTSIDE_AREA: False}

    def validate_goal(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Canonical goal (weiterbildung|umschulung|wiedereinstieg|aufstieg) or None."""
        return {c.SLOT_GOAL: vocabulary.canonical("goal", value)}

    def validate_time_model(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Canonical time model; answering only the time model leaves the format open ("egal")."""
        time_model = vocabulary.canonical("time_model", value)
        result: dict[str, Any] = {c.SLOT_TIME_MODEL: time_model}
        asked_now = tracker.get_slot(c.REQUESTED_SLOT) == c.SLOT_TIME_MODEL
        format_given = bool(_entities(tracker, c.ENTITY_FORMAT)) or bool(
            tracker.slots_to_validate().get(c.SLOT_FORMAT)
        )
        if time_model and asked_now and not format_given and not tracker.get_slot(c.SLOT_FORMAT):
            result[c.SLOT_FORMAT] = c.FORMAT_ANY
        return result

    def validate_format(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Canonical format (praesenz|online|hybrid|egal) or None."""
        return {c.SLOT_FORMAT: vocabulary.canonical("format", value)}
