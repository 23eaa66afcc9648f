"""Authenticity checks of messenger webhooks (stdlib only; used by the Telegram and Twilio channels).

- Telegram sends the ``secret_token`` given to ``setWebhook`` in the header
  ``X-Telegram-Bot-Api-Secret-Token``; :func:`telegram_secret_ok` compares it in constant time.
- Twilio signs every webhook request: ``X-Twilio-Signature`` is Base64(HMAC-SHA1(auth token,
  URL + every POST parameter name followed by its value, names sorted)), where URL is the full
  URL Twilio was configured to call (the public entry's, not Rasa's local one). The algorithm is
  Twilio's documented one (https://www.twilio.com/docs/usage/security#validating-requests);
  :func:`twilio_signature_ok` compares in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable

#: What Telegram accepts as ``secret_token``: 1-256 characters A-Z, a-z, 0-9, _ and -.
TELEGRAM_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def telegram_secret_ok(expected: str, received: str | None) -> bool:
    """Whether the header value equals the configured secret (constant time; empty never matches)."""
    if not expected or not received:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8"))


def twilio_signature(auth_token: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """Twilio's signature of a form POST to ``url`` with ``params`` (name, value pairs; a name may
    repeat: its values are taken in sorted order, as Twilio's own validator does)."""
    items = sorted(params)
    data = url + "".join(name + value for name, value in items)
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def twilio_signature_ok(
    auth_token: str, url: str, params: Iterable[tuple[str, str]], received: str | None
) -> bool:
    """Whether ``received`` (the X-Twilio-Signature header) signs this request."""
    if not auth_token or not received:
        return False
    expected = twilio_signature(auth_token, url, params)
    return hmac.compare_digest(
        expected.encode("ascii"), received.strip().encode("ascii", "replace")
    )
