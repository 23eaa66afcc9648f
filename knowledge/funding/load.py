"""Loading the funding data file into a :class:`FundingCatalogue` (validated, cached per path)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.funding.model import (
    CONFIRMED,
    Condition,
    Detail,
    FundingCatalogue,
    FundingDataError,
    Instrument,
)
from knowledge.funding.validate import parse_facts, validate_data

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "funding" / "instruments.json"


def parse_catalogue(data: Mapping[str, Any]) -> FundingCatalogue:
    """Build the catalogue from parsed JSON; raises :class:`FundingDataError` if invalid."""
    errors = validate_data(data)
    if errors:
        raise FundingDataError(errors)
    facts = parse_facts(data["facts"], [])
    instruments = tuple(_instrument(raw) for raw in data["instruments"])
    return FundingCatalogue(
        facts=facts,
        instruments=instruments,
        reported_terms=tuple(data.get("reported_terms", [])),
    )


def _detail(raw: Mapping[str, Any]) -> Detail:
    return Detail(
        text=raw["text"],
        when=raw.get("when"),
        verify=bool(raw.get("verify", False)),
        status=raw.get("status", CONFIRMED),
        source=raw.get("source"),
        stand=raw.get("stand"),
    )


def _instrument(raw: Mapping[str, Any]) -> Instrument:
    return Instrument(
        id=raw["id"],
        kind=raw["kind"],
        title=raw["title"],
        summary=raw["summary"],
        keywords=tuple(k.strip() for k in raw.get("keywords", [])),
        discretionary=raw["discretionary"],
        conditions=tuple(
            Condition(
                id=c["id"], text=c["text"], when=c.get("when"), applies_if=c.get("applies_if")
            )
            for c in raw["conditions"]
        ),
        amounts=tuple(_detail(a) for a in raw["amounts"]),
        notes=tuple(_detail(n) for n in raw.get("notes", [])),
        office=raw["office"],
        sources=tuple(raw["sources"]),
        stand=raw["stand"],
        decision=raw.get("decision"),
        legal_version=raw.get("legal_version"),
        legal_basis=tuple(raw.get("legal_basis", [])),
    )


def validate_file(path: Path = DEFAULT_PATH) -> list[str]:
    """All problems of the data file on disk, including an unreadable file (empty = valid)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"{path} nicht lesbar: {exc}"]
    return validate_data(data)


@lru_cache(maxsize=4)
def load_catalogue(path: Path = DEFAULT_PATH) -> FundingCatalogue:
    """Read and validate the funding data file (cached per path)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return parse_catalogue(data)


def load_instruments(path: Path = DEFAULT_PATH) -> tuple[Instrument, ...]:
    """All instruments in file order."""
    return load_catalogue(path).instruments
