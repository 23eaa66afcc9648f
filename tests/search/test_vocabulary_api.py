"""The search API's pydantic schema speaks the one vocabulary (knowledge/vocabulary.py)."""

from __future__ import annotations

from typing import get_args

from knowledge import vocabulary as v
from knowledge.profile import Profile
from search.app import schemas


def _values(annotation: object) -> set[str]:
    """String literals of a (possibly optional / union) annotation."""
    found: set[str] = set()
    for arg in get_args(annotation):
        if isinstance(arg, str):
            found.add(arg)
        elif get_args(arg):
            found |= _values(arg)
    return found


def test_literal_types_equal_the_vocabulary() -> None:
    assert _values(schemas.FormatValue) == set(v.FORMATS)
    assert _values(schemas.TimeModelValue) == set(v.TIME_MODELS)
    assert _values(schemas.GoalValue) == set(v.GOALS)
    assert _values(schemas.CourseTypeValue) == set(v.COURSE_TYPES)
    assert _values(schemas.RelaxCode) == set(v.RELAX_CODES)


def test_profile_in_fields_are_the_profile_models() -> None:
    fields = schemas.ProfileIn.model_fields
    assert _values(fields["format"].annotation) == set(v.PROFILE_FORMATS)
    assert _values(fields["goal"].annotation) == set(v.GOALS)
    assert _values(fields["time_model"].annotation) == set(v.TIME_MODELS)
    free_text = {"current_occupation", "target_occupation"}
    assert set(fields) == set(Profile().as_dict()) - free_text


def test_a_bot_profile_passes_the_api_model() -> None:
    profile = Profile(
        current_kldb="62102",
        target_kldb="82102",
        goal="umschulung",
        time_model="teilzeit",
        format="egal",
        municipality="Haar",
    )
    parsed = schemas.ProfileIn.model_validate(profile.search_profile())
    assert Profile.from_mapping(parsed.model_dump()) == Profile.from_mapping(
        profile.search_profile()
    )
