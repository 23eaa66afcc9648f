"""Checks that offers and facts claim no more than their sources carry (used by
:mod:`knowledge.validate`; German messages for the office staff).

- **Funding tags need the exam they depend on.** Aufstiegs-BAföG is only for courses that
  prepare for a public-law exam (before a chamber or the state, § 2 AFBG): an offer tagged
  ``aufstiegs_bafoeg`` names that exam in ``extra.exam`` with ``kind`` ``kammer`` or
  ``staatlich`` (a provider's own certificate, ``anbieter``, does not qualify). The Bavarian
  Meisterbonus is paid for a *passed exam* before a Bavarian body, not for a course: an offer
  tagged ``meisterbonus`` names a public-law exam with ``"bavaria": true``, and a description
  that mentions the bonus says in the same sentence that it follows the exam ("Prüfung").
- **Invented fields are declared.** A record of the demonstration catalogue (``source``
  starting with :data:`EXAMPLE_SOURCE`) sources only its provider and course type; a concrete
  course title and description are invented and must be listed in ``example_fields`` unless
  ``extra.course_source`` cites the course (https). An example provider ("(Beispiel)") is
  listed as ``provider``.
- **Reported facts stay marked.** A term of the funding file's ``reported_terms`` (facts known
  only from reports) may appear only in a funding detail with ``"status": "berichtet"``; in the
  offers, topics, contacts and learning paths it is an error.

Stdlib only.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from knowledge.checks import https_url
from knowledge.schema import Offer

EXAMPLE_SOURCE = "Beispielkatalog Bildungslotse"
#: fields of a demonstration record whose values describe the concrete course
COURSE_FIELDS = ("title", "description")
EXAM_KINDS = ("kammer", "staatlich", "anbieter")
PUBLIC_LAW_EXAMS = frozenset({"kammer", "staatlich"})
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def exam_of(offer: Offer) -> Mapping[str, Any] | None:
    """The exam the offer prepares for (``extra.exam``), or None."""
    exam = offer.extra.get("exam")
    return exam if isinstance(exam, Mapping) else None


def exam_problems(offer: Offer) -> list[str]:
    """Problems of the funding tags that depend on an exam, and of ``extra.exam`` itself."""
    problems: list[str] = []
    exam = exam_of(offer)
    if "exam" in offer.extra:
        if exam is None or not all(isinstance(exam.get(k), str) for k in ("name", "body")):
            problems.append("extra.exam braucht 'name' und 'body' (Text)")
            exam = None
        elif exam.get("kind") not in EXAM_KINDS:
            problems.append(f"extra.exam: 'kind' muss eines von {EXAM_KINDS} sein")
            exam = None
        elif exam.get("bavaria") not in (None, True, False):
            problems.append("extra.exam: 'bavaria' ist true, false oder fehlt")
    public_law = exam is not None and exam.get("kind") in PUBLIC_LAW_EXAMS
    if "aufstiegs_bafoeg" in offer.funding and not public_law:
        problems.append(
            "Aufstiegs-BAföG nur für Kurse, die auf eine öffentlich-rechtliche Prüfung vorbereiten "
            "(extra.exam mit kind 'kammer' oder 'staatlich'; § 2 AFBG)"
        )
    if "meisterbonus" in offer.funding and not (public_law and exam and exam.get("bavaria")):
        problems.append(
            "Meisterbonus gibt es für die bestandene Prüfung vor einer bayerischen Stelle, nicht "
            "für den Kurs (extra.exam mit kind 'kammer' oder 'staatlich' und bavaria true)"
        )
    for sentence in _SENTENCE.split(offer.description):
        if "meisterbonus" in sentence.casefold() and "prüfung" not in sentence.casefold():
            problems.append(
                "Beschreibung nennt den Meisterbonus ohne die Bedingung, dass er der bestandenen "
                "Prüfung folgt"
            )
    return problems


def is_example_record(offer: Offer) -> bool:
    return offer.source.startswith(EXAMPLE_SOURCE)


def invented_fields(offer: Offer) -> list[str]:
    """Fields of a demonstration record that are invented but not in ``example_fields``."""
    if not is_example_record(offer):
        return []
    declared = set(offer.example_fields)
    missing = []
    if not https_url(offer.extra.get("course_source")):
        missing += [f for f in COURSE_FIELDS if f not in declared]
    if "(Beispiel)" in offer.provider and "provider" not in declared:
        missing.append("provider")
    return missing


def offer_problems(offer: Offer) -> list[str]:
    """Every honesty problem of one offer, prefixed with its id."""
    problems = exam_problems(offer)
    missing = invented_fields(offer)
    if missing:
        problems.append(
            "erfundene Felder nicht in example_fields: "
            f"{', '.join(missing)} (oder extra.course_source mit einer Quelle für den Kurs)"
        )
    return [f"{offer.id}: {p}" for p in problems]


def example_summary(offers: Iterable[Offer]) -> list[str]:
    """Lines for the validation report: how many records declare which invented fields."""
    offers = list(offers)
    example = [o for o in offers if is_example_record(o)]
    if not example:
        return []
    fields = Counter(f for o in example for f in o.example_fields)
    real_provider = [o for o in example if "provider" not in o.example_fields]
    course = [o for o in real_provider if "title" in o.example_fields]
    lines = [
        f"{len(example)} von {len(offers)} Angeboten stammen aus dem Beispielkatalog; "
        f"{len(course)} davon nennen einen realen Anbieter mit erfundenem Kurs (Titel und "
        "Beschreibung in example_fields)."
    ]
    lines += [f"{n:4d}  {field}" for field, n in sorted(fields.items(), key=lambda kv: -kv[1])]
    return lines


def strings(value: Any, where: str = "") -> Iterator[tuple[str, str]]:
    """(path, text) of every string inside a JSON value."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from strings(item, f"{where}[{n}]")


def reported_term_problems(
    terms: Iterable[str], files: Iterable[Path], offers: Iterable[Offer]
) -> list[str]:
    """Reported-only terms found outside a funding detail marked as reported."""
    wanted = [t for t in terms if t.strip()]
    texts: list[tuple[str, str]] = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # an unreadable file is reported by its own check
        texts += [(f"{path.name}: {where}", text) for where, text in strings(data)]
    for offer in offers:
        texts += [(offer.id, offer.title), (offer.id, offer.description)]
    return [
        f'{where}: „{term}“ ist nur berichtet – gehört als Hinweis mit "status": "berichtet", '
        "Quelle und Stand in knowledge/data/funding/instruments.json"
        for where, text in texts
        for term in wanted
        if term.casefold() in text.casefold()
    ]
