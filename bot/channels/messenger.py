"""What the messenger channels (Telegram, WhatsApp via Twilio) share: settings, pseudonyms and the
reply mapping, per-sender limits, the privacy notice, deletion and the rendering adapter.

Privacy: Rasa only ever sees :func:`bot.channels.sender_ids.pseudonym` of a sender. The real chat id or
phone number, needed to reply, is kept by :class:`SenderMap` in the Rasa process's memory only: per
pseudonym the real id, the time of the last message and the last numbered choices (used only until
the rendering layer's shared helper ``bot.channels.choices`` is installed, which reads them from
Rasa's tracker store; after a numbered offer list a number means the offer); an entry expires
``WEB_RETENTION_DAYS`` (default 30, the conversations' retention) after the sender's last message, is
removed when the sender deletes the conversation ("Daten löschen"), and at most ``CHANNEL_MAX_SENDERS``
entries are kept (least recently active dropped first). A restart of Rasa forgets every entry: the next
message re-creates it (and brings the privacy notice once more). Nothing here logs ids or message text.

Limits per sender: ``CHANNEL_MESSAGES_PER_MINUTE`` (default 20) messages in any 60 s window, further
ones are dropped with one reply ("channel.rate_limited") per window; text longer than
``MAX_MESSAGE_CHARS`` is cut after one more character, so that the bot's input guard answers "too
long" (as on the web page). The proxy limits the request body (``/webhooks/*/webhook``: 32 KB).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage

from bot.channels.commands import neutralise
from bot.channels.entry_settings import load_entry_settings
from bot.channels.messenger_render import notice, render_outgoing
from bot.channels.sender_ids import SenderSecretMissing, pseudonym, sender_secret

logger = logging.getLogger(__name__)

PAYLOAD_DELETE_CONVERSATION = "delete_conversation"  # bot.actions.constants (not imported: bot env)
NUMBERED_LISTS = ("recommendations",)  # payloads whose text numbers its entries

try:  # numbered choices resolved from Rasa's tracker store (rendering layer, bot/channels/choices)
    from bot.channels.choices import resolve_choice as shared_resolve_choice
except ImportError:  # not merged yet: the choices of the last message, kept in SenderMap
    shared_resolve_choice = None


def _int_env(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    value = int(raw) if raw else default
    if value < 1:
        raise ValueError(f"{name} must be at least 1")
    return value


@dataclass(frozen=True)
class MessengerSettings:
    """Settings shared by the messenger channels (all optional, from the environment)."""

    messages_per_minute: int
    max_message_chars: int
    retention_days: int
    max_senders: int
    public_url: str
    delete_url: str  # the web server's deletion route (appdb.deletion), internal

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MessengerSettings:
        env = os.environ if env is None else env
        entry = load_entry_settings(env)
        web_port = _int_env(env, "WEB_PORT", 8081)
        return cls(
            messages_per_minute=_int_env(env, "CHANNEL_MESSAGES_PER_MINUTE", 20),
            max_message_chars=entry.max_message_chars,
            retention_days=_int_env(env, "WEB_RETENTION_DAYS", 30),
            max_senders=_int_env(env, "CHANNEL_MAX_SENDERS", 100_000),
            public_url=entry.public_url,
            delete_url=f"http://127.0.0.1:{web_port}/api/conversations/",
        )


def secret_or_none(env: Mapping[str, str] | None = None) -> bytes | None:
    """``CHANNEL_SENDER_SECRET`` or None when it is missing or too short."""
    try:
        return sender_secret(env)
    except SenderSecretMissing:
        return None


@dataclass
class _Sender:
    real_id: str
    last_seen: float
    choices: tuple[tuple[str, str], ...] = ()
    listed: bool = False  # the last turn showed a numbered offer list: "2" means offer 2
    forget_after_turn: bool = False


class SenderMap:
    """pseudonym -> real id (memory only, expiring with the conversation retention, bounded)."""

    def __init__(
        self, retention_days: int, max_senders: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.retention_s = retention_days * 86400.0
        self.max_senders = max_senders
        self._clock = clock
        self._entries: OrderedDict[str, _Sender] = OrderedDict()

    def _live(self, key: str) -> _Sender | None:
        entry = self._entries.get(key)
        if entry is not None and self._clock() - entry.last_seen >= self.retention_s:
            del self._entries[key]
            return None
        return entry

    def remember(self, key: str, real_id: str) -> bool:
        """Record a message of ``real_id``; True when this is the first contact (no live entry)."""
        entry = self._live(key)
        first = entry is None
        if entry is None:
            entry = _Sender(real_id, self._clock())
        entry.real_id, entry.last_seen = real_id, self._clock()
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_senders:
            self._entries.popitem(last=False)
        return first

    def real_id(self, key: str) -> str | None:
        entry = self._live(key)
        return entry.real_id if entry else None

    def set_choices(self, key: str, choices: Sequence[tuple[str, str]]) -> None:
        entry = self._live(key)
        if entry is not None and not entry.listed:
            entry.choices = tuple(choices)

    def mark_listed(self, key: str) -> None:
        """This turn shows a numbered offer list: a number answers it, not a button."""
        entry = self._live(key)
        if entry is not None:
            entry.listed, entry.choices = True, ()

    def new_turn(self, key: str) -> tuple[tuple[str, str], ...]:
        """The choices of the last turn (valid for one answer), cleared for the next."""
        entry = self._live(key)
        if entry is None:
            return ()
        choices = entry.choices
        entry.choices, entry.listed = (), False
        return choices

    def forget_after_turn(self, key: str) -> None:
        """Mark the entry to be removed once the current turn's replies are out (deletion)."""
        entry = self._live(key)
        if entry is not None:
            entry.forget_after_turn = True

    def end_turn(self, key: str) -> None:
        entry = self._entries.get(key)
        if entry is not None and entry.forget_after_turn:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries


class SenderRateLimiter:
    """At most ``per_minute`` messages per sender in any 60 s window (bounded memory)."""

    def __init__(
        self,
        per_minute: int,
        max_senders: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_minute = per_minute
        self.max_senders = max_senders
        self._clock = clock
        self._windows: OrderedDict[str, tuple[deque[float], float]] = OrderedDict()

    def check(self, key: str) -> str:
        """Return "ok", or "refuse_notify" for the first refused message in a window, "refuse" after it."""
        now = self._clock()
        entry = self._windows.pop(key, None)
        window, notified = entry if entry is not None else (deque(), -1e18)
        while window and now - window[0] >= 60.0:
            window.popleft()
        result = "ok"
        if len(window) >= self.per_minute:
            result = "refuse" if now - notified < 60.0 else "refuse_notify"
            if result == "refuse_notify":
                notified = now
        else:
            window.append(now)
        self._windows[key] = (window, notified)
        if len(self._windows) > self.max_senders:
            self._windows.popitem(last=False)
        return result

    def forget(self, key: str) -> None:
        self._windows.pop(key, None)


def resolve_number(text: str, choices: Sequence[tuple[str, str]]) -> str:
    """The payload of choice N when the answer is just the number N; anything else unchanged."""
    stripped = text.strip().rstrip(".)")
    if stripped.isdigit() and 1 <= int(stripped) <= len(choices):
        return choices[int(stripped) - 1][1]
    return text


def prepare_text(text: str, max_chars: int, choices: Sequence[tuple[str, str]] = ()) -> str:
    """The text Rasa gets: a numbered choice resolved, cut after ``max_chars`` + 1 characters (the
    bot's input guard answers "too long"), slash commands neutralised."""
    return neutralise(resolve_number(text[: max_chars + 1], choices))


def is_numbered_list(message: Mapping[str, Any]) -> bool:
    custom = message.get("custom")
    return isinstance(custom, Mapping) and custom.get("type") in NUMBERED_LISTS


def is_delete_request(message: Mapping[str, Any]) -> bool:
    custom = message.get("custom")
    return isinstance(custom, Mapping) and custom.get("type") == PAYLOAD_DELETE_CONVERSATION


async def delete_conversation(settings: MessengerSettings, conversation_id: str) -> bool:
    """Ask the web server to delete the conversation (events and application rows, with its second
    pass after the grace period), as the page does after "Daten löschen"."""
    try:
        timeout = aiohttp.ClientTimeout(total=15)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.delete(settings.delete_url + conversation_id) as resp:
                ok = resp.status == 204
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:  # not builtins' on 3.10
        logger.error("messenger: deleting a conversation failed: %s", type(exc).__name__)
        return False
    if not ok:
        logger.error("messenger: deleting a conversation failed: HTTP %d", resp.status)
    return ok


class MessengerState:
    """Per channel: the sender secret, the reply mapping and the rate limiter."""

    def __init__(self, channel: str, settings: MessengerSettings, secret: bytes) -> None:
        self.channel = channel
        self.settings = settings
        self._secret = secret
        self.senders = SenderMap(settings.retention_days, settings.max_senders)
        self.limiter = SenderRateLimiter(settings.messages_per_minute, settings.max_senders)

    def pseudonym(self, real_id: str) -> str:
        return pseudonym(self.channel, real_id, self._secret)

    async def receive(
        self,
        real_id: str,
        text: str | None,
        output: OutputChannel,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        display_name: str,
        app: Any = None,
    ) -> None:
        """One message from a messenger: limits, privacy notice on first contact, then Rasa (which
        sees only the pseudonym). ``text`` None: not a text message (photo, voice, …)."""
        key = self.pseudonym(real_id)
        verdict = self.limiter.check(key)
        if verdict != "ok":
            if verdict == "refuse_notify":
                logger.warning("%s: per-sender message limit reached", self.channel)
                self.senders.remember(key, real_id)
                await output.send_text_message(key, notice("channel.rate_limited"))
            return
        choices = self.senders.new_turn(key)
        if self.senders.remember(key, real_id):
            days = self.settings.retention_days
            await output.send_text_message(
                key, notice("channel.privacy_notice", channel=display_name, days=days)
            )
        if text is None or not text.strip():
            await output.send_text_message(key, notice("channel.text_only"))
            return
        if text.strip().lower() in ("/start", "/hilfe", "/help"):
            text = "/greet"  # Telegram's start command; the button-style command of the domain
        if shared_resolve_choice is not None:  # the rendering layer's helper (tracker store)
            cut = text[: self.settings.max_message_chars + 1]
            message = neutralise(await shared_resolve_choice(app, key, cut))
        else:
            message = prepare_text(text, self.settings.max_message_chars, choices)
        try:
            await on_new_message(UserMessage(message, output, key, input_channel=self.channel))
        finally:
            self.senders.end_turn(key)
            if key not in self.senders:
                self.limiter.forget(key)


class MessengerOutput(OutputChannel):
    """Output side shared by the messenger channels: every part of a bot message goes through the
    rendering adapter and is sent to the real id that the pseudonym stands for."""

    state: MessengerState

    async def deliver(self, real_id: str, message: Any) -> None:
        """Send one rendered message (an ``Outgoing``) to ``real_id``."""
        raise NotImplementedError

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        real_id = self.state.senders.real_id(recipient_id)
        if real_id is None:
            logger.warning("%s: no recipient for a conversation (expired or deleted)", self.name())
            return
        if is_numbered_list(message):
            self.state.senders.mark_listed(recipient_id)
        for outgoing in render_outgoing(message, self.state.channel):
            await self.deliver(real_id, outgoing)
            if outgoing.choices:
                pairs = [(c.title, c.payload) for c in outgoing.choices]
                self.state.senders.set_choices(recipient_id, pairs)
        if is_delete_request(message):
            await delete_conversation(self.state.settings, recipient_id)
            self.state.senders.forget_after_turn(recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"text": text, "buttons": buttons})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": image})

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self.send_response(recipient_id, {"custom": json_message})
