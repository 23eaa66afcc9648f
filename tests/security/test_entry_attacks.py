"""Attack tests against the running stack through the public entry (scripts/with_stack.py starts it).

Each attack must end in a clean refusal, and the next normal conversation through the proxy must still work.
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tests.prereq import missing
from tests.security.entry_clients import (
    EVIL_ORIGIN,
    ORIGIN,
    PROXY_URL,
    RASA_URL,
    SocketIOPolling,
    assert_chat_works,
    client_from,
    new_session_id,
)

pytestmark = pytest.mark.integration

CID = "0123456789abcdef0123456789abcdef"
# Rasa 3.6's HTTP API (rasa/server.py), sanic-jwt's routes and the channels' extra routes.
RASA_API = [
    ("GET", f"/conversations/{CID}/tracker"),
    ("POST", f"/conversations/{CID}/tracker/events"),
    ("PUT", f"/conversations/{CID}/tracker/events"),
    ("GET", f"/conversations/{CID}/story"),
    ("POST", f"/conversations/{CID}/execute"),
    ("POST", f"/conversations/{CID}/trigger_intent"),
    ("POST", f"/conversations/{CID}/predict"),
    ("POST", f"/conversations/{CID}/messages"),
    ("POST", "/model/train"),
    ("POST", "/model/test/stories"),
    ("POST", "/model/test/intents"),
    ("POST", "/model/predict"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
    ("GET", "/domain"),
    ("GET", "/status"),
]
NOT_ROUTED = [
    *RASA_API,
    ("GET", "/version"),
    ("POST", "/auth"),
    ("GET", "/webhooks/rest/"),
    ("GET", "/webhooks/socketio/"),
    ("GET", "/webhooks/telegram/set_webhook"),
    ("GET", "/webhooks/telegram/"),  # the messenger channels' health routes
    ("GET", "/webhooks/twilio/"),
    ("GET", "/webhooks/telegram/webhook"),  # their webhooks: POST only
    ("GET", "/webhooks/twilio/webhook"),
    ("POST", "/webhook"),  # action server
    ("GET", "/actions"),
    ("POST", "/search"),  # search service
    ("GET", "/health"),
    ("GET", "/openapi.json"),
    ("GET", f"/api/conversations/{CID}"),
]


@pytest.fixture(scope="module", autouse=True)
def stack_up() -> None:
    try:
        httpx.get(f"{PROXY_URL}/", timeout=5).raise_for_status()
        httpx.get(f"{RASA_URL}/", timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        missing(f"public entry or Rasa not reachable ({exc})", "run via scripts/with_stack.py")


def test_rasa_api_not_routed_through_the_proxy() -> None:
    with client_from("127.0.0.6") as client:
        for method, path in NOT_ROUTED:
            resp = client.request(method, path, json={})
            assert resp.status_code in (403, 404), (method, path, resp.status_code)
    assert_chat_works()


def test_rasa_api_refuses_requests_without_credentials_on_its_internal_port() -> None:
    with httpx.Client(base_url=RASA_URL, timeout=30) as client:
        for method, path in RASA_API:
            resp = client.request(method, path, json={})
            assert resp.status_code in (401, 403, 404), (method, path, resp.status_code)
            forged = client.request(
                method, path, json={}, headers={"Authorization": "Bearer x.y.z"}
            )
            assert forged.status_code in (401, 403, 404), (method, path, forged.status_code)
        assert client.get("/status", params={"token": "guess"}).status_code in (401, 403, 404)


def test_foreign_origin_gets_no_cors_grant_and_no_socketio_handshake() -> None:
    with client_from("127.0.0.7") as client:
        through_proxy = SocketIOPolling(client, origin=EVIL_ORIGIN).handshake()
        assert through_proxy.status_code == 403 and through_proxy.text[:1] != "0"
        assert "access-control-allow-origin" not in through_proxy.headers
        preflight = client.options(
            "/webhooks/rest/webhook",
            headers={"Origin": EVIL_ORIGIN, "Access-Control-Request-Method": "POST"},
        )
        assert "access-control-allow-origin" not in preflight.headers
        post = client.post(
            "/webhooks/rest/webhook",
            json={"sender": new_session_id(), "message": "Hallo"},
            headers={"Origin": EVIL_ORIGIN},
        )
        assert post.status_code == 403 and "access-control-allow-origin" not in post.headers
        allowed = SocketIOPolling(client, origin=ORIGIN).handshake()
        assert allowed.status_code == 200 and allowed.text.startswith("0")
    # the channel refuses the foreign Origin itself too (someone reaching Rasa without the proxy)
    direct = SocketIOPolling(
        httpx.Client(base_url=RASA_URL, timeout=30), origin=EVIL_ORIGIN
    ).handshake()
    assert direct.status_code == 400 and "access-control-allow-origin" not in direct.headers
    assert_chat_works()


def test_oversized_body_is_refused_with_413() -> None:
    with client_from("127.0.0.8") as client:
        big = "x" * 40_000
        resp = client.post(
            "/webhooks/rest/webhook", json={"sender": new_session_id(), "message": big}
        )
        assert resp.status_code == 413
        # over engine.io's packet limit (SOCKETIO_MAX_PACKET_BYTES): refused at the proxy
        sio = SocketIOPolling(client)
        sio.connect()
        resp = sio.post("42" + '["user_uttered",{"message":"' + "y" * 12_000 + '"}]')
        assert resp.status_code == 413
        # a long message within the body limit gets the bot's "too long" reply (cut by the channel)
        resp = client.post(
            "/webhooks/rest/webhook", json={"sender": new_session_id(), "message": "z" * 1500}
        )
        assert resp.status_code == 200
        assert any(" lang" in str(m.get("text", "")) for m in resp.json()), resp.json()
        # a message that is not text is a clear 400
        resp = client.post(
            "/webhooks/rest/webhook", json={"sender": new_session_id(), "message": 7}
        )
        assert resp.status_code == 400
    assert_chat_works()


def test_flood_from_one_client_is_limited_while_another_chats() -> None:
    statuses: list[int] = []
    with client_from("127.0.0.2") as flooder:
        for i in range(120):
            # a forged X-Forwarded-For must not give the flooder fresh identities
            statuses.append(
                flooder.get("/config.json", headers={"X-Forwarded-For": f"10.9.{i}.1"}).status_code
            )
    assert 429 in statuses, statuses
    assert set(statuses) <= {200, 429}
    assert_chat_works("127.0.0.3")


def test_new_conversations_per_client_are_limited() -> None:
    with client_from("127.0.0.9") as client:
        codes = []
        for _ in range(12):
            resp = client.post(
                "/webhooks/rest/webhook", json={"sender": new_session_id(), "message": "Hallo"}
            )
            codes.append(resp.status_code)
            time.sleep(0.2)
    assert codes[:10] == [200] * 10, codes
    assert codes[10:] == [429, 429], codes
    assert_chat_works("127.0.0.3")


@pytest.mark.parametrize(
    "bad_id",
    [
        "abc",
        "0123456789ABCDEF0123456789ABCDEF",
        "12345678-1234-4234-8234-123456789abc",
        CID + "0",
        "../../etc/passwd",
        "' OR 1=1 --",
        "",
        None,
        12345,
    ],
)
def test_malformed_conversation_ids_are_refused(bad_id: object) -> None:
    with client_from("127.0.0.10") as client:
        resp = client.post("/webhooks/rest/webhook", json={"sender": bad_id, "message": "Hallo"})
        assert resp.status_code == 400, resp.text
        if isinstance(bad_id, str) and bad_id:
            sio = SocketIOPolling(client)
            sio.connect()
            sio.emit("session_request", {"session_id": bad_id})
            assert sio.wait_for("session_confirm", 5) is None
            assert sio.closed, "the channel must close the connection"


def test_messages_only_for_the_session_opened_on_the_connection() -> None:
    with client_from("127.0.0.11") as client:
        sio = SocketIOPolling(client)
        sio.connect()
        mine = new_session_id()
        sio.emit("session_request", {"session_id": mine})
        assert sio.wait_for("session_confirm", 20) == mine
        sio.emit("user_uttered", {"message": "Hallo", "session_id": new_session_id()})
        assert sio.wait_for("bot_uttered", 8) is None


def test_malformed_socketio_frames_are_refused() -> None:
    with client_from("127.0.0.12") as client:
        sio = SocketIOPolling(client)
        sio.connect()
        for frame in [
            "",
            "9",
            "42[",
            '42["session_request"',
            "4" + "\x00" * 10,
            "42" + "[" * 500,
            '42["user_uttered","nicht-json"]',
            '42["user_uttered",{"message":["a"]}]',
            b"\xff\xfe\x00garbage",
        ]:
            resp = sio.post(frame)
            assert resp.status_code < 500, (frame, resp.status_code)
        unknown = client.get(
            "/socket.io/?EIO=4&transport=polling&sid=doesnotexist", headers={"Origin": ORIGIN}
        )
        assert unknown.status_code == 400
        assert (
            client.get(
                "/socket.io/?EIO=99&transport=carrier-pigeon", headers={"Origin": ORIGIN}
            ).status_code
            == 400
        )
    assert_chat_works()


@pytest.mark.parametrize(
    "path",
    [
        "/static/../server.py",
        "/static/%2e%2e/server.py",
        "/static/..%2fserver.py",
        "/static/%2e%2e%2fsettings.py",
        "/static/%2e%2e%2f%2e%2e%2fMakefile",
        "/static/....//server.py",
        "/static/..\\server.py",
        "/static/%252e%252e/server.py",
        "//etc/passwd",
        "/static//etc/passwd",
        "/vendor/../../Makefile",
        "/static/%00app.js",
        "/static/app.js%00.py",
    ],
)
def test_path_traversal_on_static_files(path: str) -> None:
    with socket.create_connection(("127.0.0.1", urlsplit(PROXY_URL).port or 80), timeout=10) as raw:
        raw.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    status = int(answer.split(b" ", 2)[1])
    assert status in (400, 403, 404), (path, status)
    assert b"import " not in answer and b"root:" not in answer


def _raw(request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", urlsplit(PROXY_URL).port or 80), timeout=10) as raw:
        raw.sendall(request)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    return answer


def test_header_injection_is_refused() -> None:
    # CR inside a header value, a header without a colon, a second Host, an over-long header
    for request in [
        b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rSet-Cookie: b=1\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\nConnection: close\r\n\r\n",
    ]:
        answer = _raw(request)
        assert answer.split(b" ", 2)[1] in (b"400", b"494"), answer[:80]
        assert b"set-cookie" not in answer.lower()
    # response splitting through an encoded CRLF in the path
    answer = _raw(
        b"GET /static/%0d%0aSet-Cookie:%20b=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    assert b"\r\nset-cookie" not in answer.lower()
    assert_chat_works()


def test_deletion_needs_a_well_formed_id_and_is_rate_limited() -> None:
    with client_from("127.0.0.13") as client:
        assert client.delete("/api/conversations/abc").status_code == 404
        assert client.delete("/api/conversations/%2e%2e%2f%2e%2e%2fconfig.json").status_code in (
            403,
            404,
        )
        codes = [
            client.delete(f"/api/conversations/{new_session_id()}").status_code for _ in range(8)
        ]
    assert codes[0] == 204 and 429 in codes, codes


def test_security_headers_on_page_and_errors() -> None:
    with client_from("127.0.0.14") as client:
        for path in ["/", "/static/app.js", "/not-here"]:
            resp = client.get(path)
            csp = resp.headers.get("content-security-policy", "")
            assert (
                "script-src 'self'" in csp
                and "'unsafe-inline'" not in csp
                and "frame-ancestors" in csp
            )
            assert resp.headers.get("x-content-type-options") == "nosniff"
            assert resp.headers.get("referrer-policy") == "no-referrer"
            assert resp.headers.get("server") == "nginx"  # no version
            assert "strict-transport-security" not in resp.headers  # plain HTTP: no HSTS
        page = client.get("/").text
        assert "<script>" not in page and "<style" not in page and " style=" not in page


def test_staff_pages_are_routed_with_their_own_headers_and_methods() -> None:
    """/staff/ reaches the staff app (anonymous: to the sign-in page) with a CSP that forbids
    framing; other methods and the staff app's internal /health are refused at the proxy."""
    with client_from("127.0.0.15") as client:
        start = client.get("/staff/")
        assert start.status_code == 303 and start.headers["location"].startswith("/staff/sign-in")
        for path in ("/staff/sign-in", "/staff/static/staff.css", "/staff/nothing-here"):
            resp = client.get(path)
            assert resp.status_code in (200, 404), path
            csp = resp.headers.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp, path
            assert resp.headers.get("x-content-type-options") == "nosniff"
            assert resp.headers.get("server") == "nginx"
        assert client.get("/staff").status_code == 308
        for method in ("PUT", "DELETE", "PATCH"):
            assert client.request(method, "/staff/sign-in").status_code == 403, method
        forged = client.post("/staff/sign-in", data={"email": "a@example.de", "password": "x" * 12})
        assert forged.status_code == 403  # no form token: refused before any password check
        assert client.get("/staff/../health").status_code in (400, 404)
    assert_chat_works()
