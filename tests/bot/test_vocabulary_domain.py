"""The Rasa domain's categorical slots hold exactly the values of the one vocabulary."""

from __future__ import annotations

from bot.actions import constants as c
from bot.actions.utils import funding_profile as fp
from knowledge import vocabulary as v

CATEGORICAL = {
    c.SLOT_GOAL: set(v.GOALS),
    c.SLOT_TIME_MODEL: set(v.TIME_MODELS),
    c.SLOT_FORMAT: set(v.PROFILE_FORMATS),
    c.SLOT_REPLY_LANGUAGE: set(v.REPLY_LANGUAGES),
}


def test_categorical_slot_values_match_the_vocabulary(domain) -> None:
    for slot, expected in CATEGORICAL.items():
        spec = domain["slots"][slot]
        assert spec["type"] == "categorical", slot
        assert set(spec["values"]) == expected, slot


#: bookkeeping slots of the rules, not values of the vocabulary (bot/actions/situation.py)
BOOKKEEPING = {c.SLOT_SITUATION_NEWS: {"foreign_qualification", "limited_german"}}


def test_every_categorical_slot_is_covered(domain) -> None:
    categorical = {n for n, s in domain["slots"].items() if s.get("type") == "categorical"}
    known = set(CATEGORICAL) | set(fp.FORM_SLOTS) | set(BOOKKEEPING)
    assert categorical <= known, categorical - known
    for slot, values in BOOKKEEPING.items():
        assert set(domain["slots"][slot]["values"]) == values


def test_bot_constants_come_from_the_vocabulary() -> None:
    assert c.GOALS == tuple(v.GOALS) and c.TIME_MODELS == tuple(v.TIME_MODELS)
    assert c.FORMATS == v.PROFILE_FORMATS and c.REPLY_LANGUAGES == v.REPLY_LANGUAGES
    assert fp.EMPLOYMENT_VALUES == v.EMPLOYMENT_STATUSES
    assert fp.COURSE_TYPES == v.FUNDING_COURSE_TYPES
