"""Catalogue coverage for the Bildungsmonitoring: how many current offers each municipality of the
district has within reach, by field (KldB Berufshauptgruppe, 2 digits), format and time model.

"Within reach" is the search's own definition (:func:`knowledge.geo.within_reach`): online offers
count everywhere, place-bound ones within ``reach_km`` of the municipality. "Current" is the
hard filter of every search: an offer whose listed starts all lie in the past does not count
(rolling offers without dates do). An offer leading to occupations of two fields counts once in
each; within a field it counts once. Field ``ALL_FIELDS`` ("") counts every offer once, whatever it
leads to. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from knowledge import geo
from knowledge.schema import Offer

#: the field key that counts every offer once
ALL_FIELDS = ""
#: (municipality, field, format, time model)
Key = tuple[str, str, str, str]


def is_current(offer: Offer, today: dt.date) -> bool:
    """False when every listed start lies in the past (the searches' hard filter)."""
    return not offer.start_dates or bool(offer.upcoming_starts(today))


def fields_of(offer: Offer) -> tuple[str, ...]:
    """The distinct Berufshauptgruppen (first two digits) the offer leads to."""
    return tuple(dict.fromkeys(code[:2] for code in offer.kldb_targets))


def coverage(
    offers: Iterable[Offer], municipalities: Sequence[str], reach_km: float, today: dt.date
) -> Counter[Key]:
    """Current offers within reach per (municipality, field, format, time model)."""
    counts: Counter[Key] = Counter()
    for offer in offers:
        if not is_current(offer, today):
            continue
        fields = (ALL_FIELDS, *fields_of(offer))
        online = offer.format == "online"
        for place in municipalities:
            if geo.within_reach(place, offer.lat, offer.lon, online=online, reach_km=reach_km):
                for field in fields:
                    counts[(place, field, offer.format, offer.time_model)] += 1
    return counts
