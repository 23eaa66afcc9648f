"""Browser tests of the chat page: Playwright driving Debian's Chromium (no browser download).

(a) Page-level tests start web/server.py on a free port. Rasa is not needed there: the
    configured Rasa URL points at a closed port, so the page falls back to Rasa's REST channel,
    whose replies the tests answer with Rasa's REST output format (Playwright routing).
(b) ``test_full_conversation_against_running_stack`` talks to the REAL running stack
    (BL_WEB_URL, BL_RASA_URL) and is skipped when Rasa is not reachable.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.prereq import missing, require_module
from tests.web.reflow_support import PHONE, SMALL, at_viewport, reflow_problems

pytestmark = [pytest.mark.integration, pytest.mark.app]

playwright_api = require_module("playwright.sync_api", "make test-venvs")

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("BL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = REPO_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SOCKET_IO_JS = REPO_ROOT / "web" / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
XSS = "<img src=x onerror=alert(1)>"

RECOMMENDATIONS = {
    "type": "recommendations",
    "items": [
        {
            "offer_id": "pflege-umschulung-unterhaching",
            "title": "Umschulung Pflegefachfrau/Pflegefachmann",
            "provider": "Berufsfachschule für Pflege Unterhaching",
            "municipality": "Unterhaching",
            "format": "praesenz",
            "time_model": "teilzeit",
            "kldb_targets": ["82102"],
            "shortage_occupation": True,
            "url": "https://pflegeschule.example/umschulung",
            "next_start": "2027-03-01",
            "reasons": [
                {"code": "target_occupation", "text": "Führt zu Ihrem Zielberuf Altenpflege."},
                {"code": "distance_km", "text": "Direkt in Unterhaching."},
                {"code": "time_model", "text": "In Teilzeit möglich."},
            ],
        },
        {
            "offer_id": "pflegehelfer-online",
            "title": "Pflegehelfer-Grundkurs <b>online</b>",
            "provider": "Bildungswerk Süd",
            "municipality": "online",
            "format": "online",
            "time_model": "berufsbegleitend",
            "kldb_targets": ["82101"],
            "shortage_occupation": False,
            "url": "javascript:alert(1)",
            "next_start": None,
            "reasons": [{"code": "online", "text": "Online und ortsunabhängig."}],
        },
        {
            "offer_id": "betreuung-oberhaching",
            "title": "Betreuungskraft nach § 53c SGB XI",
            "provider": "VHS Oberhaching",
            "municipality": "Oberhaching",
            "format": "hybrid",
            "time_model": "teilzeit",
            "kldb_targets": ["82101"],
            "shortage_occupation": True,
            "url": "https://vhs.example/betreuung",
            "next_start": "2027-01-15",
            "reasons": [
                {"code": "distance_km", "text": "Etwa 5 km von Unterhaching."},
                {
                    "code": "shortage",
                    "text": "Engpassberuf; Quelle: https://statistik.example/engpass.",
                },
            ],
        },
    ],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3):
            return True
    except OSError:
        return False


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules); return serious and critical violations."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    severe = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    for violation in severe:
        targets = [node["target"] for node in violation["nodes"]]
        print(f"axe {violation['impact']}: {violation['id']} – {violation['help']} – {targets}")
    return severe


def save_screenshot(page: Any, name: str) -> None:
    """Screenshot of the whole conversation (the scroll area unrolled) into artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.add_style_tag(content=".app{height:auto}.conversation{overflow:visible}")
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        missing(f"Chromium not found at {CHROMIUM}", "run scripts/ensure-chromium.sh")
    if not AXE_JS.is_file() or not SOCKET_IO_JS.is_file():
        missing("web/node_modules missing", "run `npm ci --prefix web`")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def running_web_server(rasa_url: str, db_path: Path) -> Iterator[str]:
    """web/server.py in a subprocess on a free port; yields its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "WEB_RASA_URL": rasa_url,
        "WEB_TRACKER_DB_URL": f"sqlite:///{db_path}",
        "WEB_CONNECT_TIMEOUT_MS": "800",
        "WEB_DELETE_GRACE_SECONDS": "0",
        "WEB_RETENTION_DAYS": "30",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "web.server:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=REPO_ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/health")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Page server whose Rasa URL points at a closed port: the page uses the REST fallback."""
    db_path = tmp_path_factory.mktemp("web") / "rasa.db"
    rasa_url = f"http://127.0.0.1:{free_port()}"
    with running_web_server(rasa_url, db_path) as base:
        yield {"url": base, "db_path": db_path, "rasa_url": rasa_url}


class FakeRasaRest:
    """Answers the page's REST requests with Rasa REST-channel output; records what was sent."""

    def __init__(self, reply: Callable[[str], list[dict[str, Any]]]) -> None:
        self.reply = reply
        self.requests: list[dict[str, Any]] = []

    def __call__(self, route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        self.requests.append(body)
        messages = [{"recipient_id": body.get("sender"), **m} for m in self.reply(body["message"])]
        route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(messages),
            headers={"Access-Control-Allow-Origin": "*"},
        )


@pytest.fixture
def page_factory(browser: Any, web_server: dict[str, Any]) -> Iterator[Callable[..., Any]]:
    contexts: list[Any] = []

    def open_page(
        reply: Callable[[str], list[dict[str, Any]]] | None = None,
        width: int = 1024,
        height: int = 800,
    ) -> tuple[Any, FakeRasaRest]:
        # bypass_csp only so that the test can inject axe-core as an inline script
        context = browser.new_context(
            viewport={"width": width, "height": height}, bypass_csp=True, locale="de-DE"
        )
        contexts.append(context)
        page = context.new_page()
        fake = FakeRasaRest(reply or (lambda text: [{"text": "Verstanden."}]))
        page.route(f"{web_server['rasa_url']}/webhooks/rest/webhook", fake)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.dialogs = dialogs  # type: ignore[attr-defined]
        page.goto(web_server["url"])
        page.wait_for_function("document.body.dataset.transport !== undefined")
        return page, fake

    yield open_page
    for context in contexts:
        context.close()


def send(page: Any, text: str) -> None:
    page.fill("#message", text)
    page.press("#message", "Enter")


# ---------------------------------------------------------------- (a) page-level tests


def test_notice_is_visible_before_the_first_message(page_factory: Callable[..., Any]) -> None:
    page, fake = page_factory()
    notice = page.locator("#notice")
    assert notice.is_visible()
    text = notice.inner_text()
    assert "automatisierten Assistenten" in text
    assert "keine Person" in text or "nicht mit einer Person" in text
    assert "Landkreises München" in text
    assert "30 Tage" in text
    assert "Gespräch löschen" in text and "Meine Daten löschen" in text
    assert page.locator("#log > *").count() == 0
    assert fake.requests == []
    assert page.locator("#delete-button").is_visible()


def test_rest_fallback_when_socket_io_cannot_connect(page_factory: Callable[..., Any]) -> None:
    page, fake = page_factory(lambda text: [{"text": "Guten Tag! Wie kann ich helfen?"}])
    assert page.evaluate("typeof window.io") == "function"  # bundle served from /vendor/
    assert page.evaluate("document.body.dataset.transport") == "rest"
    send(page, "Hallo")
    page.wait_for_selector(".message--bot")
    assert fake.requests[0]["message"] == "Hallo"
    sender = fake.requests[0]["sender"]
    assert re.fullmatch(r"[0-9a-f]{32}", sender), "the page sends 128 random bits as 32 hex digits"
    assert "Guten Tag! Wie kann ich helfen?" in page.locator(".message--bot").inner_text()


def test_keyboard_focus_order_and_enter_sends(page_factory: Callable[..., Any]) -> None:
    page, fake = page_factory()
    order = []
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate(
                "document.activeElement.id || document.activeElement.tagName.toLowerCase()"
                " + ':' + document.activeElement.textContent.trim()"
            )
        )
    assert order == ["delete-button", "conversation", "message", "button:Senden"]
    # the focused element shows a visible outline
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    assert page.get_by_label("Ihre Nachricht an den Bildungslotsen").count() == 1

    page.focus("#message")
    page.keyboard.type("Ich suche eine Weiterbildung")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message--bot")
    assert fake.requests[0]["message"] == "Ich suche eine Weiterbildung"
    assert page.input_value("#message") == ""


def test_user_html_is_rendered_as_text(page_factory: Callable[..., Any]) -> None:
    page, _ = page_factory(lambda text: [{"text": f"Sie schrieben: {text}"}])
    send(page, XSS)
    page.wait_for_selector(".message--bot")
    user = page.locator(".message--user").first
    assert XSS in user.text_content()
    assert XSS in page.locator(".message--bot").first.text_content()
    assert page.locator("#log img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_recommendation_cards_render_from_rest_custom_payload(
    page_factory: Callable[..., Any],
) -> None:
    def reply(text: str) -> list[dict[str, Any]]:
        return [
            {"text": "Diese Angebote passen zu Ihnen:"},
            {"custom": RECOMMENDATIONS},
            {
                "text": "Möchten Sie weitere Angebote sehen?",
                "buttons": [
                    {"title": "Ja, bitte", "payload": "/more_results"},
                    {"title": "Nein, danke", "payload": "/deny"},
                ],
            },
        ]

    page, fake = page_factory(reply)
    send(page, "Teilzeit")
    page.wait_for_selector(".card")
    cards = page.locator(".card")
    assert cards.count() == 3

    first = cards.nth(0).inner_text()
    for expected in (
        "Umschulung Pflegefachfrau/Pflegefachmann",
        "Berufsfachschule für Pflege Unterhaching",
        "Unterhaching",
        "vor Ort (Präsenz)",
        "Teilzeit",
        "01.03.2027",
        "Führt zu Ihrem Zielberuf Altenpflege.",
        "Engpassberuf",
    ):
        assert expected in first
    assert cards.nth(0).locator(".card__reasons li").count() == 3
    link = cards.nth(0).locator("a.card__link")
    assert link.get_attribute("href") == "https://pflegeschule.example/umschulung"
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    assert link.inner_text().startswith("Zum Angebot")

    second = cards.nth(1)
    assert "Pflegehelfer-Grundkurs <b>online</b>" in second.locator("h3").text_content()
    assert "online (ortsunabhängig)" in second.inner_text()
    assert "berufsbegleitend (abends/Wochenende)" in second.inner_text()
    assert "nicht angegeben" in second.inner_text()
    assert second.locator(".card__badge").count() == 0
    assert second.locator("a").count() == 0  # javascript: URL is dropped
    assert cards.nth(2).locator(".card__badge").count() == 1
    source = cards.nth(2).locator(".card__reasons a")
    assert source.get_attribute("href") == "https://statistik.example/engpass"
    assert source.get_attribute("rel") == "noopener noreferrer"
    assert "hybrid (vor Ort und online)" in cards.nth(2).inner_text()

    body = page.locator("body").inner_text()
    for raw in ('"type"', "offer_id", "recommendations", "kldb_targets", "{"):
        assert raw not in body

    page.get_by_role("button", name="Ja, bitte").click()
    page.wait_for_function("document.querySelectorAll('.message--user').length === 2")
    assert fake.requests[-1]["message"] == "/more_results"
    assert page.locator(".message--user").nth(1).text_content().endswith("Ja, bitte")
    assert page.get_by_role("button", name="Ja, bitte").first.is_disabled()


def test_layout_at_360px(page_factory: Callable[..., Any]) -> None:
    page, _ = page_factory(lambda text: [{"custom": RECOMMENDATIONS}], width=360, height=740)
    send(page, "Teilzeit")
    page.wait_for_selector(".card")
    assert reflow_problems(page, {".card": 3}) == []  # not only the document: the conversation
    for selector in ("#message", "button[type=submit]", "#delete-button"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, selector
        assert box["height"] >= 40, selector  # comfortable touch target
    card_box = page.locator(".card").first.bounding_box()
    assert card_box["x"] + card_box["width"] <= 360
    save_screenshot(page, "page-360px.png")


def test_delete_button_deletes_the_stored_conversation(
    page_factory: Callable[..., Any], web_server: dict[str, Any]
) -> None:
    import sqlite3

    page, fake = page_factory()
    send(page, "Hallo")
    page.wait_for_selector(".message--bot")
    sender = fake.requests[0]["sender"]
    # rows as Rasa's SQL tracker store writes them for this conversation
    with sqlite3.connect(web_server["db_path"]) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER NOT NULL, sender_id VARCHAR(255) "
            "NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name "
            "VARCHAR(255), action_name VARCHAR(255), data TEXT, PRIMARY KEY (id))"
        )
        conn.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) "
            "VALUES (?, 'user', ?, '{}')",
            (sender, time.time()),
        )

    with page.expect_response(lambda r: "/api/conversations/" in r.url) as response_info:
        page.get_by_role("button", name="Gespräch löschen").click()
    assert response_info.value.status == 204
    page.wait_for_selector(".message--system")
    assert "gelöscht" in page.locator(".message--system").inner_text()
    assert page.locator(".message--user").count() == 0
    with sqlite3.connect(web_server["db_path"]) as conn:
        left = conn.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,))
        assert left.fetchone()[0] == 0

    send(page, "Neues Gespräch")
    page.wait_for_function("document.querySelectorAll('.message--bot').length === 1")
    assert fake.requests[-1]["sender"] != sender  # a new conversation id


def test_delete_command_payload_triggers_deletion(page_factory: Callable[..., Any]) -> None:
    page, fake = page_factory(lambda text: [{"custom": {"type": "delete_conversation"}}])
    with page.expect_response(lambda r: "/api/conversations/" in r.url) as response_info:
        send(page, "Meine Daten löschen")
    assert response_info.value.status == 204
    assert fake.requests[0]["sender"] in response_info.value.url
    page.wait_for_selector(".message--system")
    assert "Ihr Gespräch und Ihre Angaben wurden gelöscht" in page.inner_text("#log")
    assert "delete_conversation" not in page.inner_text("body")


def test_axe_finds_no_serious_violations(page_factory: Callable[..., Any]) -> None:
    def reply(text: str) -> list[dict[str, Any]]:
        return [
            {"text": "Diese Angebote passen:"},
            {"custom": RECOMMENDATIONS},
            {"text": "Noch etwas?", "buttons": [{"title": "Ja", "payload": "/affirm"}]},
        ]

    page, _ = page_factory(reply)
    assert run_axe(page) == []  # empty page with the notice
    send(page, XSS)
    page.wait_for_selector(".card")
    page.wait_for_timeout(300)
    assert run_axe(page) == []  # messages, buttons and cards


# ---------------------------------------------------------------- (a) socket.io with Rasa's channel

BOT_PYTHON = Path(os.environ.get("BL_BOT_PYTHON", REPO_ROOT / ".venv-bot" / "bin" / "python"))
SOCKET_SCRIPT: dict[str, list[dict[str, Any]]] = {
    "Hallo": [{"text": "Guten Tag! Ich bin der Bildungslotse."}],
    "Angebote": [
        {"text": "Diese Angebote passen zu Ihnen:"},
        {"data": {"attachment": RECOMMENDATIONS}},
    ],
    "Mehr Angebote": [{"data": {"custom": {"data": RECOMMENDATIONS}}}],
    "Optionen": [
        {
            "text": "Wie möchten Sie lernen?\n\nBitte wählen Sie.",
            "data": {
                "buttons": [
                    {"title": "Teilzeit", "payload": '/inform{"time_model": "teilzeit"}'},
                    {"title": "Vollzeit", "payload": '/inform{"time_model": "vollzeit"}'},
                ]
            },
        }
    ],
    "Meine Daten löschen": [
        {
            "text": "Ich lösche Ihr Gespräch.",
            "data": {"custom": {"data": {"type": "delete_conversation"}}},
        }
    ],
}


@pytest.fixture(scope="module")
def socket_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Rasa 3.6's socket.io channel (scripted replies, bot env) plus the page server."""
    if not BOT_PYTHON.is_file():
        missing(f"bot environment not found at {BOT_PYTHON} (needed for Rasa's channel)")
    tmp = tmp_path_factory.mktemp("socket")
    script, received = tmp / "script.json", tmp / "received.jsonl"
    script.write_text(json.dumps(SOCKET_SCRIPT), encoding="utf-8")
    received.touch()
    port = free_port()
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    stub = subprocess.Popen(
        [
            str(BOT_PYTHON),
            str(Path(__file__).with_name("rasa_socketio_stub.py")),
            str(port),
            str(script),
            str(received),
        ],
        cwd=tmp,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    rasa_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{rasa_url}/", timeout=60)
        with running_web_server(rasa_url, tmp / "rasa.db") as base:
            yield {"url": base, "received": received}
    finally:
        stub.terminate()
        stub.wait(timeout=10)


def received_messages(stack: dict[str, Any]) -> list[dict[str, Any]]:
    lines = stack["received"].read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture
def socket_page(browser: Any, socket_stack: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 1024, "height": 800}, bypass_csp=True, locale="de-DE"
    )
    page = context.new_page()
    page.goto(socket_stack["url"])
    page.wait_for_function("document.body.dataset.transport !== undefined", timeout=15000)
    yield page
    context.close()


def session_id(page: Any) -> str:
    return page.evaluate("sessionStorage.getItem('bildungslotse.sessionId')")


def test_socket_io_session_and_text(socket_page: Any, socket_stack: dict[str, Any]) -> None:
    page = socket_page
    assert page.evaluate("document.body.dataset.transport") == "socket"
    send(page, "Hallo")
    page.wait_for_selector(".message--bot")
    assert "Guten Tag! Ich bin der Bildungslotse." in page.inner_text("#log")
    last = received_messages(socket_stack)[-1]
    assert last == {"sender_id": session_id(page), "text": "Hallo", "input_channel": "socketio"}


def test_socket_io_cards_from_attachment_and_custom_data(socket_page: Any) -> None:
    page = socket_page
    send(page, "Angebote")
    page.wait_for_function("document.querySelectorAll('.card').length === 3")
    send(page, "Mehr Angebote")
    page.wait_for_function("document.querySelectorAll('.card').length === 6")
    assert page.locator(".card .card__reasons li").count() == 2 * 6
    body = page.locator("body").inner_text()
    assert "offer_id" not in body and "{" not in body


def test_socket_io_quick_replies_send_payload(
    socket_page: Any, socket_stack: dict[str, Any]
) -> None:
    page = socket_page
    send(page, "Optionen")
    page.get_by_role("button", name="Teilzeit").click()
    page.wait_for_function("document.querySelectorAll('.message--user').length === 2")
    page.wait_for_function("document.querySelectorAll('.message--bot').length === 3")
    last = received_messages(socket_stack)[-1]  # the stub answered, so it has logged it
    assert last["text"] == '/inform{"time_model": "teilzeit"}'
    assert page.locator(".message--user").nth(1).text_content().endswith("Teilzeit")
    # Rasa splits the text at blank lines into two messages; both are shown
    assert "Wie möchten Sie lernen?" in page.inner_text("#log")
    assert "Bitte wählen Sie." in page.inner_text("#log")


def test_socket_io_delete_command(socket_page: Any, socket_stack: dict[str, Any]) -> None:
    page = socket_page
    old_id = session_id(page)
    with page.expect_response(lambda r: "/api/conversations/" in r.url) as response_info:
        send(page, "Meine Daten löschen")
    assert response_info.value.status == 204
    assert old_id in response_info.value.url
    page.wait_for_selector(".message--system")
    new_id = session_id(page)
    assert new_id != old_id
    send(page, "Hallo")
    page.wait_for_selector(".message--bot")
    assert received_messages(socket_stack)[-1]["sender_id"] == new_id


def test_page_works_under_its_own_csp(
    browser: Any, socket_stack: dict[str, Any], web_server: dict[str, Any]
) -> None:
    """No bypass here: socket.io, the REST fallback and the delete call pass the page's CSP."""
    context = browser.new_context(locale="de-DE")
    violations: list[str] = []
    try:
        page = context.new_page()
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(socket_stack["url"])
        page.wait_for_selector("body[data-transport=socket]", state="attached")
        send(page, "Hallo")
        page.wait_for_selector(".message--bot")
        page.get_by_role("button", name="Gespräch löschen").click()
        page.wait_for_selector(".message--system")
        assert "gelöscht" in page.inner_text(".message--system")

        rest = context.new_page()
        rest.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        rest.route(
            f"{web_server['rasa_url']}/webhooks/rest/webhook",
            FakeRasaRest(lambda text: [{"text": "Antwort über REST"}]),
        )
        rest.goto(web_server["url"])
        rest.wait_for_selector("body[data-transport=rest]", state="attached")
        send(rest, "Hallo")
        rest.wait_for_selector(".message--bot")
        assert "Antwort über REST" in rest.inner_text("#log")
    finally:
        context.close()
    assert violations == []


# ---------------------------------------------------------------- (b) real running stack


def test_full_conversation_against_running_stack(browser: Any) -> None:
    # the page as citizens open it: through the proxy (the public entry)
    proxy_port, rasa_port = (
        os.environ.get("PROXY_PORT", "8080"),
        os.environ.get("RASA_PORT", "5005"),
    )
    web_url = os.environ.get("BL_WEB_URL", f"http://127.0.0.1:{proxy_port}").rstrip("/")
    rasa_url = os.environ.get("BL_RASA_URL", f"http://127.0.0.1:{rasa_port}").rstrip("/")
    if not reachable(f"{rasa_url}/"):
        missing(f"Rasa is not reachable at {rasa_url} (BL_RASA_URL)", "start the stack first")
    if not reachable(f"{web_url}/"):
        missing(f"the chat page is not reachable through the proxy at {web_url} (BL_WEB_URL)")

    context = browser.new_context(
        viewport={"width": 1024, "height": 900}, bypass_csp=True, locale="de-DE"
    )
    page = context.new_page()
    try:
        page.goto(web_url)
        page.wait_for_function("document.body.dataset.transport !== undefined", timeout=15000)
        assert page.evaluate("document.body.dataset.transport") == "socket", (
            "socket.io did not connect to Rasa (is the socketio channel in credentials.yml?)"
        )

        def say(text: str) -> None:
            before = page.locator("#log > *").count()
            send(page, text)
            page.wait_for_function(
                "n => document.querySelectorAll('#log > *').length > n + 1",
                arg=before,
                timeout=30000,
            )
            page.wait_for_timeout(1500)  # let all messages of the turn arrive

        say("Hallo")
        say("Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln")
        say("Teilzeit")
        page.wait_for_selector(".card", timeout=30000)
        page.wait_for_timeout(1000)

        cards = page.locator(".card")
        assert 3 <= cards.count() <= 5, page.inner_text("#log")
        for i in range(cards.count()):
            assert cards.nth(i).locator(".card__reasons li").count() >= 1
            assert cards.nth(i).locator("h3").inner_text().strip()
        body = page.locator("body").inner_text()
        for raw in ('"type"', "offer_id", '"items"', "{'", '{"'):
            assert raw not in body, f"raw payload text on the page: {raw}"
        assert run_axe(page) == []

        # the funding checklist, then the whole conversation on small screens (SC 1.4.10)
        choices = page.locator(".choices").count()
        send(page, "Ich bin 50, arbeitslos, ohne Berufsabschluss – wer zahlt eine Umschulung?")
        page.wait_for_function(  # the follow-up buttons end the checklist turn
            "n => document.querySelectorAll('.choices').length > n", arg=choices, timeout=30000
        )
        checklist = page.locator(".message--bot", has_text="Bildungsgutschein")
        assert checklist.count() >= 2, page.inner_text("#log")  # overview and the instrument
        required = {".card": 3, ".path": 1, ".message--bot": 4}
        for viewport in (PHONE, SMALL):
            at_viewport(page, viewport)
            assert reflow_problems(page, required) == [], viewport
    finally:
        save_screenshot(page, "conversation.png")
        context.close()
