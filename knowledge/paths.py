"""Curated learning paths: load, validate, match a profile and link catalogue offers.

A learning path (``knowledge/data/learning_paths.json``, edited by staff as described in
``docs/learning-paths.md``) leads from a starting point (an occupation, a qualification or a
plain career change) to a target occupation as an ordered list of steps. Each step states
its duration, DQR level and possible funding (codes of :data:`knowledge.schema.FUNDING`),
cites sources with a "Stand" date, and names the catalogue criteria that link it to offers
(course types, KldB prefixes, optional title keywords). Offers are never referenced by id:
whatever the catalogue holds at run time is linked, so a growing catalogue needs no edits here.

Matching (documented contract, see :func:`rank_paths`):

- target: the user's target KldB code equals the path's main target code (4 points) or one
  of its ``also`` codes (3), or one code is a prefix of the other (2, e.g. the user named
  the group "821"); a keyword hit on the target text counts 1 (with a known target code only
  inside the same 3-digit Berufsgruppe). No target hit, no path.
- origin: a KldB prefix hit on the current code scores 10 + prefix length (an origin may
  restrict the Anforderungsniveau, the 5th digit, with ``kldb_level``); a keyword hit on the
  current occupation or qualification text adds 8; an ``any`` origin (career change, also
  without any stated qualification) scores 1 unless the person already works in the target
  occupation. ``require_keyword`` origins match only with a keyword hit.
- ranking: origin score x 10 + target score; ties keep the file order. Without any match
  :func:`find_path` returns ``None`` – there are no invented paths.

Stdlib only and Python 3.10-compatible: imported by the action server and by the tools.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge import geo
from knowledge.catalogue import DEFAULT_DIR, Catalogue, load_catalogue
from knowledge.checks import kldb_codes, url_ok
from knowledge.schema import COURSE_TYPES, FUNDING, ONLINE_MUNICIPALITY, Offer

DATA_DIR = Path(__file__).resolve().parent / "data"
PATHS_FILE = DATA_DIR / "learning_paths.json"
DQR_FILE = DATA_DIR / "dqrCompetenceLevels.ttl"
#: offers shown per step (the payload says how many more exist)
MAX_OFFERS_PER_STEP = 3

_TOKEN_RE = re.compile(r"[\w]+(?:[-/][\w]+)*")
_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_DQR_RE = re.compile(
    r"<(\d)>\s+a\s+skos:Concept\s*;\s*skos:prefLabel\s+\"([^\"]+)\"@de\s*;"
    r"\s*skos:definition\s+\"([^\"]+)\"@de",
    re.S,
)


class PathDataError(ValueError):
    """The learning-path file is malformed; ``problems`` lists every finding in German."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Lernpfade fehlerhaft:\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    stand: dt.date | None


@dataclass(frozen=True)
class FundingNote:
    """Who decides about a funding instrument, with sources (``funding`` section of the file)."""

    code: str
    label: str
    office: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Origin:
    label: str
    kldb: tuple[str, ...] = ()
    kldb_level: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    any: bool = False
    require_keyword: bool = False


@dataclass(frozen=True)
class Target:
    label: str
    kldb: str
    also: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.kldb, *self.also)


@dataclass(frozen=True)
class Step:
    title: str
    course_types: tuple[str, ...]
    duration_months: float | None
    duration_text: str | None
    dqr_level: int | None
    funding: tuple[str, ...]
    note: str
    kldb_targets: tuple[str, ...]
    offer_keywords: tuple[str, ...] = ()
    offer_exclude_keywords: tuple[str, ...] = ()
    offers_expected: bool = True
    optional: bool = False
    source_ids: tuple[str, ...] = ()

    @property
    def links_offers(self) -> bool:
        """Steps without course types are procedures (applications, counselling)."""
        return bool(self.course_types)


@dataclass(frozen=True)
class LearningPath:
    id: str
    title: str
    field: str
    summary: str
    origin: Origin
    target: Target
    steps: tuple[Step, ...]
    source_ids: tuple[str, ...]

    def total_months(self) -> tuple[float, bool]:
        """Sum of the stated durations of the non-optional steps, and whether it is a minimum.

        It is a minimum when a non-optional course step states its duration only as text.
        """
        total = 0.0
        minimum = False
        for step in self.steps:
            if step.optional:
                continue
            if step.duration_months is not None:
                total += step.duration_months
            elif step.links_offers:
                minimum = True
        return total, minimum


@dataclass(frozen=True)
class PathData:
    stand: dt.date | None
    sources: dict[str, Source]
    funding: dict[str, FundingNote]
    paths: tuple[LearningPath, ...]

    def by_id(self, path_id: str) -> LearningPath | None:
        return next((p for p in self.paths if p.id == path_id), None)


@dataclass(frozen=True)
class DqrLevel:
    level: int
    label: str
    definition: str


@dataclass(frozen=True)
class PathMatch:
    path: LearningPath
    origin_score: int
    target_score: int

    @property
    def score(self) -> int:
        return self.origin_score * 10 + self.target_score


@dataclass(frozen=True)
class LinkedOffer:
    """A catalogue offer linked to a step (only offers that exist in the catalogue)."""

    offer_id: str
    title: str
    provider: str
    municipality: str
    format: str
    time_model: str
    url: str
    next_start: dt.date | None
    distance_km: float | None
    within_reach: bool | None
    duration_months: float | None
    example_data: bool


@dataclass(frozen=True)
class ResolvedStep:
    number: int
    step: Step
    offers: tuple[LinkedOffer, ...]
    offer_total: int


@dataclass(frozen=True)
class ResolvedPath:
    """A path with its linked offers, sources and funding notes, ready for rendering."""

    path: LearningPath
    steps: tuple[ResolvedStep, ...]
    sources: tuple[Source, ...]
    funding: tuple[FundingNote, ...]
    total_months: float
    total_is_minimum: bool
    stand: dt.date | None
    municipality: str | None


# ---------------------------------------------------------------------------- loading


def _tuple(value: Any, where: str, name: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: Feld '{name}' muss eine Liste von Texten sein")
        return ()
    return tuple(v.strip() for v in value)


def _text(value: Any, where: str, name: str, problems: list[str], required: bool = True) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if required:
        problems.append(f"{where}: Feld '{name}' fehlt oder ist leer")
    return ""


def _date(value: Any, where: str, problems: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: 'stand' muss ein Datum JJJJ-MM-TT sein, nicht '{value}'")
        return None


def _number(value: Any, where: str, name: str, problems: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(f"{where}: Feld '{name}' muss eine Zahl oder null sein")
        return None
    return float(value)


def _parse_step(raw: Any, where: str, problems: list[str]) -> Step | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: Schritt ist kein Objekt")
        return None
    dqr = raw.get("dqr_level")
    if dqr is not None and (isinstance(dqr, bool) or not isinstance(dqr, int)):
        problems.append(f"{where}: 'dqr_level' muss eine ganze Zahl oder null sein")
        dqr = None
    return Step(
        title=_text(raw.get("title"), where, "title", problems),
        course_types=_tuple(raw.get("course_types"), where, "course_types", problems),
        duration_months=_number(raw.get("duration_months"), where, "duration_months", problems),
        duration_text=_text(raw.get("duration_text"), where, "duration_text", problems, False)
        or None,
        dqr_level=dqr,
        funding=_tuple(raw.get("funding"), where, "funding", problems),
        note=_text(raw.get("note"), where, "note", problems, False),
        kldb_targets=_tuple(raw.get("kldb_targets"), where, "kldb_targets", problems),
        offer_keywords=tuple(
            k.casefold()
            for k in _tuple(raw.get("offer_keywords"), where, "offer_keywords", problems)
        ),
        offer_exclude_keywords=tuple(
            k.casefold()
            for k in _tuple(
                raw.get("offer_exclude_keywords"), where, "offer_exclude_keywords", problems
            )
        ),
        offers_expected=bool(raw.get("offers_expected", True)),
        optional=bool(raw.get("optional", False)),
        source_ids=_tuple(raw.get("sources"), where, "sources", problems),
    )


def _parse_path(raw: Any, index: int, problems: list[str]) -> LearningPath | None:
    where = f"paths[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: Pfad ist kein Objekt")
        return None
    path_id = _text(raw.get("id"), where, "id", problems)
    where = f"Pfad '{path_id or index}'"
    origin_raw = raw.get("from") if isinstance(raw.get("from"), dict) else None
    target_raw = raw.get("to") if isinstance(raw.get("to"), dict) else None
    if origin_raw is None or target_raw is None:
        problems.append(f"{where}: 'from' und 'to' müssen Objekte sein")
        return None
    origin = Origin(
        label=_text(origin_raw.get("label"), where, "from.label", problems),
        kldb=_tuple(origin_raw.get("kldb"), where, "from.kldb", problems),
        kldb_level=_tuple(origin_raw.get("kldb_level"), where, "from.kldb_level", problems),
        keywords=_tuple(origin_raw.get("keywords"), where, "from.keywords", problems),
        any=bool(origin_raw.get("any", False)),
        require_keyword=bool(origin_raw.get("require_keyword", False)),
    )
    target = Target(
        label=_text(target_raw.get("label"), where, "to.label", problems),
        kldb=_text(target_raw.get("kldb"), where, "to.kldb", problems),
        also=_tuple(target_raw.get("also"), where, "to.also", problems),
        keywords=_tuple(target_raw.get("keywords"), where, "to.keywords", problems),
    )
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        problems.append(f"{where}: 'steps' muss eine nicht leere Liste sein")
        steps_raw = []
    steps = [
        _parse_step(s, f"{where}, Schritt {i + 1}", problems) for i, s in enumerate(steps_raw)
    ]
    return LearningPath(
        id=path_id,
        title=_text(raw.get("title"), where, "title", problems),
        field=_text(raw.get("field"), where, "field", problems),
        summary=_text(raw.get("summary"), where, "summary", problems),
        origin=origin,
        target=target,
        steps=tuple(s for s in steps if s is not None),
        source_ids=_tuple(raw.get("sources"), where, "sources", problems),
    )


def parse_paths(raw: Any) -> PathData:
    """Build :class:`PathData` from the parsed JSON; raises :class:`PathDataError`."""
    problems: list[str] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("paths"), list):
        raise PathDataError(["Datei: Objekt mit Liste 'paths' erwartet"])
    sources: dict[str, Source] = {}
    for sid, src in (raw.get("sources") or {}).items():
        where = f"Quelle '{sid}'"
        if not isinstance(src, dict):
            problems.append(f"{where}: ist kein Objekt")
            continue
        sources[sid] = Source(
            id=sid,
            title=_text(src.get("title"), where, "title", problems),
            url=_text(src.get("url"), where, "url", problems),
            stand=_date(src.get("stand"), where, problems) if src.get("stand") else None,
        )
    funding: dict[str, FundingNote] = {}
    for code, note in (raw.get("funding") or {}).items():
        where = f"Förderung '{code}'"
        if not isinstance(note, dict):
            problems.append(f"{where}: ist kein Objekt")
            continue
        funding[code] = FundingNote(
            code=code,
            label=FUNDING.get(code, code),
            office=_text(note.get("office"), where, "office", problems),
            source_ids=_tuple(note.get("sources"), where, "sources", problems),
        )
    paths = [_parse_path(p, i, problems) for i, p in enumerate(raw["paths"])]
    stand = _date(raw.get("stand"), "Datei", problems) if raw.get("stand") else None
    if problems:
        raise PathDataError(problems)
    return PathData(
        stand=stand,
        sources=sources,
        funding=funding,
        paths=tuple(p for p in paths if p is not None),
    )


def _read(path: Path) -> PathData:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PathDataError([f"{path.name}: Datei nicht lesbar ({exc})"]) from exc
    return parse_paths(raw)


@lru_cache(maxsize=4)
def _cached(path: Path, mtime: float) -> PathData:
    return _read(path)


def load_paths(path: Path | str | None = None) -> PathData:
    """The learning paths (cached until the file changes); raises :class:`PathDataError`."""
    file = Path(path) if path is not None else PATHS_FILE
    return _cached(file, file.stat().st_mtime if file.exists() else 0.0)


@lru_cache(maxsize=1)
def dqr_levels(path: Path = DQR_FILE) -> dict[int, DqrLevel]:
    """DQR levels 1–8 with German label and definition from the OEH SKOS vocabulary (CC0)."""
    text = path.read_text(encoding="utf-8")
    return {
        int(m.group(1)): DqrLevel(int(m.group(1)), m.group(2), m.group(3))
        for m in _DQR_RE.finditer(text)
    }


def _catalogue_signature(directory: Path) -> tuple[tuple[str, float], ...]:
    return tuple((f.name, f.stat().st_mtime) for f in sorted(directory.glob("*.json")))


@lru_cache(maxsize=2)
def _catalogue_for(directory: Path, signature: tuple[tuple[str, float], ...]) -> Catalogue:
    return load_catalogue(directory, strict=False)


def default_catalogue(directory: Path | None = None) -> Catalogue:
    """The offer catalogue for linking, reloaded when an offer file changes (non-strict)."""
    base = directory or DEFAULT_DIR
    return _catalogue_for(base, _catalogue_signature(base))


# ---------------------------------------------------------------------------- matching


def _fold(text: str) -> str:
    return text.casefold().translate(_FOLD)


def _tokens(text: str) -> tuple[list[str], set[str]]:
    """Words of a text (folded) and the set including the parts of "erzieher/in", "lkw-fahrer"."""
    words = _TOKEN_RE.findall(_fold(text))
    parts = set(words)
    for word in words:
        parts.update(p for p in re.split(r"[-/]", word) if p)
    return words, parts


def keyword_hit(keywords: Iterable[str], text: str | None) -> bool:
    """True if a keyword pattern matches a word (or a word sequence) of ``text``.

    Patterns are shell-style and case-insensitive (``verkäufer*``, ``*meister``); umlauts
    may be written as ``ae``/``oe``/``ue``. A pattern with spaces must match that many
    consecutive words (``medizinische* fachangestellte*``).
    """
    if not text:
        return False
    words, parts = _tokens(text)
    for keyword in keywords:
        pattern = _fold(keyword).split()
        if not pattern:
            continue
        if len(pattern) == 1:
            if any(fnmatchcase(w, pattern[0]) for w in parts):
                return True
            continue
        size = len(pattern)
        for i in range(len(words) - size + 1):
            if all(fnmatchcase(words[i + j], pattern[j]) for j in range(size)):
                return True
    return False


def _clean_code(code: str | None) -> str | None:
    code = (code or "").strip()
    return code if code.isdigit() and 1 <= len(code) <= 5 else None


def _target_score(target: Target, code: str | None, text: str | None) -> int:
    best = 0
    if code:
        for index, candidate in enumerate(target.codes):
            if code == candidate:
                best = max(best, 4 if index == 0 else 3)
            elif (len(code) >= 2 and candidate.startswith(code)) or code.startswith(candidate):
                best = max(best, 2)
    # a typed target without code ("Meister") is matched by keywords; with a code, keywords
    # count only inside the same Berufsgruppe (3 digits), so the code decides
    same_group = not code or any(c[:3] == code[:3] for c in target.codes)
    if same_group and keyword_hit(target.keywords, text):
        best = max(best, 1)
    return best


def _already_there(code: str | None, target: Target) -> bool:
    return bool(code) and any(
        code.startswith(c) or (len(code) >= 2 and c.startswith(code)) for c in target.codes
    )


def _origin_score(origin: Origin, target: Target, code: str | None, text: str | None) -> int:
    keyword = keyword_hit(origin.keywords, text)
    code_score = 0
    if code and (origin.kldb or origin.kldb_level):
        level_ok = not origin.kldb_level or len(code) < 5 or code[4] in origin.kldb_level
        if level_ok and origin.kldb:
            hits = [len(p) for p in origin.kldb if code.startswith(p)]
            code_score = 10 + max(hits) if hits else 0
        elif level_ok and len(code) == 5:
            code_score = 10  # a level-only origin, e.g. every Helfer occupation
    if origin.require_keyword and not keyword:
        return 0
    if code_score or keyword:
        return code_score + (8 if keyword else 0)
    if origin.any and not _already_there(code, target):
        return 1
    return 0


def rank_paths(
    *,
    current_kldb: str | None = None,
    current_text: str | None = None,
    target_kldb: str | None = None,
    target_text: str | None = None,
    data: PathData | None = None,
) -> list[PathMatch]:
    """All paths that fit, best first (see the module docstring for the scores)."""
    data = data or load_paths()
    current = _clean_code(current_kldb)
    target = _clean_code(target_kldb)
    matches = []
    for path in data.paths:
        target_score = _target_score(path.target, target, target_text)
        if not target_score:
            continue
        origin_score = _origin_score(path.origin, path.target, current, current_text)
        if origin_score:
            matches.append(PathMatch(path, origin_score, target_score))
    return sorted(matches, key=lambda m: -m.score)


def find_path(
    *,
    current_kldb: str | None = None,
    current_text: str | None = None,
    target_kldb: str | None = None,
    target_text: str | None = None,
    data: PathData | None = None,
) -> LearningPath | None:
    """The best path from a current occupation/qualification (or none: career change) to a
    target occupation, or ``None`` when no curated path fits."""
    ranked = rank_paths(
        current_kldb=current_kldb,
        current_text=current_text,
        target_kldb=target_kldb,
        target_text=target_text,
        data=data,
    )
    return ranked[0].path if ranked else None


# ---------------------------------------------------------------------------- offers


def step_offers(
    step: Step, catalogue: Iterable[Offer], today: dt.date | None = None
) -> list[Offer]:
    """Catalogue offers that fit a step: course type, KldB prefix, title keywords; with
    ``today`` only offers with an upcoming (or rolling) start."""
    if not step.links_offers:
        return []
    found = []
    for offer in catalogue:
        if offer.course_type not in step.course_types:
            continue
        if step.kldb_targets and not any(
            code.startswith(prefix) for code in offer.kldb_targets for prefix in step.kldb_targets
        ):
            continue
        title = offer.title.casefold()
        if step.offer_keywords and not any(k in title for k in step.offer_keywords):
            continue
        if any(k in title for k in step.offer_exclude_keywords):
            continue
        if today is not None and not offer.is_current(today):
            continue
        found.append(offer)
    return found


def _common_prefix(codes: Sequence[str], preferred: Sequence[str]) -> int:
    best = 0
    for code in codes:
        for pref in preferred:
            n = 0
            while n < min(len(code), len(pref)) and code[n] == pref[n]:
                n += 1
            best = max(best, n)
    return best


def _link(
    offer: Offer,
    today: dt.date | None,
    municipality: str | None,
    reach_km: float,
) -> LinkedOffer:
    online = offer.format == "online" or offer.municipality == ONLINE_MUNICIPALITY
    distance = None
    within = None
    if municipality:
        if online:
            within = True
        elif offer.lat is not None and offer.lon is not None:
            d = geo.distance_km(municipality, offer.lat, offer.lon)
            if d is not None:
                distance = round(d, 1)
                within = d <= reach_km
    upcoming = offer.upcoming_starts(today) if today else offer.start_dates
    return LinkedOffer(
        offer_id=offer.id,
        title=offer.title,
        provider=offer.provider,
        municipality=offer.municipality,
        format=offer.format,
        time_model=offer.time_model,
        url=offer.url,
        next_start=min(upcoming) if upcoming else None,
        distance_km=distance,
        within_reach=within,
        duration_months=offer.duration_months,
        example_data=bool(offer.example_fields),
    )


def rank_offers(
    offers: Iterable[Offer],
    *,
    today: dt.date | None = None,
    municipality: str | None = None,
    reach_km: float = geo.DEFAULT_REACH_KM,
    prefer_kldb: Sequence[str] = (),
) -> list[LinkedOffer]:
    """Order linked offers: same occupation as the person's codes first, then within reach
    of the municipality (online counts as within reach; place-bound ones by distance), then
    by next start."""
    far = dt.date.max
    scored = []
    for offer in offers:
        link = _link(offer, today, municipality, reach_km)
        key = (
            -_common_prefix(offer.kldb_targets, prefer_kldb),
            0 if link.within_reach in (True, None) else 1,
            1 if link.distance_km is None and municipality else 0,
            link.distance_km if link.distance_km is not None else 0.0,
            link.next_start or (today or far),
            offer.id,
        )
        scored.append((key, link))
    return [link for _, link in sorted(scored, key=lambda item: item[0])]


def resolve_path(
    path: LearningPath,
    catalogue: Iterable[Offer],
    *,
    today: dt.date | None = None,
    municipality: str | None = None,
    reach_km: float = geo.DEFAULT_REACH_KM,
    prefer_kldb: Sequence[str] = (),
    max_offers: int = MAX_OFFERS_PER_STEP,
    data: PathData | None = None,
) -> ResolvedPath:
    """Link each step to current catalogue offers and collect sources and funding notes."""
    data = data or load_paths()
    offers = list(catalogue)
    prefer = [c for c in (_clean_code(p) for p in prefer_kldb) if c]
    place = geo.official_name(municipality) if municipality else None
    steps = []
    for number, step in enumerate(path.steps, start=1):
        ranked = rank_offers(
            step_offers(step, offers, today),
            today=today,
            municipality=place,
            reach_km=reach_km,
            prefer_kldb=prefer,
        )
        steps.append(ResolvedStep(number, step, tuple(ranked[:max_offers]), len(ranked)))
    source_ids: list[str] = []
    funding_codes: list[str] = []
    for sid in path.source_ids:
        if sid not in source_ids:
            source_ids.append(sid)
    for step in path.steps:
        for code in step.funding:
            if code not in funding_codes:
                funding_codes.append(code)
        for sid in step.source_ids:
            if sid not in source_ids:
                source_ids.append(sid)
    funding = tuple(data.funding[c] for c in funding_codes if c in data.funding)
    for note in funding:
        for sid in note.source_ids:
            if sid not in source_ids:
                source_ids.append(sid)
    total, minimum = path.total_months()
    return ResolvedPath(
        path=path,
        steps=tuple(steps),
        sources=tuple(data.sources[s] for s in source_ids if s in data.sources),
        funding=funding,
        total_months=total,
        total_is_minimum=minimum,
        stand=data.stand,
        municipality=place,
    )


# ---------------------------------------------------------------------------- validation


def _check_codes(codes: Iterable[str], where: str, known: frozenset[str]) -> list[str]:
    return [f"{where}: KldB-Code '{c}' gibt es nicht" for c in codes if c not in known]


def validate_paths(
    catalogue: Iterable[Offer],
    today: dt.date | None = None,
    data: PathData | None = None,
) -> list[str]:
    """German error messages for the learning-path data (empty list = valid).

    Checks: file structure; unique ids; KldB codes and prefixes exist; course types, funding
    codes, fields and DQR levels are known; every source has an http(s) URL and a "Stand"
    date; every path cites a source and every step with a duration, DQR level or funding
    cites one; every funding code used has an office in the ``funding`` section; steps that
    promise offers (``offers_expected``) link at least one catalogue offer (with ``today``:
    one with an upcoming or rolling start).
    """
    if data is None:
        try:
            data = load_paths()
        except PathDataError as exc:
            return list(exc.problems)
    offers = list(catalogue)
    known = kldb_codes()
    levels = dqr_levels()
    errors: list[str] = []
    for sid, src in data.sources.items():
        if not url_ok(src.url):
            errors.append(f"Quelle '{sid}': URL '{src.url}' ist keine http(s)-Adresse")
        if src.stand is None:
            errors.append(f"Quelle '{sid}': 'stand' fehlt")
    for code, note in data.funding.items():
        if code not in FUNDING:
            errors.append(f"Förderung '{code}': unbekannter Förder-Code")
        if not note.source_ids:
            errors.append(f"Förderung '{code}': keine Quelle angegeben")
        errors += [
            f"Förderung '{code}': unbekannte Quelle '{s}'"
            for s in note.source_ids
            if s not in data.sources
        ]
    seen: set[str] = set()
    for path in data.paths:
        where = f"Pfad '{path.id}'"
        if path.id in seen:
            errors.append(f"{where}: doppelte ID")
        seen.add(path.id)
        errors += _check_codes(path.target.codes, f"{where}, to", known)
        errors += _check_codes(path.origin.kldb, f"{where}, from", known)
        origin = path.origin
        if not (origin.any or origin.kldb or origin.kldb_level or origin.keywords):
            errors.append(f"{where}: 'from' braucht kldb, kldb_level, keywords oder any")
        bad_levels = [lv for lv in path.origin.kldb_level if lv not in "1234" or len(lv) != 1]
        if bad_levels:
            errors.append(f"{where}: kldb_level {bad_levels} (erlaubt: 1, 2, 3, 4)")
        if not path.source_ids:
            errors.append(f"{where}: keine Quelle angegeben")
        errors += [
            f"{where}: unbekannte Quelle '{s}'" for s in path.source_ids if s not in data.sources
        ]
        for number, step in enumerate(path.steps, start=1):
            where_step = f"{where}, Schritt {number}"
            errors += _validate_step(step, where_step, data, known, levels, offers, today)
    return errors


def _validate_step(
    step: Step,
    where: str,
    data: PathData,
    known: frozenset[str],
    levels: dict[int, DqrLevel],
    offers: list[Offer],
    today: dt.date | None,
) -> list[str]:
    errors = [
        f"{where}: Kursart '{t}' unbekannt" for t in step.course_types if t not in COURSE_TYPES
    ]
    errors += [f"{where}: Förder-Code '{f}' unbekannt" for f in step.funding if f not in FUNDING]
    errors += [
        f"{where}: für '{f}' fehlt im Abschnitt 'funding' die entscheidende Stelle"
        for f in step.funding
        if f in FUNDING and f not in data.funding
    ]
    errors += _check_codes(step.kldb_targets, where, known)
    if step.dqr_level is not None and step.dqr_level not in levels:
        errors.append(f"{where}: DQR-Niveau {step.dqr_level} gibt es nicht (1–8)")
    if step.duration_months is None and not step.duration_text:
        errors.append(f"{where}: 'duration_months' oder 'duration_text' angeben")
    if step.duration_months is not None and step.duration_months <= 0:
        errors.append(f"{where}: 'duration_months' muss größer als 0 sein")
    states_facts = (
        step.duration_months is not None or step.duration_text or step.dqr_level or step.funding
    )
    if states_facts and not step.source_ids:
        errors.append(f"{where}: Dauer, DQR-Niveau oder Förderung ohne Quelle")
    errors += [
        f"{where}: unbekannte Quelle '{s}'" for s in step.source_ids if s not in data.sources
    ]
    if step.offers_expected and not step.links_offers:
        errors.append(f"{where}: 'offers_expected' ohne 'course_types'")
    elif step.offers_expected and not step_offers(step, offers, today):
        errors.append(
            f"{where} ('{step.title}'): laut 'offers_expected' gibt es Angebote, "
            "im Katalog passt aber keines"
        )
    return errors


def summary_lines(
    catalogue: Iterable[Offer],
    today: dt.date | None = None,
    data: PathData | None = None,
) -> list[str]:
    """Counts for ``knowledge.validate``: paths per field, steps, steps with linked offers."""
    if data is None:
        try:
            data = load_paths()
        except PathDataError as exc:
            return [f"Lernpfade: Datei fehlerhaft ({len(exc.problems)} Probleme)"]
    offers = list(catalogue)
    per_field: dict[str, int] = {}
    steps = course_steps = linked_steps = links = 0
    unexpected: list[str] = []
    for path in data.paths:
        per_field[path.field] = per_field.get(path.field, 0) + 1
        for step in path.steps:
            steps += 1
            if not step.links_offers:
                continue
            course_steps += 1
            found = step_offers(step, offers, today)
            if found:
                linked_steps += 1
                links += len(found)
                if not step.offers_expected:
                    unexpected.append(f"{path.id}: {step.title}")
    fields = ", ".join(f"{k} {v}" for k, v in sorted(per_field.items()))
    lines = [
        f"Lernpfade: {len(data.paths)} ({fields})",
        f"Lernpfad-Schritte: {steps}, davon {course_steps} mit Katalogkriterien, "
        f"{linked_steps} mit verknüpften Angeboten ({links} Verknüpfungen)",
    ]
    if unexpected:
        lines.append(
            "Lernpfade: Angebote vorhanden, obwohl offers_expected=false (Eintrag prüfen): "
            + "; ".join(unexpected)
        )
    return lines


# ---------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m knowledge.paths``: check the file, or show the path for a profile.

    Without ``--to``: print the summary and every error (exit code 1 on errors). With
    ``--to`` (KldB code) or ``--to-text``: print the best path and its linked offers.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m knowledge.paths", description=main.__doc__)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--from", dest="current", default=None, help="KldB-Code des Berufs")
    parser.add_argument("--from-text", default=None, help="Beruf oder Abschluss als Text")
    parser.add_argument("--to", default=None, help="KldB-Code des Zielberufs")
    parser.add_argument("--to-text", default=None, help="Zielberuf als Text")
    parser.add_argument("--place", default=None, help="Gemeinde für die Entfernung")
    args = parser.parse_args(argv)
    today = args.today or dt.date.today()
    catalogue = load_catalogue(strict=False)
    if not (args.to or args.to_text):
        errors = validate_paths(catalogue, today=today)
        for line in summary_lines(catalogue, today=today):
            print(line)
        for error in errors:
            print(f"FEHLER {error}")
        return 1 if errors else 0
    path = find_path(
        current_kldb=args.current,
        current_text=args.from_text,
        target_kldb=args.to,
        target_text=args.to_text,
    )
    if path is None:
        print("Kein kuratierter Lernpfad für diese Kombination.")
        return 0
    resolved = resolve_path(
        path,
        catalogue,
        today=today,
        municipality=args.place,
        prefer_kldb=[c for c in (args.to, args.current) if c],
    )
    print(f"{path.id}: {path.title}")
    for step in resolved.steps:
        s = step.step
        months = f"{s.duration_months:g} Monate" if s.duration_months else s.duration_text
        print(f"  {step.number}. {s.title} | {months} | DQR {s.dqr_level or '-'} | {s.funding}")
        for offer in step.offers:
            place = f"{offer.municipality} {offer.distance_km or ''}".strip()
            print(f"     - {offer.offer_id} {offer.title} ({place})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
