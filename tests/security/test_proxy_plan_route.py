"""The citizen's plan link at the public entry: ``/plan/`` is routed to the staff process for
everyone (not limited by STAFF_ALLOW), GET only, with no-referrer, no-store and the staff CSP, and
the link's token never lands in nginx's access log."""

from __future__ import annotations

import http.server
import secrets
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx

from proxy.config import load_proxy_settings, render, write_config
from tests.security.test_proxy_config import _free_port, _nginx


def _block(text: str) -> str:
    return text.split("location ^~ /plan/ {", 1)[1].split("\n        }\n", 1)[0]


def test_plan_route_is_rendered_with_its_headers_and_masked_log(tmp_path: Path) -> None:
    cfg = load_proxy_settings({"PROXY_DIR": str(tmp_path), "STAFF_ALLOW": "10.0.0.0/8"})
    text = render(cfg)
    block = _block(text)
    assert "proxy_pass http://bl_staff;" in block and "limit_except GET { deny all; }" in block
    assert 'Referrer-Policy "no-referrer"' in block and 'Cache-Control "no-store"' in block
    assert "frame-ancestors 'none'" in block and "X-Robots-Tag" in block
    assert "allow " not in block  # public: the citizen is outside the offices' networks
    assert "error_log stderr crit;" in block
    assert "~^/plan/ /plan/-;" in text.split("map $uri $bl_log_uri", 1)[1].split("}", 1)[0]


class _Upstream(http.server.BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.paths.append(self.path)
        body = b"plan upstream"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=60")  # the app's own headers: replaced, once
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", "default-src 'self'")
        self.send_header("X-Robots-Tag", "noindex, nofollow")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_nginx_serves_the_plan_link_without_logging_the_token(tmp_path: Path) -> None:
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
    proc = subprocess.Popen(
        [nginx, "-e", "stderr", "-p", str(cfg.directory), "-c", str(conf)],
        stderr=subprocess.PIPE,
        text=True,
    )
    token = secrets.token_urlsafe(32)
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
        transport = httpx.HTTPTransport(local_address="127.0.0.6")  # outside STAFF_ALLOW
        with httpx.Client(transport=transport, base_url=f"http://127.0.0.1:{port}") as c:
            page = c.get(f"/plan/{token}")
            pdf = c.get(f"/plan/{token}.pdf")
            post = c.post(f"/plan/{token}", data={"x": "1"})
            staff = c.get("/staff/sign-in")
        assert page.status_code == 200 and page.text == "plan upstream"
        for name in ("referrer-policy", "cache-control", "content-security-policy", "x-robots-tag"):
            assert len(page.headers.get_list(name)) == 1, name
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert pdf.status_code == 200
        assert post.status_code == 403
        assert staff.status_code == 403  # the staff pages stay limited
        assert _Upstream.paths[-2:] == [f"/plan/{token}", f"/plan/{token}.pdf"]
    finally:
        proc.terminate()
        _, errors = proc.communicate(timeout=10)
        upstream.shutdown()
    log = (cfg.directory / "logs" / "access.log").read_text()
    assert '"GET /plan/-" 200' in log and '"POST /plan/-" 403' in log
    assert token not in log and token not in errors
