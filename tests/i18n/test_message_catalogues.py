"""The message catalogues (i18n/locales/*.po) and their loader; runs in both environments
(bot: Python 3.10, app: Python 3.11)."""

from __future__ import annotations

import pytest

import i18n
from i18n import STYLE_DE, STYLE_EN, STYLE_PLAIN, STYLES, catalogue, placeholders
from i18n.catalogue import LOCALES_DIR
from knowledge.schema import COURSE_TYPES, FORMATS, GOALS, TIME_MODELS


def test_there_is_one_catalogue_per_style_and_nothing_else():
    assert sorted(p.stem for p in LOCALES_DIR.glob("*.po")) == sorted(STYLES)


@pytest.mark.parametrize("style", [STYLE_PLAIN, STYLE_EN])
def test_every_key_exists_in_every_language(style):
    german, other = catalogue(STYLE_DE), catalogue(style)
    assert set(german.singular) == set(other.singular), sorted(
        set(german.singular) ^ set(other.singular)
    )
    assert set(german.plural) == set(other.plural), sorted(set(german.plural) ^ set(other.plural))


@pytest.mark.parametrize("style", [STYLE_PLAIN, STYLE_EN])
def test_placeholders_are_the_same_in_every_language(style):
    for key in catalogue(STYLE_DE).keys():
        german = set().union(*(placeholders(t) for t in catalogue(STYLE_DE).templates(key)))
        other = set().union(*(placeholders(t) for t in catalogue(style).templates(key)))
        assert german == other, (key, style)


@pytest.mark.parametrize("style", STYLES)
def test_no_message_is_empty_and_plurals_have_two_forms(style):
    cat = catalogue(style)
    assert all(text for text in cat.singular.values())
    for key, forms in cat.plural.items():
        assert len(forms) == 2 and all(forms), key


def test_german_labels_are_the_vocabulary_labels():
    for kind, labels in (
        ("goal", GOALS),
        ("time_model", TIME_MODELS),
        ("format", FORMATS),
        ("course_type", COURSE_TYPES),
    ):
        for value, label in labels.items():
            assert i18n.label(kind, value) == label
        for style in STYLES:  # every value of the vocabulary has a label in every style
            assert all(f"label.{kind}.{v}" in catalogue(style).singular for v in labels)


def test_text_fills_named_placeholders_and_unknown_styles_fall_back_to_german():
    assert i18n.text("offers.area", STYLE_DE, km=25.0, place="Haar") == (
        "bis 25 km um Haar oder online"
    )
    assert i18n.text("offers.area", "fr", km=25.0, place="Haar") == (
        "bis 25 km um Haar oder online"
    )
    assert i18n.text("offers.area", STYLE_EN, km=25.0, place="Haar") == (
        "up to 25 km around Haar or online"
    )
    with pytest.raises(KeyError):
        i18n.text("offers.no_such_key")


@pytest.mark.parametrize(
    ("count", "style", "expected"),
    [
        (1, STYLE_DE, "Hier ist ein passendes Angebot"),
        (3, STYLE_DE, "Hier sind 3 passende Angebote"),
        (1, STYLE_EN, "Here is a suitable offer"),
        (2, STYLE_EN, "Here are 2 suitable offers"),
        (0, STYLE_PLAIN, "Ich habe 0 Kurse für Sie gefunden"),
    ],
)
def test_plural_forms_follow_the_count(count, style, expected):
    assert i18n.plural("offers.lead", count, style) == expected


def test_plural_of_a_singular_key_is_an_error():
    with pytest.raises(KeyError):
        i18n.plural("offers.area", 2)


def test_quotes_and_dates_per_style():
    assert i18n.quoted("Kurs") == "„Kurs“"
    assert i18n.quoted("Kurs", STYLE_EN) == '"Kurs"'
    assert i18n.format_date("2027-03-01") == "01.03.2027"
    assert i18n.format_date("2027-03-01", STYLE_EN) == "2027-03-01"
    assert i18n.format_date("bald") is None


def test_page_labels_are_the_page_keys_of_the_catalogue():
    for style in STYLES:
        page = i18n.page_labels(style)
        keys = {k for k in catalogue(style).singular if k.startswith("page.")}
        assert {f"page.{k}" for k in page["text"]} == keys
        assert page["labels"]["format"] == {v: i18n.label("format", v, style) for v in FORMATS}
