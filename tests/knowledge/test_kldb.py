"""KldB 2010 lookup: hierarchy, Anforderungsniveau, gendered title forms, title resolution."""

import pytest

from knowledge.kldb import (
    Occupation,
    expand_title_forms,
    fold_variants,
    load_kldb,
    match_keys,
    parse_examples,
)


@pytest.fixture(scope="module")
def kldb():
    return load_kldb()


def test_loads_all_levels_with_zero_padded_codes(kldb):
    levels = {o.level for o in kldb}
    assert levels == {1, 2, 3, 4, 5}
    assert len([o for o in kldb if o.level == 5]) == 1301
    assert all(len(o.code) == o.level for o in kldb)
    assert kldb.get("01104") is not None  # military codes keep their leading zero


def test_get_returns_occupation_with_titles(kldb):
    occ = kldb.get("82102")
    assert isinstance(occ, Occupation)
    assert occ.level == 5
    assert occ.short_title == "Altenpflege (o.S.) - Fachkraft"
    assert "Altenpfleger/in" in occ.job_titles
    assert "Pflegefachmann/-frau (Altenpflege)" in occ.job_titles
    assert "&nbsp;" not in occ.title


def test_parents_and_children(kldb):
    assert [o.code for o in kldb.parents("82102")] == ["8", "82", "821", "8210"]
    children = [o.code for o in kldb.children("821")]
    assert "8210" in children and all(len(c) == 4 and c.startswith("821") for c in children)
    assert {o.code for o in kldb.children("8210")} >= {"82101", "82102"}


@pytest.mark.parametrize(
    ("code", "level"),
    [("82101", "Helfer"), ("82102", "Fachkraft"), ("83113", "Spezialist"), ("43414", "Experte")],
)
def test_anforderungsniveau(kldb, code, level):
    assert kldb.anforderungsniveau(code) == level


def test_anforderungsniveau_none_for_groups(kldb):
    assert kldb.anforderungsniveau("821") is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Altenpfleger/in", {"Altenpfleger", "Altenpflegerin"}),
        ("Pflegefachmann/-frau (Ausbildung)", {"Pflegefachmann", "Pflegefachfrau"}),
        ("Erzieher/in", {"Erzieher", "Erzieherin", "Erzieher/in"}),
        ("Verkäufer/in", {"Verkäufer", "Verkäuferin"}),
        (
            "Kaufmann/-frau - Einzelhandel",
            {"Kaufmann im Einzelhandel", "Kauffrau im Einzelhandel", "Kaufmann Einzelhandel"},
        ),
        ("Koch/Köchin", {"Koch", "Köchin"}),
        ("Amtmann/-männin", {"Amtmann", "Amtmännin"}),
        (
            "Wirtschaftskaufmann/-kauffrau im Einzelhandel",
            {"Wirtschaftskaufmann im Einzelhandel", "Wirtschaftskauffrau im Einzelhandel"},
        ),
        ("Zahnarzt/-ärztin", {"Zahnarzt", "Zahnärztin"}),
        (
            "Landwirtschaftliche/r Gehilfe/Gehilfin",
            {"Landwirtschaftlicher Gehilfe", "Landwirtschaftliche Gehilfin"},
        ),
    ],
)
def test_expand_title_forms(title, expected):
    assert expected <= expand_title_forms(title)


def test_expand_keeps_qualified_form_and_reverse_gender_spelling():
    forms = expand_title_forms("Pflegefachmann/-frau (Ausbildung)")
    assert "Pflegefachfrau (Ausbildung)" in forms
    assert "Pflegefachfrau/-mann" in forms


def test_fold_variants_cover_umlaut_and_sharp_s():
    assert fold_variants("Gräfelfing") == {"gräfelfing", "graefelfing", "grafelfing"}
    assert "unterschleissheim" in fold_variants("Unterschleißheim")
    assert match_keys("Kfz-Mechatroniker") == match_keys("kfz mechatroniker")


def test_parse_examples_reads_codes_and_titles():
    cell = "Zugeordnete Berufe (Beispiele):  82102-100 Altenbetreuer/in  82102-101 Altenpfleger/in"
    assert parse_examples(cell) == [("82102", "Altenbetreuer/in"), ("82102", "Altenpfleger/in")]
    assert parse_examples("Die Systematikposition umfasst ...") == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Altenpflegerin", "82102"),
        ("altenpfleger", "82102"),
        ("Verkäuferin", "62102"),
        ("Verkaeuferin", "62102"),
        ("verkauferin", "62102"),
        ("Erzieher/in", "83113"),
        ("Erzieherin", "83113"),
        ("Kauffrau im Einzelhandel", "62102"),
        ("Kaufmann Einzelhandel", "62102"),
        ("Koch", "29302"),
        ("Bürokauffrau", "71402"),
    ],
)
def test_find_by_title(kldb, text, code):
    assert kldb.find_by_title(text)[0].code == code


def test_ambiguous_title_prefers_fachkraft_level(kldb):
    # Pflegefachmann/-frau appears under 81302 (3 titles), 82102 and 81313 (Spezialist).
    codes = [o.code for o in kldb.find_by_title("Pflegefachfrau")]
    assert set(codes) >= {"81302", "82102", "81313"}
    assert codes[0] == "81302"
    assert codes.index("81313") > codes.index("82102")


def test_unknown_title_gives_empty_list(kldb):
    assert kldb.find_by_title("Zauberlehrling der Sterne") == []
    assert kldb.best_code_for_title("") is None


def test_surface_forms_map_to_level5_codes(kldb):
    forms = kldb.surface_forms()
    assert forms["Altenpflegerin"] == "82102"
    assert forms["Pflegefachmann"] == "81302"
    assert all(len(code) == 5 for code in forms.values())


def test_head_groups_share_a_code_prefix(kldb):
    heads = kldb.head_groups()
    assert heads["Fachinformatiker"] == "43"
    assert heads["Pflegefachkraft"] == "813"
    assert "Helfer" not in heads  # spread over many Berufsbereiche
    assert "Altenpfleger" not in heads  # a title of its own
    assert all(kldb.get(code) is not None for code in heads.values())


def test_resolve_code_prefers_exact_titles(kldb):
    assert kldb.resolve_code("Altenpflegerin") == "82102"
    assert kldb.resolve_code("Fachinformatikerin") == "43"
    assert kldb.resolve_code("Glücksbringer") is None
