"""Demo data against the real stack (scripts/with_stack.py sets DEMO_DATA_SECRET for the stack and
the tests when it is not set): ``python -m staff.demo_data generate`` drives the real bot with 10
simulated citizens over the internal REST address; their demand rows in the stack's application
database are flagged ``simulated``; a conversation without the MAC, with a forged MAC and with a
MAC made for another conversation, with the flag set by a REST or a socket.io client gives
unflagged rows; the analyst page in Chromium (through the proxy) shows the banner; ``remove`` clears the simulated rows and the banner goes.

The test removes what it wrote (the unflagged rows by id, the accounts).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from appdb.schema import demand_records, offices, staff_accounts, staff_roles, staff_sessions
from bot.channels import simulation
from staff import passwords, store
from staff.db import utcnow
from tests.integration.test_monitoring_browser import sign_in
from tests.integration.test_staff_browser import (  # noqa: F401  (fixtures by name)
    STAFF,
    browser,
    engine,
    page,
)
from tests.prereq import missing
from tests.security.entry_clients import RASA_URL, SocketIOPolling, client_from

pytestmark = [pytest.mark.integration, pytest.mark.app]

REPO = Path(__file__).resolve().parents[2]
CONVERSATIONS = 10
BANNER = "Die Ansicht enthält simulierte Demo-Daten"
#: two messages that reach a recommendation (tests/integration/test_rest_conversation.py)
UNSIGNED = (
    "Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln",
    "Teilzeit",
)


@pytest.fixture(scope="module")
def secret() -> bytes:
    found = simulation.secret_from_env()
    if found is None:
        missing("DEMO_DATA_SECRET not set for the stack", "run via scripts/with_stack.py")
    return found


@pytest.fixture(scope="module")
def analyst(engine: sa.Engine) -> Iterator[tuple[str, str]]:  # noqa: F811
    tag = uuid.uuid4().hex[:8]
    office = store.add_office(engine, f"demo-{tag}", f"Teststelle Demo {tag}", "sonstige")
    password = f"Demo-Test-{secrets.token_urlsafe(12)}"
    account = store.add_account(
        engine,
        f"analyst-demo-{tag}@example.invalid",
        "Test",
        office.code,
        ["analyst"],
        passwords.hash_password(password),
        utcnow(),
    )
    yield account.email, password
    with engine.begin() as conn:
        conn.execute(staff_sessions.delete().where(staff_sessions.c.account_id == account.id))
        conn.execute(staff_roles.delete().where(staff_roles.c.account_id == account.id))
        conn.execute(staff_accounts.delete().where(staff_accounts.c.id == account.id))
        conn.execute(offices.delete().where(offices.c.id == office.id))


def _command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "staff.demo_data", *args],
        cwd=REPO,
        env={**os.environ, "DEMO_DATA_RASA_URL": RASA_URL},
        capture_output=True,
        text=True,
        timeout=50,
        check=False,
    )


def _rows_after(engine: sa.Engine, first: int) -> list[Any]:  # noqa: F811
    with engine.connect() as conn:
        query = sa.select(demand_records).where(demand_records.c.id > first)
        return list(conn.execute(query.order_by(demand_records.c.id)).mappings())


def _last_id(engine: sa.Engine) -> int:  # noqa: F811
    with engine.connect() as conn:
        query = sa.select(sa.func.coalesce(sa.func.max(demand_records.c.id), 0))
        return int(conn.execute(query).scalar_one())


def _talk(metadata_of: Any) -> None:
    """One conversation of :data:`UNSIGNED`; ``metadata_of(sender)`` is sent with each message."""
    sender = secrets.token_hex(16)
    with httpx.Client(base_url=RASA_URL, timeout=30) as client:
        for text in UNSIGNED:
            body: dict[str, Any] = {"sender": sender, "message": text}
            metadata = metadata_of(sender)
            if metadata is not None:
                body["metadata"] = metadata
            client.post("/webhooks/rest/webhook", json=body).raise_for_status()


def _talk_socketio(custom: dict[str, Any]) -> None:
    """The same conversation over socket.io through the proxy, with ``customData`` (which Rasa
    passes into the tracker's metadata) set by the client."""
    with client_from("127.0.0.94") as client:
        sio = SocketIOPolling(client)
        sio.connect()
        session_id = secrets.token_hex(16)
        sio.emit("session_request", {"session_id": session_id})
        assert sio.wait_for("session_confirm", 20) == session_id
        for text in UNSIGNED:
            message = {"message": text, "session_id": session_id, "customData": custom}
            sio.emit("user_uttered", message)
            assert sio.wait_for("bot_uttered", 60) is not None


def test_demo_data_is_flagged_shown_and_removed(
    engine: sa.Engine,  # noqa: F811
    page: Any,  # noqa: F811
    analyst: tuple[str, str],
    secret: bytes,
) -> None:
    started = time.monotonic()
    first = _last_id(engine)
    done = _command(
        "generate", "--conversations", str(CONVERSATIONS), "--seed", "14", "--parallel", "2"
    )
    assert done.returncode == 0, done.stderr
    flagged = [r for r in _rows_after(engine, first) if r["simulated"]]
    assert len(flagged) >= CONVERSATIONS // 2, done.stdout  # most citizens reach a recommendation
    assert all(r["municipality"] for r in flagged)

    mark = _last_id(engine)
    other = secrets.token_hex(16)
    _talk(lambda sender: None)  # no MAC
    _talk(lambda sender: {"simulation": {"ts": int(time.time()), "mac": "0" * 64}})  # forged
    _talk(lambda sender: simulation.sign(secret, other))  # made for another conversation
    _talk(lambda sender: {"simulated": True})  # the flag itself, as a client would set it
    _talk_socketio({"simulated": True})  # socket.io passes customData on: the action refuses it
    unsigned = _rows_after(engine, mark)
    assert len(unsigned) == 5 and not any(r["simulated"] for r in unsigned)

    try:
        sign_in(page, *analyst)
        page.goto(f"{STAFF}/analyst")
        assert BANNER in page.inner_text("main")
        removed = _command("remove")
        assert removed.returncode == 0, removed.stderr
        assert not [r for r in _rows_after(engine, 0) if r["simulated"]]
        page.goto(f"{STAFF}/analyst")
        assert "simulierte Demo-Daten" not in page.inner_text("main")
    finally:
        with engine.begin() as conn:
            ids = [r["id"] for r in unsigned]
            conn.execute(demand_records.delete().where(demand_records.c.id.in_(ids)))
    assert time.monotonic() - started < 60
