""" "Mein Plan" in the chat: the citizen asks for the counsellor's plan and gets a NEW personal link
(own token of 256 bits, only its SHA-256 stored, expiry STAFF_PLAN_LINK_TTL_DAYS) to the newest
plan of THIS conversation's consultations - never an anonymised plan, never another
conversation's; without a plan a kind answer (which mentions the handover when there is no
consultation); a database failure is told; no token, link or sender id in the logs. Against a
real SQLite file and the machine's PostgreSQL (127.0.0.1:5432, trust auth)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from appdb import plan_tokens
from appdb.engine import dispose_all, get_engine
from appdb.schema import consultations, offices, plan_links, plans
from bot.actions.clients import plan_link_store as store
from bot.actions.housekeeping import ActionDeleteMyData
from bot.actions.plan_link import ActionShowPlan, local_date
from bot.actions.settings import load_settings
from bot.actions.utils import handover as ho
from bot.actions.utils.formatting import STYLE_EN, STYLE_PLAIN
from tests.appdb_support import migrate
from tests.pg_support import fresh_database, url_of

SENDER = "test-user"  # the sender id of tests/bot/conftest.py's trackers
T0 = dt.datetime(2026, 11, 20, 9, 0)
LINK_RE = re.compile(r"(https?://\S+/plan/([A-Za-z0-9_-]+))")


def db_url() -> str:
    return load_settings().app_db_url


def _office(conn, code: str, name: str) -> int:
    return conn.execute(
        offices.insert().values(code=code, name=name, kind="bildungsberatung")
    ).inserted_primary_key[0]


def _consultation(conn, sender: str | None, office_id: int | None, anonymised: bool = False) -> int:
    return conn.execute(
        consultations.insert().values(
            code_hash=secrets.token_hex(32),
            sender_id=sender,
            origin="chat",
            snapshot="{}",
            includes_chat_text=False,
            profile="{}",
            created_at=T0,
            expires_at=T0 + dt.timedelta(days=7),
            claimed_at=T0 if office_id else None,
            office_id=office_id,
            updated_at=T0,
            anonymised_at=T0 if anonymised else None,
        )
    ).inserted_primary_key[0]


def _plan(conn, consultation_id: int, office_id: int, title: str, updated: dt.datetime,
          anonymised: bool = False) -> int:  # fmt: skip
    return conn.execute(
        plans.insert().values(
            consultation_id=consultation_id,
            office_id=office_id,
            title=title,
            created_at=T0,
            updated_at=updated,
            anonymised_at=updated if anonymised else None,
        )
    ).inserted_primary_key[0]


def _links(url: str) -> list:
    with get_engine(url).connect() as conn:
        return conn.execute(sa.select(plan_links).order_by(plan_links.c.created_at)).all()


async def _ask(dispatcher, tracker_from, domain, slots=None) -> dict:
    dispatcher.messages.clear()
    tracker = tracker_from({"intent": "ask_plan", "slots": slots or {}})
    assert await ActionShowPlan().run(dispatcher, tracker, domain) == []
    [message] = dispatcher.messages
    return message


# --- no plan -------------------------------------------------------------------------------


async def test_without_consultation_the_handover_is_mentioned(tracker_from, dispatcher, domain):
    with get_engine(db_url()).begin() as conn:  # someone else's plan is not this person's
        office = _office(conn, "haar", "Bildungsberatung Haar")
        _plan(conn, _consultation(conn, "someone-else", office), office, "Fremder Plan", T0)
    message = await _ask(dispatcher, tracker_from, domain)
    assert message["response"] == "utter_plan_no_consultation"
    assert len(_links(db_url())) == 0


async def test_consultation_without_plan_is_told_to_ask_later(tracker_from, dispatcher, domain):
    with get_engine(db_url()).begin() as conn:
        _consultation(conn, SENDER, None)
    message = await _ask(dispatcher, tracker_from, domain)
    assert message["response"] == "utter_plan_not_yet"
    assert _links(db_url()) == []


async def test_anonymised_plans_and_consultations_are_not_shown(tracker_from, dispatcher, domain):
    with get_engine(db_url()).begin() as conn:
        office = _office(conn, "haar", "Bildungsberatung Haar")
        own = _consultation(conn, SENDER, office)
        _plan(conn, own, office, "Plan (anonymisiert)", T0, anonymised=True)
        # an anonymised consultation that still carried the sender id is not this person's
        gone = _consultation(conn, SENDER, office, anonymised=True)
        _plan(conn, gone, office, "Alter Plan", T0)
    message = await _ask(dispatcher, tracker_from, domain)
    assert message["response"] == "utter_plan_not_yet"
    assert _links(db_url()) == []


def test_the_no_plan_answers_exist_in_every_style(domain):
    for name in ("utter_plan_not_yet", "utter_plan_no_consultation", "utter_plan_link_failed"):
        variants = domain["responses"][name]
        assert len(variants) == 3, name
        assert "Sie" in variants[0]["text"]
    assert "Beraterin besprechen" in domain["responses"]["utter_plan_no_consultation"][0]["text"]
    assert "Mein Plan" in domain["responses"]["utter_plan_not_yet"][0]["text"]


# --- the link ------------------------------------------------------------------------------


async def show_newest_plan(url: str, tracker_from, dispatcher, domain, caplog, monkeypatch):
    monkeypatch.setenv("STAFF_PLAN_LINK_TTL_DAYS", "12")
    monkeypatch.setenv("PUBLIC_URL", "https://bildungslotse.example.de/")
    caplog.set_level("DEBUG")
    with get_engine(url).begin() as conn:
        haar = _office(conn, "haar", "Bildungsberatung Haar")
        vhs = _office(conn, "vhs", "VHS Südost")
        first = _consultation(conn, SENDER, haar)
        _plan(conn, first, haar, "Älterer Plan", T0)
        second = _consultation(conn, SENDER, vhs)
        newest = _plan(conn, second, vhs, "Weg in die Pflege", T0 + dt.timedelta(days=2))
        _plan(conn, second, vhs, "Verworfen", T0 + dt.timedelta(days=3), anonymised=True)
        other = _consultation(conn, "someone-else", haar)
        _plan(conn, other, haar, "Fremder Plan", T0 + dt.timedelta(days=5))
    before = load_settings().now()
    message = await _ask(dispatcher, tracker_from, domain)
    text = message["text"]
    assert "„Weg in die Pflege“" in text and "VHS Südost" in text
    assert "nicht weiter" in text and "Mein Plan" in text
    url_shown, token = LINK_RE.search(text).groups()
    assert url_shown == f"https://bildungslotse.example.de/plan/{token}"
    assert plan_tokens.TOKEN_RE.match(token) and len(token) == 43
    assert plan_tokens.TOKEN_BITS >= 128
    [row] = _links(url)
    assert row.plan_id == newest and row.revoked_at is None
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in " ".join(str(value) for value in row)
    assert row.expires_at - row.created_at == dt.timedelta(days=12)
    assert before <= row.created_at <= load_settings().now()
    assert local_date(row.expires_at).strftime("%d.%m.%Y") in text
    for secret in (token, url_shown, SENDER, "Weg in die Pflege"):
        assert secret not in caplog.text
    # asking again makes another link with its own token; the first one stays valid
    again = await _ask(dispatcher, tracker_from, domain)
    second_token = LINK_RE.search(again["text"]).group(2)
    assert second_token != token
    assert {r.token_hash for r in _links(url)} == {
        plan_tokens.token_hash(token),
        plan_tokens.token_hash(second_token),
    }


async def test_newest_plan_gets_a_new_link_sqlite(
    tracker_from, dispatcher, domain, caplog, monkeypatch
):
    await show_newest_plan(db_url(), tracker_from, dispatcher, domain, caplog, monkeypatch)


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated database on the machine's PostgreSQL; APP_DB_URL points to it."""
    with fresh_database("bl_plan_link") as name:
        url = url_of(name)
        migrate(url)
        monkeypatch.setenv("APP_DB_URL", url)
        try:
            yield url
        finally:
            dispose_all()


async def test_newest_plan_gets_a_new_link_postgresql(
    postgres_url, tracker_from, dispatcher, domain, caplog, monkeypatch
):
    await show_newest_plan(postgres_url, tracker_from, dispatcher, domain, caplog, monkeypatch)


async def test_link_text_in_english_and_plain_language(
    tracker_from, dispatcher, domain, monkeypatch
):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("PROXY_PORT", raising=False)
    with get_engine(db_url()).begin() as conn:
        office = _office(conn, "haar", "Bildungsberatung Haar")
        _plan(conn, _consultation(conn, SENDER, office), office, "Mein Weg", T0)
    english = await _ask(dispatcher, tracker_from, domain, {"reply_language": "en"})
    assert (
        "do not pass it on" in english["text"] and "http://127.0.0.1:8080/plan/" in english["text"]
    )
    assert re.search(r"until \d{4}-\d{2}-\d{2}\.", english["text"])
    plain = await _ask(dispatcher, tracker_from, domain, {"plain_language": True})
    assert "Der Link ist nur für Sie." in plain["text"]
    assert re.search(r"bis zum \d{2}\.\d{2}\.\d{4}\.", plain["text"])


async def test_deleting_the_conversation_deletes_the_links(tracker_from, dispatcher, domain):
    with get_engine(db_url()).begin() as conn:
        office = _office(conn, "haar", "Bildungsberatung Haar")
        plan_id = _plan(conn, _consultation(conn, SENDER, office), office, "Mein Weg", T0)
    await _ask(dispatcher, tracker_from, domain)
    assert len(_links(db_url())) == 1
    await ActionDeleteMyData().run(dispatcher, tracker_from({"intent": "delete_my_data"}), domain)
    assert _links(db_url()) == []  # claimed: anonymised, its plans keep no link
    with get_engine(db_url()).connect() as conn:
        assert conn.execute(sa.select(plans.c.anonymised_at).where(plans.c.id == plan_id)).scalar()
    message = await _ask(dispatcher, tracker_from, domain)
    assert message["response"] == "utter_plan_no_consultation"


async def test_database_failure_is_told(tracker_from, dispatcher, domain, monkeypatch, tmp_path):
    monkeypatch.setenv("APP_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")  # not migrated
    message = await _ask(dispatcher, tracker_from, domain)
    assert message["response"] == "utter_plan_link_failed"


def test_store_returns_none_and_writes_nothing_on_failure(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert store.newest_plan_link(url, SENDER, T0, 30) is None


# --- settings, texts -----------------------------------------------------------------------


def test_public_url_and_ttl_settings(monkeypatch) -> None:
    for name in ("PUBLIC_URL", "PROXY_PORT", "STAFF_PLAN_LINK_TTL_DAYS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert (settings.public_url, settings.plan_link_ttl_days) == ("http://127.0.0.1:8080", 30)
    monkeypatch.setenv("PROXY_PORT", "8680")
    assert load_settings().public_url == "http://127.0.0.1:8680"
    monkeypatch.setenv("PUBLIC_URL", "https://bl.example.de/")
    assert load_settings().public_url == "https://bl.example.de"
    for name, bad in (("PUBLIC_URL", "javascript:alert(1)"), ("STAFF_PLAN_LINK_TTL_DAYS", "0")):
        monkeypatch.setenv(name, bad)
        with pytest.raises(ValueError):
            load_settings()
        monkeypatch.delenv(name)


def test_token_helpers() -> None:
    tokens = {plan_tokens.new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(plan_tokens.TOKEN_RE.match(t) for t in tokens)
    assert plan_tokens.token_hash("abc") == hashlib.sha256(b"abc").hexdigest()
    assert plan_tokens.public_url("https://x.de/", "T") == "https://x.de/plan/T"


def test_plan_links_are_not_copied_into_a_handover_snapshot() -> None:
    token = plan_tokens.new_token()
    events = [
        {"event": "user", "text": "Mein Plan"},
        {"event": "bot", "text": f"Ihr Plan:\nhttps://bl.example.de/plan/{token}\nDer Link gilt"},
    ]
    [asked, shown] = ho.chat_text(events)
    assert asked["text"] == "Mein Plan"
    assert token not in shown["text"] and "https://bl.example.de/plan/…" in shown["text"]


def test_the_code_message_says_where_the_plan_comes_later() -> None:
    assert "„Mein Plan“" in ho.stored_text("AAAAA-BBBBB", 7, False)
    assert "„Mein Plan“" in ho.stored_text("AAAAA-BBBBB", 7, True, STYLE_PLAIN)
    assert "my plan" in ho.stored_text("AAAAA-BBBBB", 7, False, STYLE_EN)
    lines = ho.stored_text("AAAAA-BBBBB", 7, True).split("\n")
    assert "AAAAA-BBBBB" in lines[0] and "Mein Plan" in lines[-1]
