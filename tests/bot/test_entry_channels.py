"""The project's socket.io channel (bot/channels/socketio.py): Rasa's handlers wrapped with the entry rules."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels import socketio as channels


@pytest.fixture
def channel(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("PROXY_PORT", "8280")
    monkeypatch.setenv("NEW_CONVERSATIONS_PER_MINUTE", "2")
    monkeypatch.setattr(channels, "_settings", None)
    monkeypatch.setattr(channels, "_limiter", None)
    received: list[Any] = []

    async def on_new_message(message: Any) -> None:
        received.append(message)

    ch = channels.SocketIOInput.from_credentials({"session_persistence": True})
    ch.blueprint(on_new_message)
    sio = ch.sio
    emitted: list[Any] = []
    closed: list[str] = []

    async def emit(event: str, data: Any = None, room: Any = None, **_: Any) -> None:
        emitted.append((event, data, room))

    async def disconnect(sid: str, namespace: Any = None) -> None:
        closed.append(sid)

    monkeypatch.setattr(sio, "emit", emit)
    monkeypatch.setattr(sio, "disconnect", disconnect)
    monkeypatch.setattr(sio, "enter_room", lambda *a, **k: None)
    monkeypatch.setattr(sio, "leave_room", lambda *a, **k: None)
    return ch, sio.handlers["/"], emitted, closed, received


async def test_limits_and_origins_are_set(channel: Any) -> None:
    ch, *_ = channel
    assert ch.sio.eio.cors_allowed_origins == ["http://127.0.0.1:8280"]
    assert ch.sio.eio.max_http_buffer_size == 8192


async def test_session_ids_limits_and_message_rules(channel: Any) -> None:
    ch, handlers, emitted, closed, received = channel
    environ = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.5"}
    assert await handlers["connect"]("s1", environ, None) is True
    await handlers["session_request"]("s1", {"session_id": "not-an-id"})
    assert closed == ["s1"] and not emitted
    good = ["a" * 32, "b" * 32, "c" * 32]
    await handlers["session_request"]("s1", {"session_id": good[0]})
    assert emitted[-1][:2] == ("session_confirm", good[0])
    await handlers["user_uttered"](
        "s1", {"message": "Hallo", "session_id": "d" * 32}
    )  # not opened here
    assert received == []
    # too long: cut after 1001 characters, so that the input guard answers "too long"
    await handlers["user_uttered"]("s1", {"message": "x" * 5000, "session_id": good[0]})
    assert [len(m.text) for m in received] == [1001]
    await handlers["user_uttered"]("s1", {"message": "Hallo", "session_id": good[0]})
    assert [m.sender_id for m in received] == [good[0], good[0]]
    await handlers["session_request"]("s1", {"session_id": good[1]})
    await handlers["session_request"]("s1", {"session_id": good[2]})  # third new id within a minute
    assert closed == ["s1", "s1"]
    assert await handlers["connect"]("s2", {"REMOTE_ADDR": "127.0.0.1"}, None) is True
    await handlers["session_request"]("s2", {"session_id": good[2]})  # internal client: not limited
    assert emitted[-1][:2] == ("session_confirm", good[2])


class _Request:
    def __init__(self, body: Any) -> None:
        self.json = body


async def test_rest_message_is_cut_after_the_limit_and_a_missing_one_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sanic.exceptions import SanicException

    monkeypatch.setattr(channels, "_settings", None)
    rest = channels.RestInput()
    assert len(rest._extract_message(_Request({"message": "Weiterbildung " * 800}))) == 1001
    assert rest._extract_message(_Request({"message": "Hallo"})) == "Hallo"
    with pytest.raises(SanicException) as refused:
        await rest._extract_sender(_Request({"sender": "a" * 32}))  # no message
    assert refused.value.status_code == 400 and "fehlt" in str(refused.value)
