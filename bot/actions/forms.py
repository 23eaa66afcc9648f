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
latest message's occupation entity with role ``target``, and (issue 12, "do not ask for what the
message implies"):

- the current occupation's code from the message when the form did not validate it (a first
  message classified as small talk or fallback still runs this action through
  ``action_extract_slots``, because ``current_kldb`` has a custom mapping to it);
- for an upgrade wish ("als Elektroniker den Meister machen") the target is the upgrade
  position of the current occupation's field (``knowledge.kldb.upgrade_code``), and an
  occupation the NLU took as the target there is the current one;
- the goal the message implies (``bot.actions.utils.profile.implied_goal``: upgrade ->
  ``aufstieg``, target in another field -> ``umschulung``) when none was stated;
- an answer that means "no preference" or "don't know" (entity ``indifferent`` from the NLU:
  "egal", "weiß nicht", "doesn't matter") to a form question: the format becomes ``egal``, any
  other question is left open (slot ``profile_skipped``, which :meth:`required_slots` leaves
  out), so the form moves on instead of asking again - to the next question, which the same
  "egal" does not answer (:func:`requested_this_turn`).
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
from bot.actions.utils.profile import (
    implied_goal,
    kldb_of,
    occupation_entities,
    pick_occupation,
    upgrade_kind,
)
from knowledge import vocabulary
from knowledge.kldb import upgrade_code

logger = logging.getLogger(__name__)

MAX_OCCUPATION_CHARS = 80
SLOT_SKIPPED = "profile_skipped"
ENTITY_INDIFFERENT = "indifferent"
MAX_TYPED_OCCUPATION_WORDS = 4
_LETTERS = re.compile(r"[A-Za-zÄÖÜäöüß]")


def _entities(tracker: Tracker, entity: str) -> list[dict[str, Any]]:
    return [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def _is_upgrade(code: Any) -> bool:
    """A KldB code of an Aufsichts-/Führungsposition (4th digit 9: Meister, Leitung)."""
    return isinstance(code, str) and len(code) == 5 and code[3] == "9"


def kind_of(entity: dict[str, Any]) -> str | None:
    """Upgrade kind of a coded occupation entity that is itself an upgrade ("Maurermeister")."""
    code = kldb_of(entity) or ""
    return "upgrade" if len(code) == 5 and code[3] == "9" else None


def _plausible_text(value: Any) -> bool:
    text = str(value or "").strip()
    return bool(text) and len(text) <= MAX_OCCUPATION_CHARS and bool(_LETTERS.search(text))


def _value_before_turn(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message (the events of this turn not applied)."""
    value, before = None, None
    for event in tracker.events:
        if event.get("event") == "user":
            before = value
        if event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
    return before


def requested_this_turn(tracker: Tracker) -> Any:
    """The slot the form had asked for when the latest message came.

    This action runs twice per turn: during slot extraction (custom mappings of
    ``current_kldb``/``profile_skipped``) and then in the form. With a question left open
    ("egal") the first run already moves ``requested_slot`` on; read afterwards, the same "egal"
    to the goal question would also answer (and skip) the time-model question. So when
    ``requested_slot`` changed after the latest user message, its value before the message
    counts.
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "slot" and event.get("name") == c.REQUESTED_SLOT:
            return _value_before_turn(tracker, c.REQUESTED_SLOT)
    return tracker.get_slot(c.REQUESTED_SLOT)


class ValidateProfileForm(FormValidationAction):
    """Validates and normalises the learner profile collected by ``profile_form``."""

    def name(self) -> str:
        return "validate_profile_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The domain's required slots without those the user left open ("egal", "weiß
        nicht"); unchanged outside the active form."""
        skipped = set(tracker.get_slot(SLOT_SKIPPED) or [])
        if not skipped or tracker.active_loop.get("name") != c.PROFILE_FORM:
            return domain_slots
        return [slot for slot in domain_slots if slot not in skipped]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().get_validation_events(dispatcher, tracker, domain)
        events += self._target_events(tracker, {e.get("name") for e in events})
        events += self._current_events(tracker, events)
        events += self._implied_events(tracker, events)
        events += self._indifferent_events(tracker, events)
        return events

    @staticmethod
    def _state(tracker: Tracker, events: list[EventType]) -> dict[str, Any]:
        """The slots as they will be after ``events``."""
        state = dict(tracker.slots)
        state.update({e["name"]: e.get("value") for e in events if e.get("event") == "slot"})
        return state

    @staticmethod
    def _current_events(tracker: Tracker, events: list[EventType]) -> list[EventType]:
        """current_occupation/current_kldb from the message when no validation set them: a
        role ``current`` occupation, or the only coded occupation without a role while the
        profile has no current occupation yet."""
        if any(e.get("name") == c.SLOT_CURRENT_KLDB for e in events):
            return []
        entities = tracker.latest_message.get("entities", [])
        occupations = [e for e in occupation_entities(entities) if kldb_of(e)]
        current = [e for e in occupations if e.get("role") == c.ROLE_CURRENT]
        unroled = [e for e in occupations if not e.get("role")]
        if not current and len(unroled) == 1 and len(occupations) == 1:
            if not tracker.get_slot(c.SLOT_CURRENT_OCCUPATION):
                current = unroled
        if not current or not _plausible_text(current[0].get("value")):
            return []
        value, code = str(current[0]["value"]).strip(), kldb_of(current[0])
        if tracker.get_slot(c.SLOT_CURRENT_KLDB) == code:
            return []
        return [SlotSet(c.SLOT_CURRENT_OCCUPATION, value), SlotSet(c.SLOT_CURRENT_KLDB, code)]

    def _implied_events(self, tracker: Tracker, events: list[EventType]) -> list[EventType]:
        """Upgrade target and implied goal (see the module docstring)."""
        entities = tracker.latest_message.get("entities", [])
        kind = upgrade_kind(entities, tracker.latest_message.get("text") or "")
        state = self._state(tracker, events)
        current, target = state.get(c.SLOT_CURRENT_KLDB), state.get(c.SLOT_TARGET_KLDB)
        out: list[EventType] = []
        if kind:
            taken = pick_occupation(entities, c.ROLE_TARGET)
            if not current and taken is not None and kldb_of(taken) and not kind_of(taken):
                # "Als Fernmelder will ich meinen Meister machen": the named job is held now
                current = kldb_of(taken)
                out += [
                    SlotSet(c.SLOT_CURRENT_OCCUPATION, str(taken.get("value")).strip()),
                    SlotSet(c.SLOT_CURRENT_KLDB, current),
                ]
            upgraded = upgrade_code(current, kind)
            if upgraded and (target in (None, current) or not _is_upgrade(target)):
                out += [
                    SlotSet(c.SLOT_TARGET_OCCUPATION, kind.capitalize()),
                    SlotSet(c.SLOT_TARGET_KLDB, upgraded),
                ]
                target = upgraded
        stated = any(e.get("entity") == c.ENTITY_GOAL for e in entities)
        if not state.get(c.SLOT_GOAL) and not stated:
            goal = implied_goal(current, target, kind)
            if goal:
                out.append(SlotSet(c.SLOT_GOAL, goal))
        return out

    @staticmethod
    def _indifferent_events(tracker: Tracker, events: list[EventType]) -> list[EventType]:
        """ "egal"/"weiß nicht" to a form question: format ``egal``, other questions left open;
        a format ``egal`` the NLU read from the same word is undone for the other questions."""
        requested = requested_this_turn(tracker)
        entities = tracker.latest_message.get("entities", [])
        if not requested or not any(e.get("entity") == ENTITY_INDIFFERENT for e in entities):
            return []
        if requested == c.SLOT_FORMAT:
            return [SlotSet(c.SLOT_FORMAT, c.FORMAT_ANY)]
        if any(e.get("name") == requested and e.get("value") for e in events):
            return []
        skipped = [s for s in tracker.get_slot(SLOT_SKIPPED) or [] if s != requested]
        out: list[EventType] = [SlotSet(SLOT_SKIPPED, [*skipped, requested])]
        if any(e.get("entity") == c.ENTITY_FORMAT for e in entities):
            out.append(SlotSet(c.SLOT_FORMAT, _value_before_turn(tracker, c.SLOT_FORMAT)))
        return out

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
        entity = pick_occupation(entities, c.ROLE_CURRENT)
        if entity is None or not kldb_of(entity):
            entity = pick_occupation(entities, c.ROLE_CURRENT, str(value or "")) or entity
        upgrade = upgrade_kind(entities, tracker.latest_message.get("text") or "")
        if entity is not None and entity.get("role") == c.ROLE_TARGET and not upgrade:
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
        asked_now = requested_this_turn(tracker) == c.SLOT_TIME_MODEL
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
