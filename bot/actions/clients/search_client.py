"""Async HTTP client for the search service (``POST /search``, see docs/architecture.md).

Failure contract: connection errors, timeouts, HTTP 5xx and malformed bodies raise
:class:`SearchUnavailable`; HTTP 4xx (a request the service rejects) raises :class:`SearchError`.
Nothing is cached between calls, so a service that comes back is used on the next request.
One ``aiohttp.ClientSession`` is opened per call: sessions are bound to an event loop, and a
localhost call costs far less than the search itself.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

import aiohttp

from bot.actions.settings import Settings, load_settings

logger = logging.getLogger(__name__)


class SearchError(Exception):
    """The search service answered, but rejected the request (HTTP 4xx)."""


class SearchUnavailable(SearchError):
    """The search service cannot be reached, timed out, failed (5xx) or sent garbage."""


class SearchClient:
    """Thin async wrapper around the search service."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    async def search(self, request: dict[str, Any]) -> dict[str, Any]:
        """POST the request to ``/search`` and return the JSON body (``items``, ``total``, ...)."""
        body = await self._call("POST", "/search", request)
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SearchUnavailable("search response without a list of items")
        return body

    async def health(self) -> dict[str, Any]:
        """GET ``/health`` (used by the integration test and diagnostics)."""
        return await self._call("GET", "/health", None)

    async def _call(self, method: str, path: str, payload: dict[str, Any] | None) -> Any:
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        url = f"{self.base_url}{path}"
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.request(method, url, json=payload) as response:
                    if response.status >= 500:
                        raise SearchUnavailable(f"search service answered HTTP {response.status}")
                    if response.status >= 400:
                        raise SearchError(
                            f"search service rejected request: HTTP {response.status}"
                        )
                    return await response.json(content_type=None)
        except SearchError:
            raise
        except asyncio.TimeoutError as exc:
            raise SearchUnavailable(f"search service timed out after {self.timeout_s} s") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise SearchUnavailable(f"search service unreachable: {type(exc).__name__}") from exc


@lru_cache(maxsize=4)
def _client_for(base_url: str, timeout_s: float) -> SearchClient:
    return SearchClient(base_url, timeout_s)


def get_search_client(settings: Settings | None = None) -> SearchClient:
    """The search client for the current settings, created on first use (never at import)."""
    s = settings or load_settings()
    return _client_for(s.search_url, s.search_timeout_s)
