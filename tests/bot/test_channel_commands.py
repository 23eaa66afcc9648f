"""Slash commands from users (bot.channels.commands): the bot's own buttons pass unchanged, any
other text starting with "/" reaches the NLU without the slash (Rasa would log the whole line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.channels.commands import CommandVocabulary, domain_vocabulary, is_command, neutralise

DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "domain"


def _button_payloads(node: Any) -> list[str]:
    """Every ``payload`` of a button anywhere in a domain file's responses."""
    found: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("payload"), str):
            found.append(node["payload"])
        for value in node.values():
            found += _button_payloads(value)
    elif isinstance(node, list):
        for value in node:
            found += _button_payloads(value)
    return found


def _domain_payloads() -> list[str]:
    payloads: list[str] = []
    for path in sorted(DOMAIN.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        payloads += _button_payloads(data.get("responses"))
    return payloads


def test_every_button_payload_of_the_domain_is_a_valid_command() -> None:
    payloads = _domain_payloads()
    assert len(payloads) >= 20
    vocabulary = domain_vocabulary()
    for payload in payloads:
        # the domain masks "{" as "{{" in templated responses; buttons carry the unmasked form
        sent = payload.replace("{{", "{").replace("}}", "}")
        if not sent.startswith("/"):
            continue  # a plain-text answer button ("vormittags") goes through the NLU
        assert is_command(sent, vocabulary), sent
        assert neutralise(sent) == sent


def test_the_payloads_built_by_actions_are_valid_commands() -> None:
    from bot.actions.recognition import INTENT_MORE_DETAIL
    from bot.actions.utils.targets import ENTITY_SEARCH_SCOPE

    built = [
        "/affirm",
        "/deny",
        f"/{INTENT_MORE_DETAIL}",
        "/request_human",
        "/request_callback",
        f'/more_results{{"{ENTITY_SEARCH_SCOPE}":"online"}}',
    ]
    for payload in built:
        assert neutralise(payload) == payload


VOCABULARY = CommandVocabulary(frozenset({"inform", "affirm"}), frozenset({"municipality"}))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/affirm", "/affirm"),
        ("  /affirm ", "  /affirm "),
        ('/inform{"municipality": "Haar"}', '/inform{"municipality": "Haar"}'),
        ("Ich wohne in Haar", "Ich wohne in Haar"),
        ("", ""),
        # unknown intent: Rasa would log "Failed to parse arguments in line '/…'"
        ("/hallo ich heiße Erika Muster", "hallo ich heiße Erika Muster"),
        # unknown entity, bad JSON, non-string values, a confidence, text after the entities
        ('/inform{"name": "Erika Muster"}', 'inform{"name": "Erika Muster"}'),
        ('/inform{"municipality": Haar}', 'inform{"municipality": Haar}'),
        ('/inform{"municipality": ["Haar"]}', 'inform{"municipality": ["Haar"]}'),
        ("/affirm@0.3", "affirm@0.3"),
        ('/inform{"municipality": "Haar"} und mehr', 'inform{"municipality": "Haar"} und mehr'),
        ("/", ""),
        ("// /affirm", "/affirm"),  # what remains is a valid command: kept
        ('/ /inform{"name": "x"}', 'inform{"name": "x"}'),  # stripped until no "/" leads
    ],
)
def test_neutralise(text: str, expected: str) -> None:
    assert neutralise(text, VOCABULARY) == expected


def test_overlong_values_are_not_commands() -> None:
    text = "/inform" + json.dumps({"municipality": "x" * 201})
    assert not is_command(text, VOCABULARY)
