"""Keyed pseudonyms for messenger sender ids (stdlib only; used by Rasa's channels and the Matrix bridge).

A messenger's sender id (a phone number from Twilio/WhatsApp, a Telegram chat id, a Matrix user id) is
personal data. It never reaches Rasa (tracker store, logs) in clear: the channel layer replaces it by
``HMAC-SHA256(CHANNEL_SENDER_SECRET, "<channel>:<id>")`` cut to 128 bits, as 32 lowercase hex digits, i.e. the
conversation-id format of the public entry (:data:`bot.channels.entry_settings.SESSION_ID_PATTERN`). The
channel name is part of the message, so the same number on two channels gives two conversations.

``CHANNEL_SENDER_SECRET`` comes from the environment only (at least 32 characters). Changing it starts new
conversations for every messenger user (old ones then expire by retention). The mapping back to the real id,
needed for replies, lives only in the channel layer (see docs/channels.md).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

SECRET_ENV = "CHANNEL_SENDER_SECRET"
MIN_SECRET_CHARS = 32


class SenderSecretMissing(RuntimeError):
    """The channel needs ``CHANNEL_SENDER_SECRET`` and it is not set (or too short)."""


def sender_secret(environ: Mapping[str, str] | None = None) -> bytes:
    """The key from the environment; a missing or short one is an error (never a default key)."""
    value = (os.environ if environ is None else environ).get(SECRET_ENV, "")
    if len(value) < MIN_SECRET_CHARS:
        raise SenderSecretMissing(
            f"{SECRET_ENV} must be set to at least {MIN_SECRET_CHARS} characters for messenger channels"
        )
    return value.encode("utf-8")


def pseudonym(channel: str, sender: str, secret: bytes) -> str:
    """The conversation id for ``sender`` on ``channel``: 32 lowercase hex digits (128 bits)."""
    if not channel or ":" in channel:
        raise ValueError("channel must be a non-empty name without ':'")
    message = f"{channel}:{sender}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:32]
