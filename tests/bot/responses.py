"""Domain responses as Rasa itself selects and fills them (for tests of actions that send
``response=``): ``ResponseVariationFilter`` and ``TemplatedNaturalLanguageGenerator``."""

from __future__ import annotations

from typing import Any

from bot.actions import constants as c


def variations(domain: dict[str, Any], name: str, **slots: Any) -> list[dict[str, Any]]:
    """The variations Rasa picks from for these slot values (Rasa's own response selection)."""
    from rasa.core.nlg.generator import ResponseVariationFilter

    return ResponseVariationFilter(domain["responses"]).responses_for_utter_action(
        name, "socketio", slots
    )


def rendered(domain: dict[str, Any], name: str, slots: dict[str, Any] | None = None) -> str:
    """The text Rasa's NLG sends for ``name`` with these slot values (default: German); every
    candidate variation must give the same text."""
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator

    filled = {c.SLOT_REPLY_LANGUAGE: "de", c.SLOT_PLAIN_LANGUAGE: False, **(slots or {})}
    nlg = TemplatedNaturalLanguageGenerator(domain["responses"])
    texts = {nlg.generate_from_slots(name, filled, "socketio")["text"] for _ in range(5)}
    assert len(texts) == 1, texts
    return texts.pop()
