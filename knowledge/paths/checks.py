"""Validation of the learning-path data against the KldB, funding codes, sources and the
offer catalogue (for ``knowledge.validate`` and ``python -m knowledge.paths``).

The catalogue is passed in by the validation tools; the action server never calls this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from knowledge.checks import kldb_codes, url_ok
from knowledge.paths.loader import dqr_levels, load_paths
from knowledge.paths.model import DqrLevel, PathData, PathDataError, Step
from knowledge.schema import COURSE_TYPES, FUNDING, Offer


def step_offers(
    step: Step, catalogue: Iterable[Offer], today: dt.date | None = None
) -> list[Offer]:
    """Catalogue offers that fit a step: course type, KldB prefix, title keywords; with
    ``today`` only offers with an upcoming (or rolling) start."""
    if not step.links_offers:
        return []
    found = []
    for offer in catalogue:
        if offer.course_type not in step.course_types:
            continue
        if step.kldb_targets and not any(
            code.startswith(prefix) for code in offer.kldb_targets for prefix in step.kldb_targets
        ):
            continue
        title = offer.title.casefold()
        if step.offer_keywords and not any(k in title for k in step.offer_keywords):
            continue
        if any(k in title for k in step.offer_exclude_keywords):
            continue
        if today is not None and not offer.is_current(today):
            continue
        found.append(offer)
    return found


def _check_codes(codes: Iterable[str], where: str, known: frozenset[str]) -> list[str]:
    return [f"{where}: KldB-Code '{c}' gibt es nicht" for c in codes if c not in known]


def validate_paths(
    catalogue: Iterable[Offer],
    today: dt.date | None = None,
    data: PathData | None = None,
) -> list[str]:
    """German error messages for the learning-path data (empty list = valid).

    Checks: file structure; unique ids; KldB codes and prefixes exist; course types, funding
    codes, fields and DQR levels are known; every source has an http(s) URL and a "Stand"
    date; every path cites a source and every step with a duration, DQR level or funding
    cites one; every funding code used has an office in the ``funding`` section; steps that
    promise offers (``offers_expected``) link at least one catalogue offer (with ``today``:
    one with an upcoming or rolling start).
    """
    if data is None:
        try:
            data = load_paths()
        except PathDataError as exc:
            return list(exc.problems)
    offers = list(catalogue)
    known = kldb_codes()
    levels = dqr_levels()
    errors: list[str] = []
    for sid, src in data.sources.items():
        if not url_ok(src.url):
            errors.append(f"Quelle '{sid}': URL '{src.url}' ist keine http(s)-Adresse")
        if src.stand is None:
            errors.append(f"Quelle '{sid}': 'stand' fehlt")
    for code, note in data.funding.items():
        if code not in FUNDING:
            errors.append(f"Förderung '{code}': unbekannter Förder-Code")
        if not note.source_ids:
            errors.append(f"Förderung '{code}': keine Quelle angegeben")
        errors += [
            f"Förderung '{code}': unbekannte Quelle '{s}'"
            for s in note.source_ids
            if s not in data.sources
        ]
    seen: set[str] = set()
    for path in data.paths:
        where = f"Pfad '{path.id}'"
        if path.id in seen:
            errors.append(f"{where}: doppelte ID")
        seen.add(path.id)
        errors += _check_codes(path.target.codes, f"{where}, to", known)
        errors += _check_codes(path.origin.kldb, f"{where}, from", known)
        origin = path.origin
        if not (origin.any or origin.kldb or origin.kldb_level or origin.keywords):
            errors.append(f"{where}: 'from' braucht kldb, kldb_level, keywords oder any")
        bad_levels = [lv for lv in path.origin.kldb_level if lv not in "1234" or len(lv) != 1]
        if bad_levels:
            errors.append(f"{where}: kldb_level {bad_levels} (erlaubt: 1, 2, 3, 4)")
        if not path.source_ids:
            errors.append(f"{where}: keine Quelle angegeben")
        errors += [
            f"{where}: unbekannte Quelle '{s}'" for s in path.source_ids if s not in data.sources
        ]
        for number, step in enumerate(path.steps, start=1):
            where_step = f"{where}, Schritt {number}"
            errors += _validate_step(step, where_step, data, known, levels, offers, today)
    return errors


def _validate_step(
    step: Step,
    where: str,
    data: PathData,
    known: frozenset[str],
    levels: dict[int, DqrLevel],
    offers: list[Offer],
    today: dt.date | None,
) -> list[str]:
    errors = [
        f"{where}: Kursart '{t}' unbekannt" for t in step.course_types if t not in COURSE_TYPES
    ]
    errors += [f"{where}: Förder-Code '{f}' unbekannt" for f in step.funding if f not in FUNDING]
    errors += [
        f"{where}: für '{f}' fehlt im Abschnitt 'funding' die entscheidende Stelle"
        for f in step.funding
        if f in FUNDING and f not in data.funding
    ]
    errors += _check_codes(step.kldb_targets, where, known)
    if step.dqr_level is not None and step.dqr_level not in levels:
        errors.append(f"{where}: DQR-Niveau {step.dqr_level} gibt es nicht (1–8)")
    if step.duration_months is None and not step.duration_text:
        errors.append(f"{where}: 'duration_months' oder 'duration_text' angeben")
    if step.duration_months is not None and step.duration_months <= 0:
        errors.append(f"{where}: 'duration_months' muss größer als 0 sein")
    states_facts = (
        step.duration_months is not None or step.duration_text or step.dqr_level or step.funding
    )
    if states_facts and not step.source_ids:
        errors.append(f"{where}: Dauer, DQR-Niveau oder Förderung ohne Quelle")
    errors += [
        f"{where}: unbekannte Quelle '{s}'" for s in step.source_ids if s not in data.sources
    ]
    if step.offers_expected and not step.links_offers:
        errors.append(f"{where}: 'offers_expected' ohne 'course_types'")
    elif step.offers_expected and not step_offers(step, offers, today):
        errors.append(
            f"{where} ('{step.title}'): laut 'offers_expected' gibt es Angebote, "
            "im Katalog passt aber keines"
        )
    return errors
