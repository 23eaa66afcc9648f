"""The Rasa server's check of action-server answers (bot/rasa_server.py): the same verdicts and the
same error as Rasa's own ``jsonschema.validate`` check, with the validator built once."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction

from bot import rasa_server

VALID: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "time_model", "value": "teilzeit", "timestamp": None}],
        "responses": [{"text": "Hallo", "buttons": [{"title": "Ja", "payload": "/affirm"}]}],
    },
    {"events": [{"event": "active_loop", "name": None}], "responses": [{"custom": {"a": 1}}]},
]
INVALID: list[dict[str, Any]] = [
    {"events": [{"event": "slot"}], "responses": []},  # a slot event without a name
    {"events": "nope", "responses": []},
    {"events": [{"event": "no_such_event"}], "responses": []},
]


def _original(result: dict[str, Any]) -> str | None:
    try:
        jsonschema.validate(result, RemoteAction.action_response_format_spec())
    except jsonschema.ValidationError as exc:
        return exc.message
    return None


@pytest.mark.parametrize("result", VALID + INVALID)
def test_same_verdict_and_error_as_rasas_own_check(result: dict[str, Any]) -> None:
    expected = _original(copy.deepcopy(result))
    if expected is None:
        assert rasa_server.validate_action_result(None, result) is True
        return
    with pytest.raises(jsonschema.ValidationError) as caught:
        rasa_server.validate_action_result(None, result)
    assert caught.value.message.startswith(expected)
    assert caught.value.message.endswith("/custom-actions")
    assert rasa_server.HINT in caught.value.message


def test_the_validator_is_built_once_and_install_replaces_rasas_method(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert rasa_server.response_validator() is rasa_server.response_validator()
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    rasa_server.install()
    assert RemoteAction._validate_action_result is rasa_server.validate_action_result


def test_the_examples_cover_both_verdicts() -> None:
    assert all(_original(r) is None for r in VALID)
    assert all(_original(r) is not None for r in INVALID)
