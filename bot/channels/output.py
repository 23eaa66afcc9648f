"""Output channels that render every bot message through :mod:`rendering` (page or text form).

- :class:`RenderingSocketIOOutput`: socket.io. A conversation whose page declared ``"rich":
  "page"`` in its ``session_request`` gets the page form (lead text, ``custom`` payload for the
  cards, ``quick_replies``); any other client (e.g. a third-party Rasa widget) gets the complete
  text form (every offer, step and checklist line; buttons also as numbered choices) plus
  ``quick_replies``, and no ``custom``.
- :class:`RenderingCollectingOutput`: REST (``/webhooks/rest/webhook``). ``text`` is the complete
  text form; ``buttons`` and ``custom`` are kept so that rich clients (the page with ``"rich":
  "page"`` gets the page form) and bridges that call :func:`rendering.render` again can use them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.channels.socketio import SocketIOOutput

from rendering import Outgoing, render

PAGE = "page"
TEXT = "text"


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    raw = message.get("buttons") or message.get("quick_replies") or []
    return [dict(b) for b in raw if isinstance(b, dict) and b.get("title")]


def _quick_replies(part: Outgoing) -> list[dict[str, Any]]:
    return [{"content_type": "text", "title": c.title, "payload": c.payload} for c in part.choices]


class RenderingSocketIOOutput(SocketIOOutput):
    """Rasa's socket.io output, each message rendered for the page or as complete text."""

    def __init__(self, sio: Any, bot_message_evt: str, form_of: Callable[[str], str]) -> None:
        super().__init__(sio, bot_message_evt)
        self._form_of = form_of  # conversation id -> "page" or "text"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        channel = self._form_of(recipient_id)
        for part in render(message, channel):
            # like Rasa's SocketIOOutput: one message per paragraph, the buttons on the last,
            # the payload (page only) in a message of its own
            paragraphs = [p for p in part.text.split("\n\n") if p.strip()] or [""]
            for n, paragraph in enumerate(paragraphs):
                emitted: dict[str, Any] = {"text": paragraph} if paragraph else {}
                if part.choices and n == len(paragraphs) - 1:
                    emitted["quick_replies"] = _quick_replies(part)
                if emitted:
                    await self._send_message(recipient_id, emitted)
            if part.payload is not None:
                await self._send_message(recipient_id, {"custom": part.payload})
        if message.get("image") and channel == PAGE:
            await self.send_image_url(recipient_id, message["image"])
        if message.get("attachment"):
            await self.send_attachment(recipient_id, message["attachment"])


class RenderingCollectingOutput(CollectingOutputChannel):
    """The REST channel's collector: one rendered message per bot message."""

    def __init__(self, form: str = TEXT) -> None:
        super().__init__()
        self.form = form

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        parts = render(message, self.form)
        custom = message.get("custom")
        buttons = _buttons(message)
        for n, part in enumerate(parts):
            last = n == len(parts) - 1
            out: dict[str, Any] = {"recipient_id": recipient_id}
            if part.text:
                out["text"] = part.text
            if last and buttons:
                out["buttons"] = buttons
            if n == 0 and custom:
                out["custom"] = custom
            if n == 0 and message.get("image"):
                out["image"] = message["image"]
            await self._persist_message(out)
        if not parts and (custom or message.get("image")):
            out = {"recipient_id": recipient_id, "custom": custom, "image": message.get("image")}
            await self._persist_message({k: v for k, v in out.items() if v})
        if message.get("attachment"):
            await self._persist_message(
                {"recipient_id": recipient_id, "attachment": message["attachment"]}
            )
