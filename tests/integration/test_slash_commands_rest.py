"""Text that looks like a Rasa command but is none, against the real stack: the bot answers it as
text, and the stack's log (results/stack.log, written by scripts/with_stack.py) never quotes it."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

STACK_LOG = Path(__file__).resolve().parents[2] / "results" / "stack.log"


def test_malformed_commands_get_an_answer_and_are_not_logged(conversation) -> None:
    marker = f"Geheim{uuid.uuid4().hex[:10]}"
    probes = [
        f'/inform{{"name": "{marker}"}}',  # unknown entity
        f"/hallo ich heiße {marker}",  # unknown intent
        f'/inform{{"municipality": {marker}}}',  # not JSON
        f"/affirm@0.9 {marker}",  # confidence and trailing text
    ]
    for text in probes:
        replies = conversation.say(text)
        assert any(r.get("text") for r in replies), text
    # a real button payload still works as a command
    conversation.say('/inform{"municipality": "Haar"}')
    assert conversation.slots()["municipality"] == "Haar"
    time.sleep(1.0)  # let the processes flush their output into the stack log
    assert STACK_LOG.is_file(), "run via scripts/with_stack.py"
    assert marker not in STACK_LOG.read_text(encoding="utf-8", errors="replace")
