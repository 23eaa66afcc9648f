"""Input side shared by the messenger channels (Telegram, WhatsApp via Twilio): the channel's name,
settings from the environment only (never from credentials.yml), the "configured" check (one log line
naming the missing variables, never their values) and the webhook blueprint: ``GET /`` tells whether
the channel is configured, ``POST /webhook`` answers 503 while it is not and 403 unless the request
is authentic; the rest is the channel's. State and output: :mod:`bot.channels.messenger`.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

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

logger = logging.getLogger(__name__)

_Input = TypeVar("_Input", bound="MessengerInput[Any]")
_Output = TypeVar("_Output", bound=MessengerOutput)


class MessengerInput(Generic[_Output]):
    """Input side shared by the messenger channels (mixed in before Rasa's connector): the name,
    settings from the environment only, the "configured" check and the webhook blueprint (health
    route; 503 while not configured, 403 unless :meth:`authentic`, then :meth:`accept`). A subclass
    sets ``CHANNEL`` and ``DISPLAY_NAME``, takes ``env`` in ``__init__``, creates its output from
    :meth:`configured_state` and implements :meth:`authentic`, :meth:`accept` and
    :meth:`close_output`."""

    CHANNEL = ""
    DISPLAY_NAME = ""
    output: _Output | None = None

    @classmethod
    def name(cls) -> str:
        return cls.CHANNEL

    @classmethod
    def urls(
        cls, env: Mapping[str, str], settings: MessengerSettings, default_api: str
    ) -> tuple[str, str]:
        """The webhook URL (``<CHANNEL>_WEBHOOK_URL``, default: the public entry's route, which the
        messenger calls and Twilio signs) and the API URL (``<CHANNEL>_API_URL``)."""
        prefix = cls.CHANNEL.upper()
        webhook = env.get(f"{prefix}_WEBHOOK_URL", "").strip()
        api = env.get(f"{prefix}_API_URL", "").strip().rstrip("/")
        default_webhook = f"{settings.public_url}/webhooks/{cls.CHANNEL}/webhook"
        return webhook or default_webhook, api or default_api

    @classmethod
    def from_credentials(cls: type[_Input], credentials: dict[str, Any] | None) -> _Input:
        """Settings come from the environment only (credentials.yml holds no secrets)."""
        return cls(os.environ)  # type: ignore[call-arg]

    def configured_state(
        self,
        env: Mapping[str, str],
        settings: MessengerSettings,
        required: Sequence[tuple[str, bool]],
    ) -> MessengerState | None:
        """The channel's state, or None (logged once, by variable name) when one of the
        ``required`` (name, present) settings or ``CHANNEL_SENDER_SECRET`` is missing."""
        secret = secret_or_none(env)
        checks = (*required, ("CHANNEL_SENDER_SECRET", secret is not None))
        missing = [name for name, ok in checks if not ok]
        self.output = None
        if missing or secret is None:
            logger.info("%s channel not configured (missing: %s)", self.CHANNEL, ", ".join(missing))
            return None
        logger.info("%s channel configured", self.CHANNEL)
        return MessengerState(self.CHANNEL, settings, secret)

    def get_output_channel(self) -> OutputChannel:
        """The one output channel (no side effects, unlike Rasa's connectors)."""
        return self.output if self.output is not None else CollectingOutputChannel()

    def not_configured(self) -> HTTPResponse:
        return response.json({"error": f"{self.DISPLAY_NAME} ist nicht eingerichtet."}, status=503)

    def authentic(self, request: Request) -> bool:
        """Whether the request comes from the messenger (secret token, signature)."""
        raise NotImplementedError

    async def accept(
        self,
        request: Request,
        out: _Output,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        """Handle an authentic webhook request of a configured channel."""
        raise NotImplementedError

    async def close_output(self, out: _Output) -> None:
        """Close the output's HTTP session when the server stops."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(f"bl_{self.CHANNEL}_webhook", __name__)

        @bp.listener("before_server_stop")
        async def stop(_app: Any, _loop: Any) -> None:
            if self.output is not None:
                await self.close_output(self.output)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"configured": self.output is not None})

        @bp.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            out = self.output
            if out is None:
                return self.not_configured()
            if not self.authentic(request):
                return response.json({"error": "forbidden"}, status=403)
            return await self.accept(request, out, on_new_message)

        return bp
