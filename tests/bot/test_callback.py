"""Callback request: offer only where configured, consent first, storage only with consent,
deletion with delete_my_data and retention - against a real SQLite file and the machine's
PostgreSQL (127.0.0.1:5432, trust auth)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa_sdk.events import SlotSet

from appdb.engine import dispose_all, get_engine
from appdb.schema import callback_requests
from bot.actions.callback import (
    ActionAskCallbackConsent,
    ActionOfferCallback,
    ActionSubmitCallback,
    ValidateCallbackForm,
)
from bot.actions.clients import callback_store
from bot.actions.clients.callback_store import CallbackRequest
from bot.actions.housekeeping import ActionDeleteMyData
from bot.actions.info import ActionRequestHuman
from bot.actions.settings import load_settings
from bot.actions.utils import callback as cb
from bot.actions.utils.formatting import STYLE_DE, STYLE_EN, STYLE_PLAIN
from tests.appdb_support import migrate
from tests.bot.responses import rendered
from tests.pg_support import fresh_database, url_of

RECIPIENT = "Bildungsberatung Landkreis München"
TODAY = dt.date(2026, 11, 26)  # BL_TODAY in conftest
REQUEST = CallbackRequest(
    day=TODAY,
    contact_kind="phone",
    contact="+49891234567",
    preferred_time="vormittags",
    situation="anerkennung",
    recipient=RECIPIENT,
)
FORM_DONE = {
    "callback_consent": True,
    "callback_contact": "+49891234567",
    "callback_time": "vormittags",
}


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLBACK_RECIPIENT", RECIPIENT)


def db_url() -> str:
    return load_settings().app_db_url  # the per-test migrated SQLite file of conftest


# --- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("089 123 456-7", "phone", "+49891234567"),
        ("Meine Nummer ist 0171/1234567, gern vormittags", "phone", "+491711234567"),
        ("+49 (0)89 1234567", "phone", "+49891234567"),
        ("0049 89 1234567", "phone", "+49891234567"),
        ("Max.Muster@Example.DE", "email", "Max.Muster@example.de"),
        ("schreiben Sie an anna-lena@web.de bitte", "email", "anna-lena@web.de"),
        ("an <anna@web.de>, danke", "email", "anna@web.de"),
        ("+43 1 5880 0", "phone", "+43158800"),
    ],
)
def test_parse_contact_accepts_phone_and_email(text, kind, value) -> None:
    assert cb.parse_contact(text) == cb.Contact(kind, value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "ja",
        "1234567",
        "089 12",
        "+0 89 1234567",
        "max@",
        "max@localhost",
        "Ich wohne in Haar",
        "0" + "1" * 20,
    ],
)
def test_parse_contact_rejects_what_staff_could_not_use(text) -> None:
    assert cb.parse_contact(text) is None


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("vormittags", None, "vormittags"),
        ("am liebsten morgens", None, "vormittags"),
        ("Nachmittags", None, "nachmittags"),
        ("afternoon", None, "nachmittags"),
        ("egal", None, "egal"),
        ("any time", None, "egal"),
        ("nein", "deny", "egal"),
        ("um 19 Uhr", None, None),
        ("vormittags oder nachmittags", None, None),
    ],
)
def test_parse_time(text, intent, expected) -> None:
    assert cb.parse_time(text, intent) == expected


def test_consent_only_from_explicit_yes_or_no() -> None:
    assert cb.consent_from_intent("affirm") is True
    assert cb.consent_from_intent("deny") is False
    assert cb.consent_from_intent("inform") is None
    assert cb.consent_from_intent(None) is None


def test_only_a_real_preference_is_stored_as_time() -> None:
    assert cb.stored_time("vormittags") == "vormittags"
    assert cb.stored_time("egal") is None
    assert cb.stored_time(None) is None


@pytest.mark.parametrize("style", [STYLE_DE, STYLE_PLAIN, STYLE_EN])
def test_consent_text_says_what_who_and_how_long(style) -> None:
    text = cb.consent_text(RECIPIENT, 14, style)
    assert RECIPIENT in text and "14" in text
    lowered = text.lower()
    assert "telefonnummer" in lowered or "phone number" in lowered
    assert "e-mail" in lowered
    assert "datum" in lowered or "date" in lowered
    assert text.rstrip().endswith("?")


def test_english_texts_are_english() -> None:
    assert "Do you agree?" in cb.consent_text(RECIPIENT, 30, STYLE_EN)
    assert "callback" in cb.offer_text(RECIPIENT, STYLE_EN)
    stored = cb.stored_text(cb.Contact("email", "a@b.de"), "nachmittags", RECIPIENT, 30, STYLE_EN)
    assert "e-mail: a@b.de, afternoons" in stored


# --- settings -------------------------------------------------------------------------------


def test_callback_not_configured_by_default() -> None:
    settings = load_settings()
    assert settings.callback_recipient is None and not settings.callback_configured
    assert settings.callback_retention_days == 30


def test_callback_settings_from_environment(monkeypatch, configured) -> None:
    monkeypatch.setenv("CALLBACK_RETENTION_DAYS", "14")
    settings = load_settings()
    assert settings.callback_configured and settings.callback_recipient == RECIPIENT
    assert settings.callback_retention_days == 14


@pytest.mark.parametrize("raw", ["0", "-3", "zwei"])
def test_bad_retention_is_rejected(monkeypatch, raw) -> None:
    monkeypatch.setenv("CALLBACK_RETENTION_DAYS", raw)
    with pytest.raises(ValueError, match="CALLBACK_RETENTION_DAYS"):
        load_settings()


# --- actions --------------------------------------------------------------------------------


async def test_request_human_without_recipient_offers_nothing(tracker_from, dispatcher, domain):
    events = await ActionRequestHuman().run(
        dispatcher, tracker_from({"intent": "request_human"}), domain
    )
    assert events == [SlotSet("callback_available", False)]
    (message,) = dispatcher.messages
    assert "Rückruf" not in message["text"] and not message["buttons"]


async def test_request_human_with_recipient_enables_the_offer(
    configured, tracker_from, dispatcher, domain
):
    events = await ActionRequestHuman().run(
        dispatcher, tracker_from({"intent": "request_human"}), domain
    )
    assert events == [SlotSet("callback_available", True)]
    await ActionOfferCallback().run(dispatcher, tracker_from({"intent": "request_human"}), domain)
    offer = dispatcher.messages[-1]
    assert RECIPIENT in offer["text"]
    assert [b["payload"] for b in offer["buttons"]] == ["/request_callback", "/deny"]


async def test_offer_without_recipient_stays_silent(tracker_from, dispatcher, domain):
    events = await ActionOfferCallback().run(dispatcher, tracker_from({}), domain)
    assert dispatcher.messages == [] and events == [SlotSet("callback_available", False)]


async def test_consent_question_in_english(configured, tracker_from, dispatcher, domain):
    tracker = tracker_from({"slots": {"reply_language": "en"}})
    await ActionAskCallbackConsent().run(dispatcher, tracker, domain)
    (message,) = dispatcher.messages
    assert f'Only the counsellors of "{RECIPIENT}"' in message["text"]
    assert "30 days" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


@pytest.mark.parametrize(
    ("intent", "expected"), [("affirm", True), ("deny", False), ("inform", None)]
)
async def test_validate_consent(configured, tracker_from, dispatcher, domain, intent, expected):
    tracker = tracker_from(
        {
            "intent": intent,
            "active_loop": "callback_form",
            "requested_slot": "callback_consent",
            "latest_message": {"text": "/" + intent},
            "candidates": {"callback_consent": "/" + intent},
        }
    )
    events = await ValidateCallbackForm().run(dispatcher, tracker, domain)
    assert SlotSet("callback_consent", expected) in events


async def test_validate_contact_normalises_or_asks_again(
    configured, tracker_from, dispatcher, domain
):
    def state(text: str, intent: str = "inform") -> dict:
        return {
            "intent": intent,
            "active_loop": "callback_form",
            "requested_slot": "callback_contact",
            "slots": {"callback_consent": True},
            "latest_message": {"text": text},
            "candidates": {"callback_contact": text},
        }

    events = await ValidateCallbackForm().run(
        dispatcher, tracker_from(state("089 / 123 4567")), domain
    )
    assert SlotSet("callback_contact", "+49891234567") in events
    events = await ValidateCallbackForm().run(
        dispatcher, tracker_from(state("weiß ich nicht")), domain
    )
    assert SlotSet("callback_contact", None) in events
    assert dispatcher.messages[-1]["response"] == "utter_callback_invalid_contact"
    # "no" at the contact question withdraws: the form ends without storing anything
    events = await ValidateCallbackForm().run(
        dispatcher, tracker_from(state("nein, doch nicht", "deny")), domain
    )
    assert SlotSet("callback_consent", False) in events


async def test_refused_consent_ends_the_form(configured, tracker_from, dispatcher, domain):
    tracker = tracker_from({"slots": {"callback_consent": False}})
    slots = await ValidateCallbackForm().required_slots(
        ["callback_consent", "callback_contact", "callback_time"], dispatcher, tracker, domain
    )
    assert slots == ["callback_consent"]


async def test_submit_with_consent_stores_the_minimum(configured, tracker_from, dispatcher, domain):
    tracker = tracker_from({"slots": FORM_DONE, "intent": "inform"})
    tracker.events.append({"event": "user", "parse_data": {"intent": {"name": "ask_recognition"}}})
    events = await ActionSubmitCallback().run(dispatcher, tracker, domain)
    assert events == [
        SlotSet(s, None) for s in ("callback_consent", "callback_contact", "callback_time")
    ]
    (stored,) = callback_store.read_all(db_url())
    assert stored.request == REQUEST
    assert callback_store.count_for_sender(db_url(), "test-user") == 1
    text = dispatcher.messages[0]["text"]
    assert "+49891234567" in text and RECIPIENT in text and "30 Tagen" in text


@pytest.mark.parametrize("consent", [False, None])
async def test_without_consent_nothing_is_stored(
    configured, tracker_from, dispatcher, domain, consent
):
    tracker = tracker_from({"slots": {**FORM_DONE, "callback_consent": consent}})
    await ActionSubmitCallback().run(dispatcher, tracker, domain)
    assert callback_store.read_all(db_url()) == []
    assert dispatcher.messages[0]["response"] == "utter_callback_not_stored"


async def test_without_recipient_nothing_is_stored(tracker_from, dispatcher, domain):
    await ActionSubmitCallback().run(dispatcher, tracker_from({"slots": FORM_DONE}), domain)
    assert callback_store.read_all(db_url()) == []


async def test_store_failure_is_reported_without_contact_in_log(
    configured, monkeypatch, tmp_path, tracker_from, dispatcher, domain, caplog
):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("x")
    monkeypatch.setenv("APP_DB_URL", f"sqlite:///{blocked / 'app.db'}")
    await ActionSubmitCallback().run(dispatcher, tracker_from({"slots": FORM_DONE}), domain)
    assert dispatcher.messages[0]["response"] == "utter_callback_store_failed"
    assert "nicht gespeichert" in rendered(domain, "utter_callback_store_failed")
    assert "+49891234567" not in caplog.text


# --- storage, deletion, retention -----------------------------------------------------------


async def deletion_removes_the_record(url: str, tracker_from, dispatcher, domain) -> None:
    assert callback_store.write(url, "test-user", REQUEST)
    assert callback_store.write(url, "someone-else", REQUEST)
    await ActionDeleteMyData().run(dispatcher, tracker_from({"intent": "delete_my_data"}), domain)
    assert callback_store.count_for_sender(url, "test-user") == 0
    assert callback_store.count_for_sender(url, "someone-else") == 1


async def test_delete_my_data_removes_the_callback_sqlite(tracker_from, dispatcher, domain):
    await deletion_removes_the_record(db_url(), tracker_from, dispatcher, domain)


@pytest.fixture
def postgres_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated database on the machine's PostgreSQL; APP_DB_URL points to it."""
    with fresh_database("bl_callback") as name:
        url = url_of(name)
        migrate(url)
        monkeypatch.setenv("APP_DB_URL", url)
        try:
            yield url
        finally:
            dispose_all()


async def test_delete_my_data_removes_the_callback_postgresql(
    postgres_url, tracker_from, dispatcher, domain
):
    await deletion_removes_the_record(postgres_url, tracker_from, dispatcher, domain)


def _tracker_events_table(url: str, sender_ids: list[str]) -> None:
    """The columns of Rasa's SQLTrackerStore ``events`` table that the purge reads."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255),"
                " type_name VARCHAR(255), timestamp FLOAT)"
            )
        )
        for i, sender in enumerate(sender_ids):
            conn.execute(
                sa.text("INSERT INTO events VALUES (:i, :s, 'user', 0)"), {"i": i, "s": sender}
            )
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_purge_deletes_expired_and_withdrawn_requests(backend, request, tmp_path) -> None:
    url = db_url() if backend == "sqlite" else request.getfixturevalue("postgres_url")
    old = CallbackRequest(**{**REQUEST.__dict__, "day": TODAY - dt.timedelta(days=31)})
    recent = CallbackRequest(**{**REQUEST.__dict__, "day": TODAY - dt.timedelta(days=30)})
    assert callback_store.write(url, "kept", recent)
    assert callback_store.write(url, "deleted-conversation", recent)
    # write() purges expired rows itself, so the old one is inserted directly
    with get_engine(url).begin() as conn:
        conn.execute(callback_requests.insert().values(sender_id="expired", **old.__dict__))
    # without Rasa's tracker database (or without its events table) only the age counts
    assert callback_store.purge(url, 30, TODAY) == 1
    assert callback_store.count_for_sender(url, "deleted-conversation") == 1
    tracker_url = f"sqlite:///{tmp_path / 'rasa.db'}"
    assert callback_store.purge(url, 30, TODAY, tracker_url) == 0
    _tracker_events_table(tracker_url, ["kept", "kept"])
    assert callback_store.purge(url, 30, TODAY, tracker_url) == 1
    assert [r.request for r in callback_store.read_all(url)] == [recent]
    assert callback_store.count_for_sender(url, "kept") == 1


def test_write_purges_expired_requests() -> None:
    url = db_url()
    with get_engine(url).begin() as conn:
        conn.execute(
            callback_requests.insert().values(
                sender_id="old", **{**REQUEST.__dict__, "day": TODAY - dt.timedelta(days=40)}
            )
        )
    assert callback_store.write(url, "new", REQUEST)
    assert callback_store.count_for_sender(url, "old") == 0


def test_table_holds_only_the_minimum() -> None:
    url = db_url()
    callback_store.write(url, "test-user", REQUEST)
    columns = {
        c["name"] for c in sa.inspect(sa.create_engine(url)).get_columns("callback_requests")
    }
    assert columns == {
        "id",
        "sender_id",
        "day",
        "contact_kind",
        "contact",
        "preferred_time",
        "situation",
        "recipient",
        # the staff app's office assignment and done mark (staff data, nothing about the citizen)
        "office_id",
        "done_at",
        "done_by",
    }


def test_staff_cli_list_and_export(capsys, tmp_path: Path) -> None:
    url = db_url()
    callback_store.write(url, "test-user", REQUEST)
    assert callback_store.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "+49891234567" in out and "vormittags" in out and "test-user" not in out
    assert callback_store.main(["export", "--format", "json"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert exported == [
        {
            "id": 1,
            "day": "2026-11-26",
            "contact_kind": "phone",
            "contact": "+49891234567",
            "preferred_time": "vormittags",
            "situation": "anerkennung",
            "recipient": RECIPIENT,
        }
    ]
    assert callback_store.main(["export"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id,day,contact_kind,contact,preferred_time,situation,recipient"
    assert len(lines) == 2
    assert callback_store.main(["purge"]) == 0
    assert "0 Rückrufwünsche gelöscht" in capsys.readouterr().out


def test_staff_cli_reports_an_unmigrated_database(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setenv("APP_DB_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert callback_store.main(["list"]) == 1
    assert "python -m appdb upgrade" in capsys.readouterr().err


def test_staff_cli_purge_with_tracker_database_deletes_withdrawn_requests(capsys, tmp_path) -> None:
    url = db_url()
    callback_store.write(url, "kept", REQUEST)
    callback_store.write(url, "deleted-conversation", REQUEST)
    tracker_url = f"sqlite:///{tmp_path / 'rasa.db'}"
    _tracker_events_table(tracker_url, ["kept"])
    assert callback_store.main(["purge", "--tracker-db-url", tracker_url]) == 0
    assert "1 Rückrufwünsche gelöscht" in capsys.readouterr().out
    assert callback_store.count_for_sender(url, "kept") == 1
    assert callback_store.count_for_sender(url, "deleted-conversation") == 0
