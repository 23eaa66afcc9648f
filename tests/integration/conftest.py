"""Fixtures for tests against the real running stack (started by scripts/with_stack.py)."""

from __future__ import annotations

import os
import uuid

import httpx
import pytest

from tests.prereq import missing

# the stack's own ports (the Procfile's variables) unless a test run names other URLs
RASA_URL = (
    os.environ.get("BL_RASA_URL") or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
)
SEARCH_URL = (
    os.environ.get("BL_SEARCH_URL") or f"http://127.0.0.1:{os.environ.get('SEARCH_PORT', '8000')}"
)


@pytest.fixture(scope="session")
def rasa() -> httpx.Client:
    # Rasa's HTTP API needs a JWT (scripts/with_stack.py makes one for the run); the channels do not.
    token = os.environ.get("BL_RASA_TOKEN", "")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = httpx.Client(base_url=RASA_URL, timeout=30, headers=headers)
    try:
        client.get("/").raise_for_status()
    except httpx.HTTPError as exc:  # pragma: no cover - depends on the environment
        missing(f"Rasa server not reachable at {RASA_URL} ({exc})", "run via scripts/with_stack.py")
    return client


class Conversation:
    """One REST conversation with the real Rasa server."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.sender = uuid.uuid4().hex  # the channels accept only 32 hex digits (128 bits)

    def say(self, text: str) -> list[dict]:
        resp = self.client.post(
            "/webhooks/rest/webhook", json={"sender": self.sender, "message": text}
        )
        resp.raise_for_status()
        return resp.json()

    def slots(self) -> dict:
        resp = self.client.get(f"/conversations/{self.sender}/tracker")
        resp.raise_for_status()
        return resp.json()["slots"]


@pytest.fixture
def conversation(rasa: httpx.Client) -> Conversation:
    return Conversation(rasa)
