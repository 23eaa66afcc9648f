"""Keyword retrieval: BM25 (``bm25s``) over the offer passages with German text analysis.

Analysis (identical for offers and queries, :class:`Analyzer`):

1. casefold, ``ß`` -> ``ss``, umlauts -> ``ae/oe/ue``; tokens are runs of letters/digits
   (hyphens split words);
2. German and English stop words are dropped (``bm25s.stopwords``);
3. Snowball German stemming (``PyStemmer``); the German Snowball algorithm also folds
   ``ae/oe/ue`` to ``ä/ö/ü`` and removes umlauts, so "Buero" and "Büro" get the same stem.

On disk the index is the subdirectory ``bm25/`` of an index version directory (next to the
FAISS files, so the atomic symlink swap of :mod:`search.build` covers it): the ``bm25s`` files
plus ``bm25.meta.json`` (offer ids in row order, parameters, analyzer version).
Parameters (``DEFAULT_PARAMS``) were tuned on ``eval/queries_dev.jsonl`` only
(``python -m eval.tune``).

No compound splitting: the only maintained German splitter on PyPI that runs on Python 3.11
(``compound-split``) is GPL-3.0, which the district's Apache-2.0 code base does not take on.
Measured on the dev set it raised BM25 alone from 0.531 to 0.567 nDCG@10 and changed nothing for
hybrid retrieval (0.708 vs 0.711), so the keyword baseline here is the stemming-only variant.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_GERMAN

from knowledge.schema import Offer

log = logging.getLogger(__name__)

BM25_DIR = "bm25"
BM25_META = "bm25.meta.json"
#: Bump whenever the analysis changes: an index built with another version is rebuilt.
ANALYZER_VERSION = 3

_TOKEN_RE = re.compile(r"[^\W_]+")
_STOPWORDS = frozenset(STOPWORDS_GERMAN) | frozenset(STOPWORDS_EN)


class BM25LoadError(RuntimeError):
    """The BM25 artefact is missing, incomplete or does not match the FAISS index."""


@dataclass(frozen=True)
class BM25Params:
    """Scoring parameters (Lucene BM25) and analysis options; tuned on the dev set."""

    k1: float = 2.0
    b: float = 0.5
    #: how often the title is repeated in the indexed text (simple field boost)
    title_weight: int = 3


DEFAULT_PARAMS = BM25Params()


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("german")


_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise(text: str) -> str:
    """Casefold and write umlauts as ae/oe/ue (users type both; the German stemmer folds both
    back to the same stem)."""
    return text.casefold().translate(_TRANSLIT)


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` without stop words (before stemming)."""
    return [w for w in _TOKEN_RE.findall(normalise(text)) if w not in _STOPWORDS]


@dataclass(frozen=True)
class Analyzer:
    """German analysis chain shared by indexing and querying (see module docstring)."""

    def terms(self, text: str) -> list[str]:
        return list(_stemmer().stemWords(words(text)))


def document_text(title: str, passage: str, title_weight: int) -> str:
    """Indexed text: the passage plus ``title_weight - 1`` extra copies of the title."""
    return "\n".join([title] * max(0, title_weight - 1) + [passage])


class BM25Index:
    """A BM25 model over offers (row order = ``ids``); scores are >= 0, 0 = no common term."""

    def __init__(self, model: bm25s.BM25, ids: list[str], params: BM25Params) -> None:
        self.model = model
        self.ids = ids
        self.params = params
        self.analyzer = Analyzer()
        self._row = {i: n for n, i in enumerate(ids)}

    @classmethod
    def build(
        cls, ids: Sequence[str], texts: Sequence[str], params: BM25Params = DEFAULT_PARAMS
    ) -> BM25Index:
        """Index ``texts`` (already combined, see :func:`document_text`) under ``ids``."""
        if len(ids) != len(texts):
            raise ValueError("ids and texts differ in length")
        analyzer = Analyzer()
        corpus = [analyzer.terms(t) or [""] for t in texts]
        model = bm25s.BM25(k1=params.k1, b=params.b, method="lucene")
        if corpus:
            model.index(corpus, show_progress=False)
        return cls(model, list(ids), params)

    def __len__(self) -> int:
        return len(self.ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every offer (row order = ``ids``) for ``query``."""
        if not self.ids:
            return np.zeros(0, dtype=np.float32)
        tokens = self.model.get_tokens_ids(self.analyzer.terms(query))
        if not tokens:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.model.get_scores(tokens), dtype=np.float32)

    def score_map(self, query: str) -> dict[str, float]:
        """``{offer_id: score}`` for all offers with a score above zero."""
        s = self.scores(query)
        return {self.ids[i]: float(s[i]) for i in np.flatnonzero(s > 0)}

    def matched_words(self, query: str, text: str) -> list[str]:
        """Query words (as typed, lower case) whose terms occur in ``text``, in query order."""
        doc_terms = set(self.analyzer.terms(text))
        out: list[str] = []
        for w in words(query):
            if w not in out and any(t in doc_terms for t in self.analyzer.terms(w)):
                out.append(w)
        return out

    # ---------- persistence ----------

    def save(self, directory: Path) -> None:
        """Write ``<directory>/bm25/`` (meta last: its presence marks a complete artefact)."""
        target = Path(directory) / BM25_DIR
        target.mkdir(parents=True, exist_ok=True)
        self.model.save(str(target), show_progress=False)
        meta = {
            "analyzer_version": ANALYZER_VERSION,
            "ids": self.ids,
            "params": asdict(self.params),
            "bm25s": bm25s.__version__,
        }
        (target / BM25_META).write_text(
            json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path, expected_ids: Iterable[str] | None = None) -> BM25Index:
        """Load ``<directory>/bm25/``; raise :class:`BM25LoadError` if missing or stale."""
        target = Path(directory) / BM25_DIR
        meta_path = target / BM25_META
        if not meta_path.is_file():
            raise BM25LoadError(f"BM25-Index fehlt ({meta_path})")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            ids = [str(i) for i in meta["ids"]]
            params = BM25Params(**meta["params"])
            version = int(meta["analyzer_version"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise BM25LoadError(f"{meta_path}: ungültig ({exc})") from exc
        if version != ANALYZER_VERSION:
            raise BM25LoadError(
                f"BM25-Index mit Analyseversion {version} gebaut, erwartet {ANALYZER_VERSION}"
            )
        if expected_ids is not None and list(expected_ids) != ids:
            raise BM25LoadError("BM25-Index passt nicht zum FAISS-Index (andere Angebots-IDs)")
        try:
            model = bm25s.BM25.load(str(target), show_progress=False)
        except (OSError, ValueError, KeyError) as exc:
            raise BM25LoadError(f"{target}: nicht lesbar ({exc})") from exc
        return cls(model, ids, params)


def is_current(directory: Path, params: BM25Params = DEFAULT_PARAMS) -> bool:
    """True if ``directory`` holds a BM25 artefact of this analyzer version and ``params``."""
    try:
        meta = json.loads((Path(directory) / BM25_DIR / BM25_META).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return False
    return meta.get("analyzer_version") == ANALYZER_VERSION and meta.get("params") == asdict(params)


def build_for_offers(
    offers: Iterable[Offer], passage: Callable[[Offer], str], params: BM25Params = DEFAULT_PARAMS
) -> BM25Index:
    """BM25 index over ``offers`` (row order as given) using ``passage(offer)`` as text."""
    offers = list(offers)
    texts = [document_text(o.title, passage(o), params.title_weight) for o in offers]
    return BM25Index.build([o.id for o in offers], texts, params)
