"""Bot messages (Rasa's REST answers) as Matrix text: the shared ``rendering`` package when it is
installed, otherwise the plain text with numbered choices."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

try:  # the stdlib-only rendering layer (docs/channels.md, "Rendering layer")
    from rendering import render as _shared_render  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - depends on the branch
    _shared_render = None


def choices_of(message: Mapping[str, Any]) -> list[str]:
    """The payloads of the message's buttons in the order they are numbered."""
    buttons = message.get("buttons") or message.get("quick_replies") or []
    if not isinstance(buttons, Sequence):
        return []
    return [str(b.get("payload", "")) for b in buttons if isinstance(b, Mapping)]


def _fallback(message: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    text = message.get("text")
    lines = [text.strip()] if isinstance(text, str) and text.strip() else []
    buttons = message.get("buttons") or message.get("quick_replies") or []
    titles = [str(b.get("title", "")) for b in buttons if isinstance(b, Mapping)]
    if titles:
        lines.append("\n".join(f"{i}) {title}" for i, title in enumerate(titles, 1)))
    return [("\n\n".join(lines), None)] if lines else []


def render_message(message: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """The parts to send for one bot message: (plain text, HTML ``formatted_body`` or None)."""
    if _shared_render is None:
        return _fallback(message)
    parts = _shared_render(message, channel="matrix", style="de")
    return [(part.text, part.html) for part in parts if part.text]


def content_of(text: str, html: str | None) -> dict[str, str]:
    """The ``m.room.message`` content of one part."""
    content = {"msgtype": "m.text", "body": text}
    if html:
        content["format"] = "org.matrix.custom.html"
        content["formatted_body"] = html
    return content


def resolve_choice(text: str, payloads: Sequence[str]) -> str:
    """A bare number answering the last numbered choices becomes that button's payload."""
    stripped = text.strip().rstrip(").")
    if stripped.isdigit() and 1 <= int(stripped) <= len(payloads):
        payload = payloads[int(stripped) - 1]
        return payload or text
    return text
