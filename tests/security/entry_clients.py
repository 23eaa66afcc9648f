"""Clients for the attack tests: HTTP from a chosen loopback source address, engine.io/socket.io polling."""

from __future__ import annotations

import json
import os
import secrets
import time
from typing import Any

import httpx

PROXY_URL = os.environ.get(
    "BL_PROXY_URL", f"http://127.0.0.1:{os.environ.get('PROXY_PORT', '8080')}"
).rstrip("/")
RASA_URL = os.environ.get(
    "BL_RASA_URL", f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
).rstrip("/")
WEB_INTERNAL_URL = os.environ.get(
    "BL_WEB_INTERNAL_URL", f"http://127.0.0.1:{os.environ.get('WEB_PORT', '8081')}"
).rstrip("/")
SEARCH_URL = os.environ.get(
    "BL_SEARCH_URL", f"http://127.0.0.1:{os.environ.get('SEARCH_PORT', '8000')}"
).rstrip("/")
ORIGIN = os.environ.get("PUBLIC_URL", PROXY_URL).rstrip("/")
EVIL_ORIGIN = "https://evil.example"


def client_from(source: str, base_url: str = PROXY_URL, **kwargs: Any) -> httpx.Client:
    """An HTTP client whose connections come from ``source`` (any 127/8 address reaches 127.0.0.1)."""
    transport = httpx.HTTPTransport(local_address=source)
    return httpx.Client(base_url=base_url, transport=transport, timeout=60, **kwargs)


def new_session_id() -> str:
    return secrets.token_hex(16)


class SocketIOPolling:
    """A socket.io v5 client over engine.io v4 long-polling (what the page falls back to)."""

    def __init__(self, client: httpx.Client, origin: str | None = ORIGIN) -> None:
        self.client = client
        self.headers = {"Origin": origin} if origin else {}
        self.sid: str | None = None
        self.events: list[tuple[str, Any]] = []
        self.closed = False

    def _url(self) -> str:
        query = f"EIO=4&transport=polling&t={time.monotonic_ns()}"
        return f"/socket.io/?{query}" + (f"&sid={self.sid}" if self.sid else "")

    def handshake(self) -> httpx.Response:
        resp = self.client.get(self._url(), headers=self.headers)
        if resp.status_code == 200 and resp.text.startswith("0"):
            self.sid = json.loads(resp.text[1:])["sid"]
        return resp

    def post(self, payload: str | bytes) -> httpx.Response:
        return self.client.post(
            self._url(), content=payload, headers={**self.headers, "Content-Type": "text/plain"}
        )

    def poll(self) -> httpx.Response:
        resp = self.client.get(self._url(), headers=self.headers)
        if resp.status_code != 200:
            self.closed = True
            return resp
        for packet in resp.text.split("\x1e"):
            if packet == "1" or packet.startswith("41"):
                self.closed = True
            elif packet == "2":
                self.post("3")  # engine.io ping -> pong
            elif packet.startswith("42"):
                event = json.loads(packet[2:])
                self.events.append((event[0], event[1] if len(event) > 1 else None))
        return resp

    def connect(self) -> None:
        assert self.handshake().status_code == 200
        assert self.post("40").status_code == 200
        self.poll()  # 40{"sid": ...}

    def emit(self, event: str, data: Any) -> httpx.Response:
        return self.post("42" + json.dumps([event, data]))

    def wait_for(self, event: str, timeout_s: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not self.closed:
            for name, data in self.events:
                if name == event:
                    self.events.remove((name, data))
                    return data
            self.poll()
        return None


def socketio_chat(source: str, text: str = "Hallo") -> list[Any]:
    """A conversation over socket.io through the proxy, from ``source``; the bot's answers."""
    with client_from(source) as client:
        sio = SocketIOPolling(client)
        sio.connect()
        session_id = new_session_id()
        sio.emit("session_request", {"session_id": session_id})
        assert sio.wait_for("session_confirm", 20) == session_id, "no session_confirm"
        sio.emit("user_uttered", {"message": text, "session_id": session_id})
        first = sio.wait_for("bot_uttered", 90)
        answers = [first] if first is not None else []
        return answers


def assert_chat_works(source: str = "127.0.0.3") -> None:
    """The next normal conversation through the proxy gets an answer."""
    answers = socketio_chat(source)
    assert answers and (
        answers[0].get("text") or answers[0].get("attachment") or answers[0].get("data")
    ), f"no bot answer over socket.io through the proxy: {answers}"
