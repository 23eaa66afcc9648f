"""Build the German spaCy pipeline used by Rasa's SpacyNLP: ``build/spacy-de``.

    python -m nlu.build_pipeline --out build/spacy-de [--if-changed]

Pipeline: ``spacy.blank("de")`` + an EntityRuler whose patterns are generated + a lookup
lemmatizer (its table from spacy-lookups-data is saved with the pipeline, so it reloads
without that package):

- ``occupation``: every expanded KldB level-5 example title and short title (id = 5-digit code,
  ambiguity rule of ``knowledge.kldb``), the heads of qualified titles ("Fachinformatiker" -> 43,
  ``Kldb.head_groups``), the field words of ``nlu/patterns/field_words.csv`` (id = 1-4 digit
  group code) and the terms of ``nlu/patterns/occupation_terms.csv`` that the KldB lacks: trade
  abbreviations ("MFA", "Anlagenmechaniker SHK", "Elektroniker EGT", "FIAE"), colloquial German
  titles ("Krankenpfleger", "Lkw-Fahrer") and common English job titles ("nurse", "truck
  driver"), id = the 5-digit code of the KldB title named in the file;
- ``municipality``: every surface form of ``knowledge.gazetteer`` (id = official/canonical name);
- ``region``: "Landkreis München" and similar (id "Landkreis München"), so the district never
  matches as the city;
- ``goal``, ``time_model``, ``format``, ``employment_status``, ``qualification``, ``language``,
  ``topic``: ``nlu/patterns/profile_terms.csv`` (id = canonical value; topics are course subjects
  of the offer catalogue and the training data, languages also as "Italienischkurs"); they come
  before the occupation titles, so status words that KldB also lists as a title ("Angestellte")
  are employment statuses and "Master" is a degree.

Matching is on the token attribute LOWER; every pattern is added in its folded spellings too
(ß->ss, ä->ae, ä->a), so "unterschleissheim" or "Verkaeuferin" match, and hyphenated
occupations also with a space ("kfz mechaniker"). One-word KldB titles get their German plurals
("Erzieherinnen", "Pflegekräfte"; ``plural_forms``), added after every singular phrase. Titles
in ``nlu/patterns/not_occupations.csv`` ("Anfänger") are left out. The EntityRuler keeps the
longest match. When two sources produce the same folded phrase, the first source wins in this
order: region, municipality, profile terms, occupation terms, field words, occupation titles.

The build is deterministic; ``inputs.json`` in the output folder records the SHA-256 of every
input so ``--if-changed`` (and the Makefile) can skip an up-to-date build.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from knowledge import gazetteer
from knowledge.kldb import DATA_FILE as KLDB_FILE
from knowledge.kldb import fold_variants, load_kldb

ROOT = Path(__file__).resolve().parent.parent
PATTERN_DIR = Path(__file__).resolve().parent / "patterns"
FIELD_WORDS = PATTERN_DIR / "field_words.csv"
PROFILE_TERMS = PATTERN_DIR / "profile_terms.csv"
NOT_OCCUPATIONS = PATTERN_DIR / "not_occupations.csv"
OCCUPATION_TERMS = PATTERN_DIR / "occupation_terms.csv"
INPUTS_FILE = "inputs.json"
REGION_ID = "Landkreis München"

INPUT_FILES: tuple[Path, ...] = (
    KLDB_FILE,
    gazetteer.DATA_FILE,
    FIELD_WORDS,
    PROFILE_TERMS,
    NOT_OCCUPATIONS,
    OCCUPATION_TERMS,
    ROOT / "knowledge" / "kldb.py",
    ROOT / "knowledge" / "gazetteer.py",
    Path(__file__).resolve(),
)


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a comma-separated pattern file with a header."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if any(v.strip() for v in row.values())]


def occupation_term_entries() -> Iterator[tuple[str, str, str]]:
    """(label, surface, id) for abbreviations, colloquial and English job titles."""
    for row in read_csv(OCCUPATION_TERMS):
        yield "occupation", row["term"].strip(), row["kldb"].strip()


def field_word_entries() -> Iterator[tuple[str, str, str]]:
    """(label, surface, id) for field words."""
    for row in read_csv(FIELD_WORDS):
        yield "occupation", row["word"].strip(), row["kldb"].strip()


COMPOUND_ENTITIES = ("topic", "language")
COURSE_WORDS = ("kurs", "kurse", "seminar", "seminare", "schulung", "schulungen", "lehrgang")
_LINKING_S_ENDINGS = ("ung", "heit", "keit", "ion", "tät", "schaft")


def course_compounds(term: str) -> set[str]:
    """Course words compounded with a one-word subject: "Excel" -> "Excelkurs", "Excel-Kurs";
    "Schweißen" -> "Schweißkurs"; "Buchführung" -> "Buchführungskurs" (linking s)."""
    if " " in term:
        return set()
    stem = term
    if term.endswith(_LINKING_S_ENDINGS):
        stem = term + "s"
    elif term.endswith("en") and term[:1].isupper() and len(term) > 6:
        stem = term[:-2]  # nominalised verb: Schweißen -> Schweiß-
    found = set()
    for word in COURSE_WORDS:
        found.add(stem + word)
        found.add(f"{term}-{word.capitalize()}")
    return found


def profile_term_entries() -> Iterator[tuple[str, str, str]]:
    """(label, surface, id) for the keyword terms (goal, time_model, format, employment_status,
    qualification, language, topic); course compounds of topics and languages come last."""
    rows = read_csv(PROFILE_TERMS)
    for row in rows:
        yield row["entity"].strip(), row["term"].strip(), row["value"].strip()
    for row in rows:
        if row["entity"].strip() in COMPOUND_ENTITIES:
            for compound in sorted(course_compounds(row["term"].strip())):
                yield row["entity"].strip(), compound, row["value"].strip()


def place_entries() -> Iterator[tuple[str, str, str]]:
    """(label, surface, id) for the district, municipalities and outside places."""
    for form in gazetteer.REGION_FORMS:
        yield "region", form, REGION_ID
    for form, name in sorted(gazetteer.surface_forms().items()):
        yield "municipality", form, name


def occupation_entries() -> Iterator[tuple[str, str, str]]:
    """(label, surface, id) for expanded KldB title forms.

    Forms with parentheses or paragraph signs ("Verkaufskraft (§66 BBiG/§42m HWO)") are left to
    ``Kldb.find_by_title``: nobody types them, and they would only slow down loading.
    Titles listed in ``nlu/patterns/not_occupations.csv`` (common words such as "Anfänger") are
    left out.
    """
    kldb = load_kldb()
    stop = {row["word"].strip().lower() for row in read_csv(NOT_OCCUPATIONS)}
    for form, code in sorted(kldb.surface_forms().items()):
        if not any(ch in form for ch in "()§") and form.lower() not in stop:
            yield "occupation", form, code
    for head, group in sorted(kldb.head_groups().items()):  # "Fachinformatiker" -> 43
        if head.lower() not in stop:
            yield "occupation", head, group


_INNER_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_VOWELS = frozenset("aeiouäöü")


SPACED_LABELS = frozenset({"occupation"})


def spelling_variants(surface: str, spaced: bool = False) -> set[str]:
    """Folded spellings (``fold_variants``); with ``spaced`` also, for hyphenated compounds, the
    spelling with a space instead of the hyphen: "Kfz-Mechaniker" is also typed "kfz mechaniker".
    (Only for occupations: "Excel Kurs" is a topic followed by a word, not one phrase.)"""
    variants = set()
    for variant in fold_variants(surface):
        variants.add(" ".join(variant.split()))
        if spaced and _INNER_HYPHEN.search(variant):
            variants.add(" ".join(_INNER_HYPHEN.sub(" ", variant).split()))
    return {v for v in variants if v}


def plural_forms(form: str, singulars: set[str]) -> set[str]:
    """German plurals of a one-word, lower-cased job title ("erzieherin" -> "erzieherinnen",
    "pflegefachkraft" -> "pflegefachkräfte", "kaufmann" -> "kaufleute"/"kaufmänner").

    Titles ending in -er/-el are their own plural. A final "-in" is only read as the feminine
    suffix when the form without it is a title too (``singulars``), so "Medizin" stays alone.
    """
    if " " in form or len(form) < 4:
        return set()
    if form.endswith("kraft"):
        return {form[:-5] + "kräfte"}
    if form.endswith("mann"):
        return {form[:-4] + "leute", form[:-4] + "männer"}
    if form.endswith("frau"):
        return {form + "en"}
    if form.endswith("arzt"):
        return {form[:-4] + "ärzte"}
    if form.endswith("in") and form[:-2] in singulars:
        return {form + "nen"}
    if form.endswith("e") and form[-2] not in _VOWELS:
        return {form + "n"}
    if form.endswith(("ist", "ant", "ent", "eut", "at", "or")):
        return {form + "en"}
    if form.endswith("eur"):
        return {form + "e"}
    return set()


def generate_patterns(
    entries: Iterable[tuple[str, str, str]],
    pluralise: Iterable[tuple[str, str, str]] = (),
) -> list[dict[str, str]]:
    """Phrase patterns in all spellings; the first entry claiming a phrase keeps it.

    The plurals (``plural_forms``) of the phrases that the ``pluralise`` entries (a subset of
    ``entries``: the KldB titles) claimed are added last, so they never take a phrase from a
    singular of any label.
    """
    claimed: dict[str, tuple[str, str]] = {}
    for label, surface, ent_id in entries:
        for variant in sorted(spelling_variants(surface, label in SPACED_LABELS)):
            if variant not in claimed:
                claimed[variant] = (label, ent_id)
    sources = list(pluralise)
    labels = {label for label, _, _ in sources}
    singulars = {phrase for phrase, (label, _) in claimed.items() if label in labels}
    plurals: dict[str, tuple[str, str]] = {}
    for label, surface, ent_id in sources:
        for phrase in sorted(spelling_variants(surface, label in SPACED_LABELS)):
            if claimed.get(phrase) != (label, ent_id):
                continue  # claimed by an earlier source ("angestellte" is a status)
            for plural in sorted(plural_forms(phrase, singulars)):
                for variant in sorted(spelling_variants(plural, label in SPACED_LABELS)):
                    if variant not in claimed and variant not in plurals:
                        plurals[variant] = (label, ent_id)
    claimed.update(plurals)
    return [
        {"label": label, "pattern": phrase, "id": ent_id}
        for phrase, (label, ent_id) in sorted(claimed.items())
    ]


def all_patterns() -> list[dict[str, str]]:
    """Every entity pattern of the pipeline, in precedence order (see module docstring)."""
    titles = list(occupation_entries())

    def entries() -> Iterator[tuple[str, str, str]]:
        yield from place_entries()
        yield from profile_term_entries()
        yield from occupation_term_entries()
        yield from field_word_entries()
        yield from titles

    return generate_patterns(entries(), pluralise=titles)


def input_hashes() -> dict[str, str]:
    """SHA-256 of each input file (repository-relative path -> hex digest) plus the spaCy
    version."""
    import spacy

    hashes = {
        str(path.relative_to(ROOT)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in INPUT_FILES
    }
    hashes["spacy"] = spacy.about.__version__
    return hashes


def is_up_to_date(out: Path) -> bool:
    """True when ``out`` was built from exactly the current inputs."""
    meta = out / INPUTS_FILE
    if not meta.is_file() or not (out / "config.cfg").is_file():
        return False
    try:
        return json.loads(meta.read_text(encoding="utf-8")).get("inputs") == input_hashes()
    except (OSError, json.JSONDecodeError):
        return False


def build_nlp(patterns: list[dict[str, str]]):
    """The in-memory pipeline: blank German tokenizer, EntityRuler, lookup lemmatizer."""
    import spacy

    nlp = spacy.blank("de")
    # The ruler comes first: when patterns are (re)loaded, spaCy runs the pipes before the ruler on
    # every phrase pattern, so this order keeps loading fast (tokenizer only).
    ruler = nlp.add_pipe(
        "entity_ruler",
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True, "validate": False},
    )
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lemma lookup table from spacy-lookups-data
    ruler.add_patterns(patterns)
    nlp.meta.update(
        {
            "name": "bildungslotse",
            "version": "0.1.0",
            "description": "Blank German pipeline with lookup lemmatizer and generated EntityRuler "
            "(KldB 2010 titles, field words, Landkreis München places, profile terms).",
            "sources": [
                {
                    "name": "Klassifikation der Berufe 2010, Fassung 2020",
                    "author": "Bundesagentur für Arbeit",
                    "url": "https://statistik.arbeitsagentur.de",
                },
            ],
        }
    )
    return nlp


def build(out: Path) -> dict[str, object]:
    """Build and save the pipeline to ``out`` atomically; returns a summary."""
    started = time.monotonic()
    patterns = all_patterns()
    nlp = build_nlp(patterns)
    out = out.resolve()
    tmp = out.with_name(out.name + ".tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    if tmp.exists():
        shutil.rmtree(tmp)
    nlp.to_disk(tmp)
    labels: dict[str, int] = {}
    for pattern in patterns:
        labels[pattern["label"]] = labels.get(pattern["label"], 0) + 1
    summary = {"inputs": input_hashes(), "patterns": labels}
    (tmp / INPUTS_FILE).write_text(json.dumps(summary, indent=2, sort_keys=True), encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    summary["seconds"] = round(time.monotonic() - started, 1)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "spacy-de")
    parser.add_argument("--if-changed", action="store_true", help="skip when inputs are unchanged")
    args = parser.parse_args(argv)
    if args.if_changed and is_up_to_date(args.out):
        print(f"{args.out} is up to date")
        return 0
    summary = build(args.out)
    print(f"built {args.out}: {summary['patterns']} in {summary['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
