"""Validation of the funding data file (German messages for the office staff who edit it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from knowledge.checks import https_url
from knowledge.funding.model import (
    COMPARISONS,
    FACT_TYPES,
    ID_RE,
    KIND_FUNDING,
    KIND_NOTE,
    KINDS,
    FactSpec,
    format_stand,
    is_number,
)


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
                or not all(is_number(v) for v in value)
                or value[0] > value[1]
            ):
                errors.append(f"{where}: 'between' braucht [untere Grenze, obere Grenze]")
        elif not is_number(value):
            errors.append(f"{where}: '{ops[0]}' braucht eine Zahl")


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
    facts = parse_facts(data.get("facts"), errors)
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
        if not isinstance(iid, str) or not ID_RE.match(iid):
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
                if not isinstance(cid, str) or not ID_RE.match(cid) or cid in cids:
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


def parse_facts(raw: Any, errors: list[str]) -> dict[str, FactSpec]:
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
