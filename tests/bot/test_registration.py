"""The action server registers every contract action (as `rasa run actions` does)."""

from __future__ import annotations

import sys

from rasa_sdk.executor import ActionExecutor

from bot.actions import constants as c

CONTRACT_ACTIONS = set(c.CUSTOM_ACTIONS)


def test_package_registers_contract_actions():
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    assert CONTRACT_ACTIONS <= set(executor.actions)


def test_no_heavy_ml_imports():
    ActionExecutor().register_package("bot.actions")
    for module in ("faiss", "torch", "sentence_transformers"):
        assert module not in sys.modules
