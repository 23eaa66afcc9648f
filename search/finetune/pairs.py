"""Synthetic (query, passage) training pairs from the catalogue and the KldB (no eval data).

Pairs depend only on the offers, the KldB and the seed (``random.Random``).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from knowledge.kldb import ANFORDERUNGSNIVEAU, Kldb, Occupation, expand_title_forms, load_kldb
from knowledge.schema import COURSE_TYPES, FIELDS, Offer
from search.build import passage_text
from search.finetune.config import DEFAULT_SEED, TrainConfig


@dataclass(frozen=True)
class Pair:
    """One training example; texts without the e5 prefixes."""

    query: str
    passage: str
    kind: str
    #: what the query is relevant to ("o:<offer id>", "k:<KldB code>", "f:<field>|<type>")
    query_keys: frozenset[str]
    #: what the positive passage is ("o:...", its KldB codes, its field/type keys)
    passage_keys: frozenset[str]


_UMLAUT_AE = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
_UMLAUT_A = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "ss"})
_WORD = re.compile(r"[^\W\d_][\w\-]*", re.UNICODE)
_STOPWORDS = frozenset(
    """
aber alle allem allen aller alles also andere anderen auch auf aus bei beim bereits bieten
bietet bis dabei damit dann darauf dass dazu dein deine dem den denen der deren des dessen die
dies diese diesem diesen dieser dieses doch dort durch eine einem einen einer eines einige
etwa euch für gegen haben hier hinter ihre ihrem ihren ihrer immer innerhalb jede jedem jeden
jeder jedes kann keine können lernen man mehr mit nach neben nicht noch nur oder ohne sich
sie sind sowie über um und uns unter vom von vor während was weil welche wenn werden wie
wird wir zum zur zwischen sowohl sodass teilnehmende teilnehmenden kurs kurses kurse
menschen wissen termine termin beispiel woche wochen monate stunden
""".split()
)
_KEYBOARD_NEIGHBOURS = {
    "a": "sq",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "kö",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "oü",
    "r": "et",
    "s": "ad",
    "t": "rz",
    "u": "zi",
    "w": "qe",
    "z": "tu",
}

#: course type -> query templates with a ``{job}`` slot (how people type them)
OCCUPATION_TEMPLATES: dict[str, tuple[str, ...]] = {
    "umschulung": (
        "umschulung {job}",
        "{job} umschulung",
        "umschulung zur {job}",
        "quereinstieg {job}",
        "{job} werden mit bildungsgutschein",
    ),
    "ausbildung": ("ausbildung {job}", "{job} werden", "schulische ausbildung {job}"),
    "aufstiegsfortbildung": (
        "weiterbildung {job}",
        "{job} ihk",
        "aufstiegsfortbildung {job}",
        "{job} werden berufsbegleitend",
    ),
    "anpassungsqualifizierung": (
        "anerkennung {job}",
        "anpassungsqualifizierung {job}",
        "{job} ausländischer abschluss anerkennen",
    ),
    "weiterbildung": (
        "fortbildung {job}",
        "weiterbildung für {job}",
        "kurs für {job}",
        "{job} fortbildung",
    ),
    "berufssprachkurs": ("deutsch für {job}", "berufssprachkurs {job}", "fachsprache {job}"),
}
DEFAULT_OCCUPATION_TEMPLATES = ("kurs {job}", "{job} kurs")

#: first-person templates (``{job}``, ``{kind}`` = course type label, ``{place}``)
SITUATION_TEMPLATES: tuple[str, ...] = (
    "Ich möchte {job} werden. Gibt es eine passende {kind} in {place}?",
    "Ich arbeite als {job} und suche eine {kind}.",
    "Wo kann ich in {place} eine {kind} als {job} machen?",
    "Ich interessiere mich für den Beruf {job}. Welche {kind} gibt es?",
)


def fold_umlauts(text: str, rng: random.Random) -> str:
    """``ä`` -> ``ae`` or ``a`` (randomly, as people type without umlauts), ``ß`` -> ``ss``."""
    return text.translate(_UMLAUT_AE if rng.random() < 0.7 else _UMLAUT_A)


def add_typo(text: str, rng: random.Random) -> str:
    """One typing error (deleted, swapped, doubled or neighbouring letter) in a word of at least
    five letters; the text is returned unchanged if it has no such word."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    pos = rng.randrange(1, len(word) - 1)
    op = rng.choice(("delete", "swap", "double", "neighbour"))
    if op == "delete":
        word = word[:pos] + word[pos + 1 :]
    elif op == "swap":
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    elif op == "double":
        word = word[:pos] + word[pos] + word[pos:]
    else:
        near = _KEYBOARD_NEIGHBOURS.get(word[pos].lower())
        word = word[:pos] + (rng.choice(near) if near else "") + word[pos + 1 :]
    words[i] = word
    return " ".join(words)


def surface_variant(text: str, rng: random.Random) -> str:
    """The text as written, in lower case, without umlauts, or with one typo."""
    roll = rng.random()
    if roll < 0.3:
        return text
    if roll < 0.55:
        return text.lower()
    if roll < 0.8:
        return fold_umlauts(text.lower(), rng)
    return add_typo(text.lower(), rng)


def job_title_forms(title: str) -> list[str]:
    """Plain gender forms of a KldB job title ("Altenpfleger/in" -> Altenpfleger,
    Altenpflegerin), without slashes or parenthesised qualifiers; sorted."""
    forms = sorted(
        f for f in expand_title_forms(title) if "/" not in f and "(" not in f and " - " not in f
    )
    return forms or sorted(expand_title_forms(title))


def _job_forms_for_code(kldb: Kldb, code: str) -> list[str]:
    occ = kldb.get(code)
    if occ is None:
        return []
    forms: set[str] = set()
    for title in occ.job_titles or (occ.short_title,):
        forms.update(job_title_forms(title))
    return sorted(forms)


def offer_keys(offer: Offer) -> frozenset[str]:
    """Keys of an offer as a positive passage."""
    keys = {f"o:{offer.id}"} | {f"k:{c}" for c in offer.kldb_targets}
    keys |= {f"f:{f}|{offer.course_type}" for f in offer.fields}
    return frozenset(keys)


def _place(offer: Offer) -> str:
    return "online" if offer.format == "online" else offer.municipality


def _content_words_of(text: str) -> list[str]:
    """Nouns and other capitalised words (at least five letters) of ``text``, lower-cased,
    in order of appearance."""
    words: list[str] = []
    for word in _WORD.findall(text):
        low = word.lower().strip("-")
        if word[0].isupper() and len(low) >= 5 and low not in _STOPWORDS and low not in words:
            words.append(low)
    return words


def _pick_job(forms: Sequence[str], offer: Offer, rng: random.Random) -> str:
    """A job title form; half of the time one that the offer's own text mentions (if any)."""
    text = f"{offer.title} {offer.description}".lower()
    mentioned = [f for f in forms if f.lower() in text]
    if mentioned and rng.random() < 0.5:
        return rng.choice(mentioned)
    return rng.choice(forms)


def offer_pairs(offer: Offer, kldb: Kldb, rng: random.Random) -> list[Pair]:
    """All synthetic queries for one offer, each paired with the offer's passage."""
    passage = passage_text(offer)
    pkeys = offer_keys(offer)
    own = frozenset({f"o:{offer.id}"})
    kind_label = COURSE_TYPES[offer.course_type]
    pairs: list[Pair] = []

    def add(query: str, kind: str, qkeys: frozenset[str] = own) -> None:
        query = " ".join(query.split())
        if query and all(p.query != query for p in pairs):
            pairs.append(Pair(query, passage, kind, qkeys, pkeys))

    # title (two variants, sometimes with the place)
    for _ in range(2):
        query = surface_variant(offer.title, rng)
        if rng.random() < 0.3:
            query = f"{query} {surface_variant(_place(offer), rng)}"
        add(query, "title")
    # occupation queries and a situation sentence for up to two KldB targets
    templates = OCCUPATION_TEMPLATES.get(offer.course_type, DEFAULT_OCCUPATION_TEMPLATES)
    for code in offer.kldb_targets[:2]:
        forms = _job_forms_for_code(kldb, code)
        if not forms:
            continue
        job = _pick_job(forms, offer, rng)
        query = rng.choice(templates).format(job=job)
        if rng.random() < 0.25:
            query = f"{query} {_place(offer)}"
        add(surface_variant(query, rng).lower(), "occupation", frozenset({f"k:{code}"}))
        if rng.random() < 0.5:
            sentence = rng.choice(SITUATION_TEMPLATES).format(
                job=_pick_job(forms, offer, rng), kind=kind_label, place=_place(offer)
            )
            add(sentence, "situation", frozenset({f"k:{code}"}))
    # keywords of the offer's own text
    title_words = [w for w in _content_words_of(offer.title)]
    words = [
        w for w in _content_words_of(f"{offer.title} {offer.description}") if w not in title_words
    ]
    if title_words and words:
        picked = [rng.choice(title_words), *rng.sample(words, min(len(words), rng.choice((1, 2))))]
        rng.shuffle(picked)
        add(surface_variant(" ".join(picked), rng).lower(), "keywords")
    # course type + field
    if offer.fields and rng.random() < 0.5:
        field = rng.choice(sorted(offer.fields))
        query = f"{kind_label.split(' (')[0]} {FIELDS[field].split(' (')[0]}".lower()
        add(query, "field", frozenset({f"f:{field}|{offer.course_type}"}))
    return pairs


def occupation_description(occ: Occupation, kldb: Kldb, exclude: str = "") -> str:
    """Passage text for a Berufsgattung: official title, hierarchy, level and job titles."""
    group = kldb.get(occ.code[:3])
    area = kldb.get(occ.code[:1])
    titles = [t for t in occ.job_titles if t != exclude][:8]
    parts = [occ.title]
    if group:
        parts.append(f"Berufsgruppe: {group.title}")
    if area:
        parts.append(f"Berufsbereich: {area.title}")
    parts.append(f"Anforderungsniveau: {ANFORDERUNGSNIVEAU.get(occ.code[4], '')}")
    if titles:
        parts.append("Berufe: " + ", ".join(titles))
    return "\n".join(parts)


def kldb_pairs(
    kldb: Kldb, count: int, rng: random.Random, near_groups: Iterable[str] = ()
) -> list[Pair]:
    """Up to ``count`` pairs "job title variant -> Berufsgattung description": every
    Berufsgattung in ``near_groups`` (3-digit Berufsgruppen of the catalogue's targets) first,
    the rest sampled from the other civilian Berufsgattungen."""
    occupations = sorted(
        (o for o in kldb if o.level == 5 and o.job_titles and not o.code.startswith("0")),
        key=lambda o: o.code,
    )
    groups = set(near_groups)
    near = [o for o in occupations if o.code[:3] in groups]
    others = [o for o in occupations if o.code[:3] not in groups]
    chosen = near[:count] + rng.sample(others, max(0, min(count - len(near), len(others))))
    pairs = []
    for occ in sorted(chosen, key=lambda o: o.code):
        title = rng.choice(occ.job_titles)
        forms = job_title_forms(title)
        query = surface_variant(rng.choice(forms), rng)
        codes = set(kldb.candidates_for(title)) | {occ.code}
        pairs.append(
            Pair(
                query,
                occupation_description(occ, kldb, exclude=title),
                "kldb",
                frozenset(f"k:{c}" for c in codes),
                frozenset({f"k:{occ.code}"}),
            )
        )
    return pairs


def build_pairs(
    offers: Sequence[Offer],
    kldb: Kldb | None = None,
    seed: int = DEFAULT_SEED,
    kldb_count: int = TrainConfig.kldb_pairs,
) -> list[Pair]:
    """All training pairs, deterministic for the same offers, KldB and seed."""
    kldb = kldb or load_kldb()
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for offer in sorted(offers, key=lambda o: o.id):
        pairs.extend(offer_pairs(offer, kldb, rng))
    groups = {code[:3] for offer in offers for code in offer.kldb_targets}
    pairs.extend(kldb_pairs(kldb, kldb_count, rng, groups))
    return pairs
