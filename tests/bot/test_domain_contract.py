"""The actions only use slots, responses and action names that the project domain declares."""

from __future__ import annotations

import pytest

from bot.actions import constants as c

USED_RESPONSES = {
    c.UTTER_OUTSIDE_LANDKREIS,
    c.UTTER_SEARCH_UNAVAILABLE,
    c.UTTER_NO_RESULTS,
    c.UTTER_OUT_OF_SCOPE,
    *c.INPUT_ISSUE_RESPONSES.values(),
}
SET_SLOTS = {*c.PROFILE_SLOTS, c.SLOT_SHOWN_OFFER_IDS, c.SLOT_LAST_SEARCH, c.SLOT_OUTSIDE_AREA}


@pytest.fixture
def project_domain(domain):
    assert "actions" in domain, "the project domain (bot/domain) must be loaded"
    return domain


def test_domain_declares_all_actions(project_domain):
    assert set(c.CUSTOM_ACTIONS) <= set(project_domain["actions"])


def test_domain_declares_used_responses(project_domain):
    missing = USED_RESPONSES - set(project_domain["responses"])
    assert not missing, f"responses used by actions but missing in bot/domain: {sorted(missing)}"


def test_domain_declares_slots_set_by_actions(project_domain):
    assert SET_SLOTS <= set(project_domain["slots"])


def test_outside_landkreis_response_uses_place_variable(project_domain):
    texts = [r.get("text", "") for r in project_domain["responses"][c.UTTER_OUTSIDE_LANDKREIS]]
    assert any("{place}" in t for t in texts)


def test_form_required_slots_match_contract(project_domain):
    required = project_domain["forms"][c.PROFILE_FORM]["required_slots"]
    assert list(required) == list(c.PROFILE_FORM_REQUIRED)
