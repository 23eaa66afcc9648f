"""The rendering layer's data types and the channels' limits (stdlib only)."""

from __future__ import annotations

from dataclasses import dataclass

#: the channels :func:`rendering.render` knows
CHANNELS = ("page", "text", "matrix", "telegram", "twilio")

#: characters per message part (None: no limit). Telegram: 4,096 per message; Twilio/WhatsApp:
#: 1,600; Matrix events may hold 64 KiB (text and HTML body together), so a part's plain text is
#: kept well below; the own page and generic text clients (REST, socket.io widgets) get one part.
TEXT_LIMITS: dict[str, int | None] = {
    "page": None,
    "text": None,
    "matrix": 16_000,
    "telegram": 4_096,
    "twilio": 1_600,
}

#: Telegram's limit for an inline keyboard button's callback_data (bytes, UTF-8)
TELEGRAM_CALLBACK_BYTES = 64

#: channels whose text lists the choices as "1) …" (no native buttons, or buttons a client may
#: ignore); telegram and the page show native buttons instead
NUMBERED_CHOICE_CHANNELS = ("text", "matrix", "twilio")

#: channels that get ``Outgoing.choices`` (native buttons)
BUTTON_CHANNELS = ("page", "telegram", "text")


@dataclass(frozen=True)
class Choice:
    """A button: the title shown and the payload sent back when it is chosen."""

    title: str
    payload: str


@dataclass(frozen=True)
class Outgoing:
    """One message part for a channel.

    ``text`` is the complete plain text of the part (never longer than the channel's limit);
    ``html`` the Matrix ``formatted_body`` (``org.matrix.custom.html``); ``choices`` the native
    buttons (on the last part only); ``payload`` the structured payload for the own page.
    """

    text: str
    html: str | None = None
    choices: tuple[Choice, ...] = ()
    payload: dict | None = None
