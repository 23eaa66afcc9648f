"""Tests of web/server.py and web/retention.py against a real SQLite tracker store with Rasa
3.6's ``events`` layout and a migrated application database (the deletion module itself, on
SQLite and PostgreSQL: tests/appdb/test_deletion.py)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

import i18n
from appdb.deletion import ConversationDeleter
from appdb.schema import callback_requests
from bot.channels.entry_settings import is_valid_session_id
from knowledge.schema import FORMATS, TIME_MODELS
from tests.prereq import missing
from web import retention
from web.server import SOCKET_IO_BUNDLE, create_app
from web.settings import REPO_ROOT, WebSettings, resolve_sqlite_path

pytestmark = pytest.mark.app

DAY = 86400.0
STATIC = REPO_ROOT / "web" / "static"
SECRET_TEXT = "Mein geheimer Satz 4711 über meine Krankheit"


def make_settings(db_url: str, **overrides: object) -> WebSettings:
    values: dict[str, object] = {
        "tracker_db_url": db_url,
        "retention_on_start": False,
        "delete_grace_seconds": 0,
    }
    values.update(overrides)
    return WebSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def client(events_db) -> TestClient:
    with TestClient(create_app(make_settings(events_db.url))) as test_client:
        yield test_client


# ---------------------------------------------------------------- page, assets, config


def test_page_shows_assistant_and_privacy_notice_with_configured_retention(events_db) -> None:
    app = create_app(make_settings(events_db.url, retention_days=14))
    with TestClient(app) as client:
        response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert "automatisierter Assistent" in html
    assert "Landkreises München" in html
    assert "keine Daten an Dritte" in html
    assert '<span id="retention-days">14</span> Tage' in html
    assert "{{RETENTION_DAYS}}" not in html
    assert "Gespräch löschen" in html
    assert "Meine Daten löschen" in html
    assert 'aria-live="polite"' in html
    # nothing is loaded from another host
    assert "https://" not in html and "http://" not in html


def test_page_sends_strict_csp_allowing_only_rasa(events_db) -> None:
    app = create_app(make_settings(events_db.url, rasa_url="http://rasa.internal:5005"))
    with TestClient(app) as client:
        csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "connect-src 'self' http://rasa.internal:5005 ws://rasa.internal:5005;" in csp
    assert "unsafe-inline" not in csp


def test_config_json_comes_from_settings(events_db) -> None:
    settings = make_settings(
        events_db.url,
        rasa_url="http://rasa.internal:5005/",
        retention_days=21,
        connect_timeout_ms=2500,
    )
    with TestClient(create_app(settings)) as client:
        config = client.get("/config.json").json()
    assert config["rasaUrl"] == "http://rasa.internal:5005"
    assert config["socketPath"] == "/socket.io/"
    assert config["retentionDays"] == 21
    assert config["connectTimeoutMs"] == 2500
    assert "labels" not in config  # texts and labels: /i18n/{style}.json


@pytest.mark.parametrize("style", ["de", "de_plain", "en"])
def test_page_texts_come_from_the_catalogue(client: TestClient, style: str) -> None:
    body = client.get(f"/i18n/{style}.json").json()
    assert body == i18n.page_labels(style)
    assert body["style"] == style
    assert set(body["labels"]) == {"format", "time_model"}
    assert set(body["labels"]["format"]) == set(FORMATS)
    assert set(body["labels"]["time_model"]) == set(TIME_MODELS)


def test_page_texts_in_german_keep_the_labels_and_wording(client: TestClient) -> None:
    body = client.get("/i18n/de.json").json()
    assert body["labels"] == {"format": FORMATS, "time_model": TIME_MODELS}
    assert body["text"]["reasons"] == "Warum dieses Angebot passt:"
    assert body["text"]["more_offers"] == "und {count} weitere im Katalog"


def test_page_texts_of_an_unknown_style_are_404(client: TestClient) -> None:
    assert client.get("/i18n/fr.json").status_code == 404


def test_every_text_key_the_page_uses_is_in_the_catalogue() -> None:
    keys = set(i18n.page_labels("de")["text"])
    used = set()
    for js in (STATIC / "app.js", *sorted((STATIC / "js").glob("*.js"))):
        used |= set(re.findall(r"\bt\(\"([a-z_]+)\"", js.read_text(encoding="utf-8")))
    assert used and used <= keys, sorted(used - keys)


def test_public_rasa_url_overrides_internal_one(events_db) -> None:
    settings = make_settings(
        events_db.url,
        rasa_url="http://localhost:5005",
        rasa_public_url="https://bot.landkreis-muenchen.example",
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/config.json").json()["rasaUrl"] == (
            "https://bot.landkreis-muenchen.example"
        )
        csp = client.get("/").headers["content-security-policy"]
    assert "wss://bot.landkreis-muenchen.example" in csp


def test_static_assets_are_served(client: TestClient) -> None:
    js = client.get("/static/app.js")
    assert js.status_code == 200
    assert "session_request" in js.text and "user_uttered" in js.text
    modules = [js.text] + [
        client.get(f"/static/js/{f.name}").text for f in sorted((STATIC / "js").glob("*.js"))
    ]
    assert len(modules) > 1
    for text in modules:
        assert "innerHTML" not in text  # text is only ever inserted as text
    assert '<script type="module" src="/static/app.js"></script>' in client.get("/").text
    assert client.get("/static/styles.css").status_code == 200


def test_socket_io_client_is_served_from_node_modules(client: TestClient) -> None:
    if not SOCKET_IO_BUNDLE.is_file():
        missing("socket.io-client not installed", "run `npm ci --prefix web`")
    response = client.get("/vendor/socket.io.min.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert response.content == SOCKET_IO_BUNDLE.read_bytes()


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["retention_days"] == 30
    assert body["socketio_client"] == SOCKET_IO_BUNDLE.is_file()


def test_settings_read_web_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_RETENTION_DAYS", "7")
    monkeypatch.setenv("WEB_RASA_URL", "http://10.0.0.5:5005")
    settings = WebSettings()
    assert settings.retention_days == 7
    assert settings.browser_rasa_url == "http://10.0.0.5:5005"


def test_default_tracker_db_is_rasa_db_in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEB_TRACKER_DB_URL", raising=False)
    settings = WebSettings()
    assert settings.resolved_tracker_db_url == f"sqlite:///{REPO_ROOT / 'rasa.db'}"


def test_application_database_settings_are_shared_with_the_action_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("APP_DB_URL", raising=False)
    monkeypatch.delenv("CALLBACK_RETENTION_DAYS", raising=False)
    settings = WebSettings()
    assert settings.resolved_app_db_url == f"sqlite:///{REPO_ROOT / 'app.db'}"
    assert settings.callback_retention_days == 30
    monkeypatch.setenv("APP_DB_URL", "postgresql://bl@db.example/bl")
    monkeypatch.setenv("CALLBACK_RETENTION_DAYS", "14")
    settings = WebSettings()
    assert settings.resolved_app_db_url == "postgresql://bl@db.example/bl"
    assert settings.callback_retention_days == 14


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///rasa.db", "sqlite:////base/rasa.db"),
        ("sqlite:///data/rasa.db", "sqlite:////base/data/rasa.db"),
        ("sqlite:////abs/rasa.db", "sqlite:////abs/rasa.db"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
        ("postgresql://u@db:5432/rasa", "postgresql://u@db:5432/rasa"),
    ],
)
def test_resolve_sqlite_path(url: str, expected: str) -> None:
    assert resolve_sqlite_path(url, Path("/base")) == expected


# ---------------------------------------------------------------- deletion API


def test_delete_removes_only_that_conversation(client: TestClient, events_db) -> None:
    mine, other = uuid.uuid4().hex, uuid.uuid4().hex
    now = time.time()
    events_db.add_turns(mine, [now - 60, now])
    events_db.add_turns(other, [now])

    response = client.delete(f"/api/conversations/{mine}")

    assert response.status_code == 204
    assert response.content == b""
    assert events_db.count(mine) == 0
    assert events_db.count(other) == 2


def test_delete_accepts_rasa_hex_session_ids(client: TestClient, events_db) -> None:
    sender = uuid.uuid4().hex
    events_db.add_turn(sender, time.time())
    assert client.delete(f"/api/conversations/{sender}").status_code == 204
    assert events_db.count(sender) == 0


def test_delete_of_unknown_conversation_is_204(client: TestClient) -> None:
    assert client.delete(f"/api/conversations/{uuid.uuid4().hex}").status_code == 204


def test_delete_before_rasa_created_its_tables_is_204(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path / 'empty.db'}")
    with TestClient(create_app(settings)) as client:
        assert client.delete(f"/api/conversations/{uuid.uuid4().hex}").status_code == 204


@pytest.mark.parametrize(
    "sender_id",
    [
        "abc",
        "default",
        "x" * 36,
        "0" * 31,
        "0" * 33,
        uuid.uuid4().hex + "0",
        uuid.uuid4().hex.replace("a", "g").replace("b", "g").replace("c", "g") + "g",
        "' OR 1=1 --" + "0" * 30,
        "a" * 300,
        str(uuid.uuid4()),  # a UUID with hyphens has only 122 random bits
        uuid.uuid4().hex.upper(),
    ],
)
def test_delete_rejects_invalid_sender_ids(client: TestClient, events_db, sender_id: str) -> None:
    events_db.add_turn("default", time.time())
    response = client.delete(f"/api/conversations/{sender_id}")
    assert response.status_code == 422
    assert events_db.count() == 2


def test_delete_reports_storage_failure_as_503(tmp_path: Path) -> None:
    (tmp_path / "not-a-db").write_text("this is not sqlite")
    settings = make_settings(f"sqlite:///{tmp_path / 'not-a-db'}")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        assert client.delete(f"/api/conversations/{uuid.uuid4().hex}").status_code == 503


def test_is_valid_sender_id() -> None:
    assert is_valid_session_id(uuid.uuid4().hex)
    assert not is_valid_session_id(str(uuid.uuid4()))
    assert not is_valid_session_id(uuid.uuid4().hex.upper())
    assert not is_valid_session_id("")
    assert not is_valid_session_id("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")
    assert not is_valid_session_id(uuid.uuid4().hex + "\n")


def deleter(events_db, app_db_url: str) -> ConversationDeleter:
    return ConversationDeleter(events_db.url, app_db_url)


async def test_repeated_deletion_removes_events_saved_after_the_first(
    events_db, app_db_url
) -> None:
    """Rasa saves the turn that asked for deletion after the reply went out."""
    sender = uuid.uuid4().hex
    db = deleter(events_db, app_db_url)
    events_db.add_turn(sender, time.time())
    db.delete_conversation(sender)
    assert events_db.count(sender) == 0

    pending = asyncio.create_task(db.delete_again_later(sender, 0.3))
    await asyncio.sleep(0.05)
    events_db.add_turns(sender, [time.time(), time.time()])  # Rasa's late save
    assert events_db.count(sender) == 4

    assert (await pending).events == 4
    assert events_db.count(sender) == 0
    db.dispose()


def test_delete_endpoint_schedules_the_repeated_deletion(events_db) -> None:
    sender = uuid.uuid4().hex
    settings = make_settings(events_db.url, delete_grace_seconds=0.3)
    with TestClient(create_app(settings)) as client:
        events_db.add_turn(sender, time.time())
        assert client.delete(f"/api/conversations/{sender}").status_code == 204
        events_db.add_turn(sender, time.time())  # saved by Rasa after the first delete
        deadline = time.monotonic() + 5
        while events_db.count(sender) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert events_db.count(sender) == 0


# ---------------------------------------------------------------- retention


def test_cutoff_timestamp() -> None:
    assert retention.cutoff_timestamp(30, now=100 * DAY) == 70 * DAY
    with pytest.raises(ValueError):
        retention.cutoff_timestamp(0)


def test_retention_deletes_conversations_whose_newest_event_is_too_old(
    events_db, app_db_url
) -> None:
    now = 1_800_000_000.0
    old, recent, mixed, edge = (uuid.uuid4().hex for _ in range(4))
    events_db.add_turns(old, [now - 45 * DAY, now - 31 * DAY])
    events_db.add_turns(recent, [now - 2 * DAY])
    events_db.add_turns(mixed, [now - 90 * DAY, now - 29 * DAY])  # newest event still young
    events_db.add_turns(edge, [now - 30 * DAY + 3600])

    db = deleter(events_db, app_db_url)
    result = retention.run_retention(db, 30, now=now)
    db.dispose()

    assert result.conversations == 1
    assert result.events == 4
    assert events_db.senders() == {recent, mixed, edge}
    assert events_db.count(mixed) == 4  # a kept conversation keeps its older events


def test_retention_without_events_table_does_nothing(tmp_path: Path, app_db_url) -> None:
    db = ConversationDeleter(f"sqlite:///{tmp_path / 'fresh.db'}", app_db_url)
    assert retention.run_retention(db, 30).conversations == 0
    db.dispose()


def test_retention_runs_at_server_start(events_db) -> None:
    now = time.time()
    expired, active = uuid.uuid4().hex, uuid.uuid4().hex
    events_db.add_turns(expired, [now - 40 * DAY])
    events_db.add_turns(active, [now - 1 * DAY])
    settings = make_settings(events_db.url, retention_on_start=True, retention_days=30)
    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 5
        while events_db.count(expired) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert events_db.senders() == {active}


async def test_retention_loop_repeats_and_survives_errors(events_db, app_db_url) -> None:
    calls: list[int] = []

    class FlakyDB(ConversationDeleter):
        def purge_older_than(self, cutoff: float) -> retention.PurgeResult:
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("database is locked")
            return super().purge_older_than(cutoff)

    db = FlakyDB(events_db.url, app_db_url)
    task = asyncio.create_task(retention.retention_loop(db, 30, interval_seconds=0.05))
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    db.dispose()
    assert len(calls) >= 3


def test_retention_cli(events_db, capsys: pytest.CaptureFixture[str]) -> None:
    now = time.time()
    expired, active = uuid.uuid4().hex, uuid.uuid4().hex
    events_db.add_turns(expired, [now - 10 * DAY])
    events_db.add_turns(active, [now - 1 * DAY])

    assert retention.main(["--db-url", events_db.url, "--days", "7", "--dry-run"]) == 0
    assert "1 conversations older than 7 days (dry run)" in capsys.readouterr().out
    assert events_db.senders() == {expired, active}

    assert retention.main(["--db-url", events_db.url, "--days", "7"]) == 0
    assert "deleted 1 conversations (2 events), 0 callback requests" in capsys.readouterr().out
    assert events_db.senders() == {active}


def test_no_message_text_or_sender_id_in_logs(events_db, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    sender, expired = uuid.uuid4().hex, uuid.uuid4().hex
    events_db.add_turn(sender, time.time(), text=SECRET_TEXT)
    events_db.add_turn(expired, time.time() - 60 * DAY, text=SECRET_TEXT)
    settings = make_settings(events_db.url, retention_on_start=True)
    with TestClient(create_app(settings)) as client:
        assert client.delete(f"/api/conversations/{sender}").status_code == 204
        deadline = time.monotonic() + 5
        while events_db.count(expired) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert events_db.count() == 0
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("web"))
    assert "Deleted a conversation" in ours and "Retention (30 days)" in ours
    assert SECRET_TEXT not in caplog.text
    assert sender not in ours and expired not in ours


# ---------------------------------------------------------------- application database wiring


def _store_callback(app_db_url: str, sender: str, day: dt.date) -> None:
    engine = sa.create_engine(app_db_url)
    with engine.begin() as conn:
        conn.execute(
            callback_requests.insert().values(
                sender_id=sender,
                day=day,
                contact_kind="phone",
                contact="+49891234567",
                preferred_time=None,
                situation=None,
                recipient="Bildungsberatung",
            )
        )
    engine.dispose()


def _callback_senders(app_db_url: str) -> set[str]:
    engine = sa.create_engine(app_db_url)
    with engine.connect() as conn:
        senders = {r[0] for r in conn.execute(sa.select(callback_requests.c.sender_id))}
    engine.dispose()
    return senders


def test_delete_endpoint_and_retention_delete_callback_requests(events_db, app_db_url) -> None:
    """The page's button and the start-up retention reach the application database."""
    now = time.time()
    mine, expired, active = (uuid.uuid4().hex for _ in range(3))
    events_db.add_turn(mine, now)
    events_db.add_turn(expired, now - 40 * DAY)
    events_db.add_turn(active, now - DAY)
    today = dt.date.today()
    for sender in (mine, expired, active):
        _store_callback(app_db_url, sender, today)
    _store_callback(app_db_url, "too-old", today - dt.timedelta(days=31))
    settings = make_settings(events_db.url, retention_on_start=True)
    with TestClient(create_app(settings)) as client:
        deadline = time.monotonic() + 5
        while len(_callback_senders(app_db_url)) > 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _callback_senders(app_db_url) == {mine, active}
        assert client.delete(f"/api/conversations/{mine}").status_code == 204
    assert _callback_senders(app_db_url) == {active}
    assert events_db.senders() == {active}
