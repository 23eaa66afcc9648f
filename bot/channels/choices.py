"""Numbered choices on the input side: "2", "die zweite", "Nummer 2", "zweitens" -> that button.

Text clients show a message's buttons as "1) …", "2) …" (:mod:`rendering.choices`). Every input
channel subclass (socket.io, REST – which the Matrix bridge uses –, and the Telegram/Twilio
channels) passes the user's text through :func:`resolve_choice` before Rasa sees it. The buttons
come from Rasa's own tracker store: the last bot turn (bot events after the last user message)
as stored by Rasa (``BotUttered.data["buttons"]``). No extra slot is needed and nothing has to
be kept per channel.

A number becomes the button's payload only when

- the whole message is a choice ("2", "2.", "Nr. 2", "Nummer zwei", "die zweite", "zweitens",
  "the second"); "Erzähl mehr zu 2" is not;
- the last bot turn had buttons and NO numbered offer list (after recommendations "2" means
  offer 2: :mod:`bot.actions.utils.offer_refs`);
- the number is in range. Otherwise the text goes to the NLU unchanged.

``choice:<n>`` (Telegram callback data for a payload over 64 bytes, :mod:`rendering.choices`)
always means the n-th button of the last bot turn. Only the standard library is used; the
tracker store is reached duck-typed through ``app.ctx.agent.tracker_store``. Nothing is logged
except that a choice was mapped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rendering.choices import CHOICE_PREFIX

logger = logging.getLogger(__name__)

#: payload types whose text form numbers its entries ("2" then means that entry)
NUMBERED_LISTS = ("recommendations",)

_ORDINALS = {
    "erst": 1, "zweit": 2, "dritt": 3, "viert": 4, "fünft": 5, "fuenft": 5, "sechst": 6,
    "siebt": 7, "siebent": 7, "acht": 8, "neunt": 9, "zehnt": 10,
}  # fmt: skip
_ORDINALS_EN = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_CARDINALS = {
    "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9, "zehn": 10, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_NOUN = r"(?:nr|nummer|number|no|option|antwort|auswahl|möglichkeit|punkt|choice)"
_FILLER = r"(?:bitte|please|danke|nehme ich|ich nehme|ich wähle|die|der|das|den|the)"
_NUMBER = re.compile(rf"^(?:{_FILLER}\s+)*(?:{_NOUN}\s*)?(\d{{1,2}}|[a-zäöü]+)(?:\s+{_FILLER})*$")
_ORDINAL = re.compile(
    rf"^(?:{_FILLER}\s+)*([a-zäöü]+?)(?:e|er|es|en|em|ens)?(?:\s+(?:{_NOUN}|one|bitte|please))?$"
)


def _normalise(text: str) -> str:
    text = text.strip().lower()
    text = re.sub(r"[.,;:!?)(\"'„“”]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def choice_number(text: Any) -> int | None:
    """The number a message chooses, or None when the message is more than a choice."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    norm = _normalise(text)
    match = _NUMBER.match(norm)
    if match:
        token = match.group(1)
        if token.isdigit():
            return int(token)
        if token in _CARDINALS and (norm == token or re.search(_NOUN, norm)):
            return _CARDINALS[token]
    match = _ORDINAL.match(norm)
    if match:
        stem = match.group(1)
        if stem in _ORDINALS and stem != "acht":
            return _ORDINALS[stem]
        if norm.startswith("acht") and norm != "acht":  # "achte", "achtens"
            return 8
        for word, number in _ORDINALS_EN.items():
            if norm.split()[-1] == word or f" {word} " in f" {norm} ":
                return number
    return None


def _payload_type(data: Mapping[str, Any]) -> str | None:
    custom = data.get("custom")
    if isinstance(custom, Mapping) and isinstance(custom.get("data"), Mapping):
        custom = custom["data"]  # conversations stored before the rendering layer
    kind = custom.get("type") if isinstance(custom, Mapping) else None
    return kind if isinstance(kind, str) else None


def last_turn(events: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
    """The buttons of the last bot turn (its last message with buttons) and whether that turn
    showed a numbered offer list. ``events`` as dicts (``Event.as_dict()``), oldest first."""
    turn: list[Mapping[str, Any]] = []
    for event in events:
        if event.get("event") == "user":
            turn = []
        elif event.get("event") == "bot":
            turn.append(event.get("data") or {})
    buttons: list[dict[str, Any]] = []
    for data in turn:
        raw = data.get("buttons") or data.get("quick_replies")
        if isinstance(raw, list) and raw:
            buttons = [dict(b) for b in raw if isinstance(b, Mapping) and b.get("title")]
    listed = any(_payload_type(data) in NUMBERED_LISTS for data in turn)
    return buttons, listed


def resolve_from_events(text: Any, events: Iterable[Mapping[str, Any]]) -> Any:
    """``text``, or the payload of the button it chooses (see the module docstring)."""
    if not isinstance(text, str):
        return text
    mapped = text.strip().startswith(CHOICE_PREFIX)
    if mapped:
        digits = text.strip()[len(CHOICE_PREFIX) :]
        number = int(digits) if digits.isdigit() else None
    else:
        number = choice_number(text)
    if number is None:
        return text
    buttons, listed = last_turn(events)
    if (listed and not mapped) or not 1 <= number <= len(buttons):
        return text
    button = buttons[number - 1]
    logger.info("numbered choice mapped to a button")
    return str(button.get("payload") or button.get("title"))


def _recent_events(tracker: Any) -> Sequence[Mapping[str, Any]]:
    """The tracker's events since the last user message (and that message), as dicts."""
    recent: list[Mapping[str, Any]] = []
    for event in reversed(list(getattr(tracker, "events", []) or [])):
        as_dict = event.as_dict() if hasattr(event, "as_dict") else dict(event)
        recent.append(as_dict)
        if as_dict.get("event") == "user":
            break
    return list(reversed(recent))


async def resolve_choice(app: Any, sender_id: str | None, text: Any) -> Any:
    """Resolve a numbered choice against the conversation in Rasa's tracker store
    (``app.ctx.agent.tracker_store``); any failure leaves the text unchanged."""
    if sender_id is None or not isinstance(text, str):
        return text
    if choice_number(text) is None and not text.strip().startswith(CHOICE_PREFIX):
        return text  # the common case: no tracker lookup
    store = getattr(getattr(getattr(app, "ctx", None), "agent", None), "tracker_store", None)
    if store is None:
        return text
    try:
        tracker = await store.retrieve(sender_id)
    except Exception as exc:  # noqa: BLE001 – a lookup failure must not lose the message
        logger.warning("numbered choice: tracker not readable (%s)", type(exc).__name__)
        return text
    if tracker is None:
        return text
    return resolve_from_events(text, _recent_events(tracker))
