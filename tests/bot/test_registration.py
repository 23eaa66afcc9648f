"""The action server registers every contract action from the package (as `rasa run actions` does)."""

from __future__ import annotations

import sys

from rasa_sdk.executor import ActionExecutor

CONTRACT_ACTIONS = {
    "validate_profile_form",
    "action_recommend_offers",
    "action_more_results",
    "action_explain_recommendation",
    "action_shortage_occupations",
    "action_funding_info",
    "action_recognition_info",
    "action_language_courses",
    "action_request_human",
    "action_delete_my_data",
    "action_handle_out_of_scope",
}


def test_package_registers_contract_actions():
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    assert CONTRACT_ACTIONS <= set(executor.actions)


def test_no_heavy_ml_imports():
    ActionExecutor().register_package("bot.actions")
    for module in ("faiss", "torch", "sentence_transformers"):
        assert module not in sys.modules
