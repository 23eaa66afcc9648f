"""Importers for the offer catalogue: provider CSV, BA Weiterbildungssuche JSON, schema.org JSON-LD.

Every importer returns an :class:`ImportReport` (offers, German issues with location and
field, counts with ``read == imported + rejected``); :func:`merge` folds an import into an
existing offer list by ``(source, source_id)``. CLI: ``python -m knowledge.importers``.
Documentation for data staff: ``docs/importers.md``. Stdlib only (imported by both envs).
"""

from knowledge.importers.ba_api import parse_ba_data, parse_ba_json, read_ba_json
from knowledge.importers.jsonld_import import parse_jsonld, parse_jsonld_data, read_jsonld
from knowledge.importers.provider_csv import parse_provider_csv, read_provider_csv
from knowledge.importers.report import (
    ImportCounts,
    ImportIssue,
    ImportReport,
    MergeSummary,
    merge,
)
from knowledge.importers.schema_org import export_offers, offer_to_jsonld

__all__ = [
    "ImportCounts",
    "ImportIssue",
    "ImportReport",
    "MergeSummary",
    "export_offers",
    "merge",
    "offer_to_jsonld",
    "parse_ba_data",
    "parse_ba_json",
    "parse_jsonld",
    "parse_jsonld_data",
    "parse_provider_csv",
    "read_ba_json",
    "read_jsonld",
    "read_provider_csv",
]
