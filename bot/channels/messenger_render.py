"""Rendering adapter of the messenger channels: a bot message -> the channel's messages.

``rendering.render`` (the rendering layer) when it is installed; until then a local fallback with
the same result type: the message's text split to the channel's limit (Telegram 4096, Twilio 1600
characters, at paragraphs, lines or words) and its buttons as choices (on WhatsApp also numbered
in the text). Stdlib + the message catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from i18n.catalogue import text as catalogue_text

STYLE = "de"


def notice(key: str, **params: Any) -> str:
    """A channel text from the message catalogue (formal German)."""
    return catalogue_text(key, STYLE, **params)


@dataclass(frozen=True)
class Choice:
    title: str
    payload: str


@dataclass(frozen=True)
class Outgoing:
    text: str
    html: str | None = None
    choices: tuple[Choice, ...] = ()
    payload: dict[str, Any] | None = field(default=None)


LIMITS = {"telegram": 4096, "twilio": 1600}


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut at paragraphs, lines or words."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cuts = (rest.rfind(sep, 0, limit + 1) for sep in ("\n\n", "\n", " "))
        cut = next((c for c in cuts if c > limit // 4), limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def fallback_render(message: Mapping[str, Any], channel: str) -> list[Outgoing]:
    """Text and buttons of a bot message, split to the channel's limit (until ``rendering`` lands)."""
    limit = LIMITS[channel]
    buttons = message.get("buttons") or message.get("quick_replies") or []
    choices = tuple(
        Choice(str(b.get("title", "")), str(b.get("payload", "")))
        for b in buttons
        if isinstance(b, Mapping) and b.get("title")
    )
    text = str(message.get("text") or "")
    if choices and channel == "twilio":
        numbered = "\n".join(f"{i}. {c.title}" for i, c in enumerate(choices, 1))
        text = f"{text}\n\n{numbered}\n{notice('channel.choose_number')}".strip()
    parts = split_text(text, limit) if text else []
    if not parts and choices:
        parts = [notice("channel.choose_number")]
    return [
        Outgoing(part, None, choices if i == len(parts) - 1 else ()) for i, part in enumerate(parts)
    ]


def render_outgoing(message: Mapping[str, Any], channel: str) -> list[Any]:
    """The bot message as the channel's messages: ``rendering.render`` when the package is there."""
    try:
        from rendering import render  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return fallback_render(message, channel)
    return list(render(message, channel, style=STYLE))
