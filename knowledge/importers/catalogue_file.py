"""Write an import into an offer file of the catalogue (merge by source id).

``knowledge/data/offers/imported_<source>.json`` by default; the catalogue loads every file of
that folder. Used by the file imports and by ``fetch-ba``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from knowledge.catalogue import DEFAULT_DIR, load_catalogue
from knowledge.importers.report import ImportReport, MergeSummary, merge
from knowledge.importers.values import slugify


def default_output(source: str) -> Path:
    """``knowledge/data/offers/imported_<source-slug>.json``."""
    return DEFAULT_DIR / f"imported_{slugify(source, 60)}.json"


def write_merged(
    report: ImportReport, out: Path, remove_missing: bool = True
) -> tuple[str, MergeSummary]:
    """Merge the report into ``out`` (created if missing; replaced atomically); returns the
    German summary line and the merge summary. Raises CatalogueError for a broken ``out``."""
    existing = list(load_catalogue(out, strict=True)) if out.exists() else []
    offers, summary = merge(existing, report, report.source, remove_missing)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"source": report.source, "offers": [o.to_dict() for o in offers]}
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, out)
    return f"Geschrieben: {out} ({len(offers)} Angebote). {summary.format_de()}", summary


def preview_merge(report: ImportReport, out: Path, remove_missing: bool = True) -> str:
    """What :func:`write_merged` would change (for ``--dry-run``), as a German line."""
    existing = list(load_catalogue(out, strict=True)) if out.exists() else []
    _, summary = merge(existing, report, report.source, remove_missing)
    return f"Würde schreiben: {out}. {summary.format_de()}"
