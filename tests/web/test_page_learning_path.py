"""Browser tests: the chat page renders the ``learning_path`` payload as an ordered list.

The payload is produced by the real bot code (``bot.actions.utils.paths``) from the real path
data and catalogue; the page gets it over Rasa's REST format (Playwright routing) and over
Rasa 3.6's real socket.io channel (the scripted stub of ``rasa_socketio_stub.py``).
Fixtures come from ``test_page_browser.py`` (Debian's Chromium, no browser download).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.prereq import missing
from tests.web.reflow_support import reflow_problems
from tests.web.test_page_browser import (  # noqa: F401 - fixtures are used by name
    BOT_PYTHON,
    XSS,
    browser,
    free_port,
    page_factory,
    run_axe,
    running_web_server,
    save_screenshot,
    send,
    wait_for_http,
    web_server,
)

pytestmark = [pytest.mark.integration, pytest.mark.app]

TODAY = dt.date(2026, 11, 26)


def real_payload() -> dict[str, Any]:
    from bot.actions.utils import paths as render
    from knowledge import geo, paths
    from knowledge.catalogue import load_catalogue
    from knowledge.paths.__main__ import in_process_search

    path = paths.find_path(current_kldb="62102", current_text="Verkäuferin", target_kldb="81302")
    assert path is not None
    search = in_process_search(load_catalogue().offers, geo.DEFAULT_REACH_KM)
    found = []
    for step in path.steps:
        request = paths.step_request(
            step, today=TODAY, municipality="Unterhaching", reach_km=geo.DEFAULT_REACH_KM
        )
        found.append(paths.linked_offers(search(request)) if request else ((), 0))
    resolved = paths.resolve_path(path, found, municipality="Unterhaching")
    return render.learning_path_payload(resolved)


@pytest.fixture(scope="module")
def payload() -> dict[str, Any]:
    data = real_payload()
    hostile = copy.deepcopy(data)
    offer = hostile["steps"][0]["offers"][0]
    offer["title"] = f"{XSS} Testangebot"
    offer["url"] = "javascript:alert(1)"
    return {"real": data, "hostile": hostile}


def reply_with(payload: dict[str, Any]) -> Callable[[str], list[dict[str, Any]]]:
    return lambda text: [{"text": "Ein möglicher Lernweg für Sie."}, {"custom": payload}]


def test_path_renders_as_ordered_list_of_steps(
    page_factory: Callable[..., Any], payload: dict[str, Any]
) -> None:
    data = payload["real"]
    page, _ = page_factory(reply_with(data))
    send(page, "Teilzeit")
    page.wait_for_selector(".path")
    section = page.locator("section.path")
    assert section.get_attribute("aria-label") == f"Lernweg: {data['title']}"
    assert section.locator("h3").inner_text() == f"Lernweg: {data['title']}"
    steps = section.locator("ol.path__steps > li")
    assert steps.count() == len(data["steps"]) == 2
    for index, step in enumerate(data["steps"]):
        item = steps.nth(index)
        text = item.inner_text()
        assert f"Schritt {step['number']}: {step['title']}" in text
        assert step["duration"] in text and step["dqr"] in text
        for funding in step["funding"]:
            assert funding["label"] in text
        links = item.locator(".path__offers a")
        assert links.count() == len(step["offers"])
        for n, offer in enumerate(step["offers"]):
            link = links.nth(n)
            assert link.text_content().startswith(offer["title"])
            assert link.get_attribute("target") == "_blank"
            assert "noopener" in link.get_attribute("rel")
    meta = section.locator(".path__meta").inner_text()
    assert "Dauer insgesamt" in meta and data["total"] in meta
    decides = section.locator(".path__funding li").first.inner_text()
    assert "Agentur für Arbeit München" in decides and "Stand: 26.11.2026" in decides
    assert section.locator(".path__funding a").first.inner_text().startswith("Quelle 1")
    assert section.locator(".path__sources li").count() == len(data["sources"])
    body = page.locator("body").inner_text()
    for raw in ('"type"', "learning_path", "offer_id", "{"):
        assert raw not in body


def test_hostile_content_is_text_and_bad_urls_are_dropped(
    page_factory: Callable[..., Any], payload: dict[str, Any]
) -> None:
    page, _ = page_factory(reply_with(payload["hostile"]))
    send(page, "Teilzeit")
    page.wait_for_selector(".path")
    first = page.locator(".path__offers li").first
    assert XSS in first.text_content()
    assert first.locator("a").count() == 0  # javascript: URL is not a link
    assert page.locator("#log img").count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_path_passes_axe_and_fits_360px(
    page_factory: Callable[..., Any], payload: dict[str, Any]
) -> None:
    page, _ = page_factory(reply_with(payload["real"]), width=360, height=740)
    send(page, "Teilzeit")
    page.wait_for_selector(".path")
    assert reflow_problems(page, {".path": 1, ".path__step": 2}) == []
    box = page.locator(".path").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    save_screenshot(page, "learning-path-360px.png")
    assert run_axe(page) == []


@pytest.fixture(scope="module")
def path_socket_stack(
    tmp_path_factory: pytest.TempPathFactory, payload: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """Rasa's socket.io channel answering "Lernweg" with text + the wrapped path payload."""
    if not BOT_PYTHON.is_file():
        missing(f"bot environment not found at {BOT_PYTHON} (needed for Rasa's channel)")
    tmp = tmp_path_factory.mktemp("path-socket")
    script, received = tmp / "script.json", tmp / "received.jsonl"
    # exactly what ActionRecommendOffers sends on socket.io: custom = {"data": payload}
    answer = {
        "text": "Ein möglicher Lernweg für Sie.",
        "data": {"custom": {"data": payload["real"]}},
    }
    script.write_text(json.dumps({"Lernweg": [answer]}), encoding="utf-8")
    received.touch()
    port = free_port()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
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
            yield {"url": base}
    finally:
        stub.terminate()
        stub.wait(timeout=10)


def test_path_arrives_over_rasa_socketio(
    browser: Any, path_socket_stack: dict[str, Any], payload: dict[str, Any]
) -> None:
    # bypass_csp only for Playwright's wait_for_function (the CSP is tested in test_page_browser)
    context = browser.new_context(
        viewport={"width": 1024, "height": 800}, bypass_csp=True, locale="de-DE"
    )
    try:
        page = context.new_page()
        page.goto(path_socket_stack["url"])
        page.wait_for_function("document.body.dataset.transport !== undefined", timeout=15000)
        assert page.evaluate("document.body.dataset.transport") == "socket"
        send(page, "Lernweg")
        page.wait_for_selector(".path")
        assert "Ein möglicher Lernweg für Sie." in page.inner_text("#log")
        steps = page.locator("ol.path__steps > li")
        assert steps.count() == len(payload["real"]["steps"])
        assert "learning_path" not in page.inner_text("body")
    finally:
        context.close()
