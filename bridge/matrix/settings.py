"""Settings of the Matrix bridge, from the environment only (never from a command line).

==============================  ========================  ===================================================
variable                        default                   meaning
==============================  ========================  ===================================================
MATRIX_HOMESERVER               (none: bridge idle)       URL of the homeserver of the bot account
MATRIX_USER_ID                  (none: bridge idle)       the bot account, e.g. ``@bildungslotse:example.org``
MATRIX_ACCESS_TOKEN             (none)                    access token of the bot's device (preferred), or
MATRIX_PASSWORD                 (none)                    the account password (the bridge logs in once and
                                                          keeps its device id in the store)
MATRIX_DEVICE_NAME              Bildungslotse             display name of the bot's device
MATRIX_STORE_DIR                var/matrix                crypto store and bridge state (keep it: see docs)
MATRIX_RETENTION_DAYS           WEB_RETENTION_DAYS or 30  days the pseudonym -> room mapping is kept after the
                                                          last message
MATRIX_MESSAGES_PER_MINUTE      CHANNEL_MESSAGES_PER_MINUTE messages one sender may send per minute (the
                                or 20                     messenger channels' setting by default)
MATRIX_RASA_URL                 http://127.0.0.1:$RASA_PORT   Rasa (the REST channel on the internal address)
MATRIX_WEB_URL                  http://127.0.0.1:$WEB_PORT    the page server (its deletion API)
CHANNEL_SENDER_SECRET           (required when configured) key of the sender pseudonyms
MAX_MESSAGE_CHARS               1000                      longest message passed on whole (entry settings)
==============================  ========================  ===================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.channels.entry_settings import int_setting, load_entry_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_STORE_DIR = REPO_ROOT / "var" / "matrix"


@dataclass(frozen=True)
class MatrixSettings:
    """What the bridge needs; built by :func:`load_settings`."""

    homeserver: str
    user_id: str
    access_token: str | None
    password: str | None
    device_name: str
    store_dir: Path
    retention_days: int
    messages_per_minute: int
    max_message_chars: int
    rasa_url: str
    web_url: str

    @property
    def webhook_url(self) -> str:
        return f"{self.rasa_url}/webhooks/rest/webhook"

    def __repr__(self) -> str:  # never print the credentials
        return f"MatrixSettings(homeserver={self.homeserver!r}, store_dir={str(self.store_dir)!r})"


def is_configured(env: Mapping[str, str] | None = None) -> bool:
    """True when the homeserver, the bot account and a credential are set."""
    env = os.environ if env is None else env
    has_credential = bool(env.get("MATRIX_ACCESS_TOKEN") or env.get("MATRIX_PASSWORD"))
    return bool(env.get("MATRIX_HOMESERVER") and env.get("MATRIX_USER_ID") and has_credential)


def load_settings(env: Mapping[str, str] | None = None) -> MatrixSettings:
    """The settings; raises ValueError when Matrix is not configured or a value is invalid."""
    env = os.environ if env is None else env
    if not is_configured(env):
        raise ValueError("MATRIX_HOMESERVER, MATRIX_USER_ID and a token or password are needed")
    rasa_port = env.get("RASA_PORT", "").strip() or "5005"
    web_port = env.get("WEB_PORT", "").strip() or "8081"
    retention = int_setting(env, "WEB_RETENTION_DAYS", 30)
    return MatrixSettings(
        homeserver=env["MATRIX_HOMESERVER"].rstrip("/"),
        user_id=env["MATRIX_USER_ID"],
        access_token=env.get("MATRIX_ACCESS_TOKEN") or None,
        password=env.get("MATRIX_PASSWORD") or None,
        device_name=env.get("MATRIX_DEVICE_NAME", "").strip() or "Bildungslotse",
        store_dir=Path(env.get("MATRIX_STORE_DIR", "").strip() or DEFAULT_STORE_DIR),
        retention_days=int_setting(env, "MATRIX_RETENTION_DAYS", retention),
        messages_per_minute=int_setting(
            env, "MATRIX_MESSAGES_PER_MINUTE", int_setting(env, "CHANNEL_MESSAGES_PER_MINUTE", 20)
        ),
        max_message_chars=load_entry_settings(env).max_message_chars,
        rasa_url=(env.get("MATRIX_RASA_URL", "").strip() or f"http://127.0.0.1:{rasa_port}").rstrip(
            "/"
        ),
        web_url=(env.get("MATRIX_WEB_URL", "").strip() or f"http://127.0.0.1:{web_port}").rstrip(
            "/"
        ),
    )
