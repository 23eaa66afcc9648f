"""Information actions: funding, language courses, shortage occupations, contacts.

Recognition of foreign qualifications: :mod:`bot.actions.recognition`.

Answers are short checklists built from the knowledge base (``knowledge.funding``: the
funding rules and their engine; ``knowledge.facts``: topics and contacts; ``knowledge.shortage``);
each names who decides, the source and its "Stand". No verdicts, no invented contact data.
The framing follows the reply style (German, einfache Sprache, English; templates in
``bot.actions.utils.info_texts``); the facts stay as the knowledge base has them.
Message texts are never logged.
"""

from __future__ import annotations

import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions import constants as c
from bot.actions.clients.search_client import get_search_client
from bot.actions.settings import load_settings
from bot.actions.utils import facts, formatting, nearby, occupations
from bot.actions.utils import funding_profile as fp
from bot.actions.utils.info_texts import text as info_text
from bot.actions.utils.places import local_vhs
from bot.actions.utils.profile import kldb_of, occupation_entities, profile_from_slots
from knowledge import facts as kfacts
from knowledge import funding, shortage

logger = logging.getLogger(__name__)

MAX_CHECKLISTS = 2
SLOT_CALLBACK_AVAILABLE = "callback_available"
UTTER_FUNDING_FOLLOWUP = "utter_funding_followup"


def _entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [
        str(e.get("value"))
        for e in tracker.latest_message.get("entities", [])
        if e.get("entity") == entity and e.get("value")
    ]


def _occupation_code(tracker: Tracker) -> str | None:
    """KldB code the question is about: an occupation in the message, else target, else current."""
    for entity in occupation_entities(tracker.latest_message.get("entities", [])):
        code = kldb_of(entity) or occupations.code_for_title(str(entity.get("value")))
        if code:
            return code
    profile = profile_from_slots(tracker.current_slot_values())
    return profile.target_kldb or profile.current_kldb


def _style(tracker: Tracker) -> str:
    return formatting.style_of_slots(tracker.current_slot_values())


def shortage_line(entry: shortage.ShortageEntry, style: str = formatting.STYLE_DE) -> str:
    """One shortage statement naming level, year, source and Stand."""
    statement = entry.statement
    if style == formatting.STYLE_PLAIN:  # the template ends each piece with a full stop
        statement = statement.rstrip(".")
    return info_text(
        "shortage_line",
        style,
        title=entry.title,
        statement=statement,
        level=entry.level,
        year=entry.year,
        url=entry.source_url,
        stand=formatting.format_date_de(entry.stand),
    )


def vhs_line(municipality: str | None, style: str = formatting.STYLE_DE) -> str | None:
    """Which VHS is responsible for the user's municipality, as far as researched."""
    info = local_vhs(municipality)
    if info is None:
        return None
    if not info.name:
        return info_text("vhs_unknown", style, municipality=info.municipality)
    caveat = "" if info.status.startswith("verifiziert") else info_text("vhs_caveat", style)
    return info_text("vhs", style, municipality=info.municipality, name=info.name, caveat=caveat)


class ActionFundingInfo(Action):
    """Funding checklist from the rule engine in :mod:`knowledge.funding`.

    - A question that names an instrument ("Was ist der Meisterbonus?") gets that instrument's
      checklist, evaluated against what is known.
    - Otherwise the checklist: likely and possible instruments, each with the conditions to
      confirm, amounts, deciding office, sources and Stand, then the Bildungsurlaub statement,
      the disclaimer and ``utter_funding_followup``. Unknown facts appear as "to confirm".
      When deciding facts are missing, the rules run ``funding_form`` first (see
      ``bot/actions/funding_form.py``) and this action after it.
    - ``topic`` "alle" (button "Alle Programme anzeigen") also lists instruments that
      "passen eher nicht"; a general question while ``funding_form`` is active gets no
      answer, the form asks its question again.
    The funding-form slots are normalised from the message (facts given in one message are
    kept, so the form does not ask them later).
    """

    def name(self) -> str:
        return "action_funding_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        latest = tracker.latest_message or {}
        text = str(latest.get("text") or "")
        slots = tracker.current_slot_values()
        style = formatting.style_of_slots(slots)
        values = fp.form_values(slots, latest.get("entities") or [])
        events: list[EventType] = [
            SlotSet(slot, value) for slot, value in values.items() if value != slots.get(slot)
        ]
        target_kldb = profile_from_slots(slots).target_kldb
        profile = fp.engine_facts(values, target_kldb)
        topics = _entity_values(tracker, c.ENTITY_TOPIC)
        show_all = any(fp.fold(t) == fp.TOPIC_ALL for t in topics)

        asked = funding.find_instruments(" ".join([text, *topics]))
        if asked and not show_all:
            items = funding.evaluate(profile, only=[i.id for i in asked[:MAX_CHECKLISTS]])
            for item in items:
                extra = self._extra(item, target_kldb, style)
                dispatcher.utter_message(text=facts.render_item(item, extra, style))
            dispatcher.utter_message(text=facts.disclaimer(style))
            logger.info("funding info: asked=%s", [i.id for i in items])
            return events
        if (tracker.active_loop or {}).get("name") == fp.FUNDING_FORM:
            return events  # the form asks its question again

        everything = funding.evaluate(profile, include_unlikely=True)
        if show_all:  # the likely and possible ones were shown before
            funding_items = [i for i in everything if i.status == funding.UNLIKELY]
            overview = facts.render_unlikely_overview(funding_items, style)
        else:
            funding_items = [
                i for i in everything if i.status in (funding.LIKELY, funding.POSSIBLE)
            ]
            unlikely = sum(i.status == funding.UNLIKELY for i in everything)
            overview = facts.render_overview(funding_items, unlikely, style)
        notes = [i for i in everything if i.status == funding.NOTE]
        dispatcher.utter_message(text=overview)
        for item in funding_items:
            extra = self._extra(item, target_kldb, style)
            dispatcher.utter_message(text=facts.render_item(item, extra, style))
        for item in notes:
            dispatcher.utter_message(text=facts.render_note_short(item, style))
        dispatcher.utter_message(text=facts.disclaimer(style))
        if not show_all:
            dispatcher.utter_message(response=UTTER_FUNDING_FOLLOWUP)
        logger.info("funding info: checklist=%s", [(i.id, i.status) for i in funding_items])
        return events

    @staticmethod
    def _extra(
        item: funding.ChecklistItem, target_kldb: str | None, style: str = formatting.STYLE_DE
    ) -> list[str]:
        """Shortage evidence for the target occupation where § 81 SGB III is concerned."""
        if not item.id.startswith("bildungsgutschein") or not target_kldb:
            return []
        entries = [e for e in shortage.lookup(target_kldb) if e.status == "Engpass"]
        if not entries:
            return []
        e = entries[0]
        return [
            info_text(
                "shortage_hint", style, title=e.title, level=e.level, year=e.year, url=e.source_url
            )
        ]


class ActionLanguageCourses(Action):
    """Integrationskurs and Berufssprachkurs facts plus the local VHS."""

    def name(self) -> str:
        return "action_language_courses"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topic = facts.load_topic("language")
        settings = load_settings()
        style = _style(tracker)
        municipality = profile_from_slots(tracker.current_slot_values()).municipality
        line = vhs_line(municipality, style)
        extra = [line] if line else []
        links = await nearby.nearby_offers(
            get_search_client(settings),
            ("integrationskurs", "berufssprachkurs"),
            today=settings.today(),
            municipality=municipality,
            reach_km=settings.reach_km,
            limit=4,
        )
        where = info_text("near", style, place=municipality) if municipality else ""
        extra += nearby.offer_lines(info_text("language_offers", style, where=where), links, style)
        dispatcher.utter_message(text=facts.render_topic(topic, extra, style))
        return []


class ActionShortageOccupations(Action):
    """Shortage occupations from ``knowledge.shortage`` (level and year named)."""

    def name(self) -> str:
        return "action_shortage_occupations"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        code = _occupation_code(tracker)
        style = _style(tracker)
        lines: list[str] = []
        if code:
            entries = shortage.lookup(code)
            title = (occupations.title_for_code(code) or code).split(" (")[0]
            if entries:
                lines.append(info_text("shortage_known", style, title=title))
                lines += [shortage_line(e, style) for e in entries]
            else:
                lines.append(info_text("shortage_unknown", style, title=title))
        if not lines or not code:
            entries = [e for e in shortage.load_shortages() if e.status == "Engpass"]
            lines.append(info_text("shortage_list", style))
            lines += [shortage_line(e, style) for e in entries]
        lines.append(info_text("shortage_caveat", style))
        logger.info("shortage info: code given=%s", bool(code))
        dispatcher.utter_message(text="\n".join(lines))
        return []


def situation_tags(tracker: Tracker) -> set[str]:
    """The user's situation as far as the conversation shows it: the employment status slot
    and "anerkennung" if recognition was asked about (intent only, no message text) or a
    qualification from abroad was seen (slot ``foreign_qualification``)."""
    tags = set()
    status = tracker.get_slot(fp.SLOT_EMPLOYMENT)
    if status:
        tags.add(str(status))
    if tracker.get_slot(c.SLOT_FOREIGN_QUALIFICATION) is True:
        tags.add("anerkennung")
    asked = (
        (e.get("parse_data") or {}).get("intent", {}).get("name")
        for e in tracker.events
        if e.get("event") == "user"
    )
    if "ask_recognition" in asked:
        tags.add("anerkennung")
    return tags


def contact_line(contact: kfacts.Contact, style: str = formatting.STYLE_DE) -> str:
    url = f" – {contact.url}" if contact.url else ""
    return info_text("contact", style, name=contact.name, what=contact.what, url=url)


class ActionRequestHuman(Action):
    """Hand-off to human counselling (only contact data from the research brief)."""

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        situations = situation_tags(tracker)
        style = _style(tracker)
        first, others = kfacts.contacts_for(situations, facts.load_contacts())
        lines = [info_text("human_intro", style)]
        if first:
            lines.append(info_text("human_first", style))
            lines += [contact_line(contact, style) for contact in first]
            lines.append(info_text("human_also", style))
        lines += [contact_line(contact, style) for contact in others]
        line = vhs_line(profile_from_slots(tracker.current_slot_values()).municipality, style)
        if line:
            lines.append(f"• {line}")
        logger.info("request human: situations=%s", sorted(situations))
        dispatcher.utter_message(text="\n".join(lines))
        # a callback is offered next only where a recipient is configured (bot/actions/callback.py)
        return [SlotSet(SLOT_CALLBACK_AVAILABLE, load_settings().callback_configured)]
