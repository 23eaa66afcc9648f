"""Funding rules as data and the tri-state rule engine (knowledge/funding/)."""

from __future__ import annotations

import copy
import json
import random
import re
from typing import Any

import pytest

from knowledge import facts as kfacts
from knowledge import funding
from knowledge.funding import LIKELY, NOTE, POSSIBLE, UNLIKELY, Range

CATALOGUE = funding.load_catalogue()
RAW = json.loads(funding.DEFAULT_PATH.read_text(encoding="utf-8"))
PROMISE = re.compile(
    r"(haben|steht)\s+(Ihnen\s+)?(einen\s+)?Anspruch auf (bezahlten\s+)?Bildungsurlaub", re.I
)


def item(instrument_id: str, profile: dict[str, Any]) -> funding.ChecklistItem:
    return funding.evaluate(profile, only=[instrument_id])[0]


# --- the data file ---------------------------------------------------------------------------


def test_data_file_is_valid_and_covers_the_issue_list():
    assert funding.validate_data(RAW) == []
    ids = {i.id for i in CATALOGUE.instruments}
    assert ids == {
        "bildungsgutschein",
        "bildungsgutschein_berufsabschluss",
        "beschaeftigtenfoerderung",
        "qualifizierungsgeld",
        "weiterbildungsgeld",
        "weiterbildungspraemie",
        "aufstiegs_bafoeg",
        "meisterbonus",
        "weiterbildungsstipendium",
        "aufstiegsstipendium",
        "anerkennungszuschuss",
        "integrationskurs",
        "berufssprachkurs",
        "bildungsurlaub",
    }


@pytest.mark.parametrize("instrument", CATALOGUE.instruments, ids=lambda i: i.id)
def test_every_instrument_has_sources_stand_office_and_amounts(instrument):
    assert instrument.sources and all(s.startswith("https://") for s in instrument.sources)
    assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", instrument.stand)
    # the brief was researched 2026-11; its corrections (section 7) were checked 2026-12
    assert instrument.stand_label in ("November 2026", "Dezember 2026")
    assert instrument.office.strip() and instrument.summary.strip()
    assert isinstance(instrument.discretionary, bool)
    if instrument.kind == funding.KIND_FUNDING:
        assert instrument.amounts, "a funding instrument needs amounts"
        assert any(re.search(r"\d", a.text) for a in instrument.amounts)


def test_only_the_81_2_claim_and_benefits_tied_to_it_are_marked_as_entitlements():
    entitlements = {i.id for i in CATALOGUE.instruments if not i.discretionary}
    assert "bildungsgutschein_berufsabschluss" in entitlements
    assert "bildungsgutschein" not in entitlements and "meisterbonus" not in entitlements
    assert "weiterbildungsstipendium" not in entitlements


# --- Bildungsurlaub -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "profile",
    [{}, {"employment_status": "beschaeftigt"}, {"employment_status": "arbeitslos", "age": 50}],
)
def test_bildungsurlaub_statement_is_always_there_and_never_promises_leave(profile):
    items = funding.evaluate(profile)
    entry = next(i for i in items if i.id == "bildungsurlaub")
    assert entry.status == NOTE
    assert entry.instrument.summary.startswith("Bayern hat kein Gesetz über Bildungsurlaub")
    assert "Ich kann Ihnen keine bezahlte Freistellung zusagen." in entry.notes
    assert any("Arbeitsort" in note for note in entry.notes)
    assert (
        "https://www.personal-tipp.de/2025/10/30/bildungsurlaub-ist-laendersache/?displaymode=print"
        in entry.sources
    )
    text = " ".join([entry.instrument.summary, *entry.notes, entry.office])
    assert not PROMISE.search(text)


# --- per instrument: qualifying, not qualifying, unknown -> to confirm ----------------------

CASES = [
    # id, qualifying profile, failing profile, a condition text fragment decided by the profile
    (
        "bildungsgutschein",
        {"employment_status": "arbeitslos"},
        {
            "employment_status": "beschaeftigt",
            "has_vocational_qualification": True,
            "threatened_unemployment": False,
        },
        "notwendig",
    ),
    (
        "bildungsgutschein_berufsabschluss",
        {"has_vocational_qualification": False, "course_type": "umschulung", "years_of_work": 4},
        {"has_vocational_qualification": True, "course_type": "umschulung", "years_of_work": 4},
        "keinen Berufsabschluss",
    ),
    (
        "beschaeftigtenfoerderung",
        {
            "employment_status": "beschaeftigt",
            "has_vocational_qualification": True,
            "years_since_qualification": 5,
        },
        {"employment_status": "arbeitslos"},
        "beschäftigt",
    ),
    (
        "qualifizierungsgeld",
        {
            "employment_status": "kurzarbeit",
            "employer_structural_change_training": True,
            "company_size_employees": 300,
        },
        {"employment_status": "selbststaendig"},
        "beschäftigt",
    ),
    (
        "weiterbildungsgeld",
        {"employment_status": "arbeitslos", "course_type": "umschulung"},
        {"employment_status": "arbeitslos", "course_type": "weiterbildung"},
        "anerkannten Ausbildungsberuf",
    ),
    (
        "weiterbildungspraemie",
        {"course_type": "umschulung"},
        {"course_type": "aufstiegsfortbildung"},
        "Berufsabschluss",
    ),
    (
        "aufstiegs_bafoeg",
        {"has_vocational_qualification": True, "course_type": "aufstiegsfortbildung"},
        {"has_vocational_qualification": False, "course_type": "aufstiegsfortbildung"},
        "anerkannte Berufsausbildung",
    ),
    (
        "meisterbonus",
        {"course_type": "aufstiegsfortbildung"},
        {"course_type": "studium"},
        "Fortbildungsprüfung",
    ),
    (
        "weiterbildungsstipendium",
        {"has_vocational_qualification": True, "age": 22, "employment_status": "beschaeftigt"},
        {"has_vocational_qualification": True, "age": 30, "employment_status": "beschaeftigt"},
        "jünger als 25",
    ),
    (
        "aufstiegsstipendium",
        {"has_vocational_qualification": True, "course_type": "studium", "years_of_work": 3},
        {"has_vocational_qualification": True, "course_type": "studium", "years_of_work": 1},
        "mindestens 2 Jahre gearbeitet",
    ),
    (
        "anerkennungszuschuss",
        {"course_type": "anerkennung"},
        {"course_type": "umschulung"},
        "ausländischen Berufsabschluss",
    ),
    ("integrationskurs", {"course_type": "sprachkurs"}, {"course_type": "studium"}, "Deutsch"),
    ("berufssprachkurs", {"course_type": "sprachkurs"}, {"course_type": "umschulung"}, "Deutsch"),
]


@pytest.mark.parametrize(("iid", "good", "bad", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_instrument_qualifying_not_qualifying_and_unknown(iid, good, bad, fragment):
    ok = item(iid, good)
    assert ok.status == LIKELY, ok
    assert any(fragment in t for t in ok.conditions_met)
    assert not ok.conditions_failed and ok.amounts and ok.office and ok.sources

    no = item(iid, bad)
    assert no.status == UNLIKELY
    assert any(fragment in t for t in no.conditions_failed)
    assert no.open_facts == ()

    unknown = item(iid, {})
    assert unknown.status == POSSIBLE  # unknown facts never exclude ...
    assert any(fragment in t for t in unknown.conditions_to_confirm)  # ... they are to confirm
    assert not unknown.conditions_failed and unknown.open_facts


def test_office_checks_stay_to_confirm_even_when_likely():
    result = item("bildungsgutschein", {"employment_status": "arbeitslos"})
    assert result.status == LIKELY
    assert "Bildungsträger und Kurs sind nach AZAV zugelassen." in result.conditions_to_confirm
    assert (
        "Sie lassen sich vor Beginn von der Agentur für Arbeit beraten."
        in result.conditions_to_confirm
    )


def test_unclear_employment_values_are_to_confirm():
    result = item("beschaeftigtenfoerderung", {"employment_status": "minijob"})
    assert result.status == POSSIBLE
    assert "Sie sind beschäftigt." in result.conditions_to_confirm
    assert "employment_status" in result.open_facts


# --- § 81 Abs. 2: the claim without a vocational qualification -----------------------------


def test_81_2_claim_without_qualification_for_a_shortage_occupation():
    result = item(
        "bildungsgutschein_berufsabschluss",
        {
            "has_vocational_qualification": False,
            "course_type": "umschulung",
            "target_is_shortage_occupation": True,
        },
    )
    assert result.status == LIKELY
    assert result.discretionary is False
    assert any("3 Jahre berufstätig" in t for t in result.conditions_met)


def test_81_2_claim_needs_three_years_of_work_otherwise():
    base = {"has_vocational_qualification": False, "course_type": "umschulung"}
    unknown = item("bildungsgutschein_berufsabschluss", base)
    assert unknown.status == POSSIBLE
    assert set(unknown.open_facts) == {"years_of_work", "target_is_shortage_occupation"}
    short = item("bildungsgutschein_berufsabschluss", {**base, "years_of_work": 1})
    assert short.status == POSSIBLE  # the Engpass exception is still open
    both_no = {**base, "years_of_work": 1, "target_is_shortage_occupation": False}
    assert item("bildungsgutschein_berufsabschluss", both_no).status == UNLIKELY


def test_81_2_claim_does_not_apply_to_further_training_without_a_qualification():
    result = item(
        "bildungsgutschein_berufsabschluss",
        {"has_vocational_qualification": False, "course_type": "weiterbildung"},
    )
    assert result.status == UNLIKELY


def test_missing_qualification_makes_the_bildungsgutschein_necessary():
    result = item(
        "bildungsgutschein",
        {"employment_status": "beschaeftigt", "has_vocational_qualification": False},
    )
    assert result.status == LIKELY


# --- § 82: company size and age -------------------------------------------------------------

EMPLOYED = {
    "employment_status": "beschaeftigt",
    "has_vocational_qualification": True,
    "years_since_qualification": 3,
}
SHARE_NONE_SMALL = "weniger als 50 Beschäftigten: kein Arbeitgeberanteil"
SHARE_50 = "trägt 50 % der Lehrgangskosten"
SHARE_NONE_45 = "45 Jahre oder älter (oder schwerbehindert): kein Arbeitgeberanteil"
SHARE_75 = "trägt 75 % der Lehrgangskosten"


@pytest.mark.parametrize(
    ("employees", "age", "shown", "hidden"),
    [
        (10, 30, [SHARE_NONE_SMALL], [SHARE_50, SHARE_75]),
        (49, 50, [SHARE_NONE_SMALL, SHARE_NONE_45], [SHARE_50, SHARE_75]),
        (50, 30, [SHARE_50], [SHARE_NONE_SMALL, SHARE_75]),
        (499, 44, [SHARE_50], [SHARE_NONE_SMALL, SHARE_75]),
        (499, 45, [SHARE_NONE_45], [SHARE_50, SHARE_NONE_SMALL, SHARE_75]),
        (500, 60, [SHARE_75], [SHARE_NONE_45, SHARE_50, SHARE_NONE_SMALL]),
        (Range(50, 499), Range(45, None), [SHARE_NONE_45], [SHARE_50, SHARE_75]),
        (Range(500, None), Range(45, None), [SHARE_75], [SHARE_NONE_45]),
    ],
)
def test_82_employer_share_by_company_size_and_age(employees, age, shown, hidden):
    profile = {
        **EMPLOYED,
        "company_size_employees": employees,
        "age": age,
        "severely_disabled": False,
    }
    amounts = " ".join(item("beschaeftigtenfoerderung", profile).amounts)
    for text in shown:
        assert text in amounts
    for text in hidden:
        assert text not in amounts


def test_82_unknown_company_size_shows_every_band_and_asks_for_it():
    result = item("beschaeftigtenfoerderung", EMPLOYED)
    amounts = " ".join(result.amounts)
    for text in (SHARE_NONE_SMALL, SHARE_50, SHARE_NONE_45, SHARE_75):
        assert text in amounts
    assert "company_size_employees" in result.open_facts


def test_82_two_years_since_qualification_only_for_people_with_one():
    without = item(
        "beschaeftigtenfoerderung",
        {"employment_status": "beschaeftigt", "has_vocational_qualification": False},
    )
    assert not any(
        "2 Jahre zurück" in t for t in without.conditions_to_confirm + without.conditions_met
    )
    recent = item(
        "beschaeftigtenfoerderung", {**EMPLOYED, "years_since_qualification": Range(0, 1.9)}
    )
    assert recent.status == UNLIKELY
    assert "Ihr Berufsabschluss liegt mindestens 2 Jahre zurück." in recent.conditions_failed


def test_qualifizierungsgeld_threshold_follows_company_size():
    small = item(
        "qualifizierungsgeld", {"employment_status": "beschaeftigt", "company_size_employees": 40}
    )
    text = " ".join(small.conditions_to_confirm)
    assert "weniger als 250 Beschäftigten: Mindestens 10 %" in text and "20 %" not in text
    assert small.status == POSSIBLE  # the company's structural-change plan is not known


# --- tri-state logic -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pred", "profile", "expected"),
    [
        ({"fact": "age", ">=": 45}, {"age": Range(45, None)}, True),
        ({"fact": "age", ">=": 45}, {"age": Range(25, 44)}, False),
        ({"fact": "age", ">=": 45}, {"age": Range(40, 50)}, None),
        ({"fact": "age", "<": 25}, {"age": Range(0, 24)}, True),
        ({"fact": "age", "between": [25, 44]}, {"age": Range(30, 40)}, True),
        ({"fact": "age", "between": [25, 44]}, {"age": Range(45, None)}, False),
        ({"fact": "age", "between": [25, 44]}, {"age": Range(20, 30)}, None),
        ({"fact": "age", ">=": 45}, {}, None),
        ({"not": {"fact": "age", ">=": 45}}, {}, None),
        (
            {"any": [{"fact": "age", ">=": 45}, {"fact": "course_type", "in": ["studium"]}]},
            {"course_type": "studium"},
            True,
        ),
        (
            {"any": [{"fact": "age", ">=": 45}, {"fact": "course_type", "in": ["studium"]}]},
            {"course_type": "sprachkurs"},
            None,
        ),
        (
            {"all": [{"fact": "age", ">=": 45}, {"fact": "course_type", "in": ["studium"]}]},
            {"course_type": "sprachkurs"},
            False,
        ),
        (
            {"fact": "employment_status", "in": ["beschaeftigt"], "unclear": ["minijob"]},
            {"employment_status": "minijob"},
            None,
        ),
    ],
)
def test_three_valued_predicates(pred, profile, expected):
    cleaned = funding.clean_profile(profile, CATALOGUE.facts)
    assert funding.evaluate_predicate(pred, cleaned)[0] is expected


def test_unknown_result_names_only_the_facts_that_matter():
    pred = {
        "any": [
            {"fact": "age", ">=": 45},
            {
                "all": [
                    {"fact": "years_of_work", ">=": 3},
                    {"fact": "course_type", "in": ["studium"]},
                ]
            },
        ]
    }
    result, open_facts = funding.evaluate_predicate(pred, {"course_type": "umschulung"})
    assert result is None and open_facts == {"age"}


def test_unknown_facts_never_exclude_an_instrument():
    """Forgetting a known fact can turn "passt eher nicht" into "möglich", never the reverse."""
    rng = random.Random(2026)
    choices: dict[str, list[Any]] = {
        "employment_status": list(CATALOGUE.facts["employment_status"].values),
        "has_vocational_qualification": [True, False],
        "course_type": list(CATALOGUE.facts["course_type"].values),
        "years_since_qualification": [0, 1, 2, 10, Range(2, None)],
        "company_size_employees": [5, 49, 50, 300, 500, Range(50, 499)],
        "age": [20, 24, 27, 44, 45, 60, Range(25, 44)],
        "receives_buergergeld": [True, False],
        "years_of_work": [0, 2, 3],
        "target_is_shortage_occupation": [True, False],
    }
    for _ in range(400):
        profile = {k: rng.choice(v) for k, v in choices.items() if rng.random() < 0.7}
        full = {i.id: i for i in funding.evaluate(profile, include_unlikely=True)}
        for fact in profile:
            reduced = {k: v for k, v in profile.items() if k != fact}
            for less in funding.evaluate(reduced, include_unlikely=True):
                assert set(less.conditions_failed) <= set(full[less.id].conditions_failed)
                if full[less.id].status != UNLIKELY:
                    assert less.status != UNLIKELY


def test_evaluate_sorts_by_status_and_hides_unlikely_by_default():
    items = funding.evaluate(
        {
            "employment_status": "arbeitslos",
            "has_vocational_qualification": False,
            "course_type": "umschulung",
        }
    )
    statuses = [i.status for i in items]
    assert statuses == sorted(statuses, key=funding.STATUS_ORDER.get)
    assert UNLIKELY not in statuses
    assert items[0].id == "bildungsgutschein"
    everything = funding.evaluate({"course_type": "umschulung"}, include_unlikely=True)
    assert len(everything) == len(CATALOGUE.instruments)


def test_deciding_facts_are_only_those_that_change_the_checklist():
    candidates = [
        "employment_status",
        "has_vocational_qualification",
        "course_type",
        "company_size_employees",
        "age",
    ]
    assert funding.deciding_facts({}, candidates) == candidates
    unemployed = {
        "employment_status": "arbeitslos",
        "has_vocational_qualification": False,
        "course_type": "umschulung",
    }
    assert funding.deciding_facts(unemployed, candidates) == []
    employed = {
        "employment_status": "beschaeftigt",
        "has_vocational_qualification": True,
        "course_type": "weiterbildung",
        "years_since_qualification": 3,
    }
    assert funding.deciding_facts(employed, candidates) == ["company_size_employees", "age"]


def test_clean_profile_checks_types_and_derives_buergergeld():
    cleaned = funding.clean_profile(
        {"employment_status": "buergergeld", "age": 50, "course_type": None}, CATALOGUE.facts
    )
    assert cleaned == {
        "employment_status": "buergergeld",
        "age": Range(50, 50),
        "receives_buergergeld": True,
    }
    for bad in (
        {"employment_status": "rentner"},
        {"shoe_size": 42},
        {"has_vocational_qualification": "ja"},
        {"age": "alt"},
    ):
        with pytest.raises(ValueError):
            funding.clean_profile(bad, CATALOGUE.facts)


# --- questions naming an instrument ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Was ist der Meisterbonus?", ["meisterbonus"]),
        ("Kann ich Aufstiegs-BAföG bekommen?", ["aufstiegs_bafoeg"]),
        ("aufstiegs bafoeg", ["aufstiegs_bafoeg"]),
        ("Wie bekomme ich einen Bildungsgutschein?", ["bildungsgutschein"]),
        ("gilt § 81 Abs. 2 für mich?", ["bildungsgutschein_berufsabschluss"]),
        ("Förderung nach §82", ["beschaeftigtenfoerderung"]),
        ("Gibt es ein Stipendium?", ["weiterbildungsstipendium", "aufstiegsstipendium"]),
        ("Aufstiegsstipendium", ["aufstiegsstipendium"]),
        ("Muss mich mein Chef freistellen?", ["bildungsurlaub"]),
        ("Wer zahlt eine Umschulung?", []),
        ("", []),
    ],
)
def test_find_instruments(text, expected):
    assert [i.id for i in funding.find_instruments(text)] == expected


# --- validation messages for staff ----------------------------------------------------------


def broken(mutate) -> list[str]:
    data = copy.deepcopy(RAW)
    mutate(data)
    return funding.validate_data(data)


def first(data: dict) -> dict:
    return data["instruments"][0]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: first(d).update(sources=["http://example.org"]), "https-Adressen"),
        (lambda d: first(d).update(stand="11/2026"), "'stand' muss JJJJ-MM"),
        (lambda d: first(d).update(office=""), "'office' fehlt"),
        (lambda d: first(d).update(amounts=[]), "mindestens einen Betrag"),
        (lambda d: first(d).update(id=d["instruments"][1]["id"]), "doppelt"),
        (
            lambda d: first(d)["conditions"][0].update(when={"fact": "schuhgroesse", "is": True}),
            "unbekannte Angabe",
        ),
        (
            lambda d: first(d)["conditions"][0].update(
                when={"fact": "employment_status", "in": ["rentner"]}
            ),
            "gibt es für 'employment_status' nicht",
        ),
        (
            lambda d: first(d)["conditions"][0].update(when={"fact": "age", "is": True}),
            "ist eine Zahl",
        ),
        (lambda d: first(d)["conditions"][0].update(when={"any": []}), "nicht leere Liste"),
        (
            lambda d: d["instruments"][-1]["conditions"].append({"id": "x", "text": "y"}),
            "keine Bedingungen",
        ),
        (lambda d: first(d).update(discretionary="ja"), "'discretionary'"),
    ],
)
def test_validation_finds_data_errors(mutate, message):
    errors = broken(mutate)
    assert any(message in e for e in errors), errors
    with pytest.raises(funding.FundingDataError):
        data = copy.deepcopy(RAW)
        mutate(data)
        funding.parse_catalogue(data)


def test_format_stand():
    assert funding.format_stand("2026-11") == "November 2026"
    assert funding.format_stand("2024-03-01") == "1. März 2024"
    with pytest.raises(ValueError):
        funding.format_stand("2026-13")


def test_command_line_check_and_checklist(capsys):
    assert funding.main(["check"]) == 0
    assert "13 Förderungen, 1 Hinweise" in capsys.readouterr().out
    assert (
        funding.main(
            [
                "checklist",
                "employment_status=beschaeftigt",
                "company_size_employees=50-499",
                "age=50",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "[möglich – bitte prüfen] Weiterbildung für Beschäftigte" in out
    assert SHARE_NONE_45 in out
    assert funding.main(["checklist", "schuhgroesse=42"]) == 1


# --- topics and contacts (moved from the bot) ----------------------------------------------


def test_topics_and_contacts_are_valid_and_reference_real_instruments():
    assert kfacts.validate() == []
    language = kfacts.load_topic("language")
    assert language.funding_instruments == ("integrationskurs", "berufssprachkurs")
    recognition = kfacts.load_topic("recognition")
    assert "Landesamt für Pflege" in recognition.body_for("82102").note  # Altenpflege
    assert "Landesamt für Pflege" in recognition.body_for("81302").note  # Pflegefachfrau
    assert "IHK FOSA" in recognition.body_for("43412").note  # Fachinformatiker
    assert "Handwerkskammer" in recognition.body_for("26212").note  # Elektroniker
    assert recognition.body_for("81102") is None  # MFA: no body researched -> Anerkennungs-Finder
    assert recognition.body_for(None) is None


def test_recognition_body_with_unknown_code_or_http_source_is_an_error():
    raw = json.loads((kfacts.DATA_DIR / "recognition.json").read_text(encoding="utf-8"))
    raw["bodies"][0]["kldb_prefixes"] = ["99999"]
    raw["bodies"][1]["sources"] = ["http://example.org"]
    errors = kfacts.topic_errors("recognition", raw, frozenset({"anerkennungszuschuss"}))
    assert any("kldb_prefixes" in e for e in errors) and any("https" in e for e in errors)
    contacts = kfacts.load_contacts()
    assert all(c.url is None or c.url.startswith("https://") for c in contacts)


def test_topic_validation_finds_errors():
    raw = json.loads((kfacts.DATA_DIR / "language.json").read_text(encoding="utf-8"))
    raw["sources"] = ["http://example.org"]
    raw["funding_instruments"] = ["gibtsnicht"]
    errors = kfacts.topic_errors("language", raw, frozenset({"integrationskurs"}))
    assert any("https" in e for e in errors) and any("gibtsnicht" in e for e in errors)
    assert kfacts.contact_errors({"contacts": [{"name": "X", "what": "", "url": "http://x.de"}]})


def test_validate_file_reports_unreadable_and_invalid_files(tmp_path) -> None:
    import json as _json

    from knowledge import funding as _funding

    missing = tmp_path / "missing.json"
    assert "nicht lesbar" in _funding.validate_file(missing)[0]
    broken = tmp_path / "broken.json"
    data = _json.loads(_funding.DEFAULT_PATH.read_text(encoding="utf-8"))
    data["instruments"][0]["sources"] = ["http://insecure.example.org"]
    broken.write_text(_json.dumps(data), encoding="utf-8")
    errors = _funding.validate_file(broken)
    assert errors and any("sources" in e or "Quelle" in e for e in errors), errors
    assert _funding.validate_file() == []  # the shipped file is valid
