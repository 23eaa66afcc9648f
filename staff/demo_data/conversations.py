"""Drive the real bot with simulated citizens over Rasa's REST channel (signed demo messages).

Every message carries the signature of :mod:`bot.channels.simulation` (the secret from
``DEMO_DATA_SECRET``), so the demand row the bot writes at its recommendation is flagged
``simulated``. A conversation answers the bot's questions (buttons by their payload, free-text
questions by keywords) until the bot shows recommendations (or says it found none) or
:data:`MAX_TURNS` messages were sent. The conversation id is 32 random hex digits
(:func:`secrets.token_hex`); nothing here logs message text or ids.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from bot.channels import simulation
from staff.demo_data.citizens import Citizen

MAX_TURNS = 8
WEBHOOK = "/webhooks/rest/webhook"
_INFORM = re.compile(r"^/inform(\{.*\})$")
#: keywords of the bot's free-text questions -> the citizen's answer key
QUESTIONS = (
    (re.compile(r"gemeinde|wohnen sie|\bort\b", re.I), "municipality"),
    (
        re.compile(r"beruflich|ihr beruf|zuletzt gearbeitet|letzte arbeit", re.I),
        "current_occupation",
    ),
    (re.compile(r"zielberuf|welche[nm]? beruf", re.I), "target_occupation"),
)


@dataclass(frozen=True)
class Outcome:
    """How one simulated conversation ended (no text, no id)."""

    turns: int
    reached: bool


def reached_recommendation(replies: Iterable[dict[str, Any]]) -> bool:
    """Whether the bot's replies are a recommendation turn: offers shown, or none found (the
    buttons to widen the search)."""
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "recommendations":
            return True
        for button in reply.get("buttons") or ():
            if str(button.get("payload", "")).startswith("/more_results"):
                return True
    return False


def _button_answer(citizen: Citizen, buttons: Sequence[dict[str, Any]]) -> str | None:
    """The payload of the button that says what the citizen would say, if any."""
    for button in buttons:
        found = _INFORM.match(str(button.get("payload", "")))
        if not found:
            continue
        try:
            values = json.loads(found.group(1))
        except ValueError:
            continue
        if isinstance(values, dict) and any(citizen.answers.get(k) == v for k, v in values.items()):
            return str(button["payload"])
    return None


#: how a citizen names a time model and a format in a typed answer
TIME_WORDS = {
    "vollzeit": "Vollzeit",
    "teilzeit": "Teilzeit",
    "berufsbegleitend": "berufsbegleitend",
}
FORMAT_WORDS = {"praesenz": "vor Ort", "online": "online", "hybrid": "hybrid", "egal": "egal"}


def answer(citizen: Citizen, replies: Sequence[dict[str, Any]], asked: set[str]) -> str:
    """The citizen's next message to the bot's ``replies``: a button's payload, or typed text
    where the question asks for two things at once (time model and format) or has no button."""
    text = " ".join(str(r.get("text") or "") for r in replies)
    for reply in reversed(replies):
        chosen = _button_answer(citizen, reply.get("buttons") or ())
        if chosen and '"time_model"' in chosen and "online" in text and citizen.format != "egal":
            asked.update(("time_model", "format"))
            time_word = TIME_WORDS[citizen.time_model]
            return f"{time_word}, und am liebsten {FORMAT_WORDS[citizen.format]}"
        if chosen:
            return chosen
    for pattern, key in QUESTIONS:
        if pattern.search(text) and key in citizen.answers and key not in asked:
            asked.add(key)
            return citizen.answers[key]
    for key in ("municipality", "time_model", "format"):
        if key not in asked:  # a fact the bot did not ask for in a way understood here
            asked.add(key)
            return {
                "municipality": f"Ich wohne in {citizen.municipality}.",
                "time_model": TIME_WORDS[citizen.time_model],
                "format": FORMAT_WORDS[citizen.format],
            }[key]
    return "Zeigen Sie mir bitte passende Angebote."


def converse(
    client: httpx.Client, secret: bytes, citizen: Citizen, max_turns: int = MAX_TURNS
) -> Outcome:
    """One simulated conversation with the running bot."""
    sender = secrets.token_hex(16)
    message = citizen.first_message
    asked: set[str] = set()
    for turn in range(1, max_turns + 1):
        body = {"sender": sender, "message": message, "metadata": simulation.sign(secret, sender)}
        response = client.post(WEBHOOK, json=body)
        response.raise_for_status()
        replies = response.json()
        if reached_recommendation(replies):
            return Outcome(turn, True)
        message = answer(citizen, replies, asked)
    return Outcome(max_turns, False)


def run_all(
    base_url: str, secret: bytes, citizens: Sequence[Citizen], parallel: int = 2
) -> list[Outcome]:
    """All conversations, ``parallel`` at a time (the REST channel answers each request when the
    bot's turn is done)."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            return list(pool.map(lambda c: converse(client, secret, c), citizens))
