"""Signed demo conversations (``python -m staff.demo_data``): the simulation flag of a REST message.

A message counts as simulated only when its JSON body carries
``"metadata": {"simulation": {"ts": <unix seconds>, "mac": <hex>}}`` with
``mac = HMAC-SHA256(DEMO_DATA_SECRET, "<sender>.<ts>")``, ``ts`` at most :data:`MAX_AGE_SECONDS`
old (and not more than :data:`MAX_SKEW_SECONDS` in the future). The MAC binds the conversation id,
so a signature cannot be replayed for another conversation. The REST channel
(:class:`bot.channels.socketio.RestInput`) passes on only :func:`channel_metadata`: the marker
``{"simulated": HMAC-SHA256(secret, "tracker.<sender>")}`` or nothing, never what the client sent.
The action that writes the demand row (:func:`is_simulated`) accepts only that marker, checked
with the same secret: another channel whose client can put metadata into the tracker (socket.io's
``customData``) cannot forge it, nor reuse one of another conversation. Without a secret in the
environment, or with a missing, malformed, expired or wrong MAC, the message is an ordinary one:
no error, no hint what was wrong (a public client learns nothing by trying).

Stdlib only: the Rasa process, the action server (bot env) and the demo-data command (app env)
import it; all three read the secret from their environment.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections.abc import Callable, Mapping
from typing import Any

#: environment variable with the shared secret (never on a command line, never logged)
SECRET_VARIABLE = "DEMO_DATA_SECRET"
#: the key in the request's ``metadata`` and the key the channel passes on to the tracker
REQUEST_KEY = "simulation"
METADATA_KEY = "simulated"
MAX_AGE_SECONDS = 300
MAX_SKEW_SECONDS = 30
#: a shorter secret is not used (the command refuses to run, the channel flags nothing)
MIN_SECRET_CHARS = 16


def secret_from_env(env: Mapping[str, str] | None = None) -> bytes | None:
    """The secret of the environment, or None when unset or too short."""
    value = (os.environ if env is None else env).get(SECRET_VARIABLE, "").strip()
    return value.encode("utf-8") if len(value) >= MIN_SECRET_CHARS else None


def mac(secret: bytes, sender: str, ts: int) -> str:
    """The signature of one message of conversation ``sender`` made at ``ts``."""
    return hmac.new(secret, f"{sender}.{ts}".encode(), hashlib.sha256).hexdigest()


def sign(secret: bytes, sender: str, now: float | None = None) -> dict[str, Any]:
    """The ``metadata`` of a signed demo message (for the request body)."""
    ts = int(time.time() if now is None else now)
    return {REQUEST_KEY: {"ts": ts, "mac": mac(secret, sender, ts)}}


def verify(
    secret: bytes | None,
    sender: object,
    metadata: object,
    now: float | None = None,
    max_age: int = MAX_AGE_SECONDS,
) -> bool:
    """Whether ``metadata`` (the request's, as sent) signs a demo message of ``sender``."""
    if not secret or not isinstance(sender, str) or not isinstance(metadata, Mapping):
        return False
    found = metadata.get(REQUEST_KEY)
    if not isinstance(found, Mapping):
        return False
    ts, given = found.get("ts"), found.get("mac")
    if isinstance(ts, bool) or not isinstance(ts, int) or not isinstance(given, str):
        return False
    current = time.time() if now is None else now
    if not -MAX_SKEW_SECONDS <= current - ts <= max_age:
        return False
    return hmac.compare_digest(mac(secret, sender, ts), given.strip().lower())


def marker(secret: bytes, sender: str) -> str:
    """The tracker's proof that the channel verified a demo message of conversation ``sender``
    (another context than :func:`mac`: a request signature is never a valid marker)."""
    return hmac.new(secret, f"tracker.{sender}".encode(), hashlib.sha256).hexdigest()


def channel_metadata(
    body: object, secret_of: Callable[[], bytes | None] = secret_from_env
) -> dict[str, Any] | None:
    """What the REST channel passes on to the tracker for a request ``body``: the marker of a
    signed demo message, else nothing (the client's own metadata is never passed on)."""
    if not isinstance(body, Mapping):
        return None
    secret, sender = secret_of(), body.get("sender")
    if secret and isinstance(sender, str) and verify(secret, sender, body.get("metadata")):
        return {METADATA_KEY: marker(secret, sender)}
    return None


def is_simulated(
    latest_message: Mapping[str, Any] | None,
    sender: str,
    secret_of: Callable[[], bytes | None] = secret_from_env,
) -> bool:
    """Whether the tracker's latest user message of conversation ``sender`` carries the REST
    channel's marker (checked in constant time with the secret of the environment)."""
    metadata = (latest_message or {}).get("metadata")
    found = metadata.get(METADATA_KEY) if isinstance(metadata, Mapping) else None
    secret = secret_of()
    if not secret or not isinstance(found, str):
        return False
    return hmac.compare_digest(marker(secret, sender), found)
