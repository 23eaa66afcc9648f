"""Load and check the offer catalogue (``knowledge/data/offers/*.json``).

Each file is ``{"source": "...", "offers": [ {Offer JSON}, ... ]}`` (see
``Offer.to_dict``/``Offer.from_dict`` and ``docs/catalogue-schema.md``). Place-bound offers
may omit ``lat``/``lon``: the loader takes the GeoNames coordinates of the municipality and
records ``extra["coords"] = "GeoNames-Koordinaten der Gemeinde"``. A record without
``source`` inherits the file's ``source``.

Near-duplicate check: Jaccard similarity of word 3-shingles (w-shingling, Broder 1997) of
the normalised descriptions (lower case, letters/digits only). Two descriptions with a
similarity >= :data:`NEAR_DUPLICATE_THRESHOLD` (0.35, i.e. a third of all three-word
sequences shared) count as near-duplicates. Stdlib only: imported by both environments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from knowledge import geo
from knowledge.schema import ONLINE_MUNICIPALITY, Offer, SchemaError

DEFAULT_DIR = Path(__file__).resolve().parent / "data" / "offers"
NEAR_DUPLICATE_THRESHOLD = 0.35
COORDS_NOTE = "GeoNames-Koordinaten der Gemeinde"


@dataclass(frozen=True)
class LoadError:
    """A record (or file) that could not be loaded; ``reason`` is German for data staff."""

    file: str
    index: int | None  # position in the file's "offers" list; None for file-level errors
    field: str
    reason: str
    offer_id: str | None = None

    def __str__(self) -> str:
        where = self.file if self.index is None else f"{self.file}[{self.index}]"
        oid = f" ({self.offer_id})" if self.offer_id else ""
        return f"{where}{oid}: Feld '{self.field}': {self.reason}"


class CatalogueError(ValueError):
    """Raised by a strict load when any record is malformed."""

    def __init__(self, errors: list[LoadError]) -> None:
        super().__init__("Katalog fehlerhaft:\n" + "\n".join(str(e) for e in errors))
        self.errors = errors


@dataclass
class Catalogue:
    """The loaded offers plus the problems met while loading (non-strict mode)."""

    offers: list[Offer]
    errors: list[LoadError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {o.id: o for o in self.offers}

    def by_id(self, offer_id: str) -> Offer | None:
        return self._by_id.get(offer_id)

    def by_field(self, field_name: str) -> list[Offer]:
        return [o for o in self.offers if field_name in o.fields]

    def fields(self) -> list[str]:
        """Fields that occur in the catalogue, sorted."""
        return sorted({f for o in self.offers for f in o.fields})

    def __len__(self) -> int:
        return len(self.offers)

    def __iter__(self) -> Iterator[Offer]:
        return iter(self.offers)


def _offer_files(path: Path) -> list[Path]:
    return [path] if path.is_file() else sorted(path.glob("*.json"))


def _prepare(record: dict[str, Any], file_source: str | None) -> dict[str, Any]:
    """Copy of a record with inherited source and municipality coordinates filled in."""
    rec = dict(record)
    if not rec.get("source") and file_source:
        rec["source"] = file_source
    municipality = str(rec.get("municipality", ""))
    if (
        rec.get("format") != "online"
        and rec.get("lat") in (None, "")
        and rec.get("lon") in (None, "")
        and municipality != ONLINE_MUNICIPALITY
    ):
        coords = geo.coordinates(municipality)
        if coords is None:
            raise SchemaError("municipality", f"'{municipality}' ist kein bekannter Ort")
        rec["lat"], rec["lon"] = coords
        rec["extra"] = {**dict(rec.get("extra") or {}), "coords": COORDS_NOTE}
    return rec


def _read_file(file: Path) -> tuple[list[Offer], list[LoadError]]:
    name = file.name
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [], [LoadError(name, None, "json", f"Datei nicht lesbar ({exc})")]
    if not isinstance(data, dict) or not isinstance(data.get("offers"), list):
        return [], [LoadError(name, None, "offers", "Liste 'offers' fehlt")]
    file_source = data.get("source") if isinstance(data.get("source"), str) else None
    offers: list[Offer] = []
    errors: list[LoadError] = []
    for index, record in enumerate(data["offers"]):
        if not isinstance(record, dict):
            errors.append(LoadError(name, index, "offer", "Eintrag ist kein Objekt"))
            continue
        oid = str(record["id"]) if record.get("id") else None
        try:
            offers.append(Offer.from_dict(_prepare(record, file_source)))
        except SchemaError as exc:
            errors.append(LoadError(name, index, exc.field, exc.reason, oid))
        except (TypeError, ValueError) as exc:
            errors.append(LoadError(name, index, "offer", f"ungültiger Wert ({exc})", oid))
    return offers, errors


def load_catalogue(path: Path | str | None = None, strict: bool = True) -> Catalogue:
    """Load all offer files of a directory (or one file).

    strict=True raises :class:`CatalogueError` listing every problem; strict=False skips the
    malformed records and duplicate ids, keeps the valid records and returns the problems in
    ``Catalogue.errors``.
    """
    base = Path(path) if path is not None else DEFAULT_DIR
    offers: list[Offer] = []
    errors: list[LoadError] = []
    seen: dict[str, str] = {}
    for file in _offer_files(base):
        file_offers, file_errors = _read_file(file)
        errors.extend(file_errors)
        for offer in file_offers:
            if offer.id in seen:
                index = _index_of(file, offer.id)
                errors.append(
                    LoadError(
                        file.name,
                        index,
                        "id",
                        f"doppelte ID '{offer.id}' (schon in {seen[offer.id]})",
                        offer.id,
                    )
                )
                continue
            seen[offer.id] = file.name
            offers.append(offer)
    if strict and errors:
        raise CatalogueError(errors)
    return Catalogue(offers=offers, errors=errors)


def _index_of(file: Path, offer_id: str) -> int | None:
    """Position of the last record with ``offer_id`` in a file (for duplicate reports)."""
    records = json.loads(file.read_text(encoding="utf-8"))["offers"]
    hits = [
        i for i, r in enumerate(records) if isinstance(r, dict) and str(r.get("id")) == offer_id
    ]
    return hits[-1] if hits else None


def normalise(text: str) -> list[str]:
    """Lower-case words (letters and digits only) of a text."""
    return re.findall(r"[0-9a-zäöüß]+", text.casefold())


def shingles(text: str, size: int = 3) -> frozenset[tuple[str, ...]]:
    """Set of word n-grams (``size`` words) of the normalised text."""
    words = normalise(text)
    if len(words) < size:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the word 3-shingle sets of two texts (0..1)."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def near_duplicates(
    offers: Iterable[Offer], threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> list[tuple[str, str, float]]:
    """Pairs of offer ids whose descriptions have similarity >= ``threshold``, highest first."""
    prepared = [(o.id, shingles(o.description)) for o in offers]
    pairs = []
    for (id_a, sa), (id_b, sb) in combinations(prepared, 2):
        if not sa or not sb:
            continue
        score = len(sa & sb) / len(sa | sb)
        if score >= threshold:
            pairs.append((id_a, id_b, round(score, 3)))
    return sorted(pairs, key=lambda p: -p[2])
