"""SearchClient failure contract against a real local HTTP server."""

from __future__ import annotations

import pytest

from bot.actions.clients.search_client import (
    SearchClient,
    SearchError,
    SearchUnavailable,
    get_search_client,
)
from bot.actions.settings import load_settings

REQUEST = {"query": "Umschulung Altenpflege", "limit": 5, "kldb_prefix": "821"}


async def test_returns_items(search_server):
    body = await SearchClient(search_server.url, 1.0).search(REQUEST)
    assert body["items"] and all(i["kldb_targets"][0].startswith("821") for i in body["items"])
    assert search_server.requests == [REQUEST]


async def test_connection_refused_is_unavailable(stopped_search_server):
    with pytest.raises(SearchUnavailable, match="unreachable"):
        await SearchClient(stopped_search_server.url, 1.0).search(REQUEST)


async def test_timeout_is_unavailable(search_server):
    search_server.mode, search_server.delay_s = "slow", 1.0
    with pytest.raises(SearchUnavailable, match="timed out"):
        await SearchClient(search_server.url, 0.2).search(REQUEST)


async def test_http_500_is_unavailable(search_server):
    search_server.mode = "error500"
    with pytest.raises(SearchUnavailable, match="HTTP 500"):
        await SearchClient(search_server.url, 1.0).search(REQUEST)


async def test_non_json_body_is_unavailable(search_server):
    search_server.mode = "garbage"
    with pytest.raises(SearchUnavailable):
        await SearchClient(search_server.url, 1.0).search(REQUEST)


async def test_rejected_request_is_search_error_not_unavailable(search_server):
    with pytest.raises(SearchError) as info:
        await SearchClient(search_server.url, 1.0).search({"query": "Pflege", "limit": 0})
    assert not isinstance(info.value, SearchUnavailable)


def test_client_follows_settings(monkeypatch):
    monkeypatch.setenv("SEARCH_URL", "http://search.internal:9000/")
    monkeypatch.setenv("SEARCH_TIMEOUT_S", "2.5")
    client = get_search_client()
    assert (client.base_url, client.timeout_s) == ("http://search.internal:9000", 2.5)
    assert get_search_client(load_settings()) is client  # cached per configuration


def test_every_canned_response_matches_the_api_schema():
    """The fake's answers follow the real response schema (docs/search-openapi.json)."""
    import jsonschema

    from tests.bot.conftest import RESPONSE_SCHEMA, canned_entries

    entries = canned_entries()  # validates each one
    assert entries and all(RESPONSE_SCHEMA.is_valid(e["response"]) for e in entries)
    broken = {**entries[0]["response"], "items": [{"offer_id": "x"}]}
    with pytest.raises(jsonschema.ValidationError):
        RESPONSE_SCHEMA.validate(broken)
