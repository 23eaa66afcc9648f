"""Keyed pseudonyms of messenger sender ids."""

from __future__ import annotations

import pytest

from bot.channels.entry_settings import is_valid_session_id
from bot.channels.sender_ids import SenderSecretMissing, pseudonym, sender_secret

SECRET = b"k" * 32


def test_pseudonym_has_the_conversation_id_format() -> None:
    value = pseudonym("twilio", "whatsapp:+4915112345678", SECRET)
    assert is_valid_session_id(value)
    assert "4915112345678" not in value


def test_pseudonym_is_stable_and_depends_on_channel_sender_and_key() -> None:
    base = pseudonym("telegram", "12345", SECRET)
    assert base == pseudonym("telegram", "12345", SECRET)
    assert base != pseudonym("telegram", "12346", SECRET)
    assert base != pseudonym("matrix", "12345", SECRET)
    assert base != pseudonym("telegram", "12345", b"x" * 32)


def test_channel_name_cannot_shift_into_the_sender() -> None:
    with pytest.raises(ValueError):
        pseudonym("tele:gram", "1", SECRET)
    with pytest.raises(ValueError):
        pseudonym("", "1", SECRET)


def test_secret_comes_from_the_environment_and_has_a_minimum_length() -> None:
    assert sender_secret({"CHANNEL_SENDER_SECRET": "s" * 32}) == b"s" * 32
    with pytest.raises(SenderSecretMissing):
        sender_secret({})
    with pytest.raises(SenderSecretMissing):
        sender_secret({"CHANNEL_SENDER_SECRET": "short"})
