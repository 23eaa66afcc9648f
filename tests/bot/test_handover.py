"""Consultation handover in the chat: the code (alphabet, length, entropy, normalisation, hash
only), consent (nothing stored without an explicit yes; chat text only with the second button),
the snapshot taken from this conversation, the expiry setting, deletion with "Meine Daten
löschen" (unclaimed: deleted; claimed: anonymised), no code or text in logs - against a real
SQLite file and the machine's PostgreSQL (127.0.0.1:5432, trust auth)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from appdb import handover_codes as codes
from appdb.engine import dispose_all, get_engine
from appdb.schema import consultations
from bot.actions.clients import consultation_store
from bot.actions.handover import ActionOfferConsultation, ActionStoreConsultation
from bot.actions.housekeeping import ActionDeleteMyData
from bot.actions.settings import load_settings
from bot.actions.utils import handover as ho
from bot.actions.utils.formatting import STYLE_EN, STYLE_PLAIN
from tests.appdb_support import migrate
from tests.pg_support import fresh_database, url_of

PROFILE_SLOTS = {
    "current_occupation": "Verkäuferin",
    "current_kldb": "62102",
    "municipality": "Haar",
    "goal": "umschulung",
    "time_model": "teilzeit",
    "format": "praesenz",
    "employment_status": "arbeitslos",
    "shown_offer_ids": ["demo-1"],
}
SHOWN = {
    "event": "bot",
    "text": "Diese Angebote passen zu Ihnen:",
    "data": {
        "custom": {
            "data": {  # socket.io wrapping
                "type": "recommendations",
                "items": [
                    {
                        "offer_id": "demo-1",
                        "title": "Pflegehilfe Grundkurs",
                        "provider": "Bildungswerk Haar",
                        "municipality": "Haar",
                        "reasons": [{"code": "time_model", "text": "in Teilzeit"}],
                    }
                ],
            }
        }
    },
}
SECRET_LINE = "Mein Name ist Erika Beispiel und ich wohne in Haar"


def db_url() -> str:
    return load_settings().app_db_url


def _rows(url: str) -> list:
    with get_engine(url).connect() as conn:
        return conn.execute(sa.select(consultations)).all()


def _tracker(tracker_from, intent: str, entities=None, history=True):
    tracker = tracker_from(
        {"slots": PROFILE_SLOTS, "intent": intent, "latest_message": {"entities": entities or []}}
    )
    if history:
        tracker.events[:0] = [
            {"event": "user", "text": "alte Sitzung"},
            {"event": "restart"},
            {"event": "user", "text": SECRET_LINE},
            SHOWN,
            {"event": "user", "text": "/request_consultation"},
        ]
    return tracker


# --- the code ------------------------------------------------------------------------------


def test_code_alphabet_length_and_entropy() -> None:
    assert set(codes.ALPHABET).isdisjoint("ILOU") and len(set(codes.ALPHABET)) == 32
    assert codes.BITS >= 40 and codes.CODE_LENGTH * math.log2(32) == codes.BITS
    seen = {codes.new_code() for _ in range(500)}
    assert len(seen) == 500
    for code in seen:
        raw = code.replace("-", "")
        assert len(raw) == codes.CODE_LENGTH and set(raw) <= set(codes.ALPHABET)
        assert code[5] == "-"


def test_code_normalisation_and_hash() -> None:
    code = "K7QD1-9XHM0"
    for typed in ("k7qd1-9xhm0", " K7QD l 9XHM O ", "K7QDI9XHMo", "k7qd1–9xhm0"):
        assert codes.normalise(typed) == "K7QD19XHM0", typed
    assert codes.code_hash(code) == hashlib.sha256(b"K7QD19XHM0").hexdigest()
    for bad in ("", "K7QD1-9XHM", "K7QD1-9XHM0X", "K7QD1-9XHMU", "K7QD!-9XHM0", "x" * 100):
        assert codes.normalise(bad) is None and codes.code_hash(bad) is None


# --- consent -------------------------------------------------------------------------------


async def test_offer_explains_and_asks(tracker_from, dispatcher, domain, monkeypatch):
    monkeypatch.setenv("STAFF_HANDOVER_TTL_DAYS", "5")
    await ActionOfferConsultation().run(
        dispatcher, tracker_from({"intent": "request_consultation"}), domain
    )
    message = dispatcher.messages[0]
    assert "Profil" in message["text"] and "Gesprächstext" in message["text"]
    assert "5 Tagen" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == [
        "/affirm",
        '/affirm{"handover_scope": "chat"}',
        "/deny",
    ]
    monkeypatch.setenv("CALLBACK_RECIPIENT", "Bildungsberatung Landkreis München")
    dispatcher.messages.clear()
    await ActionOfferConsultation().run(
        dispatcher, tracker_from({"intent": "request_consultation"}), domain
    )
    assert dispatcher.messages[0]["buttons"][-1]["payload"] == "/request_callback"


def test_texts_in_english_and_plain_language() -> None:
    assert "counsellor" in ho.explain_text(7, STYLE_EN)
    assert "code" in ho.stored_text("AAAAA-BBBBB", 7, True, STYLE_EN).lower()
    plain = ho.explain_text(7, STYLE_PLAIN)
    assert all(len(s.split()) <= 14 for s in plain.replace("\n", ". ").split(". "))


@pytest.mark.parametrize("intent", ["deny", "inform", "request_consultation", "out_of_scope"])
async def test_nothing_is_stored_without_yes(tracker_from, dispatcher, domain, intent):
    tracker = _tracker(tracker_from, intent, [{"entity": "handover_scope", "value": "chat"}])
    await ActionStoreConsultation().run(dispatcher, tracker, domain)
    assert _rows(db_url()) == []
    assert dispatcher.messages[0]["response"] == "utter_consultation_not_stored"


def test_consent_needs_affirm_and_the_chat_needs_the_button() -> None:
    chat = [{"entity": "handover_scope", "value": "chat"}]
    assert ho.consent("affirm", []) == (True, False)
    assert ho.consent("affirm", chat) == (True, True)
    assert ho.consent("deny", chat) == (False, False)
    assert ho.consent(None, chat) == (False, False)


# --- storing -------------------------------------------------------------------------------


async def test_yes_stores_the_snapshot_without_chat_text(tracker_from, dispatcher, domain, caplog):
    caplog.set_level("DEBUG")
    await ActionStoreConsultation().run(dispatcher, _tracker(tracker_from, "affirm"), domain)
    [stored] = _rows(db_url())
    text = dispatcher.messages[0]["text"]
    code = next(word for word in text.split() if codes.normalise(word.strip(".")))
    assert stored.code_hash == codes.code_hash(code)
    assert codes.normalise(code) not in json.dumps([str(v) for v in stored])
    snapshot = json.loads(stored.snapshot)
    assert stored.includes_chat_text is False and snapshot["chat"] == []
    assert snapshot["profile"]["current_kldb"] == "62102"
    assert snapshot["shown_offer_ids"] == ["demo-1"]
    assert snapshot["offers"][0]["provider"] == "Bildungswerk Haar"
    assert snapshot["offers"][0]["reasons"] == ["in Teilzeit"]
    assert any(item["id"] == "bildungsgutschein" for item in snapshot["checklist"])
    assert snapshot["funding_facts"]["employment_status"] == "arbeitslos"
    assert stored.sender_id == "test-user" and stored.origin == "chat"
    assert stored.expires_at - stored.created_at == dt.timedelta(days=7)
    assert code not in caplog.text and "test-user" not in caplog.text
    assert SECRET_LINE not in caplog.text


async def test_yes_with_chat_copies_this_conversation(
    tracker_from, dispatcher, domain, monkeypatch
):
    monkeypatch.setenv("STAFF_HANDOVER_TTL_DAYS", "3")
    tracker = _tracker(tracker_from, "affirm", [{"entity": "handover_scope", "value": "chat"}])
    await ActionStoreConsultation().run(dispatcher, tracker, domain)
    [stored] = _rows(db_url())
    chat = json.loads(stored.snapshot)["chat"]
    assert stored.includes_chat_text is True
    assert {"from": "user", "text": SECRET_LINE} in chat
    assert {"from": "bot", "text": "Diese Angebote passen zu Ihnen:"} in chat
    assert all(line["text"] != "alte Sitzung" for line in chat)  # before the restart
    assert all(not line["text"].startswith("/") for line in chat)  # no button payloads
    assert stored.expires_at - stored.created_at == dt.timedelta(days=3)
    assert "3 Tage" in dispatcher.messages[0]["text"]


async def test_store_failure_is_told(tracker_from, dispatcher, domain, monkeypatch, tmp_path):
    monkeypatch.setenv("APP_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")  # not migrated
    await ActionStoreConsultation().run(dispatcher, _tracker(tracker_from, "affirm"), domain)
    assert dispatcher.messages[0]["response"] == "utter_consultation_store_failed"


# --- deletion ------------------------------------------------------------------------------


async def deletion_rule(url: str, tracker_from, dispatcher, domain) -> None:
    now = dt.datetime(2026, 11, 26, 9, 0)
    snapshot = ho.snapshot(
        PROFILE_SLOTS, [SHOWN, {"event": "user", "text": SECRET_LINE}], True, now
    )
    for sender in ("test-user", "test-user", "someone-else"):
        assert consultation_store.write(url, sender, snapshot, snapshot["profile"], True, now, 7)
    with get_engine(url).begin() as conn:  # the second one was claimed by an office
        conn.execute(consultations.update().where(consultations.c.id == 2).values(claimed_at=now))
    await ActionDeleteMyData().run(dispatcher, tracker_from({"intent": "delete_my_data"}), domain)
    rows = {r.id: r for r in _rows(url)}
    assert set(rows) == {2, 3}
    kept = rows[2]
    assert kept.sender_id is None and kept.anonymised_at is not None
    assert kept.includes_chat_text is False and SECRET_LINE not in kept.snapshot
    assert json.loads(kept.snapshot)["profile"]["current_occupation"] is None
    assert json.loads(kept.snapshot)["profile"]["current_kldb"] == "62102"
    assert rows[3].sender_id == "someone-else" and SECRET_LINE in rows[3].snapshot


async def test_delete_my_data_deletes_or_anonymises_sqlite(tracker_from, dispatcher, domain):
    await deletion_rule(db_url(), tracker_from, dispatcher, domain)


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated database on the machine's PostgreSQL; APP_DB_URL points to it."""
    with fresh_database("bl_handover") as name:
        url = url_of(name)
        migrate(url)
        monkeypatch.setenv("APP_DB_URL", url)
        try:
            yield url
        finally:
            dispose_all()


async def test_delete_my_data_deletes_or_anonymises_postgresql(
    postgres_url, tracker_from, dispatcher, domain
):
    await deletion_rule(postgres_url, tracker_from, dispatcher, domain)


def test_expired_unclaimed_snapshots_are_purged_on_write() -> None:
    url = db_url()
    old = dt.datetime(2026, 11, 1, 9, 0)
    assert consultation_store.write(url, "a", {}, {}, False, old, 7)
    assert consultation_store.write(url, "b", {}, {}, False, old + dt.timedelta(days=8), 7)
    assert [r.sender_id for r in _rows(url)] == ["b"]
