"""Shared fixtures for action tests: dispatcher, tracker_from, domain, a real local search server.

The search service is faked at the HTTP boundary: ``search_server`` runs an in-process aiohttp
server that answers with canned responses (``data/search_responses.json``, written by
``make_search_responses.py``: the first entry whose ``when`` fields equal the request's) and
records every request body. It filters nothing itself. Requests and every response it sends
are validated against the search API's schema (``docs/search-openapi.json``, exported from the
real pydantic models by ``python -m search.app.openapi``); an invalid request gets HTTP 422
like from the real service, an invalid canned response fails the test.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import socket
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from jsonschema import Draft202012Validator
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from appdb.engine import dispose_all
from bot.actions import constants as c
from bot.actions.clients.search_client import SearchClient, SearchError
from bot.actions.settings import default_search_url
from tests.appdb_support import make_template, migrated_sqlite
from tests.prereq import missing

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-26"


@pytest.fixture(scope="session")
def app_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The application database migrated once by the real migrations (python -m appdb upgrade)."""
    return make_template(tmp_path_factory.mktemp("appdb"))


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, app_db_template: Path) -> Iterator[None]:
    """Deterministic settings for every test (no real service unless a test sets SEARCH_URL);
    demand records and callback requests go to a per-test copy of a migrated application
    database, never to the repository's app.db."""
    monkeypatch.setenv("BL_TODAY", TODAY)
    monkeypatch.setenv("APP_DB_URL", migrated_sqlite(app_db_template, tmp_path / "app.db"))
    monkeypatch.setenv("SEARCH_TIMEOUT_S", "1.0")
    monkeypatch.delenv("REACH_KM", raising=False)
    monkeypatch.delenv("CALLBACK_RECIPIENT", raising=False)  # default: no callback offered
    monkeypatch.delenv("CALLBACK_RETENTION_DAYS", raising=False)
    yield
    dispose_all()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def _tracker(state: dict[str, Any]) -> Tracker:
    state = copy.deepcopy(state)
    slots = {name: None for name in (*c.PROFILE_SLOTS, c.SLOT_SHOWN_OFFER_IDS, c.SLOT_LAST_SEARCH)}
    slots[c.SLOT_OUTSIDE_AREA] = None
    slots.update(state.get("slots", {}))
    if "requested_slot" in state:
        slots[c.REQUESTED_SLOT] = state["requested_slot"]
    latest = state.get("latest_message", {})
    latest.setdefault("text", "")
    latest.setdefault("entities", [])
    latest.setdefault("intent", {"name": state.get("intent", "inform"), "confidence": 1.0})
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": latest["text"], "input_channel": state.get("input_channel")},
    ]
    if state.get("active_loop"):
        events.append({"event": "action", "name": state["active_loop"]})
    # slot candidates (what Rasa's FormAction appends before calling the validation action)
    for name, value in state.get("candidates", {}).items():
        events.append({"event": "slot", "name": name, "value": value, "timestamp": None})
        slots[name] = value
    return Tracker(
        sender_id="test-user",
        slots=slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": state["active_loop"]} if state.get("active_loop") else {},
        latest_action_name=state.get("active_loop") or "action_listen",
    )


@pytest.fixture
def tracker_from() -> Callable[[dict[str, Any] | str], Tracker]:
    """Build a tracker from a dict or from ``tests/bot/data/<name>.json``.

    Keys: slots, latest_message (text, entities), candidates (slot -> value set this turn),
    requested_slot, active_loop, intent.
    """

    def build(state: dict[str, Any] | str) -> Tracker:
        if isinstance(state, str):
            state = json.loads((DATA / f"{state}.json").read_text(encoding="utf-8"))
        return _tracker(state)

    return build


def _minimal_domain() -> dict[str, Any]:
    slots = {name: {"type": "any", "mappings": [{"type": "custom"}]} for name in c.PROFILE_SLOTS}
    return {
        "slots": slots,
        "forms": {c.PROFILE_FORM: {"required_slots": list(c.PROFILE_FORM_REQUIRED)}},
        "responses": {},
    }


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """The project domain (bot/domain via rasa's Domain.load), else the contract minimum."""
    domain_dir = REPO / "bot" / "domain"
    if any(domain_dir.glob("*.yml")):
        from rasa.shared.core.domain import Domain

        with warnings.catch_warnings():  # rasa 3.6 always warns "Slot auto-fill has been removed"
            warnings.simplefilter("ignore", UserWarning)
            loaded = Domain.load(str(domain_dir)).as_dict()
        if c.PROFILE_FORM in loaded.get("forms", {}):
            return loaded
    return _minimal_domain()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


OPENAPI = json.loads((REPO / "docs" / "search-openapi.json").read_text(encoding="utf-8"))


def schema_validator(name: str) -> Draft202012Validator:
    """A jsonschema validator for one schema of the search API's OpenAPI document."""
    root = {"$ref": f"#/components/schemas/{name}", "components": OPENAPI["components"]}
    return Draft202012Validator(root)


REQUEST_SCHEMA = schema_validator("SearchRequest")
RESPONSE_SCHEMA = schema_validator("SearchResponse")
HEALTH_SCHEMA = schema_validator("HealthResponse")


def validate_response(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` if it is a valid search response (raises ``jsonschema.ValidationError``)."""
    RESPONSE_SCHEMA.validate(body)
    return body


def canned_entries() -> list[dict[str, Any]]:
    """The canned responses, each validated against the response schema."""
    data = json.loads((DATA / "search_responses.json").read_text(encoding="utf-8"))
    for entry in data["entries"]:
        validate_response(entry["response"])
    return data["entries"]


def _fits(when: dict[str, Any], request: dict[str, Any]) -> bool:
    return all(request.get(key) == value for key, value in when.items())


class FakeSearchService:
    """In-process aiohttp search service with the real HTTP contract and canned answers."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.entries = list(entries)
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"  # ok | error500 | slow | garbage
        self.delay_s = 0.0
        self.runner: web.AppRunner | None = None
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, when: dict[str, Any], response: dict[str, Any]) -> None:
        """Answer requests matching ``when`` with ``response`` (checked before the others)."""
        self.entries.insert(
            0, {"name": "test", "when": when, "response": validate_response(response)}
        )

    def response_for(self, request: dict[str, Any]) -> dict[str, Any]:
        for entry in self.entries:
            if _fits(entry["when"], request):
                return validate_response(entry["response"])
        return validate_response(
            {"items": [], "total": 0, "query": request.get("query"), "relaxed": []}
        )

    async def _search(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        if self.mode == "error500":
            return web.json_response({"detail": "index not loaded"}, status=500)
        if self.mode == "slow":
            await asyncio.sleep(self.delay_s)
        if self.mode == "garbage":
            return web.Response(text="<html>proxy error</html>", content_type="text/html")
        errors = [e.message for e in REQUEST_SCHEMA.iter_errors(body)]
        if errors:
            return web.json_response({"detail": errors}, status=422)
        return web.json_response(self.response_for(body))

    async def _health(self, request: web.Request) -> web.Response:
        body = {
            "status": "ok",
            "offers": len(self.entries),
            "model": "canned",
            "index_built": "2026-11-26T00:00:00+00:00",
            "detail": None,
        }
        HEALTH_SCHEMA.validate(body)
        return web.json_response(body)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/search", self._search)
        app.router.add_get("/health", self._health)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


@pytest.fixture
async def search_server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeSearchService]:
    """A running fake search service; SEARCH_URL points to it."""
    service = FakeSearchService(canned_entries())
    await service.start()
    monkeypatch.setenv("SEARCH_URL", service.url)
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture
async def stopped_search_server(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[FakeSearchService]:
    """A fake search service that is NOT started yet (connection refused until ``start()``)."""
    service = FakeSearchService(canned_entries())
    monkeypatch.setenv("SEARCH_URL", service.url)
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture
async def real_search_url(monkeypatch) -> str:
    """URL of the running search service (integration tests); fails under CI=true when it is down."""
    url = os.environ.get("SEARCH_URL") or default_search_url()
    try:
        health = await SearchClient(url, 2.0).health()
    except SearchError as exc:
        missing(f"search service not reachable at {url} ({exc})", "run via scripts/with_stack.py")
    if not isinstance(health, dict) or health.get("status") != "ok":
        missing(f"search service at {url} is not healthy: {health!r}")
    monkeypatch.setenv("SEARCH_URL", url)
    monkeypatch.setenv("SEARCH_TIMEOUT_S", "15")  # the first query may load the encoder
    return url
