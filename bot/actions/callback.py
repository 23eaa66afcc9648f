"""Callback request: offer, consent, contact form and storage (thin actions).

Flow (rules in ``bot/data/rules/callback.yml``):

1. ``action_request_human`` (bot/actions/info.py) names the counselling places and sets
   ``callback_available`` (true only when ``CALLBACK_RECIPIENT`` is configured);
2. if true, ``action_offer_callback`` offers a callback by the configured recipient;
3. ``callback_form`` asks for consent first (``action_ask_callback_consent``: what is stored,
   who reads it, how long it is kept), then the contact (phone or e-mail) and an optional
   preferred time; a "no" at the consent or the contact question ends the form;
4. ``action_submit_callback`` stores the request only if consent is true and the contact is
   valid (``bot.actions.clients.callback_store``), confirms, and clears the form slots.

Validation and texts are pure helpers in :mod:`bot.actions.utils.callback`. No contact data and
no message text is logged.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.clients import callback_store
from bot.actions.info import situation_tags
from bot.actions.settings import load_settings
from bot.actions.utils import callback as cb
from bot.actions.utils import formatting

logger = logging.getLogger(__name__)

CALLBACK_FORM = "callback_form"
SLOT_AVAILABLE = "callback_available"
SLOT_CONSENT = "callback_consent"
SLOT_CONTACT = "callback_contact"
SLOT_TIME = "callback_time"
FORM_SLOTS = (SLOT_CONSENT, SLOT_CONTACT, SLOT_TIME)
UTTER_INVALID_CONTACT = "utter_callback_invalid_contact"
UTTER_INVALID_TIME = "utter_callback_invalid_time"
UTTER_NOT_STORED = "utter_callback_not_stored"
UTTER_STORE_FAILED = "utter_callback_store_failed"
UTTER_NOT_AVAILABLE = "utter_callback_not_available"


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def _style(tracker: Tracker) -> str:
    return formatting.style_of_slots(tracker.current_slot_values())


class ActionOfferCallback(Action):
    """Offers a callback by the configured recipient (nothing if none is configured)."""

    def name(self) -> str:
        return "action_offer_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = load_settings()
        if not settings.callback_configured:
            return [SlotSet(SLOT_AVAILABLE, False)]
        style = _style(tracker)
        dispatcher.utter_message(
            text=cb.offer_text(settings.callback_recipient, style),
            buttons=cb.offer_buttons(style),
        )
        return []


class ActionAskCallbackConsent(Action):
    """The consent question of ``callback_form``, naming recipient and retention period."""

    def name(self) -> str:
        return "action_ask_callback_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = load_settings()
        style = _style(tracker)
        if not settings.callback_configured:  # configuration removed mid-conversation
            dispatcher.utter_message(response=UTTER_NOT_AVAILABLE)
            return [SlotSet(SLOT_CONSENT, False)]
        dispatcher.utter_message(
            text=cb.consent_text(
                settings.callback_recipient, settings.callback_retention_days, style
            ),
            buttons=cb.consent_buttons(style),
        )
        return []


class ValidateCallbackForm(FormValidationAction):
    """Consent only from an explicit yes/no; contact and time validated by pure helpers."""

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot(SLOT_CONSENT) is False:  # refused or withdrawn: the form ends
            return [SLOT_CONSENT]
        return domain_slots

    def validate_callback_consent(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if not load_settings().callback_configured:
            return {SLOT_CONSENT: False}
        return {SLOT_CONSENT: cb.consent_from_intent(_intent(tracker))}

    def validate_callback_contact(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        contact = cb.parse_contact(str(slot_value or ""))
        if contact is None and _intent(tracker) == "deny":  # "no, rather not": withdraw
            return {SLOT_CONSENT: False, SLOT_CONTACT: None}
        if contact is None:
            dispatcher.utter_message(response=UTTER_INVALID_CONTACT)
            return {SLOT_CONTACT: None}
        return {SLOT_CONTACT: contact.value}

    def validate_callback_time(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        value = cb.parse_time(str(slot_value or ""), _intent(tracker))
        if value is None:
            dispatcher.utter_message(response=UTTER_INVALID_TIME)
        return {SLOT_TIME: value}


class ActionSubmitCallback(Action):
    """Stores the request only with consent and a valid contact; always clears the form slots."""

    def name(self) -> str:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = load_settings()
        style = _style(tracker)
        consent = tracker.get_slot(SLOT_CONSENT) is True
        contact = cb.parse_contact(tracker.get_slot(SLOT_CONTACT))
        clear = [SlotSet(slot, None) for slot in FORM_SLOTS]
        if not (consent and contact and settings.callback_configured):
            dispatcher.utter_message(response=UTTER_NOT_STORED)
            logger.info("callback request: not stored (consent=%s)", consent)
            return clear
        time = tracker.get_slot(SLOT_TIME)
        request = callback_store.CallbackRequest(
            day=settings.today(),
            contact_kind=contact.kind,
            contact=contact.value,
            preferred_time=cb.stored_time(time),
            situation=cb.situation_value(situation_tags(tracker)),
            recipient=settings.callback_recipient,
        )
        stored = await asyncio.to_thread(
            callback_store.write, settings.app_db_url, tracker.sender_id, request
        )
        if stored:
            dispatcher.utter_message(
                text=cb.stored_text(
                    contact,
                    time,
                    settings.callback_recipient,
                    settings.callback_retention_days,
                    style,
                )
            )
            logger.info("callback request: stored (%s)", contact.kind)
        else:
            dispatcher.utter_message(response=UTTER_STORE_FAILED)
        return clear
