"""Telegram channel (referenced from ``credentials.yml``): Rasa's connector with the project's rules.

Rasa 3.6's :class:`rasa.core.channels.telegram.TelegramInput` is hard-wired to the public Bot API, sets
the webhook with ``asyncio.run`` (the aiohttp pool it creates then belongs to a closed event loop and
is reused later), asks ``getMe`` on every update and accepts any POST. This subclass:

- takes everything from the environment (never from files or the command line):
  ``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_WEBHOOK_SECRET`` (1-256 of A-Z a-z 0-9 _ -),
  ``CHANNEL_SENDER_SECRET`` (:mod:`bot.channels.sender_ids`), optional ``TELEGRAM_API_URL``
  (default https://api.telegram.org), ``TELEGRAM_WEBHOOK_URL`` (default
  ``$PUBLIC_URL/webhooks/telegram/webhook``, the public entry) and ``TELEGRAM_BOT_NAME`` (checked
  against ``getMe`` at start-up);
- without them, the channel is "not configured": one log line at start-up, its webhook answers 503,
  ``make run`` works as before;
- registers the webhook (``setWebhook`` with ``secret_token``) and checks ``getMe`` once after the
  server started, on the server's event loop, retrying while the Bot API is unreachable;
- accepts an update only with the right ``X-Telegram-Bot-Api-Secret-Token`` (constant-time; 403
  otherwise), only from private chats, and hands Rasa the pseudonym of the chat id
  (:class:`bot.channels.messenger.MessengerState`: limits, privacy notice, deletion);
- sends every part of a bot message through the rendering adapter: text (or HTML) within 4096
  characters, buttons as an inline keyboard (one button per row, ``callback_data`` at most 64 bytes).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.exceptions import TelegramAPIError
from rasa.core.channels import telegram as rasa_telegram
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messenger import (
    MessengerOutput,
    MessengerSettings,
    MessengerState,
    secret_or_none,
)
from bot.channels.webhook_auth import TELEGRAM_SECRET_PATTERN, telegram_secret_ok

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
MAX_CALLBACK_BYTES = 64
RETRY_MAX_S = 30.0
MAX_CONNECTIONS = 10  # parallel webhook deliveries (the proxy allows 20 connections per address)


def callback_data(title: str, payload: str) -> str:
    """The payload when it fits Telegram's 64 bytes, otherwise the title (cut): the NLU reads it."""
    for value in (payload, title):
        if value and len(value.encode("utf-8")) <= MAX_CALLBACK_BYTES:
            return value
    return title.encode("utf-8")[:MAX_CALLBACK_BYTES].decode("utf-8", "ignore")


class TelegramOutput(MessengerOutput, rasa_telegram.TelegramOutput):
    """Rasa's Telegram output on the configured Bot API server, replying to the real chat id."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, access_token: str, api_url: str, state: MessengerState) -> None:
        # not TelegramOutput.__init__: it would use the public API server
        Bot.__init__(self, access_token, server=TelegramAPIServer.from_base(api_url), timeout=30)
        self.state = state

    async def deliver(self, real_id: str, message: Any) -> None:
        markup = None
        if message.choices:
            markup = InlineKeyboardMarkup()
            for choice in message.choices:
                data = callback_data(choice.title, choice.payload)
                markup.row(InlineKeyboardButton(choice.title[:64], callback_data=data))
        text, mode = (message.html, "HTML") if message.html else (message.text, None)
        try:
            await self.send_message(
                real_id,
                text,
                parse_mode=mode,
                reply_markup=markup,
                disable_web_page_preview=True,
            )
        except (TelegramAPIError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.error("telegram: sending a message failed: %s", type(exc).__name__)


class TelegramInput(rasa_telegram.TelegramInput):
    """Rasa's Telegram input with the webhook secret, pseudonyms, limits and a configurable API."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TelegramInput:
        """Settings come from the environment only (credentials.yml holds no secrets)."""
        return cls(os.environ)

    def __init__(self, env: Mapping[str, str]) -> None:
        settings = MessengerSettings.from_env(env)
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip()
        sender_secret = secret_or_none(env)
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL", "").strip() or (
            f"{settings.public_url}/webhooks/telegram/webhook"
        )
        super().__init__(token, env.get("TELEGRAM_BOT_NAME", "").strip(), webhook_url, False)
        self.api_url = env.get("TELEGRAM_API_URL", "").strip().rstrip("/") or DEFAULT_API_URL
        self.secret_token = secret
        missing = [
            name
            for name, ok in (
                ("TELEGRAM_BOT_TOKEN", ":" in token),
                ("TELEGRAM_WEBHOOK_SECRET", bool(TELEGRAM_SECRET_PATTERN.fullmatch(secret))),
                ("CHANNEL_SENDER_SECRET", sender_secret is not None),
            )
            if not ok
        ]
        self.output: TelegramOutput | None = None
        if missing:
            logger.info("telegram channel not configured (missing: %s)", ", ".join(missing))
            return
        assert sender_secret is not None
        state = MessengerState("telegram", settings, sender_secret)
        self.output = TelegramOutput(token, self.api_url, state)
        logger.info("telegram channel configured")

    def get_output_channel(self) -> OutputChannel:
        """The one output channel (no side effects, unlike Rasa's, which sets the webhook)."""
        return self.output if self.output is not None else CollectingOutputChannel()

    async def register_webhook(self) -> None:
        """``setWebhook`` (with the secret token) and ``getMe``; retried while the API is unreachable."""
        out = self.output
        assert out is not None
        payload = {
            "url": self.webhook_url,
            "secret_token": self.secret_token,
            "allowed_updates": json.dumps(ALLOWED_UPDATES),
            "max_connections": MAX_CONNECTIONS,
        }
        delay = 1.0
        while True:
            try:
                await out.request("setWebhook", payload)
                me = await out.get_me()
                break
            except TelegramAPIError as exc:
                logger.error("telegram: webhook not registered: %s", type(exc).__name__)
                return
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                if delay == 1.0:
                    logger.warning(
                        "telegram: Bot API unreachable (%s), retrying", type(exc).__name__
                    )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
        if self.verify and me.username != self.verify:
            logger.error("telegram: the token belongs to another bot than TELEGRAM_BOT_NAME")
            return
        logger.info("telegram: webhook registered")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("bl_telegram_webhook", __name__)

        @bp.listener("after_server_start")
        async def start(app: Any, _loop: Any) -> None:
            if self.output is not None:
                app.add_task(self.register_webhook())

        @bp.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            if self.output is not None and self.output._session is not None:
                await self.output._session.close()

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"configured": self.output is not None})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            out = self.output
            if out is None:
                return response.json({"error": "Telegram ist nicht eingerichtet."}, status=503)
            if not telegram_secret_ok(self.secret_token, request.headers.get(SECRET_HEADER)):
                return response.json({"error": "forbidden"}, status=403)
            update = request.json
            if not isinstance(update, dict):
                return response.json({"error": "Erwartet wird ein JSON-Objekt."}, status=400)
            try:
                await self._handle(update, out, on_new_message, request.app)
            except Exception as exc:  # noqa: BLE001 - Telegram would retry; the error is logged
                logger.error("telegram: handling an update failed: %s", type(exc).__name__)
            return response.text("success")

        return bp

    async def _handle(
        self,
        update: dict[str, Any],
        out: TelegramOutput,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        app: Any = None,
    ) -> None:
        query = update.get("callback_query")
        if isinstance(query, dict):
            message = query.get("message") or {}
            text = query.get("data")
            if query.get("id"):
                try:  # stops the client's spinner; best effort
                    await out.answer_callback_query(query["id"])
                except (TelegramAPIError, aiohttp.ClientError, asyncio.TimeoutError):
                    pass
        else:
            message = update.get("message") or update.get("edited_message") or {}
            text = message.get("text")
        chat = message.get("chat") if isinstance(message, dict) else None
        if not isinstance(chat, dict) or chat.get("type") != "private" or "id" not in chat:
            return  # groups and channels are not served: one conversation is one person
        if text is not None and not isinstance(text, str):
            text = None
        await out.state.receive(str(chat["id"]), text, out, on_new_message, "Telegram", app)
