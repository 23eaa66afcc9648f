"""Command line: ``python3 -m knowledge.funding check`` / ``checklist name=wert ...``."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from knowledge.funding.engine import evaluate
from knowledge.funding.load import DEFAULT_PATH, parse_catalogue
from knowledge.funding.model import (
    KIND_FUNDING,
    KIND_NOTE,
    ChecklistItem,
    FactSpec,
    Range,
    format_stand,
)
from knowledge.funding.validate import validate_data


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
    for detail in item.reported:
        stand = format_stand(detail.stand or "")
        print(f"  nach Berichten (Stand {stand}, Quelle {detail.source}): {detail.text}")
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
