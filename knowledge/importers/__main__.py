"""CLI: ``python -m knowledge.importers {csv,ba,jsonld} FILE [--out FILE] [--dry-run]``.

Prints the German import report (counts, every error with location/field/reason) and,
unless ``--dry-run``, merges the imported offers into the output file (default
``knowledge/data/offers/imported_<source>.json``): re-imports update by
``(source, source_id)`` and remove withdrawn offers of that source only.
``--reach-km`` sets how far from the Landkreis a BA or JSON-LD venue may lie.
Exit code 1 if no record could be imported (or the output file is broken).
``python -m knowledge.importers export [--out FILE]`` writes the catalogue as JSON-LD.
``python -m knowledge.importers fetch-ba`` pages through the BA Weiterbildungssuche API
(:mod:`knowledge.importers.ba_fetch`, app environment) and merges the result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from knowledge.catalogue import CatalogueError, load_catalogue
from knowledge.geo import DEFAULT_REACH_KM
from knowledge.importers.ba_api import read_ba_json
from knowledge.importers.catalogue_file import default_output, preview_merge, write_merged
from knowledge.importers.jsonld_import import read_jsonld
from knowledge.importers.provider_csv import read_provider_csv
from knowledge.importers.report import ImportReport
from knowledge.importers.schema_org import export_offers

FILE_KINDS = ("csv", "ba", "jsonld")


def _reach(value: str) -> float:
    km = float(value)
    if not 0 < km <= 200:
        raise argparse.ArgumentTypeError("Reichweite in km: mehr als 0, höchstens 200")
    return km


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge.importers", description="Angebote importieren und prüfen."
    )
    parser.add_argument(
        "kind",
        choices=[*FILE_KINDS, "export", "fetch-ba"],
        help="Art der Datei (export: Katalog als JSON-LD; fetch-ba: von der BA-API holen)",
    )
    parser.add_argument("file", nargs="?", type=Path, help="Importdatei")
    parser.add_argument(
        "--out", type=Path, help="Zieldatei (Standard: offers/imported_<Quelle>.json)"
    )
    parser.add_argument("--dry-run", action="store_true", help="nur prüfen, nichts schreiben")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, help="Stichtag JJJJ-MM-TT für fehlenden 'Stand'"
    )
    parser.add_argument(
        "--reach-km",
        type=_reach,
        default=DEFAULT_REACH_KM,
        help=f"Kursorte bis so weit von der nächsten Landkreis-Gemeinde (Standard {DEFAULT_REACH_KM:g})",
    )
    parser.add_argument(
        "--no-reach",
        action="store_true",
        help="Reichweitenregel aus (nur zum Prüfen einer Datei; knowledge.validate meldet ferne Orte)",
    )
    fetch = parser.add_argument_group("fetch-ba (Einstellungen sonst aus BA_WBSUCHE_*)")
    fetch.add_argument("--state", type=Path, help="Zustandsdatei des seitenweisen Abrufs")
    fetch.add_argument("--restart", action="store_true", help="Zustand verwerfen, neu beginnen")
    fetch.add_argument("--no-reindex", action="store_true", help="Suchindex nicht neu bauen")
    fetch.add_argument("--radius", help="Umkreis um den Suchort: 25, 50, 100, 150 oder 200 km")
    fetch.add_argument("--page-size", type=int, help="Termine je Seite")
    return parser


def _read(kind: str, file: Path, args: argparse.Namespace) -> ImportReport:
    if kind == "csv":
        return read_provider_csv(file, today=args.today)
    if kind == "ba":
        return read_ba_json(file, today=args.today, reach_km=args.reach_km)
    return read_jsonld(file, today=args.today, reach_km=args.reach_km)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.no_reach:
        args.reach_km = None
    if args.kind == "export":
        text = json.dumps(export_offers(list(load_catalogue())), ensure_ascii=False, indent=2)
        if args.out:
            args.out.write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        return 0
    if args.kind == "fetch-ba":
        from knowledge.importers.ba_fetch import run_cli  # httpx: app environment only

        return run_cli(args)
    if args.file is None:
        print("Bitte eine Importdatei angeben.", file=sys.stderr)
        return 2
    report = _read(args.kind, args.file, args)
    print(report.format_de())
    if report.imported == 0:
        print("Nichts importiert.")
        return 1
    out = args.out or default_output(report.source)
    try:
        if args.dry_run:
            print(preview_merge(report, out))
            print("Probelauf (--dry-run): nichts geschrieben.")
            return 0
        print(write_merged(report, out)[0])
    except CatalogueError as exc:
        print(f"Zieldatei fehlerhaft, nichts geschrieben:\n{exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
