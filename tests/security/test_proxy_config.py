"""Unit tests of the public entry's configuration: nginx config generation, TLS, the Rasa launcher."""

from __future__ import annotations

import http.server
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from bot.channels.entry_settings import is_valid_session_id, load_entry_settings
from proxy.config import load_proxy_settings, render, write_config
from tests.prereq import missing

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from rasa_api_token import keygen, token  # noqa: E402
from run_rasa import rasa_args  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _nginx() -> str:
    if not Path(NGINX).exists():
        missing("nginx is not installed", "make setup installs Debian's nginx-light")
    return NGINX


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_default_config_is_valid_and_routes_only_the_entry(tmp_path: Path) -> None:
    cfg = load_proxy_settings({"PROXY_DIR": str(tmp_path)})
    conf = write_config(cfg)
    text = conf.read_text()
    assert "listen 127.0.0.1:8080;" in text and "server_tokens off;" in text
    assert "$request_uri" not in text.split("log_format", 1)[1].split(";", 1)[0]
    assert "$args" not in text and "$query_string" not in text
    assert "location = /webhooks/rest/webhook" in text and "location ^~ /socket.io/" in text
    assert "/conversations" not in text.replace("/api/conversations", "")
    assert "Strict-Transport-Security" not in text and "set_real_ip_from" not in text
    result = subprocess.run(
        [_nginx(), "-t", "-q", "-e", "stderr", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FRAME_ANCESTORS", "https://a.example; script-src *"),
        ("ALLOWED_ORIGINS", 'https://a.example"'),
        ("PROXY_RATE", "10r/s; allow all"),
        ("PROXY_BODY_LIMIT", "1g;"),
        ("PROXY_LISTEN", "0.0.0.0;#"),
        ("PROXY_TRUSTED_PROXIES", "everyone"),
        ("PUBLIC_URL", "javascript:alert(1)"),
    ],
)
def test_settings_cannot_inject_configuration(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render(load_proxy_settings({"PROXY_DIR": str(tmp_path), name: value}))


def test_tls_config_serves_hsts_with_a_self_signed_certificate(tmp_path: Path) -> None:
    nginx = _nginx()
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    env = {
        "PROXY_DIR": str(tmp_path / "proxy"),
        "PROXY_PORT": str(port),
        "PROXY_TLS_CERT": str(cert),
        "PROXY_TLS_KEY": str(key),
        "PUBLIC_URL": f"https://127.0.0.1:{port}",
        "WEB_PORT": str(_free_port()),
        "PROXY_TRUSTED_PROXIES": "10.0.0.0/8",
        "FRAME_ANCESTORS": "'self' https://www.landkreis-muenchen.de",
    }
    cfg = load_proxy_settings(env)
    conf = write_config(cfg)
    text = conf.read_text()
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in text and "set_real_ip_from 10.0.0.0/8;" in text
    proc = subprocess.Popen(
        [nginx, "-e", "stderr", "-p", str(cfg.directory), "-c", str(conf)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        context = ssl.create_default_context(cafile=str(cert))
        context.check_hostname = False
        deadline = time.monotonic() + 10
        while True:
            try:
                with (
                    socket.create_connection(("127.0.0.1", port), timeout=2) as raw,
                    context.wrap_socket(raw) as tls,
                ):
                    tls.sendall(b"GET /missing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    answer = b""
                    while chunk := tls.recv(65536):
                        answer += chunk
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        head = answer.split(b"\r\n\r\n", 1)[0].decode().lower()
        assert head.startswith("http/1.1 404")
        assert "strict-transport-security: max-age=31536000" in head
        assert "frame-ancestors 'self' https://www.landkreis-muenchen.de" in head
        assert f"connect-src 'self' https://127.0.0.1:{port} wss://127.0.0.1:{port}" in head
        assert "server: nginx\r" in head + "\r"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_rasa_launcher_keeps_the_api_off_by_default() -> None:
    args = rasa_args({})
    assert "--enable-api" not in args and "--cors" not in args
    assert args[args.index("-i") + 1] == "127.0.0.1"


def test_rasa_launcher_enables_the_api_only_with_an_rs256_public_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        rasa_args({"RASA_ENABLE_API": "true"})
    private, public = keygen(tmp_path)
    with pytest.raises(ValueError):
        rasa_args({"RASA_ENABLE_API": "true", "RASA_JWT_PUBLIC_KEY": str(private)})
    args = rasa_args({"RASA_ENABLE_API": "true", "RASA_JWT_PUBLIC_KEY": str(public)})
    assert args[args.index("--jwt-method") + 1] == "RS256"
    assert args[args.index("--jwt-secret") + 1] == str(public.resolve())
    assert "PRIVATE" not in " ".join(args) and str(private) not in args
    header, payload, signature = token(private).split(".")
    assert header and payload and len(signature) > 300


def test_entry_settings_and_session_ids() -> None:
    cfg = load_entry_settings(
        {"PROXY_PORT": "8280", "ALLOWED_ORIGINS": "https://www.landkreis-muenchen.de/x"}
    )
    assert cfg.allowed_origins == ("http://127.0.0.1:8280", "https://www.landkreis-muenchen.de")
    assert cfg.client_address("127.0.0.1", "10.1.1.1, 192.0.2.7") == "192.0.2.7"
    assert cfg.client_address("192.0.2.9", "10.1.1.1") == "192.0.2.9"  # untrusted peer: XFF ignored
    assert cfg.is_unlimited("127.0.0.1") and not cfg.is_unlimited("127.0.0.2")
    assert is_valid_session_id("0123456789abcdef0123456789abcdef")
    for bad in (
        "0123456789ABCDEF0123456789ABCDEF",
        "12345678-1234-4234-8234-123456789abc",
        "",
        None,
        1,
    ):
        assert not is_valid_session_id(bad)


def test_staff_pages_are_routed_with_their_own_headers(tmp_path: Path) -> None:
    text = render(load_proxy_settings({"PROXY_DIR": str(tmp_path), "STAFF_PORT": "45082"}))
    assert "server 127.0.0.1:45082;" in text
    staff = text.split("location ^~ /staff/ {", 1)[1].split("}\n", 2)
    block = staff[0] + staff[1]
    assert "proxy_pass http://bl_staff;" in block and "limit_except GET POST" in block
    assert "frame-ancestors 'none'" in block and "X-Content-Type-Options" in block
    assert "allow " not in block and "deny all;\n            " not in block.split("limit_except")[0]
    assert "Strict-Transport-Security" not in block  # plain HTTP: no HSTS


def test_staff_allow_list_renders_allow_and_deny(tmp_path: Path) -> None:
    cfg = load_proxy_settings({"PROXY_DIR": str(tmp_path), "STAFF_ALLOW": "10.0.0.0/8, 192.0.2.7"})
    assert cfg.staff_allow == ("10.0.0.0/8", "192.0.2.7/32")
    block = render(cfg).split("location ^~ /staff/ {", 1)[1].split("limit_except", 1)[0]
    assert block.split() == ["allow", "10.0.0.0/8;", "allow", "192.0.2.7/32;", "deny", "all;"]
    with pytest.raises(ValueError):
        load_proxy_settings({"PROXY_DIR": str(tmp_path), "STAFF_ALLOW": "10.0.0.0/8; allow all"})


class _Upstream(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        body = b"staff upstream"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_staff_allow_list_is_enforced_by_nginx(tmp_path: Path) -> None:
    """A real nginx with STAFF_ALLOW=127.0.0.5: that address reaches the staff upstream, another
    loopback address gets 403; the chat page's routes are not limited."""
    nginx = _nginx()
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = _free_port()
    env = {
        "PROXY_DIR": str(tmp_path / "proxy"),
        "PROXY_PORT": str(port),
        "STAFF_PORT": str(upstream.server_address[1]),
        "WEB_PORT": str(upstream.server_address[1]),
        "STAFF_ALLOW": "127.0.0.5",
    }
    cfg = load_proxy_settings(env)
    conf = write_config(cfg)
    proc = subprocess.Popen([nginx, "-e", "stderr", "-p", str(cfg.directory), "-c", str(conf)])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

        def get(source: str, path: str) -> tuple[int, str]:
            transport = httpx.HTTPTransport(local_address=source)
            with httpx.Client(transport=transport, base_url=f"http://127.0.0.1:{port}") as c:
                answer = c.get(path)
            return answer.status_code, answer.text

        assert get("127.0.0.5", "/staff/sign-in") == (200, "staff upstream")
        status, body = get("127.0.0.6", "/staff/sign-in")
        assert status == 403 and "staff upstream" not in body
        assert get("127.0.0.6", "/staff")[0] == 403
        assert get("127.0.0.6", "/") == (200, "staff upstream")  # the chat page: not limited
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        upstream.shutdown()
