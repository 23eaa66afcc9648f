"""The generated spaCy pipeline: patterns, folding, determinism, reload without lookups data."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nlu import build_pipeline

pytestmark = [pytest.mark.bot]


@pytest.fixture(scope="module")
def patterns():
    return build_pipeline.all_patterns()


@pytest.fixture(scope="module")
def nlp(spacy_pipeline_path):
    import spacy

    return spacy.load(spacy_pipeline_path)


def test_patterns_are_generated_from_every_source(patterns):
    labels = {p["label"] for p in patterns}
    assert labels == {
        "occupation",
        "municipality",
        "region",
        "goal",
        "time_model",
        "format",
        "employment_status",
        "qualification",
        "language",
        "topic",
    }
    by_phrase = {p["pattern"]: p for p in patterns}
    assert by_phrase["altenpflegerin"]["id"] == "82102"
    assert by_phrase["kita"]["id"] == "831"
    assert by_phrase["unterschleissheim"]["id"] == "Unterschleißheim"
    assert by_phrase["landkreis münchen"]["label"] == "region"
    assert by_phrase["berufsbegleitend"]["id"] == "berufsbegleitend"
    assert sum(p["label"] == "occupation" for p in patterns) > 50_000


def test_patterns_are_deterministic(patterns):
    assert build_pipeline.all_patterns() == patterns


def test_field_words_file_is_valid():
    from knowledge.kldb import load_kldb

    rows = build_pipeline.read_csv(build_pipeline.FIELD_WORDS)
    assert len(rows) >= 40
    kldb = load_kldb()
    for row in rows:
        assert 1 <= len(row["kldb"]) <= 4 and kldb.get(row["kldb"]) is not None, row


def test_profile_terms_use_canonical_values():
    allowed = {
        "goal": {"weiterbildung", "umschulung", "wiedereinstieg", "aufstieg"},
        "time_model": {"vollzeit", "teilzeit", "berufsbegleitend"},
        "format": {"praesenz", "online", "hybrid"},
        "employment_status": {
            "arbeitslos",
            "arbeitsuchend",
            "beschaeftigt",
            "selbststaendig",
            "elternzeit",
            "buergergeld",
            "kurzarbeit",
            "minijob",
            "student",
        },
        "qualification": {
            "Abitur",
            "Mittlere Reife",
            "Hauptschulabschluss",
            "Bachelor",
            "Master",
            "Diplom",
            "Staplerschein",
            "Ausbildung",
            "kein Abschluss",
        },
    }
    for row in build_pipeline.read_csv(build_pipeline.PROFILE_TERMS):
        if row["entity"] in ("language", "topic"):  # open vocabularies, canonical spelling
            assert row["value"][:1].isupper(), row
        else:
            assert row["value"] in allowed[row["entity"]], row


def _catalogue_and_training_text() -> str:
    import json

    from rasa.shared.nlu.training_data.loading import load_data

    parts = []
    for path in sorted((build_pipeline.ROOT / "knowledge" / "data" / "offers").glob("*.json")):
        for offer in json.loads(path.read_text(encoding="utf-8"))["offers"]:
            parts += [offer["title"], offer["description"]]
    training = load_data(str(build_pipeline.ROOT / "bot" / "data" / "nlu"), language="de")
    parts += [m.get("text") for m in training.intent_examples]
    return " ".join(parts).lower()


def test_topics_come_from_the_catalogue_or_the_training_data():
    """Every topic (canonical value) is a course subject that the offer catalogue or the training
    data uses, not a word picked from the held-out set; its terms are spellings and synonyms."""
    fold = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
    text = _catalogue_and_training_text().translate(fold)
    missing = sorted(
        {
            row["value"]
            for row in build_pipeline.read_csv(build_pipeline.PROFILE_TERMS)
            if row["entity"] == "topic" and row["value"].lower().translate(fold) not in text
        }
    )
    assert not missing, missing


@pytest.mark.parametrize(
    ("term", "compound"),
    [
        ("Excel", "Excelkurs"),
        ("Schweißen", "Schweißkurs"),
        ("Buchführung", "Buchführungskurs"),
        ("Italienisch", "Italienischkurs"),
        ("Datenschutz", "Datenschutz-Seminar"),
    ],
)
def test_course_compounds(term, compound):
    assert compound in build_pipeline.course_compounds(term)
    assert build_pipeline.course_compounds("Erste Hilfe") == set()


def test_not_occupations_are_left_out(patterns):
    by_phrase = {p["pattern"]: p for p in patterns}
    assert "anfänger" not in by_phrase
    assert by_phrase["master"]["label"] == "qualification"
    assert by_phrase["schweißkurs"]["id"] == "Schweißen"


def test_status_words_are_no_occupations(patterns):
    """KldB lists "Angestellte/r" as a title; in a message it is an employment status."""
    by_phrase = {p["pattern"]: p for p in patterns}
    assert (by_phrase["angestellte"]["label"], by_phrase["angestellte"]["id"]) == (
        "employment_status",
        "beschaeftigt",
    )
    assert "angestellten" not in by_phrase  # no plural of a title claimed by a status


@pytest.mark.parametrize(
    ("form", "plurals"),
    [
        ("erzieherin", {"erzieherinnen"}),
        ("pflegefachkraft", {"pflegefachkräfte"}),
        ("kaufmann", {"kaufleute", "kaufmänner"}),
        ("fachangestellte", {"fachangestellten"}),
        ("florist", {"floristen"}),
        ("friseur", {"friseure"}),
        ("zahnarzt", {"zahnärzte"}),
        ("erzieher", set()),
        ("medizin", set()),
        ("kauffrau im einzelhandel", set()),
    ],
)
def test_plural_forms(form, plurals):
    assert build_pipeline.plural_forms(form, {"erzieher", "erzieherin"}) == plurals


def test_plurals_and_spaced_compounds_match(patterns):
    by_phrase = {p["pattern"]: p for p in patterns}
    assert by_phrase["erzieherinnen"]["id"] == by_phrase["erzieherin"]["id"]
    assert by_phrase["pflegefachkraefte"]["id"] == by_phrase["pflegefachkraft"]["id"]
    assert by_phrase["kfz mechaniker"]["id"] == by_phrase["kfz-mechaniker"]["id"] == "25212"


def test_pipeline_components_and_meta(nlp, spacy_pipeline_path):
    assert nlp.lang == "de"
    assert nlp.pipe_names == ["entity_ruler", "lemmatizer"]
    meta = json.loads((spacy_pipeline_path / build_pipeline.INPUTS_FILE).read_text())
    assert meta["inputs"] == build_pipeline.input_hashes()
    assert build_pipeline.is_up_to_date(spacy_pipeline_path)


def test_lemmas_and_longest_match(nlp):
    doc = nlp("ich arbeitete früher als kauffrau im einzelhandel")
    assert [t.lemma_ for t in doc][1] == "arbeiten"
    assert [(e.text, e.ent_id_) for e in doc.ents] == [("kauffrau im einzelhandel", "62102")]


def test_folded_and_lower_case_spellings_match(nlp):
    for text, ent_id in [
        ("hoehenkirchen", "Höhenkirchen-Siegertsbrunn"),
        ("VERKÄUFERIN", "62102"),
        ("verkauferin", "62102"),
        ("pflegefachfrau/-mann", "81302"),
    ]:
        assert [e.ent_id_ for e in nlp(text.lower()).ents] == [ent_id]


def test_reloads_without_spacy_lookups_data(spacy_pipeline_path):
    code = (
        "import sys; sys.modules['spacy_lookups_data'] = None\n"
        "import spacy\n"
        f"nlp = spacy.load({str(spacy_pipeline_path)!r})\n"
        "print(nlp('wir arbeiteten')[1].lemma_)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("arbeiten")


def test_cli_skips_up_to_date_build(spacy_pipeline_path, capsys):
    if spacy_pipeline_path != build_pipeline.ROOT / "build" / "spacy-de":
        pytest.skip("only meaningful for the shared build directory")
    assert build_pipeline.main(["--out", str(spacy_pipeline_path), "--if-changed"]) == 0
    assert "up to date" in capsys.readouterr().out
