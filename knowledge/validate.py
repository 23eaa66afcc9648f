"""Validate the whole knowledge base: ``python -m knowledge.validate [--today YYYY-MM-DD]``.

Checks the offer catalogue (schema, duplicate ids, KldB codes exist in the KldB CSV,
municipalities known in ``places.json``, coordinates within 60 km of Munich's centre, URLs
well-formed, source and date present, ``example_fields`` name real fields and every invented
field of a demonstration record, funding tags backed by the exam they depend on, no
near-duplicate descriptions; see :mod:`knowledge.honesty`), the shortage CSV, facts known only
from reports never shown as established anywhere, and that every Landkreis municipality has at
least one current place-bound offer within :data:`knowledge.geo.DEFAULT_REACH_KM` in each
shortage field present in the catalogue, the funding rules (:mod:`knowledge.funding`), the
recognition/language/contact facts (:mod:`knowledge.facts`), the situation cues
(:mod:`knowledge.situation`) and (for the shipped catalogue) the
learning paths of ``knowledge/data/learning_paths.json`` (see :mod:`knowledge.paths`). Prints counts and exits
with 1 on any error.
Works with whatever offer files exist.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from knowledge import facts, funding, geo, honesty, paths, situation
from knowledge.catalogue import DEFAULT_DIR, Catalogue, load_catalogue, near_duplicates
from knowledge.checks import kldb_codes, url_ok
from knowledge.schema import FIELDS, ONLINE_MUNICIPALITY, Offer
from knowledge.shortage import is_shortage, load_shortages

MAX_KM_FROM_MUNICH = 60.0
#: KldB groups (Berufsgruppen) that define each catalogue field; a field counts as a
#: shortage field when one of its groups is an Engpass in ``shortage_occupations.csv``.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "pflege": ("813", "821"),
    "kita": ("831",),
    "mfa": ("811",),
    "it": ("431", "432", "433", "434"),
    "handwerk": ("252", "262", "321", "322", "342"),
    "kraftfahrer": ("521",),
}
OFFER_FIELD_NAMES = frozenset(f.name for f in dataclasses.fields(Offer))


@dataclass
class Report:
    """Outcome of a validation run."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    coverage: dict[str, dict[str, int]] = field(default_factory=dict)
    #: further sections (title, lines) printed after the counts, e.g. learning paths
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def shortage_fields(catalogue: Catalogue) -> list[str]:
    """Fields present in the catalogue whose KldB groups include an Engpass entry."""
    return [
        f
        for f in catalogue.fields()
        if any(is_shortage(group) for group in FIELD_GROUPS.get(f, ()))
    ]


def check_offer(offer: Offer, codes: frozenset[str]) -> list[str]:
    """Problems of one loaded offer (beyond the schema checks done while loading)."""
    problems = []
    for code in offer.kldb_targets:
        if code not in codes:
            problems.append(f"KldB-Code {code} existiert nicht")
    if offer.format == "online":
        known = geo.coordinates(offer.municipality) is not None
        if offer.municipality != ONLINE_MUNICIPALITY and not known:
            problems.append(f"Ort '{offer.municipality}' unbekannt")
    else:
        # an imported venue may be a town outside places.json if the offer has coordinates
        if geo.coordinates(offer.municipality) is None and (offer.lat is None or offer.lon is None):
            problems.append(f"Ort '{offer.municipality}' nicht in places.json")
        if offer.lat is not None and offer.lon is not None:
            dist = geo.haversine_km(*geo.MUNICH_CENTRE, offer.lat, offer.lon)
            if dist > MAX_KM_FROM_MUNICH:
                problems.append(f"Koordinaten {dist:.0f} km vom Münchner Zentrum entfernt")
    if not url_ok(offer.url):
        problems.append(f"URL '{offer.url}' ist ungültig")
    if not offer.source.strip():
        problems.append("source fehlt")
    unknown = set(offer.example_fields) - OFFER_FIELD_NAMES
    if unknown:
        problems.append(f"example_fields nennt unbekannte Felder: {', '.join(sorted(unknown))}")
    return [f"{offer.id}: {p}" for p in problems] + honesty.offer_problems(offer)


def coverage(catalogue: Catalogue, field_name: str, today: dt.date) -> dict[str, int]:
    """Per Landkreis municipality: current place-bound offers of a field within reach."""
    offers = [
        o
        for o in catalogue.by_field(field_name)
        if o.format != "online" and o.is_current(today) and o.lat is not None
    ]
    return {
        m: sum(1 for o in offers if geo.within_reach(m, o.lat, o.lon))
        for m in geo.landkreis_municipalities()
    }


def validate(path: Path | str | None = None, today: dt.date | None = None) -> Report:
    """Run all checks on the catalogue directory (default ``knowledge/data/offers``)."""
    today = today or dt.date.today()
    report = Report()
    try:
        load_shortages()
    except ValueError as exc:
        report.errors.append(f"shortage_occupations.csv: {exc}")
    report.errors.extend(f"Förderregeln: {e}" for e in funding.validate_file())
    report.errors.extend(f"Fakten: {e}" for e in facts.validate())
    report.errors.extend(f"Situations-Hinweise: {e}" for e in situation.problems())
    catalogue = load_catalogue(path, strict=False)
    report.errors.extend(str(e) for e in catalogue.errors)
    codes = kldb_codes()
    for offer in catalogue:
        report.errors.extend(check_offer(offer, codes))
        if offer.last_updated > today:
            report.warnings.append(f"{offer.id}: last_updated liegt in der Zukunft")
        if not offer.kldb_targets and set(offer.fields) & set(FIELD_GROUPS):
            report.warnings.append(f"{offer.id}: keine kldb_targets in einem Engpassfeld")
        if not offer.is_current(today):
            report.warnings.append(f"{offer.id}: alle Starttermine liegen in der Vergangenheit")
    for a, b, score in near_duplicates(catalogue.offers):
        report.errors.append(f"{a} und {b}: Beschreibungen fast gleich (Ähnlichkeit {score})")
    report.counts = {
        "Feld": Counter(f for o in catalogue for f in o.fields),
        "Anbieter": Counter(o.provider for o in catalogue),
        "Format": Counter(o.format for o in catalogue),
    }
    for f in shortage_fields(catalogue):
        cov = coverage(catalogue, f, today)
        report.coverage[f] = cov
        for municipality, n in cov.items():
            if n == 0:
                report.errors.append(
                    f"Feld '{f}': kein aktuelles Präsenz-/Hybridangebot im Umkreis von "
                    f"{geo.DEFAULT_REACH_KM:g} km um {municipality}"
                )
    fact_files = [facts.DATA_DIR / f"{key}.json" for key in facts.TOPICS]
    fact_files.append(facts.DATA_DIR / facts.CONTACTS_FILE)
    if path is None or Path(path).resolve() == DEFAULT_DIR.resolve():
        # learning paths link to the shipped catalogue; a partial folder would miss their offers
        report.errors.extend(paths.validate_paths(catalogue, today=today))
        report.sections.append(("Lernpfade", paths.summary_lines(catalogue, today=today)))
        fact_files.append(paths.PATHS_FILE)
    try:  # facts known only from reports, anywhere outside their marked funding detail
        terms = funding.load_catalogue().reported_terms
    except (OSError, ValueError):
        terms = ()  # the funding file's own errors are reported above
    report.errors.extend(honesty.reported_term_problems(terms, fact_files, catalogue))
    summary = honesty.example_summary(catalogue)
    if summary:
        report.sections.append(("Beispieldaten (example_fields)", summary))
    return report


def render(report: Report) -> str:
    """Human-readable German summary of a report."""
    lines = []
    total = sum(report.counts.get("Anbieter", Counter()).values())
    lines.append(f"Angebote gesamt: {total}")
    for title, counter in report.counts.items():
        lines.append(f"\nAngebote je {title}:")
        for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            label = f"{key} ({FIELDS[key]})" if title == "Feld" and key in FIELDS else key
            lines.append(f"  {n:4d}  {label}")
    if report.coverage:
        fields_ = list(report.coverage)
        lines.append(
            "\nAktuelle Präsenz-/Hybridangebote im Umkreis von "
            f"{geo.DEFAULT_REACH_KM:g} km je Gemeinde:"
        )
        lines.append("  " + "Gemeinde".ljust(28) + "".join(f.rjust(12) for f in fields_))
        for m in geo.landkreis_municipalities():
            counts = "".join(str(report.coverage[f][m]).rjust(12) for f in fields_)
            lines.append("  " + m.ljust(28) + counts)
    for title, section in report.sections:
        lines.append(f"\n{title}:")
        lines.extend(f"  {line}" for line in section)
    if report.warnings:
        lines.append(f"\nHinweise ({len(report.warnings)}):")
        lines.extend(f"  - {w}" for w in report.warnings)
    lines.append(f"\nFehler ({len(report.errors)}):" if report.errors else "\nKeine Fehler.")
    lines.extend(f"  - {e}" for e in report.errors)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Wissensbasis des Bildungslotsen prüfen")
    parser.add_argument("--offers", type=Path, default=None, help="Ordner mit Angebotsdateien")
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, default=None, help="Stichtag JJJJ-MM-TT"
    )
    args = parser.parse_args(argv)
    report = validate(args.offers, args.today)
    print(render(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
