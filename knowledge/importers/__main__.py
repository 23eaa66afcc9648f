"""CLI: ``python -m knowledge.importers {csv,ba,jsonld} FILE [--out FILE] [--dry-run]``.

Prints the German import report (counts, every error with location/field/reason) and,
unless ``--dry-run``, merges the imported offers into the output file (default
``knowledge/data/offers/imported_<source>.json``): re-imports update by
``(source, source_id)`` and remove withdrawn offers of that source only.
Exit code 1 if no record could be imported (or the output file is broken).
``python -m knowledge.importers export [--out FILE]`` writes the catalogue as JSON-LD.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

from knowledge.catalogue import DEFAULT_DIR, CatalogueError, load_catalogue
from knowledge.importers.ba_api import read_ba_json
from knowledge.importers.provider_csv import read_provider_csv, slugify
from knowledge.importers.report import ImportReport, merge
from knowledge.importers.schema_org import export_offers, read_jsonld

READERS: dict[str, Callable[..., ImportReport]] = {
    "csv": read_provider_csv,
    "ba": read_ba_json,
    "jsonld": read_jsonld,
}


def default_output(source: str) -> Path:
    """``knowledge/data/offers/imported_<source-slug>.json``."""
    return DEFAULT_DIR / f"imported_{slugify(source, 60)}.json"


def write_merged(report: ImportReport, out: Path) -> str:
    """Merge the report into ``out`` (created if missing); returns the German summary."""
    existing = list(load_catalogue(out, strict=True)) if out.exists() else []
    offers, summary = merge(existing, report, report.source)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"source": report.source, "offers": [o.to_dict() for o in offers]}
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return f"Geschrieben: {out} ({len(offers)} Angebote). {summary.format_de()}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.importers", description="Angebote importieren und prüfen."
    )
    parser.add_argument(
        "kind", choices=[*READERS, "export"], help="Art der Datei (export: Katalog als JSON-LD)"
    )
    parser.add_argument("file", nargs="?", type=Path, help="Importdatei")
    parser.add_argument(
        "--out", type=Path, help="Zieldatei (Standard: offers/imported_<Quelle>.json)"
    )
    parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts schreiben")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, help="Stichtag JJJJ-MM-TT für fehlenden 'Stand'"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.kind == "export":
        text = json.dumps(export_offers(list(load_catalogue())), ensure_ascii=False, indent=2)
        if args.out:
            args.out.write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return 0
    if args.file is None:
        print("Bitte eine Importdatei angeben.", file=sys.stderr)
        return 2
    report = READERS[args.kind](args.file, today=args.today)
    print(report.format_de())
    if report.imported == 0:
        print("Nichts importiert.")
        return 1
    if args.dry_run:
        print("Probelauf (--dry-run): nichts geschrieben.")
        return 0
    try:
        print(write_merged(report, args.out or default_output(report.source)))
    except CatalogueError as exc:
        print(f"Zieldatei fehlerhaft, nichts geschrieben:\n{exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
