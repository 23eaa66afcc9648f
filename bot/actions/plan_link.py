""" "Mein Plan" in the chat (issue 13): the citizen's read-only link to the counsellor's plan.

Rule ``ask_plan`` -> ``action_show_plan`` (``bot/data/rules/handover.yml``). The action looks up
the plans of the consultations handed over from THIS conversation
(:mod:`bot.actions.clients.plan_link_store`) and

- shows a NEW link to the newest plan (title, office, ``$PUBLIC_URL/plan/<token>``, expiry
  after ``STAFF_PLAN_LINK_TTL_DAYS``, the hint that the link is personal), or
- says that there is no plan yet (``utter_plan_not_yet``; without any consultation
  ``utter_plan_no_consultation``, which mentions the handover), or
- says that the link could not be made (``utter_plan_link_failed``) when the database fails.

Nothing here logs the token, the link, the sender id or the plan title.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import i18n
from appdb import plan_tokens
from bot.actions.clients import plan_link_store as store
from bot.actions.settings import load_settings
from bot.actions.utils import formatting

logger = logging.getLogger(__name__)

UTTER_NOT_YET = "utter_plan_not_yet"
UTTER_NO_CONSULTATION = "utter_plan_no_consultation"
UTTER_FAILED = "utter_plan_link_failed"
LOCAL_ZONE = "Europe/Berlin"


def local_date(when: dt.datetime) -> dt.date:
    """The local (Munich) date of a naive UTC time."""
    aware = when.replace(tzinfo=dt.timezone.utc)
    try:
        return aware.astimezone(ZoneInfo(LOCAL_ZONE)).date()
    except ZoneInfoNotFoundError:  # no time zone data installed: the UTC date
        return aware.date()


def link_text(link: store.PlanLink, public_url: str, style: str) -> str:
    """The message with the plan's title, office, link and expiry date."""
    return i18n.text(
        "plan_link.shown",
        style,
        title=link.title,
        office=link.office,
        url=plan_tokens.public_url(public_url, link.token),
        date=i18n.format_date(local_date(link.expires_at), style),
    )


class ActionShowPlan(Action):
    """Shows a new personal link to the newest plan of this conversation's consultations."""

    def name(self) -> str:
        return "action_show_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = load_settings()
        found = await asyncio.to_thread(
            store.newest_plan_link,
            settings.app_db_url,
            tracker.sender_id,
            settings.now(),
            settings.plan_link_ttl_days,
        )
        if found is None:
            dispatcher.utter_message(response=UTTER_FAILED)
            return []
        logger.info("plan link asked for: %s", found.status)
        if found.link is None:
            no_consultation = found.status == store.NO_CONSULTATION
            dispatcher.utter_message(
                response=UTTER_NO_CONSULTATION if no_consultation else UTTER_NOT_YET
            )
            return []
        style = formatting.style_of_slots(tracker.current_slot_values())
        dispatcher.utter_message(text=link_text(found.link, settings.public_url, style))
        return []
