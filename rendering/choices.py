"""Buttons as choices: numbered in the text, or native with Telegram-safe payloads (stdlib + i18n).

A text client shows the buttons as "1) …" lines; the user answers "2", "die zweite", … and the
input layer (``bot/channels/choices.py``) maps the number back to the button's payload. On
Telegram a payload longer than 64 bytes (UTF-8) cannot be callback data: it is replaced by
``choice:<n>``, which the same input layer maps to the n-th button of the last bot message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from i18n import STYLES, text
from rendering.model import TELEGRAM_CALLBACK_BYTES, Choice

#: the callback data of a mapped choice ("choice:2" = the second button shown last)
CHOICE_PREFIX = "choice:"


def buttons_of(message: Mapping[str, Any]) -> tuple[Choice, ...]:
    """The message's buttons (Rasa ``buttons`` or socket.io ``quick_replies``) as choices."""
    raw = message.get("buttons") or message.get("quick_replies") or []
    choices = []
    for button in raw if isinstance(raw, Sequence) else []:
        if not isinstance(button, Mapping) or not button.get("title"):
            continue
        title = str(button["title"])
        choices.append(Choice(title=title, payload=str(button.get("payload") or title)))
    return tuple(choices)


def numbered_block(choices: Sequence[Choice], style: str) -> str:
    """ "1) Ja" and "2) Nein" on lines of their own – the choices for clients without buttons.
    No hint sentence: a channel does not know the conversation's language, the titles are in it."""
    return "\n".join(
        text("choices.line", style, number=n, title=c.title) for n, c in enumerate(choices, 1)
    )


def strip_numbered_block(message_text: str, choices: Sequence[Choice]) -> str:
    """``message_text`` without a trailing numbered block (a message the REST channel already
    rendered is rendered again by a bridge: the choices are not listed twice)."""
    if not choices:
        return message_text
    for style in STYLES:
        block = numbered_block(choices, style)
        if message_text.endswith(block):
            return message_text[: -len(block)].rstrip("\n")
    return message_text


def fits_callback(payload: str) -> bool:
    return 0 < len(payload.encode("utf-8")) <= TELEGRAM_CALLBACK_BYTES


def telegram_choices(choices: Sequence[Choice]) -> tuple[Choice, ...]:
    """Payloads over Telegram's 64-byte callback_data limit become ``choice:<n>``."""
    return tuple(
        c if fits_callback(c.payload) else Choice(c.title, f"{CHOICE_PREFIX}{n}")
        for n, c in enumerate(choices, 1)
    )
