"""Rules every offer file in ``knowledge/data/offers`` must follow (whatever its name or size).

These are checks of rules, not of today's data: a file added, renamed or split keeps being
checked, and no test counts offers per file. Loaded with the project loader
(``knowledge.catalogue``). Stdlib only: runs in both venvs.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import re
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path

import pytest

from knowledge import geo
from knowledge.catalogue import DEFAULT_DIR, load_catalogue, normalise, shingles
from knowledge.schema import FIELDS, ONLINE_MUNICIPALITY, Offer
from knowledge.validate import coverage
from tests.knowledge.conftest import TODAY

KLDB_CSV = DEFAULT_DIR.parent / "kldb2010_v2020_gliederung.csv"
OFFER_FILES = sorted(DEFAULT_DIR.glob("*.json"))
#: A file whose source starts like this is the demonstration catalogue: invented details are
#: listed per offer in ``example_fields`` (README, "Example data").
EXAMPLE_SOURCE = "Beispielkatalog Bildungslotse"
#: Provider and office homepages named in the domain brief (shared/reference/domain-brief.md);
#: any other URL of a demonstration offer is example data and must be marked.
KNOWN_URLS = {
    "https://landkreis-muenchen.de",
    "https://ihk-muenchen.de",
    "https://www.vhs-nord.de",
    "https://www.vhsolm.de",
    "https://www.vhs-haar.de",
    "https://www.hwk-muenchen.de",
    "https://www.ihk-muenchen.de",
}
#: The shortage areas the mission names (carers, early-years educators, medical assistants, IT,
#: trades, drivers): a current place-bound offer must be within reach of every municipality.
SHORTAGE_FIELDS = ("pflege", "kita", "mfa", "it", "handwerk", "kraftfahrer")
#: Course types the bot's answers point to (retraining, Aufstieg, recognition, language).
ANSWERED_COURSE_TYPES = (
    "umschulung",
    "aufstiegsfortbildung",
    "anpassungsqualifizierung",
    "integrationskurs",
    "berufssprachkurs",
)
OFFER_FIELD_NAMES = {f.name for f in dataclasses.fields(Offer)}


@lru_cache(maxsize=1)
def _by_file() -> dict[str, list[Offer]]:
    """Offers of each file, loaded strictly (any schema problem fails here)."""
    return {f.name: load_catalogue(f, strict=True).offers for f in OFFER_FILES}


@lru_cache(maxsize=1)
def _all() -> list[Offer]:
    return [o for offers in _by_file().values() for o in offers]


@lru_cache(maxsize=1)
def _kldb_level5() -> frozenset[str]:
    with KLDB_CSV.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    return frozenset(r[0].strip() for r in rows[1:] if len(r) > 1 and r[1].strip() == "5")


def test_there_are_offer_files() -> None:
    assert OFFER_FILES and _all()


@pytest.mark.parametrize("path", OFFER_FILES, ids=lambda p: p.name)
def test_file_is_json_with_source_and_one_id_prefix(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert str(data.get("source") or "").strip(), path.name
    assert isinstance(data["offers"], list) and data["offers"], path.name
    prefixes = {str(r["id"]).rsplit("-", 1)[0] for r in data["offers"]}
    assert len(prefixes) == 1, (path.name, prefixes)
    assert all(re.fullmatch(r"[a-z]+-\d{3}", str(r["id"])) for r in data["offers"]), path.name


def test_id_prefixes_and_ids_are_unique_across_files() -> None:
    prefixes = [offers[0].id.rsplit("-", 1)[0] for offers in _by_file().values()]
    assert len(prefixes) == len(set(prefixes))
    ids = [o.id for o in _all()]
    assert len(ids) == len(set(ids))


def test_round_trip_is_lossless() -> None:
    for o in _all():
        assert Offer.from_dict(o.to_dict()) == o


def test_kldb_targets_exist_at_level_5() -> None:
    unknown = [(o.id, c) for o in _all() for c in o.kldb_targets if c not in _kldb_level5()]
    assert not unknown


def test_online_and_place_bound_records() -> None:
    for o in _all():
        assert set(o.fields) <= set(FIELDS), o.id
        if o.format == "online":
            assert o.municipality == ONLINE_MUNICIPALITY, o.id
            assert o.address is None and o.lat is None and o.lon is None, o.id
        else:
            assert geo.coordinates(o.municipality) is not None, o.id  # a known place
            assert geo.distance_km(o.municipality, o.lat, o.lon) == pytest.approx(0.0, abs=0.01)
            if o.address is not None:
                assert o.address.town == o.municipality, o.id


@pytest.mark.parametrize("field_name", SHORTAGE_FIELDS)
def test_every_municipality_reaches_a_current_offer_of_each_shortage_field(field_name: str) -> None:
    cov = coverage(load_catalogue(), field_name, TODAY)
    assert set(cov) == set(geo.landkreis_municipalities())
    assert [m for m, n in cov.items() if n == 0] == []


@pytest.mark.parametrize("course_type", ANSWERED_COURSE_TYPES)
def test_course_types_the_answers_name_have_current_offers(course_type: str) -> None:
    current = [o for o in _all() if o.course_type == course_type and o.is_current(TODAY)]
    assert current, course_type


def test_start_dates_and_last_updated_are_plausible() -> None:
    for o in _all():
        assert o.start_dates, o.id
        assert o.last_updated <= dt.date.today(), o.id  # no record claims a future update
    current = [o for o in _all() if o.is_current(TODAY)]
    assert len(current) >= 0.8 * len(_all())


def test_demonstration_data_is_marked_down_to_the_field() -> None:
    for o in _all():
        if not o.source.startswith(EXAMPLE_SOURCE):
            continue
        marked = set(o.example_fields)
        assert marked and marked <= OFFER_FIELD_NAMES, o.id
        if o.start_dates:
            assert "start_dates" in marked, o.id
        if o.address is not None and o.address.street:
            assert "address" in marked, o.id
        if "(Beispiel)" in o.provider:
            assert "provider" in marked, o.id
        if o.url.rstrip("/") not in KNOWN_URLS and "url" not in marked:
            pytest.fail(f"{o.id}: URL {o.url} is neither a known provider homepage nor marked")


def test_urls_are_https_and_chamber_urls_are_their_homepages() -> None:
    for o in _all():
        assert o.url.startswith("https://"), o.id
        if o.provider.startswith("Handwerkskammer"):
            assert o.url == "https://www.hwk-muenchen.de", o.id
        if o.provider.startswith("IHK"):
            assert o.url == "https://www.ihk-muenchen.de", o.id


def test_descriptions_are_short_paragraphs() -> None:
    for o in _all():
        sentences = re.findall(r"[.!?](?:\s+|$)", o.description.strip())
        assert 2 <= len(sentences) <= 6, (o.id, len(sentences))
        assert 80 <= len(o.description) <= 700, o.id


def test_titles_are_distinct_per_provider_and_place() -> None:
    keys = [(o.provider, o.municipality, o.title.casefold()) for o in _all()]
    assert len(keys) == len(set(keys))


def test_funding_is_consistent_with_course_data() -> None:
    for o in _all():
        if "bildungsgutschein" in o.funding:
            assert o.azav_certified, o.id
        if "qualifizierungschancen" in o.funding:  # § 82 SGB III: AZAV and > 120 hours
            assert o.azav_certified and (o.duration_hours or 0) > 120, o.id
        if "aufstiegs_bafoeg" in o.funding:  # AFBG: at least 400 hours
            assert o.course_type == "aufstiegsfortbildung", o.id
            # full-time Fachschule/Fachakademie courses give months, not hours (>= 2 years)
            assert (o.duration_hours or 0) >= 400 or (o.duration_months or 0) >= 24, o.id
        if "meisterbonus" in o.funding:
            assert o.dqr_level == 6, o.id
        if "bamf" in o.funding:
            assert o.course_type in ("integrationskurs", "berufssprachkurs"), o.id


def test_dqr_levels_follow_course_types() -> None:
    for o in _all():
        if o.course_type == "aufstiegsfortbildung" and o.dqr_level is not None:
            # Berufsspezialist 5, Bachelor Professional (Meister, Fachwirt) 6,
            # Master Professional (Geprüfte/r Betriebswirt/in) 7
            assert o.dqr_level in (5, 6, 7), o.id
        elif o.course_type in ("sprachkurs", "grundbildung", "integrationskurs"):
            assert o.dqr_level is None, o.id


def test_integration_courses_follow_bamf_rules() -> None:
    for o in _all():
        if o.course_type != "integrationskurs":
            continue
        assert o.duration_hours in (700, 1000), o.id
        assert o.funding == ("bamf",), o.id
        assert o.kldb_targets == (), o.id


def test_general_language_courses_have_no_target_occupation() -> None:
    for o in _all():
        if o.course_type == "sprachkurs":
            assert o.kldb_targets == (), o.id


# --- near duplicates: stricter than the loader (adds a word-sequence ratio) ----------------


@cache
def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    return shingles(text)


@cache
def _words(text: str) -> list[str]:
    return normalise(text)


def _too_close(a: str, b: str, matcher: SequenceMatcher | None = None) -> bool:
    """Word 3-shingle Jaccard >= 0.35 (the loader's threshold) or word-sequence ratio >= 0.8.

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


def test_near_duplicate_rule_flags_light_edits() -> None:
    text = _all()[0].description
    edited = " ".join("Beispiel" if i % 10 == 5 else w for i, w in enumerate(text.split()))
    assert edited != text
    assert _too_close(text, edited)
    assert not _too_close(text, _all()[-1].description)


def test_descriptions_have_no_near_duplicates_across_all_files() -> None:
    text = {o.id: o.description for o in _all()}
    ids = sorted(text)
    too_close = []
    matcher = SequenceMatcher(autojunk=False)
    for i, b in enumerate(ids):
        matcher.set_seq2(_words(text[b]))  # indexed once, reused for every a
        for a in ids[:i]:
            if _too_close(text[a], text[b], matcher):
                too_close.append((a, b))
    assert not too_close
