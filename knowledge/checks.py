"""Small shared checks of the knowledge base (stdlib only): KldB codes and URLs.

Used by :mod:`knowledge.validate`, :mod:`knowledge.paths` and the facts/funding loaders so that
"the code exists" and "the URL is well-formed" mean the same everywhere.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

KLDB_CSV = Path(__file__).resolve().parent / "data" / "kldb2010_v2020_gliederung.csv"


@lru_cache(maxsize=1)
def kldb_codes(path: Path = KLDB_CSV) -> frozenset[str]:
    """All codes (first column, every level 1–5 digits) of the KldB 2010 CSV."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader, None)
        return frozenset(row[0].strip() for row in reader if row and row[0].strip().isdigit())


def url_ok(url: object, schemes: tuple[str, ...] = ("http", "https")) -> bool:
    """URL with one of ``schemes``, a host name that contains a dot and no spaces."""
    if not isinstance(url, str):
        return False
    parsed = urlparse(url)
    return parsed.scheme in schemes and "." in parsed.netloc and " " not in url


def https_url(url: object) -> bool:
    """Sources of facts must be https URLs (same rule as :func:`url_ok` otherwise)."""
    return url_ok(url, ("https",))
