"""Settings of the reverse proxy and rendering of ``proxy/nginx.conf.template``.

Environment variables (all optional; the shared ones are in ``bot/channels/entry_settings.py``):

=======================  ==================  ==========================================================
variable                 default             meaning
=======================  ==================  ==========================================================
PROXY_LISTEN             127.0.0.1           address the proxy listens on (0.0.0.0 / [::] to publish)
PROXY_PORT               8080                its port
PROXY_TLS_CERT           (unset: plain HTTP) PEM certificate (chain); with PROXY_TLS_KEY turns on TLS
PROXY_TLS_KEY            (unset)             PEM private key; HSTS is sent only with TLS
PROXY_TRUSTED_PROXIES    (none)              load balancers whose X-Forwarded-For names the client
PROXY_UNLIMITED          (none)              addresses/CIDRs exempt from the rate limits (internal
                                             measurement and demo-data commands)
PROXY_RATE               10r/s               requests per client (nginx limit_req rate)
PROXY_BURST              40                  burst above the rate before 429
PROXY_CONN_LIMIT         20                  open connections per client
PROXY_DELETE_RATE        6r/m                conversation deletions per client
PROXY_BODY_LIMIT         16k                 largest request body (413 above)
PROXY_WEBHOOK_RATE       30r/s               requests per sender address on the messenger webhooks
                                             (/webhooks/telegram|twilio/webhook: Telegram's and
                                             Twilio's servers carry all users; per-user limits are
                                             the channels', docs/channels.md)
PROXY_WEBHOOK_BURST      100                 burst above that rate before 429
PROXY_WEBHOOK_BODY_LIMIT 32k                 largest messenger webhook body (413 above)
FRAME_ANCESTORS          'self'              CSP frame-ancestors: sites that may embed the page
STAFF_ALLOW              (anywhere)          addresses/CIDRs that may reach the staff pages /staff/
                                             (e.g. 10.0.0.0/8); others get 403
PROXY_DIR                build/proxy         generated config, pid, temp files, access log
RASA_PORT / WEB_PORT     5005 / 8081         upstreams on 127.0.0.1
STAFF_PORT               8082                the staff app's upstream on 127.0.0.1
=======================  ==================  ==========================================================
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.channels.entry_settings import EntrySettings, load_entry_settings, networks, split_list

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
DEFAULT_WEB_PORT = 8081
DEFAULT_STAFF_PORT = 8082
_RATE_RE = re.compile(r"^\d+r/[sm]$")
_SIZE_RE = re.compile(r"^\d+[km]?$")
_ANCESTOR_RE = re.compile(r"^('self'|'none'|https?://[A-Za-z0-9.*:-]+)$")
_PLACEHOLDER_RE = re.compile(r"\{\{([A-Z_]+)\}\}")


def _checked(value: str, pattern: re.Pattern[str], name: str) -> str:
    if not pattern.fullmatch(value):
        raise ValueError(f"{name}: unexpected value {value!r}")
    return value


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    value = int(env.get(name, "").strip() or default)
    if not 0 < value < 65536:
        raise ValueError(f"{name} out of range: {value}")
    return value


@dataclass(frozen=True)
class ProxySettings:
    """Everything the nginx configuration depends on."""

    entry: EntrySettings
    listen: str
    port: int
    rasa_port: int
    web_port: int
    staff_port: int
    tls_cert: Path | None
    tls_key: Path | None
    trusted_proxies: tuple[str, ...]
    unlimited: tuple[str, ...]
    rate: str
    burst: int
    conn_limit: int
    delete_rate: str
    body_limit: str
    webhook_rate: str
    webhook_burst: int
    webhook_body_limit: str
    frame_ancestors: tuple[str, ...]
    staff_allow: tuple[str, ...]
    directory: Path

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    @property
    def url(self) -> str:
        """The URL the proxy answers on locally (for scripts and the start-up message)."""
        host = "127.0.0.1" if self.listen in ("0.0.0.0", "[::]", "*") else self.listen
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"


def load_proxy_settings(env: Mapping[str, str] | None = None) -> ProxySettings:
    """Read and validate the proxy's settings (ValueError on a bad value)."""
    env = os.environ if env is None else env
    cert = env.get("PROXY_TLS_CERT", "").strip()
    key = env.get("PROXY_TLS_KEY", "").strip()
    if bool(cert) != bool(key):
        raise ValueError("set both PROXY_TLS_CERT and PROXY_TLS_KEY, or neither")
    listen = env.get("PROXY_LISTEN", "").strip() or "127.0.0.1"
    if listen not in ("*", "[::]") and not listen.startswith("["):
        ipaddress.ip_address(listen)  # raises ValueError
    ancestors = split_list(env.get("FRAME_ANCESTORS", "'self'"))
    directory = Path(env.get("PROXY_DIR", "").strip() or REPO_ROOT / "build" / "proxy")
    return ProxySettings(
        entry=load_entry_settings(env),
        listen=listen,
        port=_port(env, "PROXY_PORT", 8080),
        rasa_port=_port(env, "RASA_PORT", 5005),
        web_port=_port(env, "WEB_PORT", DEFAULT_WEB_PORT),
        staff_port=_port(env, "STAFF_PORT", DEFAULT_STAFF_PORT),
        tls_cert=Path(cert).resolve() if cert else None,
        tls_key=Path(key).resolve() if key else None,
        trusted_proxies=tuple(str(n) for n in networks(env.get("PROXY_TRUSTED_PROXIES", ""))),
        unlimited=tuple(str(n) for n in networks(env.get("PROXY_UNLIMITED", ""))),
        rate=_checked(env.get("PROXY_RATE", "10r/s").strip(), _RATE_RE, "PROXY_RATE"),
        burst=int(env.get("PROXY_BURST", "40")),
        conn_limit=int(env.get("PROXY_CONN_LIMIT", "20")),
        delete_rate=_checked(
            env.get("PROXY_DELETE_RATE", "6r/m").strip(), _RATE_RE, "PROXY_DELETE_RATE"
        ),
        body_limit=_checked(
            env.get("PROXY_BODY_LIMIT", "16k").strip(), _SIZE_RE, "PROXY_BODY_LIMIT"
        ),
        webhook_rate=_checked(
            env.get("PROXY_WEBHOOK_RATE", "30r/s").strip(), _RATE_RE, "PROXY_WEBHOOK_RATE"
        ),
        webhook_burst=int(env.get("PROXY_WEBHOOK_BURST", "100")),
        webhook_body_limit=_checked(
            env.get("PROXY_WEBHOOK_BODY_LIMIT", "32k").strip(), _SIZE_RE, "PROXY_WEBHOOK_BODY_LIMIT"
        ),
        frame_ancestors=tuple(_checked(a, _ANCESTOR_RE, "FRAME_ANCESTORS") for a in ancestors),
        staff_allow=tuple(str(n) for n in networks(env.get("STAFF_ALLOW", ""))),
        directory=directory.resolve(),
    )


def content_security_policy(cfg: ProxySettings) -> str:
    """CSP for every answer: no inline script or style, connections only to the public origin."""
    public = urlsplit(cfg.entry.public_url)
    ws = "wss" if public.scheme == "https" else "ws"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {public.scheme}://{public.netloc} {ws}://{public.netloc}; "
        "base-uri 'none'; form-action 'self'; object-src 'none'; "
        f"frame-ancestors {' '.join(cfg.frame_ancestors)}"
    )


def staff_content_security_policy() -> str:
    """CSP of the staff pages: like the page's, but no framing by anyone and no other origin."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; "
        "frame-ancestors 'none'"
    )


def _nginx_string(value: str) -> str:
    if any(c in value for c in '"\\\n\r$'):
        raise ValueError(f"character not allowed in a proxy setting: {value!r}")
    return f'"{value}"'


def render(cfg: ProxySettings) -> str:
    """The nginx configuration for ``cfg``."""
    d = str(cfg.directory)
    listen = f"{cfg.listen}:{cfg.port}" + (" ssl http2" if cfg.tls else "")
    tls = ""
    hsts = ""
    if cfg.tls:
        tls = (
            f"        ssl_certificate {_nginx_string(str(cfg.tls_cert))};\n"
            f"        ssl_certificate_key {_nginx_string(str(cfg.tls_key))};\n"
            "        ssl_protocols TLSv1.2 TLSv1.3;\n"
            "        ssl_prefer_server_ciphers off;\n"
            "        ssl_session_cache shared:bl_tls:1m;\n"
            "        ssl_session_tickets off;\n"
        )
        hsts = '        add_header Strict-Transport-Security "max-age=31536000" always;\n'
    real_ip = "".join(f"    set_real_ip_from {net};\n" for net in cfg.trusted_proxies)
    if real_ip:
        real_ip += "    real_ip_header X-Forwarded-For;\n    real_ip_recursive on;\n"
    staff_access = ""
    if cfg.staff_allow:
        staff_access = "".join(f"            allow {net};\n" for net in cfg.staff_allow)
        staff_access += "            deny all;\n"
    values = {
        "DIR": d,
        "LISTEN": listen,
        "TLS": tls,
        "HSTS": hsts,
        "REAL_IP": real_ip,
        "UNLIMITED": "".join(f"        {net} 1;\n" for net in cfg.unlimited),
        "ORIGINS": "".join(f"        {_nginx_string(o)} 1;\n" for o in cfg.entry.allowed_origins),
        "RATE": cfg.rate,
        "BURST": str(cfg.burst),
        "CONN_LIMIT": str(cfg.conn_limit),
        "DELETE_RATE": cfg.delete_rate,
        "DELETE_BURST": "3",
        "BODY_LIMIT": cfg.body_limit,
        "WEBHOOK_RATE": cfg.webhook_rate,
        "WEBHOOK_BURST": str(cfg.webhook_burst),
        "WEBHOOK_BODY_LIMIT": cfg.webhook_body_limit,
        "SOCKETIO_BODY_LIMIT": str(cfg.entry.socketio_max_packet_bytes),
        "CSP": _nginx_string(content_security_policy(cfg))[1:-1],
        "RASA_PORT": str(cfg.rasa_port),
        "WEB_PORT": str(cfg.web_port),
        "STAFF_PORT": str(cfg.staff_port),
        "STAFF_ACCESS": staff_access,
        "STAFF_CSP": _nginx_string(staff_content_security_policy())[1:-1],
    }

    def substitute(match: re.Match[str]) -> str:
        return values[match.group(1)].rstrip("\n")

    text = TEMPLATE.read_text(encoding="utf-8")
    missing = set(_PLACEHOLDER_RE.findall(text)) - values.keys()
    if missing:
        raise KeyError(f"template placeholders without a value: {sorted(missing)}")
    return _PLACEHOLDER_RE.sub(substitute, text)


def write_config(cfg: ProxySettings) -> Path:
    """Write ``nginx.conf`` and create the pid/temp/log directories; return the config path."""
    for sub in ("tmp", "logs"):
        (cfg.directory / sub).mkdir(parents=True, exist_ok=True)
    path = cfg.directory / "nginx.conf"
    path.write_text(render(cfg), encoding="utf-8")
    return path
