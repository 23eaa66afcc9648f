"""The Matrix bridge's parts without servers: store, rendering fallback, settings, idle start."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

import i18n
from bot.channels.entry_settings import is_valid_session_id
from bot.channels.sender_ids import pseudonym
from bridge.matrix.rasa import structured_payload
from bridge.matrix.render import content_of, render_message
from bridge.matrix.settings import is_configured, load_settings
from bridge.matrix.store import SECONDS_PER_DAY, BridgeStore
from tests.matrix.matrix_support import MATRIX_PYTHON, ROOT


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_store_claims_each_event_once_across_reopen(tmp_path: Path) -> None:
    store = BridgeStore(tmp_path / "s.sqlite3", retention_days=30)
    assert store.claim("$event1")
    assert not store.claim("$event1")
    store.save_sync_token("s123")
    store.close()
    again = BridgeStore(tmp_path / "s.sqlite3", retention_days=30)
    assert not again.claim("$event1"), "a restart must not answer the same event again"
    assert again.sync_token == "s123"
    raw = (tmp_path / "s.sqlite3").read_bytes()
    assert b"$event1" not in raw, "only digests of event ids are stored"
    assert oct((tmp_path / "s.sqlite3").stat().st_mode & 0o777) == "0o600"


def test_store_mapping_first_contact_retention_and_forget(tmp_path: Path) -> None:
    clock = Clock()
    store = BridgeStore(tmp_path / "s.sqlite3", retention_days=2, clock=clock)
    assert store.touch("a" * 32, "!room:x") is True
    assert store.touch("a" * 32, "!room:x") is False
    assert store.room_of("a" * 32) == "!room:x"
    clock.now += 3 * SECONDS_PER_DAY
    assert store.room_of("a" * 32) is None, "expired mappings are not used"
    assert store.purge() == (1, 0)
    assert store.touch("a" * 32, "!room:x") is True, "after retention: first contact again"
    store.forget("a" * 32)
    assert store.room_of("a" * 32) is None
    assert store.touch("a" * 32, "!room:x") is True, "after 'Daten löschen': notice again"


def test_rendering_numbers_choices_and_gives_html() -> None:
    message = {
        "text": "Wie möchten Sie lernen?",
        "buttons": [
            {"title": "Vollzeit", "payload": '/inform{"time_model": "vollzeit"}'},
            {"title": "Teilzeit", "payload": '/inform{"time_model": "teilzeit"}'},
        ],
    }
    [(text, html)] = render_message(message)
    assert text == "Wie möchten Sie lernen?\n1) Vollzeit\n2) Teilzeit"
    assert html is not None and "<br>" in html
    assert render_message({"custom": {"type": "delete_conversation"}}) == []
    escaped = render_message({"text": "<script>x</script>"})[0][1] or ""
    assert "<script>" not in escaped


def test_content_uses_matrix_html_only_when_given() -> None:
    assert content_of("a", None) == {"msgtype": "m.text", "body": "a"}
    assert content_of("a", "<b>a</b>")["format"] == "org.matrix.custom.html"


def test_delete_payload_is_found_in_rest_answers() -> None:
    assert structured_payload({"custom": {"type": "delete_conversation"}}) == {
        "type": "delete_conversation"
    }
    assert structured_payload({"custom": {"data": {"type": "recommendations"}}})
    assert structured_payload({"text": "x"}) is None


def test_settings_come_from_the_environment_only() -> None:
    assert not is_configured({})
    assert not is_configured({"MATRIX_HOMESERVER": "http://h", "MATRIX_USER_ID": "@b:h"})
    env = {
        "MATRIX_HOMESERVER": "http://h/",
        "MATRIX_USER_ID": "@b:h",
        "MATRIX_ACCESS_TOKEN": "secret-token",
        "RASA_PORT": "9205",
        "WEB_PORT": "9281",
        "WEB_RETENTION_DAYS": "14",
        "MAX_MESSAGE_CHARS": "500",
    }
    s = load_settings(env)
    assert s.webhook_url == "http://127.0.0.1:9205/webhooks/rest/webhook"
    assert s.web_url == "http://127.0.0.1:9281"
    assert s.retention_days == 14 and s.max_message_chars == 500
    assert s.messages_per_minute == 20
    assert load_settings({**env, "CHANNEL_MESSAGES_PER_MINUTE": "7"}).messages_per_minute == 7
    assert "secret-token" not in repr(s)


def test_pseudonym_is_a_valid_rest_sender() -> None:
    sender = pseudonym("matrix", "@citizen:example.org", b"k" * 32)
    assert is_valid_session_id(sender)
    assert sender != pseudonym("telegram", "@citizen:example.org", b"k" * 32)


@pytest.mark.parametrize("style", i18n.STYLES)
def test_catalogue_has_the_bridge_texts(style: str) -> None:
    notice = i18n.text("channel.privacy_notice", style, channel="Matrix", days=30)
    assert "30" in notice and "Matrix" in notice
    for key in ("channel.rate_limited", "channel.text_only", "matrix.unavailable"):
        assert i18n.text(key, style)


def test_unconfigured_bridge_idles_until_terminated() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATRIX_")}
    process = subprocess.Popen(
        [str(MATRIX_PYTHON), "-m", "bridge.matrix"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().decode().strip() == "Matrix not configured; bridge idle"
        time.sleep(0.5)
        assert process.poll() is None, "honcho stops the whole stack when one process exits"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_misconfigured_bridge_idles_with_a_reason() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATRIX_")}
    env.pop("CHANNEL_SENDER_SECRET", None)
    env.update(MATRIX_HOMESERVER="http://127.0.0.1:9", MATRIX_USER_ID="@b:x", MATRIX_PASSWORD="pw")
    process = subprocess.Popen(
        [str(MATRIX_PYTHON), "-m", "bridge.matrix"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        assert "CHANNEL_SENDER_SECRET" in line and line.strip().endswith("bridge idle"), line
        time.sleep(0.5)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
