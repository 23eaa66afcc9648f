"""Messages outside the contract on an outside German set (issue 12): moods, jokes, insults.

The set is German Rasa 1.x NLU data of another project (GitHub fbennets/HCLC-GDPR-Bot, MIT,
copied unchanged from /work/shared/data/real-samples/ into ``tests/nlu/data`` with its licence).
Nobody on this project wrote it and none of it is training data (bot/data/nlu/mood.yml was
written separately). Scored with the trained model (models/bildungslotse.tar.gz), NLU part only:

- outside the contract (chitchat/fun_part, chitchat/insult, chitchat/mood_great,
  chitchat/mood_unhappy: 50 messages) counts as handled when the intent is ``out_of_scope`` or a
  mood intent (``mood_distress``, ``mood_positive``); ``nlu_fallback`` does not count;
- the set's contract intents (greet, goodbye, affirm, deny, bot_challenge, ask_for_help = help,
  delete_personal_data = delete_my_data) must keep their intent.

Floors: 0.80 and 0.90 (issue 12). The figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import re
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

from tests.prereq import missing, require_module

require_module("rasa", "needs the bot environment (.venv-bot)")

pytestmark = [pytest.mark.bot, pytest.mark.models]

ROOT = Path(__file__).resolve().parents[2]
SET_FILE = Path(__file__).parent / "data" / "hclc-gdpr-bot-de-nlu.md"
MODEL = ROOT / "models" / "bildungslotse.tar.gz"
OUTSIDE = {"chitchat/fun_part", "chitchat/insult", "chitchat/mood_great", "chitchat/mood_unhappy"}
HANDLED_OUTSIDE = {"out_of_scope", "mood_distress", "mood_positive"}
CONTRACT = {
    "chitchat/greet": "greet",
    "chitchat/goodbye": "goodbye",
    "affirm": "affirm",
    "deny": "deny",
    "chitchat/bot_challenge": "bot_challenge",
    "ask_for_help": "help",
    "delete_personal_data": "delete_my_data",
}
OUTSIDE_FLOOR = 0.80
CONTRACT_FLOOR = 0.90


def outside_set() -> list[tuple[str, str]]:
    """(label, text) of the Markdown NLU file; commented-out blocks are not part of it."""
    text = re.sub(r"<!--.*?-->", "", SET_FILE.read_text(encoding="utf-8"), flags=re.S)
    label, items = None, []
    for line in text.splitlines():
        header = re.match(r"##\s*intent:\s*(\S+)", line)
        if header:
            label = header.group(1)
        elif line.startswith("- ") and label:
            items.append((label, line[2:].strip()))
    return items


@lru_cache(maxsize=1)
def nlu_parser():
    """The NLU part of the trained model's predict graph (policies are not loaded)."""
    if not MODEL.is_file():
        missing(f"trained model {MODEL} not found", "train it: rasa train ... --out models")
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    storage, metadata = LocalModelStorage.from_model_archive(Path(tempfile.mkdtemp()), MODEL)
    target = "run_RegexMessageHandler"
    schema = metadata.predict_schema.minimal_graph_schema([target])
    runner = DaskGraphRunner.create(
        graph_schema=schema,
        model_storage=storage,
        execution_context=ExecutionContext(graph_schema=schema, model_id=metadata.model_id),
    )

    def parse(texts: list[str]) -> list[str]:
        from rasa.core.channels.channel import UserMessage

        messages = [UserMessage(text) for text in texts]
        result = runner.run(inputs={"__message__": messages}, targets=[target])
        return [m.data["intent"]["name"] for m in result[target]]

    return parse


def test_set_is_the_outside_set() -> None:
    items = outside_set()
    assert sum(label in OUTSIDE for label, _ in items) == 50
    assert sum(label in CONTRACT for label, _ in items) == 82


def test_outside_messages_reach_out_of_scope_or_a_mood_intent() -> None:
    items = outside_set()
    outside = [text for label, text in items if label in OUTSIDE]
    contract = [(CONTRACT[label], text) for label, text in items if label in CONTRACT]
    predicted = nlu_parser()([*outside, *(text for _, text in contract)])
    handled = sum(p in HANDLED_OUTSIDE for p in predicted[: len(outside)])
    kept = sum(p == want for p, (want, _) in zip(predicted[len(outside) :], contract, strict=True))
    share_outside, share_contract = handled / len(outside), kept / len(contract)
    print(
        f"\noutside set: {handled}/{len(outside)} = {share_outside:.2f} out of scope or mood; "
        f"contract intents {kept}/{len(contract)} = {share_contract:.2f}"
    )
    assert share_outside >= OUTSIDE_FLOOR
    assert share_contract >= CONTRACT_FLOOR
