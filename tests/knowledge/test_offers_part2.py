"""Checks for the second half of the demonstration catalogue.

Files: it, handwerk, kraftfahrer, sprache, digital, kaufmaennisch (``knowledge/data/offers``).
They are loaded with the project loader (``knowledge.catalogue``), which fills the coordinates
of place-bound offers from the municipality's GeoNames entry. Stdlib only: runs in both venvs.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import pytest

from knowledge import geo
from knowledge.catalogue import DEFAULT_DIR, load_catalogue, normalise, shingles
from knowledge.schema import ONLINE_MUNICIPALITY, Offer

TODAY = dt.date(2026, 11, 26)
KLDB_CSV = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "kldb2010_v2020_gliederung.csv"
SOURCE = (
    "Beispielkatalog Bildungslotse (Anbieter und Kursarten laut Domain-Recherche 2026-11; "
    "Termine, Preise, Adressen sind Beispieldaten)"
)
GENERIC_PROVIDER = "AZAV-zertifizierter Bildungsträger (Beispiel)"
#: Provider homepages named in the domain brief; any other URL is example data.
KNOWN_URLS = {
    "https://www.vhs-nord.de",
    "https://www.vhsolm.de",
    "https://www.vhs-haar.de",
    "https://www.hwk-muenchen.de",
    "https://www.ihk-muenchen.de",
}
#: file name -> (id prefix, field every offer carries, minimum number of offers)
FILES = {
    "it.json": ("it-", "it", 50),
    "handwerk.json": ("hw-", "handwerk", 50),
    "kraftfahrer.json": ("kf-", "kraftfahrer", 25),
    "sprache.json": ("spr-", "sprache", 55),
    "digital.json": ("dig-", "digital", 35),
    "kaufmaennisch.json": ("kfm-", "kaufmaennisch", 25),
    "senioren.json": ("sen-", ("digital", "sprache"), 25),
}
#: Fields whose offers must be reachable (place-bound, <= 25 km) from every municipality.
REACH_FIELDS = ("it", "handwerk", "kraftfahrer")
OFFER_FIELD_NAMES = {f.name for f in dataclasses.fields(Offer)}


@pytest.fixture(scope="module")
def by_file() -> dict[str, list[Offer]]:
    """Offers of each part-2 file, loaded strictly (any schema problem fails here)."""
    return {name: load_catalogue(DEFAULT_DIR / name, strict=True).offers for name in FILES}


@pytest.fixture(scope="module")
def mine(by_file: dict[str, list[Offer]]) -> list[Offer]:
    return [o for offers in by_file.values() for o in offers]


@pytest.fixture(scope="module")
def kldb_level5() -> set[str]:
    with KLDB_CSV.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return {r[0].strip() for r in rows[1:] if len(r) > 1 and r[1].strip() == "5"}


def test_files_are_json_with_file_level_source() -> None:
    for name in FILES:
        data = json.loads((DEFAULT_DIR / name).read_text(encoding="utf-8"))
        assert data["source"] == SOURCE, name
        assert isinstance(data["offers"], list) and data["offers"], name


def test_minimum_sizes_prefixes_and_fields(by_file: dict[str, list[Offer]]) -> None:
    for name, (prefix, field_name, minimum) in FILES.items():
        offers = by_file[name]
        assert len(offers) >= minimum, name
        for o in offers:
            assert o.id.startswith(prefix), o.id
            allowed = field_name if isinstance(field_name, tuple) else (field_name,)
            assert set(allowed) & set(o.fields), o.id


def test_round_trip_is_lossless(mine: list[Offer]) -> None:
    for o in mine:
        assert Offer.from_dict(o.to_dict()) == o


def test_ids_unique_across_all_offer_files() -> None:
    ids: list[str] = []
    for file in sorted(DEFAULT_DIR.glob("*.json")):
        records = json.loads(file.read_text(encoding="utf-8"))["offers"]
        ids.extend(str(r["id"]) for r in records)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates


def test_kldb_targets_exist_at_level_5(mine: list[Offer], kldb_level5: set[str]) -> None:
    assert len(kldb_level5) > 1000
    unknown = [(o.id, c) for o in mine for c in o.kldb_targets if c not in kldb_level5]
    assert not unknown


def test_required_occupations_are_covered(by_file: dict[str, list[Offer]]) -> None:
    def retraining_codes(name: str) -> set[str]:
        return {c for o in by_file[name] if o.course_type == "umschulung" for c in o.kldb_targets}

    assert {"43412", "43102", "43112", "43312", "26312"} <= retraining_codes("it.json")
    assert {"34212", "26212", "25212", "22342", "33322", "32122"} <= retraining_codes(
        "handwerk.json"
    )
    assert {"52122", "52132"} <= retraining_codes("kraftfahrer.json")
    assert "71402" in retraining_codes("kaufmaennisch.json")
    it_levels = {o.dqr_level for o in by_file["it.json"] if o.course_type == "aufstiegsfortbildung"}
    assert {5, 6} <= it_levels
    course_types = {o.course_type for o in by_file["sprache.json"]}
    assert {"integrationskurs", "berufssprachkurs", "sprachkurs"} <= course_types


def test_online_and_place_bound_records(mine: list[Offer]) -> None:
    allowed = set(geo.landkreis_municipalities()) | {"München"}
    assert len(allowed) == 30
    for o in mine:
        if o.format == "online":
            assert o.municipality == ONLINE_MUNICIPALITY, o.id
            assert o.address is None and o.lat is None and o.lon is None, o.id
        else:
            assert o.municipality in allowed, o.id
            assert o.address is not None and o.address.town == o.municipality, o.id
            assert geo.distance_km(o.municipality, o.lat, o.lon) == pytest.approx(0.0, abs=0.01)


def test_every_municipality_reaches_it_handwerk_and_driver_offers(mine: list[Offer]) -> None:
    municipalities = geo.landkreis_municipalities()
    assert len(municipalities) == 29
    missing = []
    for field_name in REACH_FIELDS:
        placed = [o for o in mine if field_name in o.fields and o.format != "online"]
        for m in municipalities:
            if not any(geo.within_reach(m, o.lat, o.lon, reach_km=25.0) for o in placed):
                missing.append((field_name, m))
    assert not missing


def test_reach_does_not_depend_on_city_offers_alone(mine: list[Offer]) -> None:
    """Place-bound offers are spread over the Landkreis, not only in München."""
    for field_name in REACH_FIELDS:
        towns = {
            o.municipality
            for o in mine
            if field_name in o.fields and o.format != "online" and o.municipality != "München"
        }
        assert len(towns) >= 8, field_name


@lru_cache(maxsize=None)
def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    return shingles(text)


@lru_cache(maxsize=None)
def _words(text: str) -> list[str]:
    return normalise(text)


def _too_close(a: str, b: str, matcher: SequenceMatcher | None = None) -> bool:
    """Near-duplicate rule: word 3-shingle Jaccard >= 0.35 or word-sequence ratio >= 0.8.

    0.35 is the loader's threshold (``knowledge.catalogue.NEAR_DUPLICATE_THRESHOLD``) and
    stricter than the 0.5 asked for; the sequence ratio runs on the normalised word lists.
    ``matcher`` may carry ``b`` already (``set_seq2``) so that it is indexed only once.
    """
    sa, sb = _shingles(a), _shingles(b)
    if sa and sb and len(sa & sb) / len(sa | sb) >= 0.35:
        return True
    if matcher is None:
        matcher = SequenceMatcher(autojunk=False)
        matcher.set_seq2(_words(b))
    matcher.set_seq1(_words(a))
    return (
        matcher.real_quick_ratio() >= 0.8
        and matcher.quick_ratio() >= 0.8
        and matcher.ratio() >= 0.8
    )


def test_near_duplicate_rule_flags_light_edits(mine: list[Offer]) -> None:
    text = mine[0].description
    words = text.split()
    edited = " ".join("Beispiel" if i % 10 == 5 else w for i, w in enumerate(words))
    assert edited != text
    assert _too_close(text, edited)
    assert not _too_close(text, mine[-1].description)


def test_descriptions_have_no_near_duplicates_across_all_files(mine: list[Offer]) -> None:
    everything = load_catalogue(DEFAULT_DIR, strict=False).offers
    mine_ids = {o.id for o in mine}
    ids = sorted(o.id for o in everything)
    text = {o.id: o.description for o in everything}
    too_close = []
    matcher = SequenceMatcher(autojunk=False)
    for i, b in enumerate(ids):
        matcher.set_seq2(_words(text[b]))  # indexed once, reused for every a
        for a in ids[:i]:
            if (a in mine_ids or b in mine_ids) and _too_close(text[a], text[b], matcher):
                too_close.append((a, b))
    assert not too_close


def test_titles_are_distinct(mine: list[Offer]) -> None:
    titles = [o.title.casefold() for o in mine]
    assert len(titles) == len(set(titles))


def test_description_length(mine: list[Offer]) -> None:
    for o in mine:
        assert 120 <= len(o.description) <= 700, o.id


def test_example_fields_are_marked(mine: list[Offer]) -> None:
    for o in mine:
        marked = set(o.example_fields)
        assert marked <= OFFER_FIELD_NAMES, o.id
        assert {"start_dates", "format", "time_model"} <= marked, o.id
        assert o.source == SOURCE and o.source_id.endswith(o.id), o.id
        assert o.last_updated == TODAY, o.id
        if o.address is not None and o.address.street:
            assert "address" in marked, o.id
        if o.provider == GENERIC_PROVIDER:
            assert "provider" in marked, o.id
        if o.url.rstrip("/") not in KNOWN_URLS:
            assert "url" in marked, o.id
        if o.cost_eur not in (None, 0.0) and o.course_type != "integrationskurs":
            assert "cost_eur" in marked, o.id


def test_provider_urls(mine: list[Offer]) -> None:
    for o in mine:
        assert o.url.startswith("https://"), o.id
        if o.provider.startswith("Handwerkskammer"):
            assert o.url == "https://www.hwk-muenchen.de", o.id
        if o.provider.startswith("IHK"):
            assert o.url == "https://www.ihk-muenchen.de", o.id


def test_start_dates_mostly_upcoming_with_some_past_only(mine: list[Offer]) -> None:
    current = [o for o in mine if o.upcoming_starts(TODAY)]
    past_only = [o for o in mine if o.start_dates and not o.upcoming_starts(TODAY)]
    assert len(current) >= 0.9 * len(mine)
    assert len(past_only) >= 4
    assert all(d.year in (2025, 2026) for o in past_only for d in o.start_dates)
    assert all(o.start_dates for o in mine)


def test_funding_is_consistent_with_course_data(mine: list[Offer]) -> None:
    for o in mine:
        if "bildungsgutschein" in o.funding:
            assert o.azav_certified, o.id
        if "qualifizierungschancen" in o.funding:  # § 82 SGB III: AZAV and > 120 hours
            assert o.azav_certified and (o.duration_hours or 0) > 120, o.id
        if "aufstiegs_bafoeg" in o.funding:  # AFBG: at least 400 hours
            assert o.course_type == "aufstiegsfortbildung", o.id
            assert (o.duration_hours or 0) >= 400, o.id
        if "meisterbonus" in o.funding:
            assert o.dqr_level == 6, o.id
        if "bamf" in o.funding:
            assert o.course_type in ("integrationskurs", "berufssprachkurs"), o.id


def test_dqr_levels_follow_course_types(mine: list[Offer]) -> None:
    for o in mine:
        if o.course_type == "umschulung":
            assert o.dqr_level == 4, o.id  # all retrainings here lead to 3-3.5-year trades
            assert o.duration_months is not None and o.duration_months <= 33, o.id
            if o.time_model == "vollzeit":
                assert o.duration_months <= 28, o.id  # shortened by at least a third
        elif o.course_type == "aufstiegsfortbildung" and o.dqr_level is not None:
            # Berufsspezialist 5, Bachelor Professional (Meister, Fachwirt) 6,
            # Master Professional (Geprüfte/r Betriebswirt/in) 7
            assert o.dqr_level in (5, 6, 7), o.id
            if o.dqr_level == 7:
                assert "Betriebswirt" in o.title or "Master Professional" in o.title, o.id
        elif o.course_type in ("sprachkurs", "grundbildung", "integrationskurs"):
            assert o.dqr_level is None, o.id


def test_integration_courses_follow_bamf_rules(by_file: dict[str, list[Offer]]) -> None:
    courses = [o for o in by_file["sprache.json"] if o.course_type == "integrationskurs"]
    assert len(courses) >= 3
    for o in courses:
        assert o.duration_hours in (700, 1000), o.id
        assert o.cost_eur == pytest.approx(2.29 * o.duration_hours), o.id
        assert o.funding == ("bamf",), o.id


def test_general_language_courses_have_no_target_occupation(
    by_file: dict[str, list[Offer]],
) -> None:
    for o in by_file["sprache.json"]:
        if o.course_type in ("sprachkurs", "integrationskurs"):
            assert o.kldb_targets == (), o.id
