"""Validation of the funding data file (German messages for the office staff who edit it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from knowledge.checks import https_url
from knowledge.funding.model import (
    COMPARISONS,
    DETAIL_STATUSES,
    FACT_TYPES,
    ID_RE,
    KIND_FUNDING,
    KIND_NOTE,
    KINDS,
    REPORTED,
    FactSpec,
    format_stand,
    is_number,
)
from knowledge.funding.paragraphs import Ref, references, uncovered


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
        extra = set(item) - {"text", "when", "verify", "status", "source", "stand"}
        if extra:
            errors.append(f"{at}: unbekannte Felder {sorted(extra)}")
        if "when" in item:
            _check_predicate(item["when"], facts, f"{at}.when", errors)
        if "verify" in item and not isinstance(item["verify"], bool):
            errors.append(f"{at}: 'verify' ist true oder false")
        _check_status(item, at, errors)


def _check_status(item: Mapping[str, Any], at: str, errors: list[str]) -> None:
    """A *reported* detail needs its own https source and Stand; others take the instrument's."""
    status = item.get("status", DETAIL_STATUSES[0])
    if status not in DETAIL_STATUSES:
        errors.append(f"{at}: 'status' muss eines von {DETAIL_STATUSES} sein")
        return
    if status != REPORTED:
        if "source" in item or "stand" in item:
            errors.append(f"{at}: 'source'/'stand' nur bei \"status\": \"{REPORTED}\"")
        return
    if not https_url(item.get("source")):
        errors.append(f"{at}: berichtete Angabe braucht eine Quelle ('source', https)")
    stand = item.get("stand")
    try:
        format_stand(stand if isinstance(stand, str) else "")
    except ValueError:
        errors.append(f"{at}: berichtete Angabe braucht 'stand' (JJJJ-MM oder JJJJ-MM-TT)")


def validate_data(data: Any) -> list[str]:
    """All problems of a parsed data file (empty list = valid). Messages are German."""
    errors: list[str] = []
    if not isinstance(data, Mapping):
        return ["Die Datei muss ein JSON-Objekt enthalten"]
    facts = parse_facts(data.get("facts"), errors)
    errors += terms_errors(data)
    raw_instruments = data.get("instruments")
    if not isinstance(raw_instruments, list) or not raw_instruments:
        errors.append("'instruments' muss eine nicht leere Liste sein")
        return errors
    seen: set[str] = set()
    for n, raw in enumerate(raw_instruments):
        where = f"instruments[{n}]"
        before = len(errors)
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
        if len(errors) == before:  # texts are read only from a structurally valid entry
            errors += content_errors(raw, where, data)
    return errors


def _texts(raw: Mapping[str, Any]) -> list[tuple[str, str, Mapping[str, Any] | None]]:
    """(where, text, the record carrying it) for every text of an instrument."""
    out: list[tuple[str, str, Mapping[str, Any] | None]] = [
        (key, raw[key], None)
        for key in ("title", "summary", "decision", "office", "legal_version")
        if isinstance(raw.get(key), str)
    ]
    for cond in raw.get("conditions", []):
        out.append((f"Bedingung '{cond['id']}'", cond["text"], cond))
    for key in ("amounts", "notes"):
        for i, item in enumerate(raw.get(key, [])):
            out.append((f"{key}[{i}]", item["text"], item))
    return out


def _declared(raw: Mapping[str, Any]) -> list[Ref]:
    """The paragraphs an instrument covers: ``legal_basis``, else those of title and version."""
    basis = raw.get("legal_basis")
    if isinstance(basis, list) and basis:
        return [ref for entry in basis for ref in references(str(entry))]
    return references(f"{raw.get('title', '')}. {raw.get('legal_version') or ''}")


def _mentions(predicate: Any, fact: str) -> bool:
    """True if ``predicate`` tests ``fact`` (anywhere in all/any/not)."""
    if not isinstance(predicate, Mapping):
        return False
    if predicate.get("fact") == fact:
        return True
    parts = predicate.get("all") or predicate.get("any") or []
    return _mentions(predicate.get("not"), fact) or any(_mentions(p, fact) for p in parts)


def content_errors(raw: Mapping[str, Any], where: str, data: Mapping[str, Any]) -> list[str]:
    """Checks of what the texts say (run on an otherwise valid instrument):

    - every paragraph a text names is covered by the instrument's ``legal_basis``;
    - a term of ``reported_terms`` (facts known only from reports) appears only in a detail with
      ``"status": "berichtet"``;
    - a term of ``scoped_terms`` appears only in a detail or condition whose ``when`` or
      ``applies_if`` tests the fact that limits it (e.g. the Mehrbedarf only in Reha).
    """
    errors: list[str] = []
    basis = raw.get("legal_basis", [])
    if not isinstance(basis, list) or not all(isinstance(b, str) and references(b) for b in basis):
        return [f"{where}: 'legal_basis' muss Paragraphen nennen (z. B. \"§ 81 SGB III\")"]
    declared = _declared(raw)
    reported_terms = [str(t) for t in data.get("reported_terms", [])]
    scoped = [t for t in data.get("scoped_terms", []) if isinstance(t, Mapping)]
    for at, text, record in _texts(raw):
        missing = uncovered(text, declared)
        if missing:
            cover = ", ".join(dict.fromkeys(r.label() for r in declared)) or "keine"
            errors.append(
                f"{where}, {at}: nennt {', '.join(r.label() for r in missing)}, "
                f"das die Regel nicht abdeckt (legal_basis: {cover})"
            )
        folded = text.casefold()
        is_reported = record is not None and record.get("status") == REPORTED
        for term in reported_terms:
            if term.casefold() in folded and not is_reported:
                errors.append(
                    f"{where}, {at}: „{term}“ ist nur berichtet – als Hinweis mit "
                    f'"status": "{REPORTED}", Quelle und Stand eintragen'
                )
        for entry in scoped:
            term, fact = str(entry.get("term", "")), str(entry.get("fact", ""))
            if not term or term.casefold() not in folded:
                continue
            tested = record is not None and any(
                _mentions(record.get(k), fact) for k in ("when", "applies_if")
            )
            if not tested:
                errors.append(
                    f"{where}, {at}: „{term}“ gilt nur, wenn '{fact}' zutrifft – "
                    f"ein 'when' mit dieser Angabe fehlt"
                )
    return errors


def terms_errors(data: Mapping[str, Any]) -> list[str]:
    """Problems of the top-level ``reported_terms`` and ``scoped_terms`` lists."""
    errors: list[str] = []
    terms = data.get("reported_terms", [])
    if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        errors.append("'reported_terms' muss eine Liste von Begriffen sein")
    scoped = data.get("scoped_terms", [])
    raw_facts = data.get("facts")
    facts: Mapping[str, Any] = raw_facts if isinstance(raw_facts, Mapping) else {}
    if not isinstance(scoped, list):
        return errors + ["'scoped_terms' muss eine Liste sein"]
    for n, entry in enumerate(scoped):
        if not isinstance(entry, Mapping) or not str(entry.get("term", "")).strip():
            errors.append(f"scoped_terms[{n}]: braucht 'term' und 'fact'")
        elif entry.get("fact") not in facts:
            errors.append(f"scoped_terms[{n}]: unbekannte Angabe '{entry.get('fact')}'")
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
