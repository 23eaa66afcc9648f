"""Which shown offer a question refers to ("warum das zweite?", "why offer 3") (pure)."""

from __future__ import annotations

import re

_ORDINALS = {
    "erste": 1,
    "ersten": 1,
    "erstes": 1,
    "zweite": 2,
    "zweiten": 2,
    "zweites": 2,
    "dritte": 3,
    "dritten": 3,
    "drittes": 3,
    "vierte": 4,
    "vierten": 4,
    "viertes": 4,
    "fünfte": 5,
    "fünften": 5,
    "fünftes": 5,
    "letzte": -1,
    "letzten": -1,
    "letztes": -1,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "last": -1,
}


def parse_offer_number(text: str | None) -> int | None:
    """The offer number a question refers to ("warum das zweite?", "Nr. 3"); -1 = the last one."""
    if not text:
        return None
    lowered = text.casefold()
    for word in re.findall(r"[a-zäöüß]+", lowered):
        if word in _ORDINALS:
            return _ORDINALS[word]
    match = re.search(
        r"(?:nr\.?|nummer|number|no\.|angebot|vorschlag|offer|#)\s*(\d{1,2})\b"
        r"|\b(\d{1,2})\.?\s*(?:angebot|kurs|vorschlag|offer|course)",
        lowered,
    )
    if match:
        return int(match.group(1) or match.group(2))
    return None


def offer_index(number: int | None, count: int, start_number: int = 1) -> int | None:
    """0-based index into the last shown list for an offer number (absolute, else relative)."""
    if number is None or count <= 0:
        return None
    if number == -1:
        return count - 1
    if start_number <= number < start_number + count:
        return number - start_number
    if 1 <= number <= count:
        return number - 1
    return None
