"""Seeded sampler of persona specs for the first-message evaluation set.

    .venv-app/bin/python -m eval.first_message.sample_personas            # writes specs.jsonl
    .venv-app/bin/python -m eval.first_message.sample_personas --check    # fails if it differs

A spec says WHAT a citizen's first message contains (occupation as a KldB 2010 job title, a
target, a municipality or one of its Ortsteile, goal, time model, format) and HOW it is written
(variation flags: Bavarian dialect, typos, missing umlauts, English, very short, very long, past
occupation, unemployment, parental leave, a migrant's previous profession, trade abbreviations,
"als X den Meister machen", "würde gern X werden" after a long sentence). A person then writes
one message per spec by hand (eval/first_message/README.md); the sampler never writes text.

Sources: job titles from the BA's KldB 2010 (Fassung 2020) Gliederung in
``knowledge/data/kldb2010_v2020_gliederung.csv`` (identical to /work/shared/data/kldb2010), drawn
across all Berufshauptgruppen; the 29 municipalities from ``knowledge/data/places.json`` and
``gemeinden_lkr_muenchen.csv``, their Ortsteile from ``ortsteile.json``; goals, time models and
formats from ``knowledge/vocabulary.py``. The split (half dev, half blind) is drawn here too,
stratified by the primary flag, so it is fixed before any message exists.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

from knowledge import vocabulary as v
from knowledge.gazetteer import landkreis_names
from knowledge.kldb import Kldb, Occupation, load_kldb

HERE = Path(__file__).resolve().parent
SPECS_FILE = HERE / "specs.jsonl"
ORTSTEILE_FILE = HERE / "ortsteile.json"
SEED = 20261207

#: primary flag -> number of specs (sum 320); the split is stratified by this flag
PRIMARY_FLAGS: dict[str, int] = {
    "plain": 56,
    "dialect": 20,
    "typos": 20,
    "no_umlauts": 20,
    "english": 22,
    "very_short": 22,
    "very_long": 20,
    "past_occupation": 20,
    "unemployed": 18,
    "parental_leave": 18,
    "migrant": 20,
    "trade_abbrev": 24,
    "meister": 22,
    "wish_after_long": 18,
}
#: the trade abbreviations named in issue 12, plus a few more of the same kind (abbreviation, title)
TRADE_ABBREVIATIONS: list[tuple[str, str]] = [
    ("Anlagenmechaniker SHK", "Anlagenmechaniker/in - Sanitär-, Heizungs- und Klimatechnik"),
    ("Elektroniker EGT", "Elektroniker/in - Energie- und Gebäudetechnik"),
    ("MFA", "Medizinische/r Fachangestellte/r"),
    ("ZFA", "Zahnmedizinische/r Fachangestellte/r"),
    ("PTA", "Pharmazeutisch-technische/r Assistent/in"),
    ("Kfz-Mechatroniker", "Kfz-Mechatroniker/in"),
    ("PKA", "Pharmazeutisch-kaufmännische/r Angestellte/r"),
    ("Fachinformatiker SI", "Fachinformatiker/in - Systemintegration"),
    ("Fachinformatiker AE", "Fachinformatiker/in - Anwendungsentwicklung"),
    ("Kauffrau für Büromanagement", "Kaufmann/-frau - Büromanagement"),
    ("Fachkraft für Lagerlogistik", "Fachkraft - Lagerlogistik"),
    ("Industriemechaniker", "Industriemechaniker/in"),
]
#: targets people often name when they want to change field (KldB example titles)
POPULAR_TARGETS: list[str] = [
    "Altenpfleger/in",
    "Pflegefachmann/-frau",
    "Erzieher/in",
    "Kinderpfleger/in",
    "Fachinformatiker/in - Anwendungsentwicklung",
    "Fachinformatiker/in - Systemintegration",
    "Busfahrer/in",
    "Berufskraftfahrer/in",
    "Medizinische/r Fachangestellte/r",
    "Kaufmann/-frau - Büromanagement",
    "Elektroniker/in - Energie- und Gebäudetechnik",
    "Anlagenmechaniker/in - Sanitär-, Heizungs- und Klimatechnik",
    "Fachkraft - Lagerlogistik",
    "Heilerziehungspfleger/in",
    "Steuerfachangestellte/r",
    "Zahnmedizinische/r Fachangestellte/r",
    "Notfallsanitäter/in",
    "Sozialassistent/in",
    "Koch/Köchin",
    "Lokführer/in",
]
COUNTRIES = [
    "Syrien", "Ukraine", "Türkei", "Afghanistan", "Rumänien", "Kroatien", "Polen", "Philippinen",
    "Indien", "Irak", "Iran", "Eritrea", "Kosovo", "Bosnien", "Nigeria", "Brasilien", "Vietnam",
    "Italien", "Griechenland", "Ungarn",
]  # fmt: skip
OUTSIDE_PLACES = ["München", "Dachau", "Freising", "Erding", "Starnberg", "Germering"]
#: Anforderungsniveau (5th digit) -> weight when drawing an occupation inside a Berufshauptgruppe
LEVEL_WEIGHTS = {"1": 0.2, "2": 0.5, "3": 0.15, "4": 0.15}
#: words that mark example titles nobody types into a chat (degrees, civil-service grades, old
#: names); such titles are skipped when a code has others
UNTYPED_MARKS = ("Dipl", "Beamt", "(bis", "B. Prof", "Bachelor", "Master", "Dr.", "Ing.", "(FS)",
                 "(HS)", "(Uni)", "(FH)", "(BA)", "(TU)", "(WB)", "/in/", "Ing)")  # fmt: skip
#: an upgrade target's title must name the upgrade (a Meister title for a Meister wish, ...)
UPGRADE_WORDS = {"meister": "meister", "techniker": "techniker", "fachwirt": "fachwirt"}
GOALS = tuple(v.GOALS)
TIME_MODELS = tuple(v.TIME_MODELS)
FORMATS = v.PROFILE_FORMATS


def typed_titles(occ: Occupation) -> list[str]:
    """The (at most three) shortest example titles people would type; the short title if none.

    Short titles are the generic names of a Berufsgattung ("Koch/Köchin" before
    "Oberkoch/-köchin"); there is no frequency data, so length stands in for commonness.
    """
    titles = [t for t in occ.job_titles if len(t) <= 45 and not any(m in t for m in UNTYPED_MARKS)]
    return sorted(titles, key=lambda t: (len(t), t))[:3] or [occ.short_title]


def level5_by_group(kldb: Kldb) -> dict[str, list[Occupation]]:
    """Level-5 codes by Berufshauptgruppe (first two digits)."""
    groups: dict[str, list[Occupation]] = defaultdict(list)
    for occ in kldb:
        if occ.level == 5 and occ.code[4] in LEVEL_WEIGHTS and "weggefallen" not in occ.title:
            groups[occ.code[:2]].append(occ)
    return dict(sorted(groups.items()))


def occupation(occ: Occupation, rng: random.Random, title: str | None = None) -> dict:
    return {"kldb": occ.code, "title": title or rng.choice(typed_titles(occ))}


class Sampler:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.kldb = load_kldb()
        self.groups = level5_by_group(self.kldb)
        ortsteile = json.loads(ORTSTEILE_FILE.read_text(encoding="utf-8"))["ortsteile"]
        self.municipalities = landkreis_names()
        self.ortsteile: dict[str, list[str]] = {
            m: ortsteile.get(m, []) for m in self.municipalities
        }
        self.abbrev_cycle = 0

    # --- occupations -------------------------------------------------------------------------
    def random_occupation(self, level_weights: dict[str, float] = LEVEL_WEIGHTS) -> Occupation:
        group = self.rng.choice(sorted(self.groups))
        members = self.groups[group]
        weights = [level_weights.get(o.code[4], 0.0) for o in members]
        if not any(weights):
            return self.rng.choice(members)
        return self.rng.choices(members, weights=weights)[0]

    def by_title(self, title: str) -> Occupation:
        code = self.kldb.best_code_for_title(title)
        found = self.kldb.get(code or "")
        if found is None:
            raise ValueError(f"no KldB code for {title!r}")
        return found

    def career_change_target(self, current: Occupation | None) -> dict:
        """A target in another Berufshauptgruppe than the current occupation."""
        for _ in range(100):
            if self.rng.random() < 0.5:
                title = self.rng.choice(POPULAR_TARGETS)
                occ = self.by_title(title)
            else:
                occ = self.random_occupation({"2": 0.8, "3": 0.2})
                title = None
            if current is None or occ.code[:2] != current.code[:2]:
                return {**occupation(occ, self.rng, title), "kind": "career_change"}
        raise RuntimeError("no career-change target found")

    def upgrade(self) -> tuple[Occupation, dict]:
        """A Fachkraft occupation and its upgrade (Meister, Techniker or Fachwirt) in the field."""
        while True:
            kind = self.rng.choices(["meister", "techniker", "fachwirt"], [0.6, 0.25, 0.15])[0]
            current = self.random_occupation({"2": 1.0})
            if kind == "meister":
                target = self.kldb.get(current.code[:3] + "93")
            elif kind == "techniker" and current.code[0] in "12345":
                target = self.kldb.get(current.code[:4] + "3")
            elif kind == "fachwirt" and current.code[0] in "67":
                target = self.kldb.get(current.code[:4] + "3")
            else:
                continue
            if target is None:
                continue
            titles = [t for t in target.job_titles if UPGRADE_WORDS[kind] in t.casefold()]
            if target is not None and titles:
                title = self.rng.choice(sorted(titles, key=lambda t: (len(t), t))[:3])
                return current, {**occupation(target, self.rng, title), "kind": kind}

    # --- the other facts ---------------------------------------------------------------------
    def place(self, probability: float) -> tuple[dict | None, str | None]:
        """(municipality spec, place outside the Landkreis) - at most one of them."""
        roll = self.rng.random()
        if roll >= probability:
            return None, None
        if roll < 0.04:
            return None, self.rng.choice(OUTSIDE_PLACES)
        name = self.rng.choice(self.municipalities)
        form = self.rng.choices(["official", "variant", "ortsteil"], [0.55, 0.15, 0.30])[0]
        if form == "ortsteil" and self.ortsteile[name]:
            return {"name": name, "form": form, "say": self.rng.choice(self.ortsteile[name])}, None
        form = "official" if form == "ortsteil" else form
        return {"name": name, "form": form, "say": name}, None

    def maybe(self, probability: float, values: tuple[str, ...]) -> str | None:
        return self.rng.choice(values) if self.rng.random() < probability else None

    # --- one spec ----------------------------------------------------------------------------
    def spec(self, primary: str) -> dict:
        rng = self.rng
        flags = [primary]
        if primary not in ("english", "typos", "no_umlauts") and rng.random() < 0.15:
            flags.append(rng.choice(["typos", "no_umlauts"]))
        current: Occupation | None = None
        current_spec: dict | None = None
        target: dict | None = None
        goal: dict | None = None
        context: dict = {}
        if primary == "trade_abbrev":
            abbrev, title = TRADE_ABBREVIATIONS[self.abbrev_cycle % len(TRADE_ABBREVIATIONS)]
            self.abbrev_cycle += 1
            current = self.by_title(title)
            current_spec = {"kldb": current.code, "title": title, "abbreviation": abbrev}
        elif primary == "meister":
            current, target = self.upgrade()
            current_spec = occupation(current, rng)
            goal = {"value": "aufstieg", "expression": "implied"}
        else:
            has_current = {"very_short": 0.6, "plain": 0.8, "english": 0.85}.get(primary, 0.92)
            if rng.random() < has_current:
                current = self.random_occupation()
                current_spec = occupation(current, rng)
        wants_target = {"wish_after_long": 1.0, "plain": 0.35, "english": 0.3, "very_short": 0.2}
        if target is None and current is not None and primary != "parental_leave":
            if rng.random() < wants_target.get(primary, 0.15):
                target = self.career_change_target(current)
                goal = {"value": "umschulung", "expression": "implied"}
        if primary == "parental_leave":
            goal = {"value": "wiedereinstieg", "expression": "implied"}
            context["years_away"] = rng.choice([1, 2, 3, 4, 6, 8])
        if primary == "unemployed":
            context["months_unemployed"] = rng.choice([2, 4, 6, 9, 12, 18, 30])
        if primary == "migrant":
            context["country"] = rng.choice(COUNTRIES)
        if primary == "past_occupation":
            context["past_marker"] = rng.choice(["vorher", "war", "früher", "bis letztes Jahr"])
        if goal is None and rng.random() < 0.4:
            allowed = GOALS if current is not None else ("weiterbildung", "wiedereinstieg")
            if primary == "unemployed":
                allowed = ("weiterbildung", "umschulung", "wiedereinstieg")
            goal = {"value": rng.choice(allowed), "expression": "explicit"}
        elif goal is not None and goal["expression"] == "implied" and rng.random() < 0.3:
            goal["expression"] = "explicit"  # the message may name it too
        municipality, outside = self.place(0.5 if primary == "very_short" else 0.7)
        time_model = self.maybe(0.35, TIME_MODELS)
        fmt = self.maybe(0.25, FORMATS)
        return {
            "primary_flag": primary,
            "flags": flags,
            "language": "en" if primary == "english" else "de",
            "current": current_spec,
            "target": target,
            "municipality": municipality,
            "outside_place": outside,
            "goal": goal,
            "time_model": time_model,
            "format": fmt,
            "context": context,
        }


def sample(seed: int = SEED) -> list[dict]:
    sampler = Sampler(seed)
    by_flag: dict[str, list[dict]] = {}
    for flag, count in PRIMARY_FLAGS.items():
        by_flag[flag] = [sampler.spec(flag) for _ in range(count)]
    split_rng = random.Random(seed + 1)
    extra_to_dev = True
    specs: list[dict] = []
    for items in by_flag.values():
        order = list(range(len(items)))
        split_rng.shuffle(order)
        half = len(items) // 2 + (1 if len(items) % 2 and extra_to_dev else 0)
        if len(items) % 2:
            extra_to_dev = not extra_to_dev
        dev = set(order[:half])
        for index, item in enumerate(items):
            specs.append({**item, "split": "dev" if index in dev else "blind"})
    for number, item in enumerate(specs, start=1):
        item["id"] = f"fm{number:03d}"
    return [{"id": s.pop("id"), "split": s.pop("split"), **s} for s in specs]


def render(specs: list[dict]) -> str:
    return "".join(json.dumps(s, ensure_ascii=False, sort_keys=False) + "\n" for s in specs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if specs.jsonl differs")
    args = parser.parse_args(argv)
    text = render(sample())
    if args.check:
        same = SPECS_FILE.exists() and SPECS_FILE.read_text(encoding="utf-8") == text
        print("specs.jsonl is up to date" if same else "specs.jsonl differs from the sampler")
        return 0 if same else 1
    SPECS_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SPECS_FILE} ({text.count(chr(10))} specs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
