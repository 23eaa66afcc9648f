"""WhatsApp via Twilio (referenced from ``credentials.yml``): Rasa's connector with the project's rules.

Rasa 3.6's :class:`rasa.core.channels.twilio.TwilioInput` accepts any POST (no signature check), sends
with Twilio's blocking HTTP client on the event loop and splits text at blank lines. This subclass:

- takes everything from the environment (never from files or the command line):
  ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, ``TWILIO_WHATSAPP_NUMBER`` (``whatsapp:+49…``, the
  sender approved for WhatsApp), ``CHANNEL_SENDER_SECRET``; optional ``TWILIO_API_URL`` (default
  https://api.twilio.com) and ``TWILIO_WEBHOOK_URL`` (default ``$PUBLIC_URL/webhooks/twilio/webhook``:
  the URL configured at Twilio, which Twilio signs);
- without them, the channel is "not configured": one log line at start-up, its webhook answers 503;
- refuses a request whose ``X-Twilio-Signature`` does not sign it (HMAC-SHA1 over the webhook URL and
  the sorted form parameters, :mod:`bot.channels.webhook_auth`) with 403;
- hands Rasa the pseudonym of the phone number (:class:`bot.channels.messenger.MessengerState`);
- sends with Twilio's asynchronous client (aiohttp, created on the server's event loop), every part
  of a bot message through the rendering adapter: plain text of at most 1600 characters, choices as a
  numbered list (an answer "2" picks the second; WhatsApp's interactive lists need pre-approved
  content templates, which this channel does not use).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import aiohttp
from rasa.core.channels import twilio as rasa_twilio
from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient

from bot.channels.messenger import (
    MessengerOutput,
    MessengerSettings,
    MessengerState,
    secret_or_none,
)
from bot.channels.webhook_auth import twilio_signature_ok

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.twilio.com"
SIGNATURE_HEADER = "X-Twilio-Signature"
# Twilio's HTTP client logs every request at INFO (URLs with the account SID); keep it quiet
_http_logger = logging.getLogger("bot.channels.twilio.http")
_http_logger.setLevel(logging.WARNING)


class TwilioOutput(MessengerOutput, rasa_twilio.TwilioOutput):
    """Rasa's Twilio output, sending asynchronously to the configured Messages API."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(
        self, account_sid: str, auth_token: str, number: str, api_url: str, state: MessengerState
    ) -> None:
        super().__init__(account_sid, auth_token, number)
        self.api_url = api_url
        self.state = state
        self._async_ready = False

    def _use_async_client(self) -> None:
        """On the running loop, once: aiohttp's session must belong to the server's event loop."""
        if not self._async_ready:
            self.http_client = AsyncTwilioHttpClient(timeout=30, logger=_http_logger)
            self.api.base_url = self.api_url
            self._async_ready = True

    async def deliver(self, real_id: str, message: Any) -> None:
        self._use_async_client()
        try:
            await self.messages.create_async(
                to=real_id, from_=self.twilio_number, body=message.text
            )
        except TwilioRestException as exc:
            logger.error("twilio: sending a message failed: HTTP %s", exc.status)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.error("twilio: sending a message failed: %s", type(exc).__name__)


def form_pairs(request: Request) -> list[tuple[str, str]]:
    """The form parameters as (name, value) pairs, repeated and empty ones included (Twilio signs
    empty parameters too; Sanic's ``request.form`` drops them)."""
    try:
        return parse_qsl(request.body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return []


class TwilioInput(rasa_twilio.TwilioInput):
    """Rasa's Twilio input with signature verification, pseudonyms and limits."""

    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TwilioInput:
        """Settings come from the environment only (credentials.yml holds no secrets)."""
        return cls(os.environ)

    def __init__(self, env: Mapping[str, str]) -> None:
        settings = MessengerSettings.from_env(env)
        sid = env.get("TWILIO_ACCOUNT_SID", "").strip()
        token = env.get("TWILIO_AUTH_TOKEN", "").strip()
        number = env.get("TWILIO_WHATSAPP_NUMBER", "").strip()
        sender_secret = secret_or_none(env)
        super().__init__(sid, token, number, False)
        self.webhook_url = env.get("TWILIO_WEBHOOK_URL", "").strip() or (
            f"{settings.public_url}/webhooks/twilio/webhook"
        )
        api_url = env.get("TWILIO_API_URL", "").strip().rstrip("/") or DEFAULT_API_URL
        missing = [
            name
            for name, ok in (
                ("TWILIO_ACCOUNT_SID", bool(sid)),
                ("TWILIO_AUTH_TOKEN", bool(token)),
                ("TWILIO_WHATSAPP_NUMBER", bool(number)),
                ("CHANNEL_SENDER_SECRET", sender_secret is not None),
            )
            if not ok
        ]
        self.output: TwilioOutput | None = None
        if missing:
            logger.info("twilio channel not configured (missing: %s)", ", ".join(missing))
            return
        assert sender_secret is not None
        state = MessengerState("twilio", settings, sender_secret)
        self.output = TwilioOutput(sid, token, number, api_url, state)
        logger.info("twilio channel configured")

    def get_output_channel(self) -> OutputChannel:
        return self.output if self.output is not None else CollectingOutputChannel()

    def signed(self, request: Request) -> bool:
        """Whether ``X-Twilio-Signature`` signs this request for the configured webhook URL."""
        url = self.webhook_url
        if request.query_string:
            url = f"{url}?{request.query_string}"
        received = request.headers.get(SIGNATURE_HEADER)
        return twilio_signature_ok(self.auth_token or "", url, form_pairs(request), received)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("bl_twilio_webhook", __name__)

        @bp.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            if self.output is not None and self.output._async_ready:
                await self.output.http_client.close()

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"configured": self.output is not None})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            out = self.output
            if out is None:
                return response.json({"error": "WhatsApp ist nicht eingerichtet."}, status=503)
            if not self.signed(request):
                return response.json({"error": "forbidden"}, status=403)
            sender = request.form.get("From")
            if not sender:
                return response.json({"error": "From fehlt."}, status=400)
            body = request.form.get("Body")
            text = body if body and body.strip() else None
            try:
                await out.state.receive(sender, text, out, on_new_message, "WhatsApp", request.app)
            except Exception as exc:  # noqa: BLE001 - logged without content; Twilio gets 204
                logger.error("twilio: handling a message failed: %s", type(exc).__name__)
            return response.empty(status=204)

        return bp
