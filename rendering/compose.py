"""``render``: one Rasa bot message -> the message parts for one channel (stdlib + i18n).

What each channel gets (docs/channels.md, "Rendering layer"):

- ``page`` (the own chat page): the lead text, the structured payload (cards, path list) and
  the buttons; one part.
- ``text`` (any generic client: REST, socket.io widgets): the complete text – lead, every
  offer / step / funding line, footer – with the buttons as numbered choices, plus the buttons;
  one part.
- ``matrix``: complete text with numbered choices and an escaped HTML body; parts of at most
  16,000 characters.
- ``telegram``: complete plain text (sent WITHOUT ``parse_mode``, so nothing needs escaping and
  catalogue HTML cannot be interpreted), buttons as an inline keyboard whose callback data fits
  64 bytes; parts of at most 4,096 characters.
- ``twilio`` (SMS / WhatsApp): complete text with numbered choices; parts of at most 1,600.

A long answer is split between units (a lead, one offer, one step, one checklist line, the
choices), never inside one; only a single unit longer than the limit is cut, at a space.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from i18n import STYLES, text
from rendering import choices as ch
from rendering import lines as ln
from rendering.markup import html_body
from rendering.model import (
    BUTTON_CHANNELS,
    CHANNELS,
    NUMBERED_CHOICE_CHANNELS,
    TEXT_LIMITS,
    Choice,
    Outgoing,
)

RECOMMENDATIONS = "recommendations"
LEARNING_PATH = "learning_path"
#: payload types with a text form (others, e.g. ``delete_conversation``, are page-only actions)
TEXT_PAYLOADS = (RECOMMENDATIONS, LEARNING_PATH)


def structured_payload(message: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ``{"type": …}`` payload of a message (``custom``, or ``custom["data"]`` as older
    socket.io messages in stored conversations have it)."""
    custom = message.get("custom")
    for candidate in (custom, custom.get("data") if isinstance(custom, Mapping) else None):
        if isinstance(candidate, Mapping) and isinstance(candidate.get("type"), str):
            return dict(candidate)
    return None


def _lines(value: Any) -> list[str]:
    return [line for line in str(value or "").split("\n") if line.strip()]


def _units(
    message: Mapping[str, Any], payload: dict[str, Any] | None, channel: str, style: str
) -> list[str]:
    """The message as units of text (each unit is never split)."""
    kind = payload.get("type") if payload else None
    if kind in TEXT_PAYLOADS and payload is not None and "lead" in payload:
        head = _lines(payload.get("lead"))
        tail = _lines(payload.get("footer"))
    else:
        body = ch.strip_numbered_block(str(message.get("text") or ""), ch.buttons_of(message))
        head, tail = body.strip().split("\n") if body.strip() else [], []  # blank lines kept
    if channel == "page":
        if kind == LEARNING_PATH and payload is not None and "lead" in payload:
            head.append(text("path.see_overview", style))
        return head + tail
    items: list[str] = []
    if kind == RECOMMENDATIONS and payload is not None:
        items = ln.offer_lines(payload, style)
    elif kind == LEARNING_PATH and payload is not None:
        items = ln.path_lines(payload, style)
    if kind == RECOMMENDATIONS and head and items:  # the lead stays with the first offer
        items[0] = f"{head.pop()}\n{items[0]}"
    units = head + items + tail
    if message.get("image"):
        units.append(str(message["image"]))
    return units


def _cut(unit: str, limit: int) -> list[str]:
    """A single unit longer than the limit, cut at spaces (the only split inside a unit)."""
    pieces: list[str] = []
    rest = unit
    while len(rest) > limit:
        at = rest.rfind(" ", 0, limit)
        at = at if at > limit // 2 else limit
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip()
    return [*pieces, rest] if rest else pieces


def pack(units: list[str], limit: int | None) -> list[str]:
    """Units joined by line breaks into parts of at most ``limit`` characters."""
    if limit is None:
        return ["\n".join(units)] if units else []
    parts: list[str] = []
    current = ""
    for unit in units:
        for piece in _cut(unit, limit) if len(unit) > limit else [unit]:
            if not current and not piece.strip():
                continue  # no part starts with a blank line
            joined = f"{current}\n{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                parts.append(current.rstrip("\n"))
                current = piece
    if current.strip():
        parts.append(current.rstrip("\n"))
    return parts


def render(message: Mapping[str, Any], channel: str, style: str = "de") -> list[Outgoing]:
    """The parts to send for one bot message on ``channel`` (see the module docstring).

    ``message`` is a Rasa bot message (``text``, ``buttons``, ``custom``, ``image`` …) as an
    output channel receives it or the REST webhook returns it (rendering that again gives the
    same text). ``style`` is the reply style for texts the renderer adds; a payload's own
    ``style`` (set by the action, which knows the conversation's style) wins.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}; expected one of {CHANNELS}")
    payload = structured_payload(message)
    if payload and payload.get("style") in STYLES:
        style = str(payload["style"])
    choices = ch.buttons_of(message)
    units = _units(message, payload, channel, style)
    if choices and channel in NUMBERED_CHOICE_CHANNELS:
        units.append(ch.numbered_block(choices, style))
    texts = pack(units, TEXT_LIMITS[channel])
    page_payload = payload if channel == "page" else None
    if not texts:
        if page_payload is None and not (choices and channel in BUTTON_CHANNELS):
            return []  # nothing to show (e.g. a page-only action payload on a text channel)
        texts = [""]
    native: tuple[Choice, ...] = ()
    if channel in BUTTON_CHANNELS:
        native = ch.telegram_choices(choices) if channel == "telegram" else choices
    parts = []
    for n, part in enumerate(texts):
        last = n == len(texts) - 1
        parts.append(
            Outgoing(
                text=part,
                html=html_body(part) if channel == "matrix" else None,
                choices=native if last else (),
                payload=page_payload if n == 0 else None,
            )
        )
    return parts
