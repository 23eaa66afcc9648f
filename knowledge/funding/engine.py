"""The three-valued (Kleene) rule engine: a profile against the instruments -> checklist items."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from knowledge.funding.load import load_catalogue
from knowledge.funding.model import (
    COMPARISONS,
    KIND_FUNDING,
    KIND_NOTE,
    LIKELY,
    NOTE,
    POSSIBLE,
    STATUS_ORDER,
    UNLIKELY,
    ChecklistItem,
    Detail,
    FactSpec,
    FundingCatalogue,
    Instrument,
    Predicate,
    Range,
    TriState,
    is_number,
)

# ---------------------------------------------------------------- profiles


def clean_profile(profile: Mapping[str, Any], facts: Mapping[str, FactSpec]) -> dict[str, Any]:
    """Checked copy of ``profile``: ``None`` values dropped, derived facts added.

    Raises ``ValueError`` for an undeclared fact or a value of the wrong type.
    Derived: ``employment_status == "buergergeld"`` implies ``receives_buergergeld``.
    """
    out: dict[str, Any] = {}
    for name, value in profile.items():
        if value is None:
            continue
        spec = facts.get(name)
        if spec is None:
            raise ValueError(f"unknown profile fact '{name}'")
        if spec.type == "enum":
            if value not in spec.values:
                raise ValueError(f"'{name}': value {value!r} not in {spec.values}")
        elif spec.type == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"'{name}': expected bool, got {value!r}")
        else:
            value = _as_range(name, value)
        out[name] = value
    if out.get("employment_status") == "buergergeld" and "receives_buergergeld" in facts:
        out.setdefault("receives_buergergeld", True)
    return out


def _as_range(name: str, value: Any) -> Range:
    if isinstance(value, Range):
        return value
    if is_number(value):
        return Range(float(value), float(value))
    if isinstance(value, (list, tuple)) and len(value) == 2:
        low, high = value
        if all(v is None or is_number(v) for v in (low, high)):
            return Range(None if low is None else float(low), None if high is None else float(high))
    raise ValueError(f"'{name}': expected a number or [low, high], got {value!r}")


# ---------------------------------------------------------------- evaluation

_Result = tuple[TriState, frozenset[str]]
_NONE: frozenset[str] = frozenset()


def _compare(op: str, value: Range, bound: float) -> TriState:
    low = value.low if value.low is not None else float("-inf")
    high = value.high if value.high is not None else float("inf")
    if op == ">=":
        return True if low >= bound else False if high < bound else None
    if op == ">":
        return True if low > bound else False if high <= bound else None
    if op == "<=":
        return True if high <= bound else False if low > bound else None
    return True if high < bound else False if low >= bound else None  # "<"


def evaluate_predicate(pred: Predicate, profile: Mapping[str, Any]) -> _Result:
    """Three-valued result plus the facts whose unknown value makes the result unknown."""
    if "all" in pred:
        results = [evaluate_predicate(p, profile) for p in pred["all"]]
        if any(r is False for r, _ in results):
            return False, _NONE
        unknown = [facts for r, facts in results if r is None]
        return (None, frozenset().union(*unknown)) if unknown else (True, _NONE)
    if "any" in pred:
        results = [evaluate_predicate(p, profile) for p in pred["any"]]
        if any(r is True for r, _ in results):
            return True, _NONE
        unknown = [facts for r, facts in results if r is None]
        return (None, frozenset().union(*unknown)) if unknown else (False, _NONE)
    if "not" in pred:
        result, facts = evaluate_predicate(pred["not"], profile)
        return (None if result is None else not result), facts
    name = pred["fact"]
    if name not in profile:
        return None, frozenset({name})
    value = profile[name]
    if "in" in pred:
        if value in pred["in"]:
            return True, _NONE
        if value in pred.get("unclear", ()):
            return None, frozenset({name})
        return False, _NONE
    if "is" in pred:
        return value is pred["is"], _NONE
    if "between" in pred:
        low, high = pred["between"]
        both = (_compare(">=", value, low), _compare("<=", value, high))
        if False in both:
            return False, _NONE
        return (True, _NONE) if both == (True, True) else (None, frozenset({name}))
    op = next(k for k in COMPARISONS if k in pred)
    result = _compare(op, value, float(pred[op]))
    return result, (frozenset({name}) if result is None else _NONE)


def _shown(
    details: Iterable[Detail], profile: Mapping[str, Any]
) -> tuple[tuple[str, ...], tuple[Detail, ...], set[str]]:
    """(texts of the confirmed details shown, reported details shown, facts left open)."""
    texts: list[str] = []
    reported: list[Detail] = []
    open_facts: set[str] = set()
    for detail in details:
        if detail.when is not None:
            result, facts = evaluate_predicate(detail.when, profile)
            if result is False:
                continue
            open_facts |= facts
        if detail.reported:
            reported.append(detail)
        else:
            texts.append(detail.display)
    return tuple(texts), tuple(reported), open_facts


def evaluate_instrument(instrument: Instrument, profile: Mapping[str, Any]) -> ChecklistItem:
    """Checklist for one instrument; ``profile`` must already be cleaned (:func:`clean_profile`)."""
    met: list[str] = []
    to_confirm_facts: list[str] = []
    to_confirm_office: list[str] = []
    failed: list[str] = []
    open_facts: set[str] = set()
    for cond in instrument.conditions:
        applies: TriState = True
        applies_facts: frozenset[str] = _NONE
        if cond.applies_if is not None:
            applies, applies_facts = evaluate_predicate(cond.applies_if, profile)
            if applies is False:
                continue
            open_facts |= applies_facts
        if cond.when is None:
            to_confirm_office.append(cond.text)
            continue
        result, facts = evaluate_predicate(cond.when, profile)
        if result is False and applies is None:
            # fails only if it applies, and that is not known: to confirm, never excluding
            result, facts = None, facts | applies_facts
        if result is True:
            met.append(cond.text)
        elif result is False:
            failed.append(cond.text)
        else:
            to_confirm_facts.append(cond.text)
            open_facts |= facts
    amounts, reported_amounts, amount_facts = _shown(instrument.amounts, profile)
    notes, reported_notes, _ = _shown(instrument.notes, profile)
    if instrument.kind == KIND_NOTE:
        status = NOTE
    elif failed:
        status = UNLIKELY
    elif to_confirm_facts:
        status = POSSIBLE
    else:
        status = LIKELY
    if status != UNLIKELY:
        open_facts |= amount_facts
    return ChecklistItem(
        instrument=instrument,
        status=status,
        conditions_met=tuple(met),
        conditions_to_confirm=tuple(to_confirm_facts + to_confirm_office),
        conditions_failed=tuple(failed),
        open_facts=tuple(sorted(open_facts)) if status != UNLIKELY else (),
        amounts=amounts,
        notes=notes,
        office=instrument.office,
        sources=instrument.sources,
        stand=instrument.stand,
        discretionary=instrument.discretionary,
        reported=reported_amounts + reported_notes,
    )


def evaluate(
    profile: Mapping[str, Any],
    *,
    include_unlikely: bool = False,
    only: Iterable[str] | None = None,
    catalogue: FundingCatalogue | None = None,
) -> list[ChecklistItem]:
    """The funding checklist for ``profile`` (fact name -> value; missing = unknown).

    Sorted by status (likely, possible, note, unlikely), then data-file order. Instruments that
    "passen eher nicht" are left out unless ``include_unlikely``; ``only`` restricts the result
    to the given instrument ids (in that order, unlikely ones included).
    """
    cat = catalogue or load_catalogue()
    cleaned = clean_profile(profile, cat.facts)
    if only is not None:
        wanted = list(only)
        return [evaluate_instrument(cat.get(i), cleaned) for i in wanted]
    items = [evaluate_instrument(i, cleaned) for i in cat.instruments]
    if not include_unlikely:
        items = [item for item in items if item.status != UNLIKELY]
    order = {i.id: n for n, i in enumerate(cat.instruments)}
    return sorted(items, key=lambda item: (STATUS_ORDER[item.status], order[item.id]))


def deciding_facts(
    profile: Mapping[str, Any],
    candidates: Sequence[str],
    *,
    catalogue: FundingCatalogue | None = None,
) -> list[str]:
    """Facts among ``candidates`` (in that order) that are unknown and would change the checklist.

    A fact decides when an instrument that is not already excluded has a condition, an
    ``applies_if`` or a shown amount whose result is unknown because of it. The bot asks only
    these.
    """
    cat = catalogue or load_catalogue()
    cleaned = clean_profile(profile, cat.facts)
    wanted: set[str] = set()
    for instrument in cat.instruments:
        if instrument.kind != KIND_FUNDING:
            continue
        wanted |= set(evaluate_instrument(instrument, cleaned).open_facts)
    return [c for c in candidates if c in wanted and c not in cleaned]
