"""Relevance rules of the judge (eval/criteria.md): specs, patterns, grades, queries and qrels.

See :mod:`eval.judge` for the spec format and the command that pools and judges. Shared by the
judge and :mod:`eval.pipeline`; imports neither.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge import geo
from knowledge.schema import Offer

EVAL_DIR = Path(__file__).resolve().parent
CONCEPTS_FILE = EVAL_DIR / "concepts.json"
QRELS_DIR = EVAL_DIR / "qrels"
POOL_DEPTH = 20
#: km a place-bound offer may be from the user's municipality (the service's default reach)
REACH_KM = geo.DEFAULT_REACH_KM
SPEC_KEYS = {"need", "related", "types", "not", "time_models", "formats", "funded", "near"}

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise(text: str) -> str:
    """Lower case, umlauts transliterated, whitespace collapsed (as the patterns expect)."""
    return " ".join(text.casefold().translate(_TRANSLIT).split())


@lru_cache(maxsize=1)
def concepts(path: Path = CONCEPTS_FILE) -> dict[str, list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: list(v) for k, v in data.items() if not k.startswith("_")}


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    title_only: bool

    def search(self, title: str, text: str) -> bool:
        return bool(self.regex.search(title if self.title_only else text))


def compile_patterns(
    items: Iterable[str], table: Mapping[str, list[str]] | None = None
) -> list[Pattern]:
    """Expand ``@concept`` references and compile (normalised) regular expressions."""
    table = concepts() if table is None else table
    out: list[Pattern] = []
    for item in items:
        title_only = item.startswith("title:")
        body = item[len("title:") :] if title_only else item
        if body.startswith("@"):
            name = body[1:]
            if name not in table:
                raise ValueError(f"unbekanntes Konzept @{name}")
            expanded = [("title:" + p if title_only else p) for p in table[name]]
            out.extend(compile_patterns(expanded, table))
            continue
        out.append(Pattern(re.compile(normalise(body)), title_only))
    return out


@dataclass(frozen=True)
class Spec:
    need: tuple[tuple[Pattern, ...], ...]
    related: tuple[Pattern, ...]
    types: frozenset[str] | None
    not_: tuple[Pattern, ...]
    time_models: frozenset[str] | None
    formats: frozenset[str] | None
    funded: bool
    near: bool

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        profile: Mapping[str, Any] | None = None,
        table: Mapping[str, list[str]] | None = None,
    ) -> Spec:
        unknown = set(data) - SPEC_KEYS
        if unknown:
            raise ValueError(f"unbekannte Spec-Felder: {sorted(unknown)}")
        if not data.get("need"):
            raise ValueError("Spec braucht mindestens eine 'need'-Gruppe")
        groups = tuple(tuple(compile_patterns(g, table)) for g in data["need"])
        near = bool(data.get("near", bool(profile and profile.get("municipality"))))
        return cls(
            need=groups,
            related=tuple(compile_patterns(data.get("related", []), table)),
            types=frozenset(data["types"]) if data.get("types") else None,
            not_=tuple(compile_patterns(data.get("not", []), table)),
            time_models=frozenset(data["time_models"]) if data.get("time_models") else None,
            formats=frozenset(data["formats"]) if data.get("formats") else None,
            funded=bool(data.get("funded", False)),
            near=near,
        )


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ0-9„\"])")


def offer_texts(offer: Offer) -> tuple[str, str, str]:
    """Normalised (title, lead, full text): all the judge reads. The lead is the title plus the
    first sentence of the description, where an offer states what it is about."""
    first = _SENTENCE_END.split(offer.description.strip(), maxsplit=1)[0]
    return (
        normalise(offer.title),
        normalise(f"{offer.title} {first}"),
        normalise(f"{offer.title} {offer.description}"),
    )


def reachable(offer: Offer, municipality: str | None) -> bool:
    if offer.format == "online" or not municipality:
        return True
    origin = geo.coordinates(municipality)
    if origin is None or offer.lat is None or offer.lon is None:
        return True
    return geo.haversine_km(origin[0], origin[1], offer.lat, offer.lon) <= REACH_KM


def grade(offer: Offer, spec: Spec, profile: Mapping[str, Any] | None, today: dt.date) -> int:
    """0, 1 or 2 by the rules of eval/criteria.md."""
    if offer.start_dates and not offer.upcoming_starts(today):
        return 0  # cannot be booked any more
    title, lead, text = offer_texts(offer)
    main = any(p.search(title, lead) for p in spec.need[0])
    rest = all(any(p.search(title, text) for p in group) for group in spec.need[1:])
    if not (main and rest):
        mentioned = rest and any(p.search(title, text) for p in spec.need[0])
        return 1 if mentioned or any(p.search(title, text) for p in spec.related) else 0
    caps = [
        spec.types is not None and offer.course_type not in spec.types,
        any(p.search(title, text) for p in spec.not_),
        spec.time_models is not None and offer.time_model not in spec.time_models,
        spec.formats is not None and offer.format not in spec.formats,
        spec.funded and not (offer.azav_certified or offer.funding),
        spec.near and not reachable(offer, (profile or {}).get("municipality")),
    ]
    return 1 if any(caps) else 2


# ---------- queries and qrels ----------


@dataclass(frozen=True)
class Query:
    id: str
    text: str
    profile: dict[str, Any]
    spec: dict[str, Any]
    style: str

    def compiled(self) -> Spec:
        return Spec.from_dict(self.spec, self.profile)


def load_queries(path: Path) -> list[Query]:
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(
                Query(
                    str(d["id"]),
                    str(d["text"]),
                    dict(d.get("profile") or {}),
                    dict(d["spec"]),
                    str(d.get("style", "")),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: {exc}") from exc
    return out


def judge(
    queries: Sequence[Query],
    pools: Mapping[str, Iterable[str]],
    offers: Mapping[str, Offer],
    today: dt.date,
) -> dict[str, dict[str, int]]:
    """Grades for every (query, pooled offer id); keyed by query id, then offer id."""
    out: dict[str, dict[str, int]] = {}
    for q in queries:
        spec = q.compiled()
        out[q.id] = {
            oid: grade(offers[oid], spec, q.profile, today)
            for oid in sorted(set(pools.get(q.id, ())))
        }
    return out


def write_qrels(
    path: Path, qrels: Mapping[str, Mapping[str, int]], catalogue_hash: str, pool: str
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"catalogue_hash": catalogue_hash, "pool": pool, "qrels": qrels}
    path.write_text(
        json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8"
    )


def read_qrels(path: Path) -> tuple[dict[str, dict[str, int]], str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {q: {d: int(g) for d, g in docs.items()} for q, docs in data["qrels"].items()}, str(
        data.get("catalogue_hash", "")
    )


def merge_pools(pools: Iterable[Mapping[str, Sequence[str]]]) -> dict[str, list[str]]:
    """Union of several pools per query id (sorted ids)."""
    merged: dict[str, set[str]] = {}
    for pool in pools:
        for qid, docs in pool.items():
            merged.setdefault(qid, set()).update(docs)
    return {qid: sorted(docs) for qid, docs in merged.items()}
