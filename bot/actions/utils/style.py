"""The reply style of a conversation and how values are written in it (pure).

Styles are the catalogue ids of :mod:`i18n`: ``STYLE_DE`` (formal German, default),
``STYLE_PLAIN`` (einfache Sprache) and ``STYLE_EN`` (English). :func:`reply_style` derives the
style from the slots ``reply_language`` and ``plain_language``; English wins over plain
language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.actions import constants as c
from i18n import STYLE_DE, STYLE_EN, STYLE_PLAIN, STYLES, format_date, format_date_de, label, quoted
from rendering import lines

__all__ = [
    "STYLE_DE",
    "STYLE_EN",
    "STYLE_PLAIN",
    "STYLES",
    "format_date",
    "format_date_de",
    "format_km",
    "label",
    "quoted",
    "reply_style",
    "style_of_slots",
]


def reply_style(language: Any, plain: Any) -> str:
    """Style for the slot values ``reply_language`` ("de"/"en") and ``plain_language`` (bool)."""
    if language == "en":
        return STYLE_EN
    return STYLE_PLAIN if plain is True else STYLE_DE


def style_of_slots(slots: Mapping[str, Any]) -> str:
    """Reply style from a mapping of slot values (e.g. ``tracker.current_slot_values()``)."""
    return reply_style(slots.get(c.SLOT_REPLY_LANGUAGE), slots.get(c.SLOT_PLAIN_LANGUAGE))


def format_km(value: Any, style: str = STYLE_DE) -> str | None:
    """12.34 -> "12 km" (German decimal comma below 10 km); see :func:`rendering.lines.format_km`."""
    return lines.format_km(value, style)
