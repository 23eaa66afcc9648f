"""Fixtures of the Matrix channel tests: a real synapse (test only) and the running stack."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.matrix.matrix_support import Synapse
from tests.prereq import missing

BOT_PASSWORD = "bot-password-for-tests"
CITIZEN_PASSWORD = "citizen-password-for-tests"


def rasa_url() -> str:
    return (
        os.environ.get("BL_RASA_URL") or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"
    )


def rasa_get(path: str) -> dict:
    """GET on Rasa's HTTP API with the run's token (scripts/with_stack.py)."""
    token = os.environ.get("BL_RASA_TOKEN", "")
    request = urllib.request.Request(
        rasa_url() + path, headers={"Authorization": f"Bearer {token}"} if token else {}
    )
    with urllib.request.urlopen(request, timeout=30) as resp:
        return json.load(resp)


@pytest.fixture(scope="session")
def stack() -> str:
    """The running Rasa stack (scripts/with_stack.py); its URL."""
    try:
        with urllib.request.urlopen(rasa_url() + "/", timeout=5):
            pass
    except (urllib.error.URLError, OSError) as exc:
        missing(
            f"Rasa server not reachable at {rasa_url()} ({exc})", "run via scripts/with_stack.py"
        )
    return rasa_url()


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synapse]:
    server = Synapse(tmp_path_factory.mktemp("synapse"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def bot_user(synapse: Synapse) -> str:
    return synapse.register("bildungslotse", BOT_PASSWORD)


@pytest.fixture
def citizen_user(synapse: Synapse, request: pytest.FixtureRequest) -> str:
    """A new citizen account per test."""
    name = "citizen-" + request.node.name.lower().replace("_", "-")[:40]
    return synapse.register(name, CITIZEN_PASSWORD)


@pytest.fixture
def work_dir(tmp_path: Path) -> Path:
    return tmp_path
