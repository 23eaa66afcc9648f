"""The corrections of domain-brief section 7 in the knowledge base, and the checks that catch
their class of error (``knowledge.funding`` validation, ``knowledge.honesty`` via
``knowledge.validate``). Stdlib only: runs in both venvs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from knowledge import facts as kfacts
from knowledge import funding, honesty
from knowledge.catalogue import DEFAULT_DIR, load_catalogue
from knowledge.paths import PATHS_FILE
from knowledge.schema import Offer
from knowledge.validate import validate
from tests.knowledge.conftest import TODAY

RAW = json.loads(funding.DEFAULT_PATH.read_text(encoding="utf-8"))
CATALOGUE = funding.load_catalogue()
EXAMPLE = "Beispielkatalog Bildungslotse (Test)"


def instrument(iid: str) -> funding.Instrument:
    return CATALOGUE.get(iid)


def raw_instrument(data: dict[str, Any], iid: str) -> dict[str, Any]:
    return next(i for i in data["instruments"] if i["id"] == iid)


def errors_after(change) -> list[str]:
    data = copy.deepcopy(RAW)
    change(data)
    return funding.validate_data(data)


# --- the corrected facts --------------------------------------------------------------------


def test_weiterbildungspraemie_only_with_81_funding():
    praemie = instrument("weiterbildungspraemie")
    texts = " ".join([praemie.summary, *(c.text for c in praemie.conditions)])
    assert "§ 81 SGB III" in texts and "§ 82" not in texts
    assert "B 11 AL 2/23 R" in texts
    assert set(praemie.legal_basis) == {"§ 87a Abs. 1 SGB III", "§ 81 SGB III"}
    assert "https://www.gesetze-im-internet.de/sgb_3/__87a.html" in praemie.sources


def test_weiterbildungsgeld_dates_its_two_groups():
    geld = next(c for c in instrument("weiterbildungsgeld").conditions if c.id.startswith("arb"))
    assert "seit 1.7.2023" in geld.text and "§ 87a Abs. 2 SGB III" in geld.text
    assert "erst seit 1.1.2025 (§ 87a Abs. 3 SGB III)" in geld.text


def test_mehrbedarf_example_only_in_participation_measures():
    def notes(**profile: Any) -> str:
        (item,) = funding.evaluate(profile, only=["weiterbildungsgeld"])
        return " ".join(item.notes)

    assert "197,05" not in notes(employment_status="buergergeld", participation_measure=False)
    assert "197,05" not in notes(
        employment_status="arbeitslos", receives_buergergeld=False, participation_measure=True
    )
    shown = notes(employment_status="buergergeld", participation_measure=True)
    assert shown.startswith("Nur bei beruflicher Rehabilitation") and "§ 21 Abs. 4 SGB II" in shown


def test_neue_grundsicherung_is_reported_with_source_and_stand():
    (item,) = funding.evaluate({"employment_status": "buergergeld"}, only=["bildungsgutschein"])
    assert not any("Neue Grundsicherung" in n for n in item.notes)
    (reported,) = item.reported
    assert reported.status == funding.REPORTED and "Neue Grundsicherung" in reported.text
    assert reported.source and reported.source.startswith("https://www.deutschlandfunk.de/")
    assert funding.format_stand(reported.stand or "") == "März 2026"
    (other,) = funding.evaluate(
        {"employment_status": "arbeitslos", "receives_buergergeld": False},
        only=["bildungsgutschein"],
    )
    assert other.reported == ()
    assert set(CATALOGUE.reported_terms) >= {"Neue Grundsicherung"}


def test_81_2_entitlement_came_with_the_arbeit_von_morgen_gesetz():
    claim = instrument("bildungsgutschein_berufsabschluss")
    assert "Arbeit-von-morgen-Gesetz" in claim.summary and "2020" in claim.summary
    assert "Nationale Weiterbildungsstrategie" not in claim.summary + (claim.legal_version or "")


def test_anerkennungszuschuss_details():
    z = instrument("anerkennungszuschuss")
    text = " ".join([*(c.text for c in z.conditions), *(a.text for a in z.amounts), z.office])
    for fact in ("3 Monaten", "600 €", "1.200 €", "3.000 €", "30.6.2027", "32.000 €", "50.000 €"):
        assert fact in text, fact
    assert "Forschungsinstitut Betriebliche Bildung (f-bb)" in z.office


def test_weiterbildungsstipendium_amount():
    amounts = " ".join(a.text for a in instrument("weiterbildungsstipendium").amounts)
    assert "9.135 €" in amounts and "8.700" not in amounts


def test_aufstiegs_bafoeg_and_meisterbonus_name_the_exam():
    afbg = next(c for c in instrument("aufstiegs_bafoeg").conditions if c.id == "aufstieg")
    assert "öffentlich-rechtliche Prüfung" in afbg.text and "§ 2 AFBG" in afbg.text
    bonus = next(c for c in instrument("meisterbonus").conditions if c.id == "aufstieg")
    assert "bestehen" in bonus.text and "nicht für den Kurs" in bonus.text


def test_schueler_bafoeg_age_limit_is_45():
    data = json.loads(PATHS_FILE.read_text(encoding="utf-8"))
    office = data["funding"]["schueler_bafoeg"]["office"]
    assert "45. Geburtstag" in office and "30." not in office
    urls = {data["sources"][s]["url"] for s in data["funding"]["schueler_bafoeg"]["sources"]}
    assert "https://www.gesetze-im-internet.de/baf_g/__10.html" in urls


def test_no_stale_optiprax_pay():
    texts = PATHS_FILE.read_text(encoding="utf-8") + "".join(
        o.description for o in load_catalogue().offers
    )
    assert "1.018" not in texts and "1018" not in texts


@pytest.mark.parametrize(
    ("code", "office", "since"),
    [
        ("83112", "Landesamt für Schule", "1.8.2018"),  # Kinderpfleger/in
        ("83113", "Landesamt für Schule", "1.8.2018"),  # Erzieher/in
        ("83124", "Zentrum Bayern Familie und Soziales", ""),  # Sozialpädagoge
        ("91334", "Zentrum Bayern Familie und Soziales", ""),  # Kindheitspädagoge
        ("81404", "Regierung von Oberbayern", ""),  # Ärztin/Arzt
        ("81713", "Landesamt für Pflege", "1.7.2025"),  # Physiotherapie
        ("81342", "Landesamt für Pflege", "1.7.2025"),  # Notfallsanitäter
        ("81301", "Landesamt für Pflege", "1.1.2025"),  # Pflegefachhelfer
        ("82102", "Landesamt für Pflege", "1.7.2023"),  # Altenpflege
    ],
)
def test_recognition_bodies(code: str, office: str, since: str):
    body = kfacts.load_topic("recognition").body_for(code)
    assert body is not None and office in body.note and since in body.note
    assert all(url.startswith("https://") for url in body.sources)


def test_kita_fachwirt_with_a_provider_exam_is_not_tagged_aufstiegs_bafoeg():
    catalogue = load_catalogue()
    for oid in ("kita-032", "kita-033"):
        offer = catalogue.by_id(oid)
        assert offer is not None and "aufstiegs_bafoeg" not in offer.funding
        assert (honesty.exam_of(offer) or {}).get("kind") == "anbieter"


# --- the checks that catch the class of error ------------------------------------------------


def test_a_condition_naming_a_paragraph_the_rule_does_not_cover_is_an_error():
    def both(data: dict[str, Any]) -> None:
        cond = raw_instrument(data, "weiterbildungspraemie")["conditions"][1]
        cond["text"] = "Ihre Weiterbildung wird nach § 81 oder § 82 SGB III gefördert."

    errors = errors_after(both)
    assert any("'weiterbildungspraemie'" in e and "nennt § 82 SGB III" in e for e in errors), errors
    assert not any("§ 81 SGB III," in e.split("nennt")[-1] for e in errors)


def test_legal_basis_must_name_paragraphs():
    errors = errors_after(
        lambda d: raw_instrument(d, "weiterbildungspraemie").update(legal_basis=["Gesetz"])
    )
    assert any("'legal_basis' muss Paragraphen nennen" in e for e in errors)


def _as_confirmed(note: dict[str, Any]) -> None:
    for key in ("status", "source", "stand"):
        note.pop(key)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_as_confirmed, "nur berichtet"),  # the same text without the marker
        (lambda n: n.pop("source"), "braucht eine Quelle"),
        (lambda n: n.update(stand="März 2026"), "braucht 'stand'"),
        (lambda n: n.update(status="belegt"), "nur bei"),
    ],
)
def test_reported_facts_need_marker_source_and_stand(change, message):
    def mutate(data: dict[str, Any]) -> None:
        note = next(
            n for n in raw_instrument(data, "bildungsgutschein")["notes"] if n.get("status")
        )
        change(note)

    assert any(message in e for e in errors_after(mutate))


def test_a_reported_term_in_a_confirmed_text_is_an_error():
    def mutate(data: dict[str, Any]) -> None:
        raw_instrument(data, "qualifizierungsgeld")["summary"] += (
            " Gilt auch in der Neuen Grundsicherung."
        )

    assert errors_after(mutate) == []  # "Neuen" is not the term: no false alarm on inflections
    data = copy.deepcopy(RAW)
    raw_instrument(data, "qualifizierungsgeld")["summary"] += " Neue Grundsicherung ab 1.7.2026."
    assert any("„Neue Grundsicherung“ ist nur berichtet" in e for e in funding.validate_data(data))


def test_a_scoped_fact_outside_its_scope_is_an_error():
    def mutate(data: dict[str, Any]) -> None:
        note = next(
            n
            for n in raw_instrument(data, "weiterbildungsgeld")["notes"]
            if "Mehrbedarf" in n["text"]
        )
        note["when"] = {"fact": "employment_status", "in": ["buergergeld"]}

    assert any(
        "„Mehrbedarf“ gilt nur, wenn 'participation_measure'" in e for e in errors_after(mutate)
    )


def _offer(**overrides: Any) -> Offer:
    data: dict[str, Any] = {
        "id": "x-001",
        "title": "Meisterkurs Test",
        "description": "Ein Kurs. Aufstiegs-BAföG ist möglich.",
        "provider": "Handwerkskammer für München und Oberbayern",
        "course_type": "aufstiegsfortbildung",
        "format": "online",
        "time_model": "teilzeit",
        "municipality": "online",
        "funding": ["aufstiegs_bafoeg"],
        "url": "https://www.hwk-muenchen.de",
        "source": "Testquelle",
        "last_updated": "2026-12-07",
        "extra": {
            "exam": {"name": "Meisterprüfung", "body": "HWK", "kind": "kammer", "bavaria": True}
        },
    }
    data.update(overrides)
    return Offer.from_dict(data)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"extra": {}}, "Aufstiegs-BAföG nur für Kurse"),
        (
            {"extra": {"exam": {"name": "Zertifikat", "body": "Anbieter", "kind": "anbieter"}}},
            "Aufstiegs-BAföG nur für Kurse",
        ),
        (
            {
                "funding": ["meisterbonus"],
                "extra": {"exam": {"name": "M", "body": "HWK", "kind": "kammer", "bavaria": False}},
            },
            "Meisterbonus gibt es für die bestandene Prüfung",
        ),
        (
            {"description": "Ein Kurs. Aufstiegs-BAföG und Meisterbonus sind möglich."},
            "ohne die Bedingung",
        ),
        ({"extra": {"exam": {"name": "M", "body": "HWK", "kind": "kurs"}}}, "'kind' muss"),
        ({"source": EXAMPLE, "example_fields": ["start_dates"]}, "title, description"),
        (
            {
                "source": EXAMPLE,
                "provider": "Träger (Beispiel)",
                "example_fields": ["title", "description"],
            },
            "provider",
        ),
    ],
)
def test_offer_honesty_problems(overrides: dict[str, Any], message: str):
    problems = honesty.offer_problems(_offer(**overrides))
    assert any(message in p for p in problems), problems


def test_honest_offers_pass():
    assert honesty.offer_problems(_offer()) == []
    described = _offer(description="Ein Kurs. Nach bestandener Prüfung gibt es den Meisterbonus.")
    assert honesty.offer_problems(described) == []
    sourced = _offer(
        source=EXAMPLE,
        extra={
            "course_source": "https://landkreis-muenchen.de/artikel/x",
            "exam": {"name": "M", "body": "HWK", "kind": "kammer"},
        },
    )
    assert honesty.offer_problems(sourced) == []


def test_validate_reports_dishonest_offers_and_reported_terms(
    tmp_path: Path, write_offers, make_record
):
    records = [
        make_record(
            id="v-1",
            course_type="aufstiegsfortbildung",
            funding=["aufstiegs_bafoeg"],
            source=EXAMPLE,
        ),
        make_record(
            id="v-2",
            description="Kurs zur Neuen Grundsicherung. Die Neue Grundsicherung gilt ab Juli.",
        ),
    ]
    write_offers("x.json", records, source=EXAMPLE)
    text = "\n".join(validate(tmp_path, today=TODAY).errors)
    assert "v-1: Aufstiegs-BAföG nur für Kurse" in text
    assert "v-1: erfundene Felder nicht in example_fields: title, description" in text
    assert "v-2: „Neue Grundsicherung“ ist nur berichtet" in text


def test_reported_terms_in_fact_files_are_found(tmp_path: Path):
    topic = json.loads((kfacts.DATA_DIR / "recognition.json").read_text(encoding="utf-8"))
    topic["checklist"].append(
        "Seit der Neuen Grundsicherung zahlt das Jobcenter. Neue Grundsicherung!"
    )
    path = tmp_path / "recognition.json"
    path.write_text(json.dumps(topic, ensure_ascii=False), encoding="utf-8")
    problems = honesty.reported_term_problems(["Neue Grundsicherung"], [path], [])
    assert len(problems) == 1 and problems[0].startswith("recognition.json: checklist[")


def test_shipped_catalogue_declares_every_invented_course():
    offers = load_catalogue(DEFAULT_DIR).offers
    assert [p for o in offers for p in honesty.offer_problems(o)] == []
    summary = honesty.example_summary(offers)
    assert "realen Anbieter mit erfundenem Kurs" in summary[0]
