"""Renderers for the curated facts in ``knowledge/`` (funding checklists, topics, contacts).

The data lives only in the knowledge base: funding instruments in
``knowledge/data/funding/instruments.json`` (:mod:`knowledge.funding`), information topics and
contacts in ``knowledge/data/facts/`` (:mod:`knowledge.facts`). Every answer is a checklist, not
a verdict, and names who decides, the source URL(s) and the "Stand" date. Pure functions.

Every renderer takes the reply ``style`` (German, einfache Sprache, English): only the framing
comes from :mod:`bot.actions.utils.info_texts`; the facts are shown as the knowledge base has
them (German).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.actions.utils.formatting import STYLE_DE
from bot.actions.utils.info_texts import plural, status_label, text
from knowledge import facts as kfacts
from knowledge import funding

DISCLAIMER = text("disclaimer")
DECISION_DISCRETIONARY = text("decision_discretionary")
DECISION_ENTITLEMENT = text("decision_entitlement")


def disclaimer(style: str = STYLE_DE) -> str:
    """ "Orientation, not a promise - the office named decides" in ``style``."""
    return text("disclaimer", style)


def load_topic(key: str) -> kfacts.Topic:
    """An information topic (``recognition`` or ``language``) from the knowledge base."""
    return kfacts.load_topic(key)


def load_contacts() -> tuple[kfacts.Contact, ...]:
    """Counselling contacts from the knowledge base."""
    return kfacts.load_contacts()


def _unique(urls: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(urls))


def source_line(sources: Sequence[str], stand: str, style: str = STYLE_DE) -> str:
    """ "Quelle: <url> (Stand: November 2026)" (several URLs joined by " ; ")."""
    urls = _unique(sources)
    return plural(
        "source", len(urls), style, urls=" ; ".join(urls), stand=funding.format_stand(stand)
    )


def decision_line(instrument: funding.Instrument, style: str = STYLE_DE) -> str:
    """How the office decides: the data's wording, else by ``discretionary``."""
    if instrument.decision:
        return instrument.decision
    key = "decision_discretionary" if instrument.discretionary else "decision_entitlement"
    return text(key, style)


def render_item(
    item: funding.ChecklistItem, extra: Sequence[str] = (), style: str = STYLE_DE
) -> str:
    """One instrument as a checklist: status, conditions, amounts, office, source and Stand."""
    instrument = item.instrument
    if item.status == funding.NOTE:
        lines = [instrument.title, instrument.summary]
    else:
        status = status_label(item.status, style)
        lines = [
            text("item_status", style, title=instrument.title, status=status),
            instrument.summary,
        ]
    if item.conditions_met:
        lines.append(text("met", style))
        lines += [f"✓ {condition}" for condition in item.conditions_met]
    if item.conditions_failed:
        lines.append(text("failed", style))
        lines += [f"✗ {condition}" for condition in item.conditions_failed]
    if item.conditions_to_confirm:
        lines.append(text("to_confirm", style))
        lines += [f"☐ {condition}" for condition in item.conditions_to_confirm]
    if item.amounts:
        lines.append(text("amounts", style))
        lines += [f"• {amount}" for amount in item.amounts]
    lines += [text("note", style, text=note) for note in item.notes]
    lines += [reported_line(detail, style) for detail in item.reported]
    lines += list(extra)
    lines.append(text("who_decides", style, office=item.office))
    lines.append(decision_line(instrument, style))
    lines.append(source_line(item.sources, item.stand, style))
    return "\n".join(lines)


def reported_line(detail: funding.Detail, style: str = STYLE_DE) -> str:
    """A fact known only from reports: "nach Berichten, Stand …", its source, staff to confirm."""
    return text(
        "reported",
        style,
        text=detail.display,
        stand=funding.format_stand(detail.stand or ""),
        source=detail.source or "",
    )


def render_note_short(item: funding.ChecklistItem, style: str = STYLE_DE) -> str:
    """A statement entry (Bildungsurlaub) in one short paragraph with source and Stand."""
    source = source_line(item.sources, item.stand, style)
    return f"{item.title}: {item.instrument.summary}\n{source}"


def render_overview(
    items: Sequence[funding.ChecklistItem], unlikely: int, style: str = STYLE_DE
) -> str:
    """First message of a checklist: which instruments, with their status."""
    lines = [text("overview", style)]
    lines += [f"• {item.title}: {status_label(item.status, style)}" for item in items]
    if unlikely:
        lines.append(plural("unlikely", unlikely, style))
    return "\n".join(lines)


def render_unlikely_overview(items: Sequence[funding.ChecklistItem], style: str = STYLE_DE) -> str:
    """First message when all programmes are requested: those that rather do not fit."""
    if not items:
        return text("none_excluded", style)
    lines = [text("unlikely_overview", style)]
    lines += [f"• {item.title}" for item in items]
    return "\n".join(lines)


def render_funding_line(instrument: funding.Instrument, style: str = STYLE_DE) -> str:
    """A funding instrument inside a topic answer: amounts and the office checks."""
    amounts = " ".join(
        reported_line(detail, style) if detail.reported else detail.display
        for detail in instrument.amounts
    )
    checks = " ".join(c.text for c in instrument.conditions if c.checked_by_office)
    line = f"{instrument.title}: {amounts}"
    return f"{line} {text('conditions', style)} {checks}" if checks else line


def render_topic(topic: kfacts.Topic, extra: Sequence[str] = (), style: str = STYLE_DE) -> str:
    """Full checklist answer for a topic, its funding lines and the combined sources."""
    instruments = [funding.load_catalogue().get(i) for i in topic.funding_instruments]
    lines = [text("topic_title", style, title=topic.title), text("checklist", style)]
    lines += [f"☐ {item}" for item in topic.checklist]
    lines += [f"☐ {render_funding_line(i, style)}" for i in instruments]
    lines += list(extra)
    lines.append(text("who_decides", style, office=topic.office))
    sources = [*topic.sources, *(url for i in instruments for url in i.sources)]
    oldest_stand = min([topic.stand, *(i.stand for i in instruments)])
    lines.append(source_line(sources, oldest_stand, style))
    return "\n".join(lines)
