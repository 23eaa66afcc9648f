"""Conversations survive a restart of the Rasa server; the production tracker store is PostgreSQL.

Each test starts its own Rasa server (the trained model in models/) on a free port and uses the
action server and search service of the running stack (scripts/with_stack.py). The conversation is
interrupted by stopping Rasa after the profile form asked for the time model, Rasa is started
again with the same tracker store, and the answer "Teilzeit" must finish the form with offers.

- SQLite: the default ``endpoints.yml`` store, in a temporary database file.
- PostgreSQL + Redis lock store: ``endpoints.production.yml`` selected by environment, against the
  PostgreSQL and Redis running on the machine, in a fresh database. Deleting the conversation
  (``appdb.deletion.ConversationDeleter``, as the page's delete button does, with a migrated
  application database beside it) leaves no trace of its text.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from appdb import migrate
from appdb.deletion import ConversationDeleter
from tests.pg_support import fresh_database, url_of

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv-bot" / "bin" / "rasa"
PG_DRIVER = "postgresql+psycopg"
ACTION_URL = os.environ.get("ACTION_ENDPOINT_URL", "http://localhost:5055/webhook")
START_TIMEOUT_S = float(os.environ.get("BL_STACK_TIMEOUT", "300"))
FIRST = "Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RasaServer:
    """One ``rasa run`` process with the given endpoints file and environment."""

    def __init__(self, endpoints: Path, env: dict[str, str], workdir: Path) -> None:
        self.endpoints = endpoints
        self.env = {**os.environ, **env, "ACTION_ENDPOINT_URL": ACTION_URL}
        self.workdir = workdir
        self.port = _free_port()
        self.proc: subprocess.Popen | None = None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.workdir / "rasa.log").open("ab")
        self.proc = subprocess.Popen(
            [
                str(RASA),
                "run",
                "-i",
                "127.0.0.1",
                "--enable-api",
                "--port",
                str(self.port),
                "--credentials",
                str(ROOT / "credentials.yml"),
                "--endpoints",
                str(self.endpoints),
                "--model",
                str(ROOT / "models"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                status = httpx.get(f"{self.url}/status", timeout=5)
                if status.status_code == 200 and status.json().get("model_file"):
                    return
            except httpx.HTTPError:
                pass
            text = (self.workdir / "rasa.log").read_text(errors="replace")
            failed = "Could not load model" in text
            if failed or self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"Rasa did not start with {self.endpoints.name}:\n{text[-3000:]}")
            time.sleep(1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)

    def say(self, sender: str, text: str) -> list[dict]:
        resp = httpx.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        resp.raise_for_status()
        return resp.json()

    def tracker(self, sender: str) -> dict:
        resp = httpx.get(f"{self.url}/conversations/{sender}/tracker", timeout=30)
        resp.raise_for_status()
        return resp.json()


def _require_action_server() -> None:
    health = ACTION_URL.rsplit("/", 1)[0] + "/health"
    try:
        httpx.get(health, timeout=5).raise_for_status()
    except httpx.HTTPError as exc:
        pytest.fail(
            f"action server not reachable at {health} ({exc}): run via scripts/with_stack.py"
        )


def _has_offers(replies: list[dict]) -> bool:
    return any(
        isinstance(r.get("custom"), dict)
        and r["custom"].get("type") == "recommendations"
        and r["custom"].get("items")
        for r in replies
    )


def _interrupted_conversation(server: RasaServer) -> str:
    """Fill most of the profile, restart Rasa, finish the form; returns the sender id."""
    sender = uuid.uuid4().hex  # the channels accept only 32 hex digits
    server.say(sender, FIRST)
    before = server.tracker(sender)
    assert before["slots"]["municipality"] == "Unterhaching"
    assert before["slots"]["requested_slot"] == "time_model"

    server.stop()
    server.start()

    after = server.tracker(sender)
    assert after["slots"]["municipality"] == "Unterhaching"
    assert after["slots"]["goal"] == before["slots"]["goal"]
    assert after["slots"]["requested_slot"] == "time_model", "the form must resume where it stopped"
    assert len(after["events"]) >= len(before["events"])
    assert _has_offers(server.say(sender, "Teilzeit")), "the resumed form must end with offers"
    return sender


def test_conversation_survives_restart_with_default_sqlite_store(tmp_path: Path) -> None:
    _require_action_server()
    # the shipped endpoints.yml with its SQLite file moved into the temporary directory
    shipped = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    assert 'db: "rasa.db"' in shipped
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        shipped.replace('db: "rasa.db"', f'db: "{tmp_path / "rasa.db"}"'), encoding="utf-8"
    )
    server = RasaServer(endpoints, {}, tmp_path)
    server.start()
    try:
        _interrupted_conversation(server)
    finally:
        server.stop()
    assert (tmp_path / "rasa.db").exists()


@pytest.fixture
def postgres_db() -> Iterator[str]:
    with fresh_database("bl_tracker", PG_DRIVER) as name:
        yield name


def test_production_store_postgresql_survives_restart_and_deletes_without_trace(
    tmp_path: Path, postgres_db: str
) -> None:
    _require_action_server()
    env = {
        "DB_HOST": "127.0.0.1",
        "DB_PORT": "5432",
        "DB_NAME": postgres_db,
        "DB_USER": "postgres",
        "DB_PASSWORD": "",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_PASSWORD": "",
        "REDIS_DB": "1",
    }
    server = RasaServer(ROOT / "endpoints.production.yml", env, tmp_path)
    server.start()
    try:
        sender = _interrupted_conversation(server)
    finally:
        server.stop()

    with fresh_database("bl_app", PG_DRIVER) as app_db:
        app_url = url_of(app_db, PG_DRIVER)
        migrate.upgrade(app_url)
        db = ConversationDeleter(url_of(postgres_db, PG_DRIVER), app_url)
        with db.tracker.connect() as conn:
            stored = conn.execute(
                sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
            ).scalar_one()
        assert stored > 0, "the conversation must be in PostgreSQL"
        assert db.delete_conversation(sender).events == stored
        with db.tracker.connect() as conn:
            traces = conn.execute(
                sa.text(
                    "SELECT count(*) FROM events WHERE sender_id = :s OR data LIKE '%Unterhaching%' "
                    "OR data LIKE '%Einzelhandel%'"
                ),
                {"s": sender},
            ).scalar_one()
        db.dispose()
    assert traces == 0
