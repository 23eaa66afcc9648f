"""Funding rules as data plus a small tri-state rule engine (package :mod:`knowledge.funding`).

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
and notes may carry a ``when`` predicate too: they are shown unless it is false. An amount or
note known only from reports has ``"status": "berichtet"`` with its own ``source`` and ``stand``;
the engine returns it in ``ChecklistItem.reported`` (never among the plain notes) and every
renderer shows it as "nach Berichten, Stand …". ``legal_basis`` lists the paragraphs a rule
covers; the validation rejects a text that names another one (:mod:`.paragraphs`), a
``reported_terms`` term outside a reported detail, and a ``scoped_terms`` term whose detail
does not test the fact that limits it.

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

Modules: :mod:`.model` (labels, dataclasses, dates), :mod:`.validate` (data-file checks),
:mod:`.paragraphs` (paragraph references), :mod:`.load` (parse + cache), :mod:`.engine` (three-valued evaluation), :mod:`.lookup`
(instruments named in a question), :mod:`.cli` (``python -m knowledge.funding``). This package
re-exports the public names, so callers write ``from knowledge import funding``.

Stdlib only and Python 3.10 syntax: imported by both environments. Check the data with
``python3 -m knowledge.funding check``; try a profile with
``python3 -m knowledge.funding checklist employment_status=arbeitslos age=50``.
"""

from knowledge.funding.cli import main
from knowledge.funding.engine import (
    clean_profile,
    deciding_facts,
    evaluate,
    evaluate_instrument,
    evaluate_predicate,
)
from knowledge.funding.load import (
    DEFAULT_PATH,
    load_catalogue,
    load_instruments,
    parse_catalogue,
    validate_file,
)
from knowledge.funding.lookup import find_instruments
from knowledge.funding.model import (
    COMPARISONS,
    CONFIRMED,
    FACT_TYPES,
    GERMAN_MONTHS,
    KIND_FUNDING,
    KIND_NOTE,
    KINDS,
    LIKELY,
    NOTE,
    POSSIBLE,
    REPORTED,
    STATUS_ORDER,
    UNLIKELY,
    VERIFY_SUFFIX,
    ChecklistItem,
    Condition,
    Detail,
    FactSpec,
    FundingCatalogue,
    FundingDataError,
    Instrument,
    Predicate,
    Range,
    TriState,
    format_stand,
)
from knowledge.funding.validate import validate_data

__all__ = [
    "COMPARISONS",
    "CONFIRMED",
    "REPORTED",
    "DEFAULT_PATH",
    "FACT_TYPES",
    "GERMAN_MONTHS",
    "KINDS",
    "KIND_FUNDING",
    "KIND_NOTE",
    "LIKELY",
    "NOTE",
    "POSSIBLE",
    "STATUS_ORDER",
    "UNLIKELY",
    "VERIFY_SUFFIX",
    "ChecklistItem",
    "Condition",
    "Detail",
    "FactSpec",
    "FundingCatalogue",
    "FundingDataError",
    "Instrument",
    "Predicate",
    "Range",
    "TriState",
    "clean_profile",
    "deciding_facts",
    "evaluate",
    "evaluate_instrument",
    "evaluate_predicate",
    "find_instruments",
    "format_stand",
    "load_catalogue",
    "load_instruments",
    "main",
    "parse_catalogue",
    "validate_data",
    "validate_file",
]
