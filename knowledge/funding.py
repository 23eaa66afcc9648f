"""Funding rules as data plus a small tri-state rule engine.

Data: ``knowledge/data/funding/instruments.json`` (editable by office staff, see the README in
that folder). It declares

- ``facts``: the profile facts that conditions may test, each with a type (``enum`` with its
  allowed ``values``, ``bool`` or ``number``) and a German label;
- ``instruments``: one entry per funding instrument (Bildungsgutschein, § 82 SGB III, ...) with
  conditions, amounts, notes, the office that decides, source URLs (https), a "Stand" date
  (``YYYY-MM`` or ``YYYY-MM-DD``) and whether the benefit is discretionary.

A condition has a German ``text`` and optionally a machine-checkable predicate ``when`` over
profile facts, and ``applies_if`` (the condition only exists when that predicate is not false,
e.g. "Abschluss vor mindestens 2 Jahren" only for people with an Abschluss; while it is
unknown whether a condition applies, a false ``when`` makes it "to confirm", not failed). A
condition without ``when`` is checked by the office and always ends up "to confirm". Amounts
and notes may carry a ``when`` predicate too: they are shown unless it is false.

Predicates (JSON)::

    {"fact": F, "in": [v, ...], "unclear": [v, ...]}   enum value in list (values in "unclear"
                                                        give "unknown", never yes/no)
    {"fact": F, "is": true|false}                       bool fact
    {"fact": F, ">=": n} / ">" / "<=" / "<"              number fact
    {"fact": F, "between": [lo, hi]}                    number fact, both ends inclusive
    {"all": [p, ...]}  {"any": [p, ...]}  {"not": p}

Evaluation is three-valued (Kleene logic): a fact missing from the profile is *unknown*, and
unknown never excludes an instrument. Number facts may be given as a :class:`Range` (e.g. an
age group or a company-size class); a comparison is true or false only if it holds for the
whole range. Status of an instrument:

- some condition false -> :data:`UNLIKELY` ("passt eher nicht"; only shown on request),
- else some predicate unknown -> :data:`POSSIBLE` ("möglich – bitte prüfen"),
- else -> :data:`LIKELY` ("wahrscheinlich passend"); office checks stay "to confirm",
- entries of kind ``hinweis`` (the Bildungsurlaub statement) -> :data:`NOTE`, always included.

Stdlib only and Python 3.10 syntax: imported by both environments. Check the data with
``python3 -m knowledge.funding check``; try a profile with
``python3 -m knowledge.funding checklist employment_status=arbeitslos age=50``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.checks import https_url

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "funding" / "instruments.json"

LIKELY = "wahrscheinlich passend"
POSSIBLE = "möglich – bitte prüfen"
UNLIKELY = "passt eher nicht"
NOTE = "Hinweis"
STATUS_ORDER = {LIKELY: 0, POSSIBLE: 1, NOTE: 2, UNLIKELY: 3}

KIND_FUNDING = "foerderung"
KIND_NOTE = "hinweis"
KINDS = (KIND_FUNDING, KIND_NOTE)
FACT_TYPES = ("enum", "bool", "number")
COMPARISONS = (">=", ">", "<=", "<")
VERIFY_SUFFIX = " (Betrag bitte vor dem Antrag prüfen.)"
GERMAN_MONTHS = (
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
)
_STAND_RE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")

Predicate = Mapping[str, Any]
TriState = bool | None


class FundingDataError(ValueError):
    """The funding data file is invalid; ``errors`` lists every problem (German, for staff)."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("Förderdaten ungültig:\n" + "\n".join(f"- {e}" for e in errors))
        self.errors = list(errors)


@dataclass(frozen=True)
class Range:
    """A number known only within bounds (inclusive; ``None`` = open end)."""

    low: float | None = None
    high: float | None = None

    def __post_init__(self) -> None:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"Range: low {self.low} > high {self.high}")


@dataclass(frozen=True)
class FactSpec:
    """A profile fact that predicates may test."""

    name: str
    type: str
    label: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """One eligibility condition: German wording plus an optional predicate."""

    id: str
    text: str
    when: Predicate | None = None
    applies_if: Predicate | None = None

    @property
    def checked_by_office(self) -> bool:
        """True if no profile fact decides it (the office checks it)."""
        return self.when is None


@dataclass(frozen=True)
class Detail:
    """An amount or note, shown unless its ``when`` predicate is false."""

    text: str
    when: Predicate | None = None
    verify: bool = False

    @property
    def display(self) -> str:
        return self.text + (VERIFY_SUFFIX if self.verify else "")


@dataclass(frozen=True)
class Instrument:
    """A funding instrument (or, kind ``hinweis``, a statement such as Bildungsurlaub)."""

    id: str
    kind: str
    title: str
    summary: str
    keywords: tuple[str, ...]
    discretionary: bool
    conditions: tuple[Condition, ...]
    amounts: tuple[Detail, ...]
    notes: tuple[Detail, ...]
    office: str
    sources: tuple[str, ...]
    stand: str
    decision: str | None = None
    legal_version: str | None = None

    @property
    def stand_label(self) -> str:
        """The Stand date in German ("November 2026")."""
        return format_stand(self.stand)


@dataclass(frozen=True)
class ChecklistItem:
    """Result of evaluating one instrument against a profile: a checklist, not a verdict."""

    instrument: Instrument
    status: str
    conditions_met: tuple[str, ...]
    conditions_to_confirm: tuple[str, ...]
    conditions_failed: tuple[str, ...]
    open_facts: tuple[str, ...]
    amounts: tuple[str, ...]
    notes: tuple[str, ...]
    office: str
    sources: tuple[str, ...]
    stand: str
    discretionary: bool

    @property
    def id(self) -> str:
        return self.instrument.id

    @property
    def title(self) -> str:
        return self.instrument.title


@dataclass(frozen=True)
class FundingCatalogue:
    """Fact declarations and instruments as loaded from the data file."""

    facts: Mapping[str, FactSpec]
    instruments: tuple[Instrument, ...]

    def get(self, instrument_id: str) -> Instrument:
        for instrument in self.instruments:
            if instrument.id == instrument_id:
                return instrument
        raise KeyError(instrument_id)


# ---------------------------------------------------------------- dates


def format_stand(stand: str) -> str:
    """``2026-11`` -> ``November 2026``; ``2026-11-03`` -> ``3. November 2026``."""
    if not _STAND_RE.match(stand):
        raise ValueError(f"Stand '{stand}': erwartet JJJJ-MM oder JJJJ-MM-TT")
    year, month = int(stand[:4]), int(stand[5:7])
    if not 1 <= month <= 12:
        raise ValueError(f"Stand '{stand}': Monat {month} gibt es nicht")
    if len(stand) == 7:
        return f"{GERMAN_MONTHS[month - 1]} {year}"
    day = dt.date.fromisoformat(stand).day
    return f"{day}. {GERMAN_MONTHS[month - 1]} {year}"


# ---------------------------------------------------------------- validation


def _check_predicate(
    pred: Any, facts: Mapping[str, FactSpec], where: str, errors: list[str]
) -> None:
    if not isinstance(pred, Mapping):
        errors.append(f"{where}: Bedingung muss ein Objekt sein")
        return
    if "all" in pred or "any" in pred:
        key = "all" if "all" in pred else "any"
        parts = pred[key]
        if len(pred) != 1 or not isinstance(parts, list) or not parts:
            errors.append(f"{where}: '{key}' braucht eine nicht leere Liste und nichts daneben")
            return
        for i, part in enumerate(parts):
            _check_predicate(part, facts, f"{where}.{key}[{i}]", errors)
        return
    if "not" in pred:
        if len(pred) != 1:
            errors.append(f"{where}: 'not' steht allein")
            return
        _check_predicate(pred["not"], facts, f"{where}.not", errors)
        return
    name = pred.get("fact")
    spec = facts.get(name) if isinstance(name, str) else None
    if spec is None:
        errors.append(f"{where}: unbekannte Angabe '{name}' (erlaubt: {', '.join(facts)})")
        return
    ops = [k for k in pred if k != "fact"]
    if spec.type == "enum":
        if set(ops) - {"in", "unclear"} or "in" not in ops:
            errors.append(f"{where}: '{name}' ist eine Auswahl – nur 'in' (und 'unclear')")
            return
        for key in ("in", "unclear"):
            values = pred.get(key, [])
            if not isinstance(values, list) or (key == "in" and not values):
                errors.append(f"{where}: '{key}' muss eine Liste sein")
                continue
            unknown = [v for v in values if v not in spec.values]
            if unknown:
                errors.append(
                    f"{where}: Werte {unknown} gibt es für '{name}' nicht "
                    f"(erlaubt: {', '.join(spec.values)})"
                )
        both = set(pred["in"]) & set(pred.get("unclear", []))
        if both:
            errors.append(f"{where}: {sorted(both)} steht in 'in' und 'unclear'")
    elif spec.type == "bool":
        if ops != ["is"] or not isinstance(pred["is"], bool):
            errors.append(f"{where}: '{name}' ist ja/nein – nur 'is': true oder false")
    else:
        if len(ops) != 1 or ops[0] not in (*COMPARISONS, "between"):
            errors.append(
                f"{where}: '{name}' ist eine Zahl – genau eines von >=, >, <=, <, between"
            )
            return
        value = pred[ops[0]]
        if ops[0] == "between":
            if (
                not isinstance(value, list)
                or len(value) != 2
                or not all(_is_number(v) for v in value)
                or value[0] > value[1]
            ):
                errors.append(f"{where}: 'between' braucht [untere Grenze, obere Grenze]")
        elif not _is_number(value):
            errors.append(f"{where}: '{ops[0]}' braucht eine Zahl")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_text(obj: Mapping[str, Any], key: str, where: str, errors: list[str]) -> None:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        errors.append(f"{where}: Feld '{key}' fehlt oder ist leer")


def _check_details(raw: Any, facts: Mapping[str, FactSpec], where: str, errors: list[str]) -> None:
    if not isinstance(raw, list):
        errors.append(f"{where}: muss eine Liste sein")
        return
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            errors.append(f"{at}: muss ein Objekt mit 'text' sein")
            continue
        _check_text(item, "text", at, errors)
        extra = set(item) - {"text", "when", "verify"}
        if extra:
            errors.append(f"{at}: unbekannte Felder {sorted(extra)}")
        if "when" in item:
            _check_predicate(item["when"], facts, f"{at}.when", errors)
        if "verify" in item and not isinstance(item["verify"], bool):
            errors.append(f"{at}: 'verify' ist true oder false")


def validate_data(data: Any) -> list[str]:
    """All problems of a parsed data file (empty list = valid). Messages are German."""
    errors: list[str] = []
    if not isinstance(data, Mapping):
        return ["Die Datei muss ein JSON-Objekt enthalten"]
    facts = _parse_facts(data.get("facts"), errors)
    raw_instruments = data.get("instruments")
    if not isinstance(raw_instruments, list) or not raw_instruments:
        errors.append("'instruments' muss eine nicht leere Liste sein")
        return errors
    seen: set[str] = set()
    for n, raw in enumerate(raw_instruments):
        where = f"instruments[{n}]"
        if not isinstance(raw, Mapping):
            errors.append(f"{where}: muss ein Objekt sein")
            continue
        iid = raw.get("id")
        if not isinstance(iid, str) or not _ID_RE.match(iid):
            errors.append(f"{where}: 'id' fehlt oder ist ungültig (klein, a-z, 0-9, _)")
        else:
            where = f"Instrument '{iid}'"
            if iid in seen:
                errors.append(f"{where}: id kommt doppelt vor")
            seen.add(iid)
        for key in ("title", "summary", "office"):
            _check_text(raw, key, where, errors)
        kind = raw.get("kind")
        if kind not in KINDS:
            errors.append(f"{where}: 'kind' muss eines von {KINDS} sein")
        if not isinstance(raw.get("discretionary"), bool):
            errors.append(f"{where}: 'discretionary' muss true oder false sein")
        if "decision" in raw:
            _check_text(raw, "decision", where, errors)
        stand = raw.get("stand")
        try:
            format_stand(stand if isinstance(stand, str) else "")
        except ValueError:
            errors.append(f"{where}: 'stand' muss JJJJ-MM oder JJJJ-MM-TT sein, nicht {stand!r}")
        sources = raw.get("sources")
        if not isinstance(sources, list) or not sources:
            errors.append(f"{where}: mindestens eine Quelle ('sources') nötig")
        else:
            bad = [s for s in sources if not https_url(s)]
            if bad:
                errors.append(f"{where}: Quellen müssen https-Adressen sein: {bad}")
        keywords = raw.get("keywords", [])
        if not isinstance(keywords, list) or not all(
            isinstance(k, str) and k.strip() for k in keywords
        ):
            errors.append(f"{where}: 'keywords' muss eine Liste von Wörtern sein")
        conditions = raw.get("conditions")
        if not isinstance(conditions, list):
            errors.append(f"{where}: 'conditions' muss eine Liste sein")
        else:
            cids: set[str] = set()
            for i, cond in enumerate(conditions):
                at = f"{where}, Bedingung {i + 1}"
                if not isinstance(cond, Mapping):
                    errors.append(f"{at}: muss ein Objekt sein")
                    continue
                cid = cond.get("id")
                if not isinstance(cid, str) or not _ID_RE.match(cid) or cid in cids:
                    errors.append(f"{at}: 'id' fehlt, ist ungültig oder doppelt")
                else:
                    cids.add(cid)
                _check_text(cond, "text", at, errors)
                extra = set(cond) - {"id", "text", "when", "applies_if"}
                if extra:
                    errors.append(f"{at}: unbekannte Felder {sorted(extra)}")
                for key in ("when", "applies_if"):
                    if key in cond:
                        _check_predicate(cond[key], facts, f"{at}.{key}", errors)
        _check_details(raw.get("amounts"), facts, f"{where}.amounts", errors)
        _check_details(raw.get("notes", []), facts, f"{where}.notes", errors)
        if kind == KIND_FUNDING and isinstance(raw.get("amounts"), list) and not raw["amounts"]:
            errors.append(f"{where}: eine Förderung braucht mindestens einen Betrag ('amounts')")
        if kind == KIND_NOTE and isinstance(conditions, list) and conditions:
            errors.append(f"{where}: ein Hinweis hat keine Bedingungen")
    return errors


def _parse_facts(raw: Any, errors: list[str]) -> dict[str, FactSpec]:
    facts: dict[str, FactSpec] = {}
    if not isinstance(raw, Mapping) or not raw:
        errors.append("'facts' muss die erlaubten Angaben auflisten")
        return facts
    for name, spec in raw.items():
        where = f"Angabe '{name}'"
        if not isinstance(spec, Mapping) or spec.get("type") not in FACT_TYPES:
            errors.append(f"{where}: 'type' muss eines von {FACT_TYPES} sein")
            continue
        values = spec.get("values", [])
        if spec["type"] == "enum" and (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            errors.append(f"{where}: eine Auswahl braucht 'values'")
            continue
        label = spec.get("label")
        if not isinstance(label, str) or not label.strip():
            errors.append(f"{where}: 'label' fehlt")
        facts[name] = FactSpec(
            name=name, type=spec["type"], label=str(label or name), values=tuple(values)
        )
    return facts


# ---------------------------------------------------------------- loading


def parse_catalogue(data: Mapping[str, Any]) -> FundingCatalogue:
    """Build the catalogue from parsed JSON; raises :class:`FundingDataError` if invalid."""
    errors = validate_data(data)
    if errors:
        raise FundingDataError(errors)
    facts = _parse_facts(data["facts"], [])
    instruments = tuple(_instrument(raw) for raw in data["instruments"])
    return FundingCatalogue(facts=facts, instruments=instruments)


def _detail(raw: Mapping[str, Any]) -> Detail:
    return Detail(text=raw["text"], when=raw.get("when"), verify=bool(raw.get("verify", False)))


def _instrument(raw: Mapping[str, Any]) -> Instrument:
    return Instrument(
        id=raw["id"],
        kind=raw["kind"],
        title=raw["title"],
        summary=raw["summary"],
        keywords=tuple(k.strip() for k in raw.get("keywords", [])),
        discretionary=raw["discretionary"],
        conditions=tuple(
            Condition(
                id=c["id"], text=c["text"], when=c.get("when"), applies_if=c.get("applies_if")
            )
            for c in raw["conditions"]
        ),
        amounts=tuple(_detail(a) for a in raw["amounts"]),
        notes=tuple(_detail(n) for n in raw.get("notes", [])),
        office=raw["office"],
        sources=tuple(raw["sources"]),
        stand=raw["stand"],
        decision=raw.get("decision"),
        legal_version=raw.get("legal_version"),
    )


def validate_file(path: Path = DEFAULT_PATH) -> list[str]:
    """All problems of the data file on disk, including an unreadable file (empty = valid)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"{path} nicht lesbar: {exc}"]
    return validate_data(data)


@lru_cache(maxsize=4)
def load_catalogue(path: Path = DEFAULT_PATH) -> FundingCatalogue:
    """Read and validate the funding data file (cached per path)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return parse_catalogue(data)


def load_instruments(path: Path = DEFAULT_PATH) -> tuple[Instrument, ...]:
    """All instruments in file order."""
    return load_catalogue(path).instruments


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
    if _is_number(value):
        return Range(float(value), float(value))
    if isinstance(value, (list, tuple)) and len(value) == 2:
        low, high = value
        if all(v is None or _is_number(v) for v in (low, high)):
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
) -> tuple[tuple[str, ...], set[str]]:
    texts: list[str] = []
    open_facts: set[str] = set()
    for detail in details:
        if detail.when is None:
            texts.append(detail.display)
            continue
        result, facts = evaluate_predicate(detail.when, profile)
        if result is not False:
            texts.append(detail.display)
            open_facts |= facts
    return tuple(texts), open_facts


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
    amounts, amount_facts = _shown(instrument.amounts, profile)
    notes, _ = _shown(instrument.notes, profile)
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


# ---------------------------------------------------------------- questions about one instrument


def _fold(text: str) -> str:
    text = text.casefold()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(src, dst)
    text = re.sub(r"§\s*", "§ ", text)
    return re.sub(r"[\s\-–]+", " ", text).strip()


def find_instruments(text: str, *, catalogue: FundingCatalogue | None = None) -> list[Instrument]:
    """Instruments a question names by keyword ("Was ist der Meisterbonus?"), in file order.

    Keywords match at the start of a word (umlauts and hyphens folded), so "Bildungsgutscheins"
    matches "bildungsgutschein". A keyword contained in a longer matched keyword of another
    instrument is ignored ("stipendium" in "aufstiegsstipendium").
    """
    cat = catalogue or load_catalogue()
    folded = _fold(text or "")
    if not folded:
        return []
    hits: list[tuple[Instrument, str]] = []
    for instrument in cat.instruments:
        for keyword in instrument.keywords:
            key = _fold(keyword)
            if re.search(r"(?<![\w§])" + re.escape(key), folded):
                hits.append((instrument, key))
    matched_keys = {key for _, key in hits}
    result: list[Instrument] = []
    for instrument, key in hits:
        if any(key != other and key in other for other in matched_keys):
            continue
        if instrument not in result:
            result.append(instrument)
    return result


# ---------------------------------------------------------------- command line


def _parse_cli_value(spec: FactSpec, raw: str) -> Any:
    if spec.type == "bool":
        if raw.lower() in ("ja", "true", "1", "yes"):
            return True
        if raw.lower() in ("nein", "false", "0", "no"):
            return False
        raise ValueError(f"{spec.name}: ja oder nein")
    if spec.type == "number":
        match = re.fullmatch(r"(\d+(?:\.\d+)?)?-(\d+(?:\.\d+)?)?", raw.strip())
        if match:
            low, high = match.groups()
            return Range(float(low) if low else None, float(high) if high else None)
        return float(raw)
    return raw


def _print_item(item: ChecklistItem) -> None:
    print(f"\n[{item.status}] {item.title}")
    for label, texts in (
        ("erfüllt", item.conditions_met),
        ("zu prüfen", item.conditions_to_confirm),
        ("spricht dagegen", item.conditions_failed),
        ("Betrag", item.amounts),
        ("Hinweis", item.notes),
    ):
        for text in texts:
            print(f"  {label}: {text}")
    print(f"  Wer entscheidet: {item.office}")
    print(f"  Quellen: {' ; '.join(item.sources)} (Stand: {format_stand(item.stand)})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.funding", description="Förderdaten prüfen und ausprobieren"
    )
    parser.add_argument("--file", type=Path, default=DEFAULT_PATH)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="Datei prüfen")
    demo = sub.add_parser("checklist", help="Checkliste für Angaben wie age=50 ausgeben")
    demo.add_argument("facts", nargs="*", help="name=wert, Zahlenbereich als 50-499")
    demo.add_argument("--alle", action="store_true", help="auch 'passt eher nicht' zeigen")
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"FEHLER: {args.file} nicht lesbar: {exc}", file=sys.stderr)
        return 1
    errors = validate_data(data)
    if errors:
        for error in errors:
            print(f"FEHLER: {error}", file=sys.stderr)
        return 1
    cat = parse_catalogue(data)
    if args.command == "check":
        kinds = [i.kind for i in cat.instruments]
        print(
            f"OK: {kinds.count(KIND_FUNDING)} Förderungen, {kinds.count(KIND_NOTE)} Hinweise, "
            f"{len(cat.facts)} Angaben ({args.file})"
        )
        return 0
    profile: dict[str, Any] = {}
    for pair in args.facts:
        name, _, raw = pair.partition("=")
        if name not in cat.facts:
            print(f"FEHLER: unbekannte Angabe '{name}' ({', '.join(cat.facts)})", file=sys.stderr)
            return 1
        try:
            profile[name] = _parse_cli_value(cat.facts[name], raw)
        except ValueError as exc:
            print(f"FEHLER: {exc}", file=sys.stderr)
            return 1
    try:
        items = evaluate(profile, include_unlikely=args.alle, catalogue=cat)
    except ValueError as exc:
        print(f"FEHLER: {exc}", file=sys.stderr)
        return 1
    for item in items:
        _print_item(item)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
