"""Pure helpers for the funding checklist: canonical ``funding_form`` slot values and engine facts.

The funding form asks only the facts that decide (see :func:`missing_slots`). Its slots hold
canonical values (or :data:`UNKNOWN` after "Weiß nicht"); values may arrive as NLU entities
(``employment_status``, ``company_size``, ``age``, ``qualification``, ``goal``), as button
payloads, or as a typed answer (or button text) for the question just asked.
:func:`form_values` merges all of them; :func:`engine_facts` turns the values into the profile
facts of :mod:`knowledge.funding`. No I/O except the cached knowledge tables; message text is never
logged.

Domain requirements (``bot/domain/info.yml``): form ``funding_form`` with the slots in
:data:`FORM_SLOTS` (same order), slot :data:`SLOT_QUESTIONS_NEEDED` (bool, rule-only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.actions.utils.funding_answers import (
    AGE_GROUPS,
    ANSWER_INTENTS,
    AUFSTIEG,
    COMPANY_SIZES,
    COURSE_TYPES,
    EMPLOYMENT_VALUES,
    GOAL_COURSE_TYPE,
    MAX_SHORT_ANSWER_WORDS,
    NO,
    QUALIFICATION_SINCE,
    UNKNOWN,
    YES,
    age_group,
    company_size,
    course_type,
    employment_status,
    fold,
    is_dont_know,
    qualification_since,
    vocational_qualification,
)
from knowledge import funding, shortage

FUNDING_FORM = "funding_form"
SLOT_EMPLOYMENT = "employment_status"
SLOT_QUALIFICATION = "vocational_qualification"
SLOT_COURSE_TYPE = "course_type"
SLOT_QUALIFICATION_SINCE = "qualification_since"
SLOT_COMPANY_SIZE = "company_size"
SLOT_AGE_GROUP = "age_group"
SLOT_QUESTIONS_NEEDED = "funding_questions_needed"
SLOT_GOAL = "goal"
SLOT_TARGET_KLDB = "target_kldb"
#: Form slots in the order they are asked.
FORM_SLOTS = (
    SLOT_EMPLOYMENT,
    SLOT_QUALIFICATION,
    SLOT_COURSE_TYPE,
    SLOT_QUALIFICATION_SINCE,
    SLOT_COMPANY_SIZE,
    SLOT_AGE_GROUP,
)
#: Engine fact decided by each form slot.
SLOT_FACT = {
    SLOT_EMPLOYMENT: "employment_status",
    SLOT_QUALIFICATION: "has_vocational_qualification",
    SLOT_COURSE_TYPE: "course_type",
    SLOT_QUALIFICATION_SINCE: "years_since_qualification",
    SLOT_COMPANY_SIZE: "company_size_employees",
    SLOT_AGE_GROUP: "age",
}
#: ``topic`` entity value of the "Alle Programme anzeigen" button
TOPIC_ALL = "alle"

NORMALIZERS = {
    SLOT_EMPLOYMENT: employment_status,
    SLOT_QUALIFICATION: vocational_qualification,
    SLOT_COURSE_TYPE: course_type,
    SLOT_QUALIFICATION_SINCE: qualification_since,
    SLOT_COMPANY_SIZE: company_size,
    SLOT_AGE_GROUP: age_group,
}


def is_answer(text: str, intent: str | None) -> bool:
    """Whether a message may be read as the answer to the form's question."""
    if intent in ANSWER_INTENTS:
        return True
    return "?" not in text and len(text.split()) <= MAX_SHORT_ANSWER_WORDS


def _entity_values(entities: Iterable[Mapping[str, Any]], name: str) -> list[str]:
    return [str(e["value"]) for e in entities if e.get("entity") == name and e.get("value")]


def form_values(
    slots: Mapping[str, Any],
    entities: Sequence[Mapping[str, Any]] = (),
    *,
    text: str = "",
    intent: str | None = None,
    requested_slot: str | None = None,
    today: dt.date | None = None,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, str | None]:
    """Canonical value of every form slot after the latest message (``None`` = not known).

    Order of evidence: current slot values, then entities of the latest message, then, for the
    slot the form just asked, "Weiß nicht" (-> :data:`UNKNOWN`) or the typed answer. A slot
    candidate that does not normalise (the NLU read "5" in "vor 5 Jahren" as an age) keeps the
    value from before this message (``previous``). The profile goal fills ``course_type`` when
    nothing else did.
    """

    def normalise(slot: str, raw: Any) -> str | None:
        if slot == SLOT_QUALIFICATION_SINCE:
            return qualification_since(raw, today)
        return NORMALIZERS[slot](raw)

    values: dict[str, str | None] = {}
    for slot in FORM_SLOTS:
        value = normalise(slot, slots.get(slot))
        if value is None and previous:
            value = normalise(slot, previous.get(slot))
        values[slot] = value
    from_entities: set[str] = set()

    def take(slot: str, raw: str) -> None:
        value = NORMALIZERS[slot](raw)
        if value is not None and value != UNKNOWN:
            values[slot] = value
            from_entities.add(slot)

    for raw in _entity_values(entities, "employment_status"):
        take(SLOT_EMPLOYMENT, raw)
    for raw in _entity_values(entities, "company_size"):
        take(SLOT_COMPANY_SIZE, raw)
    for raw in _entity_values(entities, "age"):
        take(SLOT_AGE_GROUP, raw)
    for raw in _entity_values(entities, "qualification"):
        qualification = vocational_qualification(raw)
        if qualification is not None:
            take(SLOT_QUALIFICATION, qualification)
    # course type: a Meister/Techniker/Fachwirt qualification, else the goal
    qualifications = _entity_values(entities, "qualification")
    course_evidence = [
        *["aufstiegsfortbildung" for q in qualifications if AUFSTIEG.search(fold(q))],
        *_entity_values(entities, "goal"),
    ]
    for raw in course_evidence:
        if course_type(raw) not in (None, UNKNOWN):
            take(SLOT_COURSE_TYPE, raw)
            break

    if requested_slot in NORMALIZERS and text and not text.startswith("/"):
        if is_dont_know(text):
            values[requested_slot] = UNKNOWN
        elif not from_entities and is_answer(text, intent):
            # (numbers in a message with entities belong to those entities: "Ich bin 52")
            typed = (
                qualification_since(text, today)
                if requested_slot == SLOT_QUALIFICATION_SINCE
                else NORMALIZERS[requested_slot](text)
            )
            if typed is not None:
                values[requested_slot] = typed

    if values[SLOT_COURSE_TYPE] is None:
        values[SLOT_COURSE_TYPE] = GOAL_COURSE_TYPE.get(str(slots.get(SLOT_GOAL) or ""))
    return values


def target_is_shortage(target_kldb: Any) -> bool | None:
    """True if the target occupation has an Engpass entry; unknown (None) otherwise.

    A missing entry is no evidence that an occupation is not in short supply.
    """
    code = str(target_kldb or "")
    if not code.isdigit():
        return None
    return True if any(e.status == "Engpass" for e in shortage.lookup(code)) else None


def engine_facts(values: Mapping[str, str | None], target_kldb: Any = None) -> dict[str, Any]:
    """Profile facts for :func:`knowledge.funding.evaluate` (unknown facts are left out)."""
    facts: dict[str, Any] = {}
    employment = values.get(SLOT_EMPLOYMENT)
    if employment in EMPLOYMENT_VALUES:
        facts["employment_status"] = employment
    qualification = values.get(SLOT_QUALIFICATION)
    if qualification in (YES, NO):
        facts["has_vocational_qualification"] = qualification == YES
    course = values.get(SLOT_COURSE_TYPE)
    if course in COURSE_TYPES:
        facts["course_type"] = course
    for slot, table, fact in (
        (SLOT_QUALIFICATION_SINCE, QUALIFICATION_SINCE, "years_since_qualification"),
        (SLOT_COMPANY_SIZE, COMPANY_SIZES, "company_size_employees"),
        (SLOT_AGE_GROUP, AGE_GROUPS, "age"),
    ):
        key = values.get(slot)
        if key in table:
            facts[fact] = table[key]
    if target_is_shortage(target_kldb):
        facts["target_is_shortage_occupation"] = True
    return facts


def missing_slots(
    values: Mapping[str, str | None],
    target_kldb: Any = None,
    catalogue: funding.FundingCatalogue | None = None,
) -> list[str]:
    """Form slots still to ask: unanswered and deciding for at least one instrument."""
    facts = engine_facts(values, target_kldb)
    candidates = [SLOT_FACT[s] for s in FORM_SLOTS if values.get(s) is None]
    open_facts = set(funding.deciding_facts(facts, candidates, catalogue=catalogue))
    return [s for s in FORM_SLOTS if SLOT_FACT[s] in open_facts]


def questions_needed(
    values: Mapping[str, str | None],
    *,
    text: str = "",
    topics: Sequence[str] = (),
    active_loop: str | None = None,
    target_kldb: Any = None,
) -> bool:
    """Whether a funding question should first run ``funding_form``.

    Not when the question names an instrument (answered directly), asks for all programmes
    (``topic`` "alle"), comes while a form is active (answered in between), or when no
    deciding fact is missing.
    """
    if active_loop or any(fold(t) == TOPIC_ALL for t in topics):
        return False
    if funding.find_instruments(" ".join([text, *topics])):
        return False
    return bool(missing_slots(values, target_kldb))
