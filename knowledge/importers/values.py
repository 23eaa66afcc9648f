"""Value helpers shared by the importers: German labels, yes/no, dates, amounts, places, ids.

Stdlib only. :mod:`knowledge.importers.provider_csv`, :mod:`.schema_org` and :mod:`.ba_api`
map cell and field values with these.
"""

from __future__ import annotations

import datetime as dt
import re

from knowledge import geo, vocabulary
from knowledge.vocabulary import FORMATS

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
YES = frozenset({"ja", "j", "yes", "y", "x", "1", "true", "wahr"})
NO = frozenset({"nein", "n", "no", "0", "false", "falsch", ""})


#: comparison key of a label (lower case, umlauts folded, letters/digits only)
label_key = vocabulary.key
#: label key -> canonical id, from the one vocabulary (ids, German labels, synonyms)
FORMAT_LABELS = vocabulary.table("format", FORMATS)  # an offer's format is never "egal"
TIME_MODEL_LABELS = vocabulary.table("time_model")
COURSE_TYPE_LABELS = vocabulary.table("course_type")
FUNDING_LABELS = vocabulary.table("funding")
FIELD_LABELS = vocabulary.table("field")


def map_label(value: str, table: dict[str, str], what: str) -> str:
    """Canonical id of a label (``"Präsenz"`` -> ``"praesenz"``); ValueError (German) if unknown."""
    key = label_key(value)
    if key in table:
        return table[key]
    allowed = ", ".join(sorted(set(table.values())))
    raise ValueError(f"'{value}' ist kein bekannter Wert für {what} (erlaubt: {allowed})")


def split_list(value: str) -> list[str]:
    """Items of a list cell separated by ',', ';' or '|' (empty items dropped)."""
    return [item.strip() for item in re.split(r"[,;|]", value) if item.strip()]


def parse_date(value: str) -> dt.date:
    """Date from ``TT.MM.JJJJ`` (also ``T.M.JJJJ``) or ``JJJJ-MM-TT``; ValueError (German)."""
    text = value.strip()
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"'{value}' ist kein gültiges Datum (TT.MM.JJJJ oder JJJJ-MM-TT)")


def parse_dates(value: str) -> tuple[dt.date, ...]:
    """Sorted, de-duplicated dates of a list cell (separators ',', ';', '|' or blanks)."""
    items = [x for x in re.split(r"[,;|\s]+", value) if x]
    return tuple(sorted({parse_date(x) for x in items}))


def parse_amount(value: str) -> float:
    """Number in German or English notation: ``1.234,50``, ``1234,5``, ``1,234.50``, ``980 €``."""
    text = re.sub(r"\s|€|eur(o)?", "", value.strip(), flags=re.IGNORECASE)
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    elif re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    text = text.replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(f"'{value}' ist keine Zahl (Beispiel: 1.234,50)")
    number = float(text)
    if number < 0:
        raise ValueError(f"'{value}' darf nicht negativ sein")
    return number


def parse_int(value: str) -> int:
    """Whole number (``"120"``, ``"1.200"``); ValueError (German)."""
    number = parse_amount(value)
    if number != int(number):
        raise ValueError(f"'{value}' ist keine ganze Zahl")
    return int(number)


def parse_bool(value: str) -> bool:
    """German/English yes-no (``ja``/``nein``, ``x``, ``1``/``0``; empty = nein)."""
    key = value.strip().casefold()
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(f"'{value}' ist weder 'ja' noch 'nein'")


def slugify(text: str, max_len: int = 30) -> str:
    """ASCII slug: ``"vhs SüdOst GmbH"`` -> ``"vhs-suedost-gmbh"``."""
    folded = text.casefold().translate(_UMLAUTS)
    slug = re.sub(r"[^0-9a-z]+", "-", folded).strip("-")
    return slug[:max_len].rstrip("-") or "x"


def resolve_place(name: str) -> tuple[str, float, float]:
    """(official name, lat, lon) of a known place; ValueError (German) if unknown."""
    official = geo.official_name(name) if name.strip() else None
    coords = geo.coordinates(official) if official else None
    if official is None or coords is None:
        raise ValueError(
            f"'{name}' ist kein bekannter Ort "
            "(Gemeinde im Landkreis München oder Ort aus places.json)"
        )
    return official, coords[0], coords[1]
