"""Simulated citizens for the demo data: who they are and what they write first (pure, seeded).

Built from the project's own data, so that the dashboard shows plausible patterns:

- the municipality, weighted by its population (``knowledge/data/gemeinden_lkr_muenchen.csv``);
- the target occupation: a Berufsgattung (KldB 2010, 5 digits) that offers of the catalogue lead
  to, three times as likely when it lies in a shortage occupation
  (``knowledge/data/shortage_occupations.csv``), named by an example job title of the KldB;
- the current occupation: an example job title of the KldB from fields many people change from
  (sales, office, logistics, hospitality, cleaning), or of the target's own field for a
  Weiterbildung or an Aufstieg;
- goal, time model, format wish, employment status and age band from fixed weights; the first
  message (German, from varied templates) names some of these facts, the rest are answered when
  the bot asks.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from knowledge import geo
from knowledge.catalogue import load_catalogue
from knowledge.kldb import load_kldb
from knowledge.shortage import load_shortages

#: Berufshauptgruppen (2 digits) many people change from
CHANGE_FROM = ("62", "71", "51", "63", "54", "61")
GOALS = {"umschulung": 40, "weiterbildung": 30, "aufstieg": 15, "wiedereinstieg": 15}
TIME_MODELS = {"vollzeit": 35, "teilzeit": 40, "berufsbegleitend": 25}
FORMATS = {"praesenz": 40, "online": 25, "hybrid": 20, "egal": 15}
#: employment status -> how a person says it (None: not mentioned)
EMPLOYMENT = {
    "beschaeftigt": "Ich bin zurzeit angestellt.",
    "arbeitslos": "Ich bin gerade arbeitslos.",
    "arbeitsuchend": "Ich bin arbeitsuchend gemeldet.",
    "elternzeit": "Ich bin noch in Elternzeit.",
    "minijob": "Ich habe im Moment nur einen Minijob.",
}
#: age band -> how a person says it (a band, never an age)
AGE = {
    "unter_25": "Ich bin unter 25.",
    "25_bis_44": "Ich bin zwischen 25 und 44.",
    "ab_45": "Ich bin über 45.",
}
GOAL_PHRASES = {
    "umschulung": ("eine Umschulung zur {target} machen", "in den Bereich {target_field} wechseln"),
    "weiterbildung": ("mich als {current} weiterbilden", "eine Weiterbildung im Beruf machen"),
    "aufstieg": ("als {current} beruflich aufsteigen", "mich als {current} weiterqualifizieren"),
    "wiedereinstieg": (
        "nach einer Pause wieder als {current} einsteigen",
        "den Wiedereinstieg als {current} schaffen",
    ),
}
TIME_PHRASES = {
    "vollzeit": "in Vollzeit",
    "teilzeit": "in Teilzeit",
    "berufsbegleitend": "berufsbegleitend am Abend",
}
FORMAT_PHRASES = {"praesenz": "vor Ort", "online": "online", "hybrid": "hybrid", "egal": ""}
TEMPLATES = (
    "Ich wohne in {place} und möchte {goal_phrase}.",
    "Hallo, ich bin {current} aus {place}. Ich möchte {goal_phrase}.",
    "Ich möchte {goal_phrase}, am liebsten {time}.",
    "Guten Tag! Ich arbeite als {current} und möchte {goal_phrase}. {employment}",
    "Ich suche einen Kurs {format} {time}. Ich möchte {goal_phrase}.",
    "Ich lebe in {place}. {employment} {age} Ich möchte {goal_phrase}.",
)


@dataclass(frozen=True)
class Citizen:
    """One simulated person: the facts and the German first message."""

    municipality: str
    goal: str
    current: str
    target: str
    target_kldb: str
    time_model: str
    format: str
    employment: str | None
    age_band: str | None
    first_message: str
    answers: dict[str, str] = field(default_factory=dict)


_PLAIN_TITLE = re.compile(r"^[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜa-zäöüß]+)*(?: [a-zäöüß]+)?$")


def _title(raw: str) -> str:
    """A plain job title of the KldB ("Altenpfleger/in" -> "Altenpflegerin"); "" for titles a
    person would not say that way (abbreviations, "- Fachrichtung", long names)."""
    text = re.sub(r"\s*\([^()]*\)", "", raw).strip()
    text = re.sub(r"/-?in\b", "in", text)
    text = re.sub(r"\s+", " ", text.split(",")[0]).strip()
    return text if len(text) <= 30 and _PLAIN_TITLE.match(text) else ""


def _first_title(titles: Sequence[str]) -> str:
    return next((t for t in map(_title, titles) if t), "")


@lru_cache(maxsize=1)
def populations() -> dict[str, int]:
    """Municipality -> inhabitants (columns 3 and 4 of the CSV: end of 2023, end of 2024; the
    newer one where given). Notes in later columns may hold unquoted semicolons."""
    with geo.MUNICIPALITIES_CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    out: dict[str, int] = {}
    for row in rows:
        if len(row) < 4 or not row[0].strip():
            continue
        value = row[3].strip() or row[2].strip()
        if value.isdigit():
            out[row[0].strip()] = int(value)
    return out


@lru_cache(maxsize=1)
def targets() -> tuple[tuple[str, str, int], ...]:
    """(KldB code, job title, weight) of the Berufsgattungen the catalogue leads to."""
    kldb = load_kldb()
    shortage = [e.code for e in load_shortages()]
    codes = sorted({c for offer in load_catalogue() for c in offer.kldb_targets})
    out = []
    for code in codes:
        occ = kldb.get(code)
        if occ is None:
            continue
        title = _first_title((*occ.job_titles, occ.short_title))
        if not title:
            continue
        weight = 3 if any(code.startswith(s) for s in shortage) else 1
        out.append((code, title, weight))
    return tuple(out)


@lru_cache(maxsize=1)
def change_from() -> tuple[str, ...]:
    """Example job titles of the fields in :data:`CHANGE_FROM`."""
    found = {
        _first_title(o.job_titles[:3])
        for o in load_kldb()
        if o.level == 5 and o.code[:2] in CHANGE_FROM
    }
    return tuple(sorted(t for t in found if t))


def _pick(rnd: random.Random, weights: dict[str, int]) -> str:
    return rnd.choices(list(weights), weights=list(weights.values()))[0]


def _field_word(code: str) -> str:
    group = load_kldb().get(code[:3])
    return _title(group.short_title) if group is not None else ""


def make(rnd: random.Random) -> Citizen:
    """One simulated citizen."""
    places = populations()
    municipality = rnd.choices(list(places), weights=list(places.values()))[0]
    goal = _pick(rnd, GOALS)
    found = targets()
    code, target, _ = rnd.choices(found, weights=[w for *_, w in found])[0]
    current = target if goal != "umschulung" else rnd.choice(change_from())
    time_model, fmt = _pick(rnd, TIME_MODELS), _pick(rnd, FORMATS)
    employment = rnd.choice([None, None, *EMPLOYMENT])
    age_band = rnd.choice([None, None, *AGE])
    values = {
        "place": municipality,
        "current": current,
        "target": target,
        "target_field": _field_word(code),
        "time": TIME_PHRASES[time_model],
        "format": FORMAT_PHRASES[fmt],
        "employment": EMPLOYMENT.get(employment or "", ""),
        "age": AGE.get(age_band or "", ""),
    }
    phrases: list[str] = list(GOAL_PHRASES[goal])
    if not values["target_field"]:  # no plain name of the field: name the occupation
        phrases = [p for p in phrases if "{target_field}" not in p]
    values["goal_phrase"] = rnd.choice(phrases).format(**values)
    text = rnd.choice(TEMPLATES).format(**values)
    return Citizen(
        municipality=municipality,
        goal=goal,
        current=current,
        target=target,
        target_kldb=code,
        time_model=time_model,
        format=fmt,
        employment=employment,
        age_band=age_band,
        first_message=re.sub(r"\s+", " ", text).replace(" .", ".").strip(),
        answers={
            "goal": goal,
            "time_model": time_model,
            "format": fmt,
            "municipality": municipality,
            "current_occupation": current,
            "target_occupation": target,
            **({"employment_status": employment} if employment else {}),
            **({"age": age_band} if age_band else {}),
        },
    )


def population(count: int, seed: int | None = None) -> list[Citizen]:
    """``count`` citizens (the same ones for the same seed)."""
    rnd = random.Random(seed)
    return [make(rnd) for _ in range(count)]
