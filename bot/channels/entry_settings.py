"""Settings of the public entry: the reverse proxy (``proxy/``) and Rasa's channels (``bot.channels``).

Stdlib only: read by the bot environment (Rasa's channel classes) and the app environment (the proxy
configuration generator). Every variable is optional; the defaults suit ``make run`` on one machine.

==============================  ==============================  ===============================================
variable                        default                         meaning
==============================  ==============================  ===============================================
PROXY_PORT                      8080                            port of the proxy (the only public listener)
PUBLIC_URL                      http://127.0.0.1:$PROXY_PORT    URL citizens open (the proxy's, https:// in
                                                                production); its origin is always allowed
ALLOWED_ORIGINS                 (none)                          further origins (space or comma separated) whose
                                                                pages may open socket.io / call the REST webhook
CHANNEL_TRUSTED_PROXIES         127.0.0.1                       peers whose X-Forwarded-For Rasa believes (the
                                                                proxy); anyone else is the client himself
CHANNEL_UNLIMITED               127.0.0.1                       clients exempt from the new-conversation limit
                                                                (internal measurement, demo data, tests)
SOCKETIO_MAX_PACKET_BYTES       8192                            engine.io packet limit (websocket frames and
                                                                polling bodies; proxy body limits miss frames)
MAX_MESSAGE_CHARS               1000                            longest user message passed on whole; longer ones
                                                                are cut after +1 char and get the "too long" reply
NEW_CONVERSATIONS_PER_MINUTE    10                              new conversation ids one client may open per
                                                                minute (socket.io and REST together)
==============================  ==============================  ===============================================
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

#: The form of a conversation id: 128 bits from a cryptographic source, as 32 lowercase hex digits
#: (the page: crypto.getRandomValues; Python: secrets.token_hex(16)).
SESSION_ID_PATTERN = r"^[0-9a-f]{32}$"
_SESSION_ID_RE = re.compile(SESSION_ID_PATTERN)

DEFAULT_PROXY_PORT = 8080


def is_valid_session_id(value: object) -> bool:
    """True for a string of exactly 32 lowercase hex digits."""
    return isinstance(value, str) and bool(_SESSION_ID_RE.fullmatch(value))


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL (the form browsers send in the Origin header)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


def split_list(value: str) -> list[str]:
    """Items of a setting separated by blanks or commas (the proxy's settings use it too)."""
    return [item for item in re.split(r"[\s,]+", value.strip()) if item]


def networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Addresses/CIDRs of a setting as networks (a bare address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(item, strict=False) for item in split_list(value))


def int_setting(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    """The integer setting ``name`` (``default`` when unset); ValueError below ``minimum``."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    value = int(raw)
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class EntrySettings:
    """The public entry's settings shared by the proxy and Rasa's channels."""

    proxy_port: int
    public_url: str
    allowed_origins: tuple[str, ...]
    channel_trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    channel_unlimited: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    socketio_max_packet_bytes: int
    max_message_chars: int
    new_conversations_per_minute: int

    def client_address(self, peer: str | None, forwarded_for: str | None) -> str:
        """The client: the peer, or the last X-Forwarded-For entry when the peer is a trusted proxy."""
        peer = (peer or "").strip()
        if forwarded_for and self.is_trusted_proxy(peer):
            last = forwarded_for.split(",")[-1].strip()
            try:
                return str(ipaddress.ip_address(last))
            except ValueError:
                return peer
        return peer

    def is_trusted_proxy(self, address: str) -> bool:
        return _in_any(address, self.channel_trusted_proxies)

    def is_unlimited(self, client: str) -> bool:
        """Internal clients (CHANNEL_UNLIMITED) are not subject to the new-conversation limit."""
        return _in_any(client, self.channel_unlimited)


def _in_any(
    address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def load_entry_settings(env: Mapping[str, str] | None = None) -> EntrySettings:
    """Read the settings from ``env`` (default: the process environment); raises ValueError."""
    env = os.environ if env is None else env
    port = int_setting(env, "PROXY_PORT", DEFAULT_PROXY_PORT)
    public_url = env.get("PUBLIC_URL", "").strip() or f"http://127.0.0.1:{port}"
    origins = [origin_of(public_url)]
    origins += [origin_of(o) for o in split_list(env.get("ALLOWED_ORIGINS", ""))]
    return EntrySettings(
        proxy_port=port,
        public_url=public_url.rstrip("/"),
        allowed_origins=tuple(dict.fromkeys(origins)),
        channel_trusted_proxies=networks(env.get("CHANNEL_TRUSTED_PROXIES", "127.0.0.1")),
        channel_unlimited=networks(env.get("CHANNEL_UNLIMITED", "127.0.0.1")),
        socketio_max_packet_bytes=int_setting(env, "SOCKETIO_MAX_PACKET_BYTES", 8192, minimum=1024),
        max_message_chars=int_setting(env, "MAX_MESSAGE_CHARS", 1000),
        new_conversations_per_minute=int_setting(env, "NEW_CONVERSATIONS_PER_MINUTE", 10),
    )
