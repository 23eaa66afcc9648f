"""Pure helpers of the consultation handover (issue 13): the snapshot, the consent and texts.

No I/O. The snapshot is built from the tracker of THIS conversation at the moment of the
citizen's yes (slots and events passed in by the action, ``bot/actions/handover.py``): the
profile slots, the offers of the recommendation payloads the bot sent (title, provider, place,
reasons as shown), the learning path payload, the funding facts and the checklist of
:mod:`knowledge.funding`, and the chat text only when the citizen chose "Ja, mit
Gesprächstext". Shape: ``docs/consultation-contract.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import i18n
from appdb import plan_tokens
from bot.actions.utils import funding_profile as fp
from bot.actions.utils.style import STYLE_DE
from knowledge import funding

SNAPSHOT_VERSION = 1
#: profile keys (docs/consultation-contract.md) -> the slot they come from
PROFILE_SLOTS: dict[str, str] = {
    "current_occupation": "current_occupation",
    "current_kldb": "current_kldb",
    "target_occupation": "target_occupation",
    "target_kldb": "target_kldb",
    "municipality": "municipality",
    "goal": "goal",
    "time_model": "time_model",
    "format": "format",
    "employment_status": fp.SLOT_EMPLOYMENT,
    "vocational_qualification": fp.SLOT_QUALIFICATION,
    "foreign_qualification": "foreign_qualification",
    "german_level": "german_level",
    "language": "reply_language",
    "course_type": fp.SLOT_COURSE_TYPE,
    "qualification_since": fp.SLOT_QUALIFICATION_SINCE,
    "company_size": fp.SLOT_COMPANY_SIZE,
    "age_group": fp.SLOT_AGE_GROUP,
}
#: entity on the "Ja, mit Gesprächstext" button (``/affirm{"handover_scope": "chat"}``)
ENTITY_SCOPE = "handover_scope"
SCOPE_CHAT = "chat"
OFFER_KEYS = ("offer_id", "title", "provider", "municipality", "format", "time_model", "url",
              "next_start")  # fmt: skip
MAX_CHAT_MESSAGES = 400
MAX_MESSAGE_CHARS = 2000


def consent(intent: str | None, entities: Iterable[Mapping[str, Any]]) -> tuple[bool, bool]:
    """(agreed, with chat text) from the answer to the offer: only an explicit ``affirm``
    agrees; the chat text only with the button's ``handover_scope: chat``."""
    if intent != "affirm":
        return False, False
    with_chat = any(
        e.get("entity") == ENTITY_SCOPE and e.get("value") == SCOPE_CHAT for e in entities
    )
    return True, with_chat


def profile_from_slots(slots: Mapping[str, Any]) -> dict[str, Any]:
    """The profile JSON (keys of :data:`PROFILE_SLOTS`; missing slots are None)."""
    return {key: slots.get(slot) for key, slot in PROFILE_SLOTS.items()}


def _current_events(events: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The events after the last restart (what the citizen still sees as this conversation)."""
    start = 0
    for index, event in enumerate(events):
        if event.get("event") == "restart":
            start = index + 1
    return list(events[start:])


def _payload(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    custom = (event.get("data") or {}).get("custom")
    if isinstance(custom, Mapping) and isinstance(custom.get("data"), Mapping):
        custom = custom["data"]  # stored before the rendering layer: socket.io shape
    return custom if isinstance(custom, Mapping) else None


def shown_offers(events: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The offers the bot showed (recommendation payloads), oldest first, each once."""
    found: dict[str, dict[str, Any]] = {}
    for event in _current_events(events):
        payload = _payload(event) if event.get("event") == "bot" else None
        if not payload or payload.get("type") != "recommendations":
            continue
        for item in payload.get("items") or []:
            offer = {k: item.get(k) for k in OFFER_KEYS}
            offer["reasons"] = [
                str(r.get("text") or "") for r in item.get("reasons") or [] if r.get("text")
            ]
            if offer["offer_id"] and offer["offer_id"] not in found:
                found[str(offer["offer_id"])] = offer
    return list(found.values())


def learning_path(events: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    """The last learning-path payload the bot sent, or None."""
    last = None
    for event in _current_events(events):
        payload = _payload(event) if event.get("event") == "bot" else None
        if payload and payload.get("type") == "learning_path":
            last = dict(payload)
    return last


def chat_text(events: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """User and bot messages as text (button payloads such as ``/affirm`` are left out, the
    tokens of plan links removed)."""
    lines: list[dict[str, str]] = []
    for event in _current_events(events):
        kind = event.get("event")
        text = str(event.get("text") or "").strip()
        if kind not in ("user", "bot") or not text or text.startswith("/"):
            continue
        text = plan_tokens.redact(text)  # a plan link shown by "Mein Plan" stays in the chat only
        lines.append({"from": kind, "text": text[:MAX_MESSAGE_CHARS]})
    return lines[-MAX_CHAT_MESSAGES:]


def engine_facts(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Facts of :func:`knowledge.funding.evaluate` for a consultation profile (the bot's
    funding-form values under their slot names; unknown facts left out)."""
    values = {slot: profile.get(key) for key, slot in PROFILE_SLOTS.items()}
    return fp.engine_facts(values, profile.get("target_kldb"))


def funding_facts(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Facts of :func:`knowledge.funding.evaluate` from the profile (ranges as [lo, hi])."""
    facts = engine_facts(profile)
    return {k: ([v.low, v.high] if isinstance(v, funding.Range) else v) for k, v in facts.items()}


def checklist(profile: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The funding checklist for the profile, as shown in the staff app."""
    items = funding.evaluate(engine_facts(profile))
    return [
        {
            "id": item.id,
            "title": item.title,
            "status": item.status,
            "office": item.office,
            "stand": item.stand,
            "sources": list(item.sources),
        }
        for item in items
    ]


def snapshot(
    slots: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    with_chat: bool,
    now: dt.datetime,
) -> dict[str, Any]:
    """The snapshot JSON (docs/consultation-contract.md)."""
    profile = profile_from_slots(slots)
    return {
        "version": SNAPSHOT_VERSION,
        "taken_at": now.replace(microsecond=0).isoformat(),
        "profile": profile,
        "shown_offer_ids": [str(x) for x in slots.get("shown_offer_ids") or []],
        "offers": shown_offers(events),
        "learning_path": learning_path(events),
        "funding_facts": funding_facts(profile),
        "checklist": checklist(profile),
        "chat": chat_text(events) if with_chat else [],
    }


# ------------------------------------------------------------------------------- texts


def _text(key: str, style: str, **values: object) -> str:
    return i18n.text(f"handover.{key}", style, **values)


def explain_text(days: int, style: str = STYLE_DE) -> str:
    """What the counsellor will see, the code, the expiry; the question."""
    return _text("explain", style, days=days)


def consent_buttons(style: str = STYLE_DE, callback: bool = False) -> list[dict[str, str]]:
    buttons = [
        {"title": _text("yes", style), "payload": "/affirm"},
        {
            "title": _text("yes_chat", style),
            "payload": f'/affirm{{"{ENTITY_SCOPE}": "{SCOPE_CHAT}"}}',
        },
        {"title": _text("no", style), "payload": "/deny"},
    ]
    if callback:
        buttons.append({"title": _text("callback", style), "payload": "/request_callback"})
    return buttons


def stored_text(code: str, days: int, with_chat: bool, style: str = STYLE_DE) -> str:
    """The code message; ends with the hint that the plan can be asked for here later
    ("Mein Plan", :mod:`bot.actions.plan_link`)."""
    lines = [_text("stored", style, code=code, days=days)]
    if with_chat:
        lines.append(_text("stored_chat", style))
    lines.append(_text("plan_later", style))
    return "\n".join(lines)
