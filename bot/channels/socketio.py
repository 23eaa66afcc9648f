"""Hardened socket.io and REST input channels (referenced from ``credentials.yml``).

Rasa 3.6's :class:`SocketIOInput` accepts any Origin on the handshake (``cors_allowed_origins=[]``),
engine.io packets up to 1 MB, any session id, and messages for any session id on any connection. The
subclass keeps Rasa's handlers and wraps them:

- handshake: only Origins from :mod:`bot.channels.entry_settings` (a request without an Origin header,
  i.e. not from a browser, is accepted); engine.io packet limit ``SOCKETIO_MAX_PACKET_BYTES``;
- ``session_request``: the id must be 32 lowercase hex digits (128 bits); at most
  ``NEW_CONVERSATIONS_PER_MINUTE`` new ids per client; otherwise the connection is closed;
- user messages: only for the session confirmed on this connection; longer than ``MAX_MESSAGE_CHARS`` they
  are cut to that length + 1, so that the bot's input guard answers "too long" (a reply, not a silent drop);
  text starting with ``/`` that is not a valid button command loses the slash (:mod:`bot.channels.commands`:
  Rasa would otherwise log the whole line).

:class:`RestInput` applies the same id, size and new-conversation rules to ``/webhooks/rest/webhook``.
The client is the peer address, or the last ``X-Forwarded-For`` entry when the peer is a trusted proxy.
Both apply :func:`bot.channels.commands.neutralise` to every message.
Nothing here logs message text or conversation ids.

Output: every bot message is rendered by :mod:`rendering` (:mod:`bot.channels.output`). On
socket.io the own page declares ``"rich": "page"`` in ``session_request`` (remembered per
conversation) and gets lead text + payload (cards); every other client gets the complete text.
On REST a body field ``"rich": "page"`` does the same for one request; otherwise ``text`` is the
complete text. Input: a numbered choice ("2", "die zweite") becomes the payload of the button
shown last (:mod:`bot.channels.choices`, read from Rasa's tracker store). Rasa's socket.io
message handler and REST webhook are re-implemented here for that (Rasa 3.6 creates its own
output channels inside them); REST's ``?stream=true`` is not offered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels import rest, socketio
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels import simulation
from bot.channels.choices import resolve_choice
from bot.channels.commands import neutralise
from bot.channels.entry_settings import EntrySettings, is_valid_session_id, load_entry_settings
from bot.channels.limits import NewConversationLimiter
from bot.channels.output import PAGE, TEXT, RenderingCollectingOutput, RenderingSocketIOOutput

logger = logging.getLogger(__name__)

#: conversations whose rendering form (page/text) a socket.io channel remembers (oldest forgotten)
MAX_REMEMBERED_FORMS = 10_000

_settings: EntrySettings | None = None
_limiter: NewConversationLimiter | None = None


def entry_settings() -> EntrySettings:
    """Settings read once per process."""
    global _settings
    if _settings is None:
        _settings = load_entry_settings()
    return _settings


def conversation_limiter() -> NewConversationLimiter:
    """One limiter per process, shared by both channels (a client's limit covers both)."""
    global _limiter
    if _limiter is None:
        _limiter = NewConversationLimiter(entry_settings().new_conversations_per_minute)
    return _limiter


def _client_of_request(request: Request) -> str:
    return entry_settings().client_address(request.ip, request.headers.get("x-forwarded-for"))


def allow_conversation(client: str, conversation_id: str) -> bool:
    """The new-conversation limit; internal clients (CHANNEL_UNLIMITED) are exempt."""
    if entry_settings().is_unlimited(client):
        return True
    return conversation_limiter().allow(client, conversation_id)


class SocketIOInput(socketio.SocketIOInput):
    """Rasa's socket.io channel with an Origin allow-list, size limits and id rules."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[str, str] = {}  # socket.io sid -> client address
        self._sessions: dict[str, str] = {}  # socket.io sid -> confirmed conversation id
        self._forms: OrderedDict[str, str] = OrderedDict()  # conversation id -> page/text
        self._app: Any = None  # the Sanic app (its ctx.agent reaches Rasa's tracker store)

    def form_of(self, conversation_id: str) -> str:
        """ "page" when the conversation's page declared it renders cards, else "text"."""
        return self._forms.get(conversation_id, TEXT)

    def _remember_form(self, conversation_id: str, form: str) -> None:
        self._forms.pop(conversation_id, None)
        self._forms[conversation_id] = form
        while len(self._forms) > MAX_REMEMBERED_FORMS:
            self._forms.popitem(last=False)

    def get_output_channel(self) -> OutputChannel | None:
        if self.sio is None:
            return super().get_output_channel()
        return RenderingSocketIOOutput(self.sio, self.bot_message_evt, self.form_of)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None  # set by the parent's blueprint()
        cfg = entry_settings()
        sio.eio.cors_allowed_origins = list(cfg.allowed_origins)
        sio.eio.max_http_buffer_size = cfg.socketio_max_packet_bytes
        namespace = self.namespace or "/"
        handlers = sio.handlers[namespace]
        parent_connect = handlers["connect"]
        parent_disconnect = handlers["disconnect"]
        parent_session_request = handlers["session_request"]

        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            request = environ.get("sanic.request")
            if request is not None and self._app is None:
                self._app = request.app
            peer = request.ip if request is not None else environ.get("REMOTE_ADDR")
            self._clients[sid] = cfg.client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"))
            return bool(await parent_connect(sid, environ, auth))

        async def disconnect(sid: str) -> None:
            self._clients.pop(sid, None)
            self._sessions.pop(sid, None)
            await parent_disconnect(sid)

        async def session_request(sid: str, data: Any) -> None:
            data = dict(data) if isinstance(data, dict) else {}
            session_id = data.get("session_id") or secrets.token_hex(16)
            if not is_valid_session_id(session_id):
                logger.warning("socket.io: refused a malformed conversation id")
                await sio.disconnect(sid, namespace=namespace)
                return
            if not allow_conversation(self._clients.get(sid, "?"), session_id):
                logger.warning("socket.io: new-conversation limit reached for a client")
                await sio.disconnect(sid, namespace=namespace)
                return
            old = self._sessions.get(sid)
            if old and old != session_id:
                sio.leave_room(sid, old, namespace=namespace)
            self._sessions[sid] = session_id
            self._remember_form(session_id, PAGE if data.get("rich") == PAGE else TEXT)
            data["session_id"] = session_id
            await parent_session_request(sid, data)

        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            message = data.get("message", "")
            if data.get("session_id") != self._sessions.get(sid):
                logger.warning("socket.io: dropped a message for a session not opened here")
                return
            if not isinstance(message, str):
                logger.warning("socket.io: dropped a non-text message")
                return
            if len(message) > cfg.max_message_chars:
                # cut, not dropped: the bot's input guard answers "too long" (a reply, nothing lost)
                message = message[: cfg.max_message_chars + 1]
            metadata = data.get(self.metadata_key) or {}
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = {}
            session_id = str(data["session_id"])
            message = await resolve_choice(self._app, session_id, message)
            output = RenderingSocketIOOutput(sio, self.bot_message_evt, self.form_of)
            await on_new_message(
                UserMessage(
                    neutralise(message),
                    output,
                    session_id,
                    input_channel=self.name(),
                    metadata=metadata if isinstance(metadata, dict) else {},
                )
            )

        sio.on("connect", connect, namespace=namespace)
        sio.on("disconnect", disconnect, namespace=namespace)
        sio.on("session_request", session_request, namespace=namespace)
        sio.on(self.user_message_evt, handle_message, namespace=namespace)
        return blueprint


class RestInput(rest.RestInput):
    """Rasa's REST channel with the id, size and new-conversation rules of the socket.io channel."""

    async def _extract_sender(self, req: Request) -> str | None:
        body = req.json if isinstance(req.json, dict) else None
        if body is None:
            raise SanicException("Erwartet wird ein JSON-Objekt.", status_code=400)
        sender = body.get("sender")
        if not is_valid_session_id(sender):
            raise SanicException("Ungültige Gesprächskennung.", status_code=400)
        if not isinstance(body.get("message"), str):
            raise SanicException("Die Nachricht fehlt (Feld 'message' als Text).", status_code=400)
        if not allow_conversation(_client_of_request(req), sender):
            raise SanicException("Zu viele neue Gespräche. Bitte später erneut.", status_code=429)
        return str(sender)

    def _extract_message(self, req: Request) -> str | None:
        """The message, cut after ``MAX_MESSAGE_CHARS`` + 1 characters: longer text gets the bot's
        graceful "too long" reply (its input guard) instead of an error, and is never stored whole."""
        message = super()._extract_message(req)
        limit = entry_settings().max_message_chars
        return neutralise(message[: limit + 1]) if isinstance(message, str) else message

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's REST routes, with the rendering collector and numbered-choice resolution."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            text = self._extract_message(request)
            text = await resolve_choice(request.app, sender_id, text)
            form = PAGE if request.json.get("rich") == PAGE else TEXT
            collector = RenderingCollectingOutput(form)
            try:
                await on_new_message(
                    UserMessage(
                        neutralise(text) if isinstance(text, str) else text,
                        collector,
                        sender_id,
                        input_channel=self._extract_input_channel(request),
                        metadata=self.get_metadata(request),
                    )
                )
            except asyncio.CancelledError:
                logger.error("rest: message handling timed out")
            except Exception as exc:  # noqa: BLE001 – Rasa's behaviour: answer what was collected
                logger.error("rest: message handling failed (%s)", type(exc).__name__)
            return response.json(collector.messages)

        return webhook

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """Only the flag of a signed demo message (:mod:`bot.channels.simulation`), never the
        metadata a client sent."""
        return simulation.channel_metadata(request.json)
