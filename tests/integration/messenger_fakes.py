"""Local fakes of Telegram's Bot API and Twilio's Messages API that record every call, and a runner
that starts them around a command with the messenger channels configured (stdlib only).

    python -m tests.integration.messenger_fakes -- python scripts/with_stack.py -- \
        python -m pytest -m integration tests/integration/test_messenger_channels.py

The runner sets, unless already set: random CHANNEL_SENDER_SECRET, TELEGRAM_WEBHOOK_SECRET and
TWILIO_AUTH_TOKEN (made for this run, never on a command line), a test bot token and account SID,
TELEGRAM_API_URL / TWILIO_API_URL pointing at the fakes (ports FAKE_TELEGRAM_PORT 9391 and
FAKE_TWILIO_PORT 9392), TELEGRAM_BOT_NAME and TWILIO_WHATSAPP_NUMBER. The fakes run before the stack,
so Rasa's start-up registration (setWebhook, getMe) reaches them. ``GET /_calls`` on a fake returns
the recorded calls as JSON, ``DELETE /_calls`` clears them.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_NAME = "bildungslotse_test_bot"


class _Recorder(BaseHTTPRequestHandler):
    calls: list[dict[str, Any]]
    lock: threading.Lock

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        return

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _params(self) -> dict[str, Any]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            return json.loads(raw or b"{}")
        return dict(parse_qsl(raw.decode(), keep_blank_values=True))

    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/_calls":
            with self.lock:
                self._reply(200, list(self.calls))
            return
        self.do_POST()

    def do_DELETE(self) -> None:  # noqa: N802
        with self.lock:
            self.calls.clear()
        self._reply(200, [])

    def do_POST(self) -> None:  # noqa: N802
        self.handle_api(urlsplit(self.path).path, self._params())

    def record(self, call: dict[str, Any]) -> None:
        with self.lock:
            self.calls.append({**call, "at": time.time()})

    def handle_api(self, path: str, params: dict[str, Any]) -> None:
        raise NotImplementedError


class TelegramFake(_Recorder):
    """``/bot<token>/<method>``: setWebhook, getMe, sendMessage, answerCallbackQuery."""

    token = ""

    def handle_api(self, path: str, params: dict[str, Any]) -> None:
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        method = path[len(prefix) :]
        if isinstance(params.get("reply_markup"), str):
            params["reply_markup"] = json.loads(params["reply_markup"])
        self.record({"method": method, "params": params})
        result: Any = True
        if method == "getMe":
            result = {"id": 4242, "is_bot": True, "first_name": "Lotse", "username": BOT_NAME}
        elif method == "sendMessage":
            result = {
                "message_id": len(self.calls),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "text": params.get("text", ""),
            }
        elif method not in ("setWebhook", "answerCallbackQuery", "deleteWebhook"):
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self._reply(200, {"ok": True, "result": result})


class TwilioFake(_Recorder):
    """``/2010-04-01/Accounts/<sid>/Messages.json`` with HTTP basic auth (sid, auth token)."""

    sid = ""
    auth_token = ""

    def handle_api(self, path: str, params: dict[str, Any]) -> None:
        expected = base64.b64encode(f"{self.sid}:{self.auth_token}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
            return
        if path != f"/2010-04-01/Accounts/{self.sid}/Messages.json":
            self._reply(404, {"code": 20404, "message": "Not Found", "status": 404})
            return
        self.record({"method": "Messages.create", "params": params})
        self._reply(
            201,
            {
                "sid": f"SM{secrets.token_hex(16)}",
                "account_sid": self.sid,
                "to": params.get("To"),
                "from": params.get("From"),
                "body": params.get("Body"),
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{self.sid}/Messages/x.json",
            },
        )


def configure_env(env: dict[str, str]) -> dict[str, str]:
    """The channels' settings for a test run (existing values are kept)."""
    tg_port = env.get("FAKE_TELEGRAM_PORT", "9391")
    tw_port = env.get("FAKE_TWILIO_PORT", "9392")
    defaults = {
        "CHANNEL_SENDER_SECRET": secrets.token_hex(32),
        "TELEGRAM_BOT_TOKEN": f"123456:{secrets.token_urlsafe(24)}",
        "TELEGRAM_WEBHOOK_SECRET": secrets.token_urlsafe(32),
        "TELEGRAM_API_URL": f"http://127.0.0.1:{tg_port}",
        "TELEGRAM_BOT_NAME": BOT_NAME,
        "TWILIO_ACCOUNT_SID": "AC" + secrets.token_hex(16),
        "TWILIO_AUTH_TOKEN": secrets.token_hex(16),
        "TWILIO_WHATSAPP_NUMBER": "whatsapp:+4989123450000",
        "TWILIO_API_URL": f"http://127.0.0.1:{tw_port}",
    }
    return {**defaults, **env}


def start_fakes(env: dict[str, str]) -> list[ThreadingHTTPServer]:
    """Start both fakes in daemon threads on the ports of TELEGRAM_API_URL / TWILIO_API_URL."""
    telegram = type(
        "Telegram",
        (TelegramFake,),
        {"calls": [], "lock": threading.Lock(), "token": env["TELEGRAM_BOT_TOKEN"]},
    )
    twilio = type(
        "Twilio",
        (TwilioFake,),
        {
            "calls": [],
            "lock": threading.Lock(),
            "sid": env["TWILIO_ACCOUNT_SID"],
            "auth_token": env["TWILIO_AUTH_TOKEN"],
        },
    )
    servers = []
    for url, handler in ((env["TELEGRAM_API_URL"], telegram), (env["TWILIO_API_URL"], twilio)):
        port = urlsplit(url).port or 80
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    env = configure_env(dict(os.environ))
    servers = start_fakes(env)
    try:
        return subprocess.call(command, env=env)
    finally:
        for server in servers:
            server.shutdown()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
