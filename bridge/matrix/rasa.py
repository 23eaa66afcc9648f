"""The bridge's calls to the bot: Rasa's REST channel and the page server's deletion API."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

logger = logging.getLogger(__name__)

#: the payload type with which the bot asks the channel to delete the conversation
PAYLOAD_DELETE_CONVERSATION = "delete_conversation"


class BotUnavailable(RuntimeError):
    """Rasa did not answer (down, timeout, error status)."""


def structured_payload(message: dict[str, Any]) -> dict[str, Any] | None:
    """The ``{"type": …}`` payload of a REST answer ("custom", maybe nested in data/payload)."""
    custom = message.get("custom")
    for candidate in (
        custom,
        custom.get("data") if isinstance(custom, dict) else None,
        custom.get("payload") if isinstance(custom, dict) else None,
    ):
        if isinstance(candidate, dict) and isinstance(candidate.get("type"), str):
            return candidate
    return None


class BotClient:
    """HTTP client of Rasa's REST webhook and of ``DELETE /api/conversations/{id}``."""

    def __init__(self, webhook_url: str, web_url: str, timeout_s: float = 60.0) -> None:
        self.webhook_url = webhook_url
        self.web_url = web_url
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s))

    async def close(self) -> None:
        await self._session.close()

    async def send(self, sender: str, message: str) -> list[dict[str, Any]]:
        """Send one user message; the bot's answers (Rasa's REST format)."""
        body = {"sender": sender, "message": message}
        try:
            async with self._session.post(self.webhook_url, json=body) as resp:
                if resp.status != 200:
                    raise BotUnavailable(f"Rasa answered HTTP {resp.status}")
                answers = await resp.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise BotUnavailable(type(exc).__name__) from exc
        return [a for a in answers if isinstance(a, dict)] if isinstance(answers, list) else []

    async def delete_conversation(self, sender: str) -> bool:
        """Ask the page server to delete the stored conversation (as the page does)."""
        try:
            async with self._session.delete(f"{self.web_url}/api/conversations/{sender}") as resp:
                if resp.status == 204:
                    return True
                logger.warning("conversation deletion answered HTTP %d", resp.status)
        except (aiohttp.ClientError, TimeoutError) as exc:
            logger.warning("conversation deletion failed: %s", type(exc).__name__)
        return False
