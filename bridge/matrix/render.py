"""Bot messages (Rasa's REST answers) as Matrix messages, through the shared rendering layer
(:mod:`rendering`, docs/channels.md "Rendering layer"): the complete plain text and its HTML form.

Buttons appear as "1) …" lines in the text; the citizen's "2" is mapped back to the button by the
REST channel itself (:mod:`bot.channels.choices`), so the bridge keeps no choice state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rendering import render

CHANNEL = "matrix"


def render_message(message: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """The parts to send for one bot message: (plain text, HTML ``formatted_body`` or None)."""
    return [(part.text, part.html) for part in render(message, CHANNEL, style="de") if part.text]


def content_of(text: str, html: str | None) -> dict[str, str]:
    """The ``m.room.message`` content of one part (``org.matrix.custom.html`` when given)."""
    content = {"msgtype": "m.text", "body": text}
    if html:
        content["format"] = "org.matrix.custom.html"
        content["formatted_body"] = html
    return content
