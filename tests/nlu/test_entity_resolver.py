"""EntityResolver on the real built pipeline (SpacyNLP -> EntityRuler spans) plus DIET merges."""

from __future__ import annotations

import pytest

from nlu.components.entity_resolver import occupation_role, resolve_entities

pytestmark = [pytest.mark.bot, pytest.mark.models]


def entities(message, kind=None):
    found = message.get("entities", [])
    return [e for e in found if kind is None or e["entity"] == kind]


def one(message, kind):
    found = entities(message, kind)
    assert len(found) == 1, found
    return found[0]


def test_current_occupation_target_field_and_municipality(parse):
    msg = parse("Ich bin Verkäuferin aus Haar und möchte in die Pflege")
    current, target = entities(msg, "occupation")
    assert (current["value"], current["kldb"], current["role"]) == (
        "Verkäuferin",
        "62102",
        "current",
    )
    assert current["kldb_title"].startswith("Berufe im Verkauf")
    assert (target["value"], target["kldb"], target["role"]) == ("Pflege", "813", "target")
    place = one(msg, "municipality")
    assert place["value"] == "Haar" and place["in_landkreis"] is True
    assert all(
        e["extractor"] == "EntityResolver" for e in entities(msg) if e["entity"] != "reply_language"
    )


def test_field_change_with_goal(parse):
    msg = parse("Ich arbeite im Einzelhandel in Unterhaching und will in die Altenpflege wechseln")
    current, target = entities(msg, "occupation")
    assert (current["kldb"], current["role"]) == ("621", "current")
    assert (target["kldb"], target["role"]) == ("821", "target")
    assert one(msg, "goal")["value"] == "umschulung"
    assert one(msg, "municipality")["value"] == "Unterhaching"


@pytest.mark.parametrize(
    ("text", "official"),
    [
        ("nein, ich wohne in Ottobrunn", "Ottobrunn"),
        ("unterschleissheim", "Unterschleißheim"),
        ("Hoehenkirchen", "Höhenkirchen-Siegertsbrunn"),
        ("garching", "Garching b.München"),
        ("Ich komme aus Garching b. München", "Garching b.München"),
        ("wohne in grafelfing", "Gräfelfing"),
        ("ich wohne in Unterhachnig", "Unterhaching"),  # typo, fuzzy fallback
    ],
)
def test_municipality_spellings(parse, text, official):
    place = one(parse(text), "municipality")
    assert place["value"] == official and place["in_landkreis"] is True


def test_city_is_outside_landkreis(parse):
    place = one(parse("Ich wohne in München"), "municipality")
    assert place["value"] == "München" and place["in_landkreis"] is False


def test_landkreis_muenchen_is_not_the_city(parse):
    assert entities(parse("Ich wohne im Landkreis München"), "municipality") == []


def test_outside_town(parse):
    place = one(parse("Dachau"), "municipality")
    assert place["value"] == "Dachau" and place["in_landkreis"] is False


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Ich bin Erzieher/in", "83113"),
        ("Pflegefachfrau", "81302"),
        ("Pflegefachmann", "81302"),
        ("Pflegefachfrau/-mann", "81302"),
        ("Kauffrau im Einzelhandel", "62102"),
        ("ich bin verkaeuferin", "62102"),
        ("ich bin altenpflegerin", "82102"),
    ],
)
def test_job_titles_resolve_to_berufsgattung(parse, text, code):
    occupation = one(parse(text), "occupation")
    assert occupation["kldb"] == code
    assert occupation["value"].lower() in text.lower()


def test_value_keeps_the_users_spelling(parse):
    occupation = one(parse("Ich bin ERZIEHERIN"), "occupation")
    assert occupation["value"] == "ERZIEHERIN"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Teilzeit", "time_model", "teilzeit"),
        ("am liebsten abends", "time_model", "berufsbegleitend"),
        ("neben dem Job", "time_model", "berufsbegleitend"),
        ("lieber online", "format", "online"),
        ("vor Ort bitte", "format", "praesenz"),
        ("praesenz", "format", "praesenz"),
        ("nach der Elternzeit", "goal", "wiedereinstieg"),
        ("Ich will mich weiterbilden", "goal", "weiterbildung"),
        ("Meister machen", "goal", "aufstieg"),
    ],
)
def test_profile_terms(parse, text, kind, value):
    assert one(parse(text), kind)["value"] == value


def test_ja_has_no_entities(parse):
    msg = parse("ja")
    assert [e for e in entities(msg) if e["entity"] != "reply_language"] == []
    assert msg.get("input_issue") is None


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Ich möchte Pflegefachfrau werden", "target"),
        ("Umschulung zur Erzieherin", "target"),
        ("Ich möchte als Erzieherin arbeiten", "target"),
        ("Ich arbeite als Koch", "current"),
        ("Ich habe Koch gelernt", "current"),
        ("Ich bin gelernte Verkäuferin", "current"),
        ("Ich war Altenpfleger", "current"),
        ("Erzieherin", None),
    ],
)
def test_role_cues(parse, text, role):
    assert one(parse(text), "occupation").get("role") == role


def test_occupation_role_is_clause_local():
    text = "Ich habe Koch gelernt und möchte als Erzieherin arbeiten"
    assert occupation_role(text, text.index("Koch"), text.index("Koch") + 4) == "current"
    start = text.index("Erzieherin")
    assert occupation_role(text, start, start + len("Erzieherin")) == "target"


def test_crf_overlap_is_replaced_and_context_cue_wins_over_crf_role(parse):
    text = "Ich bin Verkäuferin"
    start = text.index("Verkäuferin")
    crf = {
        "entity": "occupation",
        "start": start,
        "end": start + 7,
        "value": "Verkäuf",
        "role": "target",
        "extractor": "CRFEntityExtractor",
        "confidence_entity": 0.6,
    }
    occupation = one(parse(text, [crf]), "occupation")
    assert occupation["value"] == "Verkäuferin" and occupation["kldb"] == "62102"
    assert occupation["role"] == "current"  # "bin ..." is a clear cue
    assert occupation["extractor"] == "EntityResolver"
    # without a cue the CRF's role is kept
    alone = one(parse("Verkäuferin", [{**crf, "start": 0, "end": 11}]), "occupation")
    assert alone["role"] == "target"


def test_diet_span_missed_by_ruler_is_resolved_or_kept_without_code():
    text = "Ich war Bäckereifachverkäuferin und dann Glücksbringerin"
    first = text.index("Bäckereifachverkäuferin")
    second = text.index("Glücksbringerin")
    diet = [
        {"entity": "occupation", "start": first, "end": first + 23, "value": "x"},
        {"entity": "occupation", "start": second, "end": second + 15, "value": "y"},
        {"entity": "municipality", "start": 0, "end": 3, "value": "Ich"},
        {"entity": "topic", "start": 0, "end": 3, "value": "Ich"},
    ]
    result = resolve_entities(text, [], diet)
    occupations = [e for e in result if e["entity"] == "occupation"]
    assert occupations[0]["value"] == "Bäckereifachverkäuferin"
    assert occupations[0]["kldb"].startswith("623")
    assert occupations[1]["value"] == "Glücksbringerin" and "kldb" not in occupations[1]
    assert not [e for e in result if e["entity"] == "municipality"]  # unresolvable: dropped
    topic = one({"entities": result}, "topic")  # not a known topic: kept as written
    assert (topic["start"], topic["end"], topic["value"]) == (0, 3, "Ich")


def test_diet_profile_value_is_canonicalised():
    text = "gerne halbtags"
    diet = [{"entity": "time_model", "start": 6, "end": 14, "value": "halbtags"}]
    assert resolve_entities(text, [], diet)[0]["value"] == "teilzeit"


def test_no_duplicates_when_diet_and_ruler_agree(parse):
    text = "Ich wohne in Ottobrunn"
    start = text.index("Ottobrunn")
    diet = {"entity": "municipality", "start": start, "end": start + 9, "value": "Ottobrunn"}
    assert len(entities(parse(text, [diet]), "municipality")) == 1


def test_blocking_input_drops_diet_guesses(parse):
    junk = [
        {"entity": "occupation", "start": 0, "end": 1, "value": "😀"},
        {"entity": "municipality", "start": 9, "end": 17, "value": "arıyorum"},
    ]
    for text in ("😀😀", "Merhaba, iş arıyorum"):
        msg = parse(text, junk)
        assert [e["entity"] for e in entities(msg)] == ["input_issue"]


def test_diet_spans_without_letters_are_dropped():
    diet = [{"entity": "occupation", "start": 7, "end": 8, "value": ","}]
    assert resolve_entities("Merhaba, ja", [], diet) == []


def test_it_field_word_but_not_english_it(parse):
    msg = parse("Ich bin Bankkauffrau und möchte in die IT")
    current, target = entities(msg, "occupation")
    assert (current["kldb"], current["role"]) == ("72112", "current")
    assert (target["kldb"], target["role"]) == ("43", "target")
    assert one(parse("ich will in die it"), "occupation")["kldb"] == "43"
    assert entities(parse("Is it free? I am looking for a course"), "occupation") == []


def test_wish_to_work_in_field_is_target(parse):
    occupation = one(parse("Ich möchte gern in der Altenpflege arbeiten"), "occupation")
    assert (occupation["kldb"], occupation["role"]) == ("821", "target")
    current = one(parse("Ich arbeite in der Altenpflege"), "occupation")
    assert current["role"] == "current"


def test_head_of_qualified_titles_gives_group_code(parse):
    msg = parse("Ich suche eine Umschulung zum Fachinformatiker in Teilzeit")
    occupation = one(msg, "occupation")
    assert (occupation["kldb"], occupation["role"]) == ("43", "target")
    assert one(parse("Umschulung zur Pflegefachkraft"), "occupation")["kldb"] == "813"


def test_repeated_profile_value_is_reported_once(parse):
    msg = parse("Ich will nach der Elternzeit zurück in den Beruf")
    assert [e["value"] for e in entities(msg, "goal")] == ["wiedereinstieg"]


def test_offsets_survive_lowercasing_that_changes_length(parse):
    text = "İİ ich wohne in Ottobrunn"  # "İ".lower() has two characters
    place = one(parse(text), "municipality")
    assert text[place["start"] : place["end"]] == "Ottobrunn"


def test_status_word_inside_a_company_size_is_no_entity_of_its_own(parse):
    text = "Unser Betrieb hat 15 Angestellte"
    size = {"entity": "company_size", "start": 18, "end": 32, "value": "klein"}
    msg = parse(text, [size])
    assert [e["entity"] for e in entities(msg) if e["entity"] != "reply_language"] == [
        "company_size"
    ]
    status = one(parse("Ich bin Angestellte"), "employment_status")
    assert status["value"] == "beschaeftigt"


def test_keyword_entities_from_the_ruler(parse):
    msg = parse("Ich will einen Schweißkurs machen, habe einen Realschulabschluss")
    assert one(msg, "topic")["value"] == "Schweißen"
    assert one(msg, "qualification")["value"] == "Mittlere Reife"
    assert one(parse("Italienischkurs gesucht"), "language")["value"] == "Italienisch"
    assert one(parse("ich bin ohne Arbeit"), "employment_status")["value"] == "arbeitslos"


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("45 bin ich", ["45"]),
        ("Mein Alter: 59", ["59"]),
        ("Welche Förderung gibt es mit 55 Jahren noch?", ["55"]),
        ("ich bin 32 und ohne Arbeit", ["32"]),
        ("Ich bin 45.", ["45"]),
        ("Ich bin seit 15 Jahren Pflegerin", []),
        ("Wir sind ein Betrieb mit 20 Leuten", []),
        ("Der Kurs hat 40 Stunden", []),
    ],
)
def test_rule_ages(text, ages):
    assert [e["value"] for e in resolve_entities(text, [], []) if e["entity"] == "age"] == ages


def test_crf_ages_need_to_be_plausible():
    text = "Wie viel ist 17 mal 23?"
    crf = [
        {"entity": "age", "start": 13, "end": 15, "value": "17"},
        {"entity": "age", "start": 20, "end": 22, "value": "23"},
    ]
    assert resolve_entities(text, [], crf) == []
    text = "39, Minijob"
    kept = resolve_entities(text, [], [{"entity": "age", "start": 0, "end": 2, "value": "39"}])
    assert [e["value"] for e in kept] == ["39"]


def test_role_from_wish_words_plurals_and_intent(parse):
    wish = one(parse("Mein Wunschberuf ist Fachinformatikerin"), "occupation")
    assert wish["role"] == "target"
    trained = one(parse("Mechatronikerin von Beruf"), "occupation")
    assert trained["role"] == "current"
    shortage = {"name": "ask_shortage_occupations", "confidence": 0.9}
    plural = one(parse("Braucht man Erzieherinnen?", intent=shortage), "occupation")
    assert (plural["value"], plural["kldb"], plural["role"]) == ("Erzieherinnen", "83113", "target")
    spaced = one(parse("arbeite als kfz mechaniker"), "occupation")
    assert (spaced["kldb"], spaced["role"]) == ("25212", "current")


def test_small_talk_carries_no_profile_keywords(parse):
    goodbye = {"name": "goodbye", "confidence": 0.9}
    assert not entities(parse("Schönes Wochenende und tschüss", intent=goodbye), "time_model")
    inform = {"name": "inform", "confidence": 0.9}
    assert one(parse("am Wochenende", intent=inform), "time_model")["value"] == "berufsbegleitend"


def test_address_words_are_no_occupations():
    text = "Guten Tag, hier ist Frau Maier"
    crf = [{"entity": "occupation", "start": 20, "end": 24, "value": "Frau"}]
    assert resolve_entities(text, [], crf) == []
