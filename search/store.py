"""FAISS store: exact inner product over normalised vectors, with our own id mapping.

On disk (one directory, written by :func:`save`, never modified by the service):

- ``index.faiss``      ``IndexFlatIP`` (exact cosine on normalised vectors)
- ``index.meta.json``  model name + fingerprint, dim, normalise flag, row -> offer_id list,
                       catalogue hash, built_at
- ``offers.json``      the offers exactly as indexed (``Offer.to_dict``)

:func:`load` validates everything and raises :class:`IndexLoadError` with a German message.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from knowledge.schema import Offer, SchemaError

INDEX_FILE = "index.faiss"
META_FILE = "index.meta.json"
OFFERS_FILE = "offers.json"
FORMAT_VERSION = 1


class IndexLoadError(RuntimeError):
    """The index directory is missing, incomplete or inconsistent."""


@dataclass(frozen=True)
class IndexMeta:
    model: str
    model_fingerprint: str
    dim: int
    normalize: bool
    ids: list[str]
    catalogue_hash: str
    built_at: str
    format_version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexMeta:
        missing = [k for k in ("model", "model_fingerprint", "dim", "normalize", "ids",
                               "catalogue_hash", "built_at") if k not in data]
        if missing:
            raise IndexLoadError(f"{META_FILE}: Felder fehlen: {', '.join(missing)}")
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


@dataclass
class IndexStore:
    """An in-memory index with its meta and offers; read-only after construction."""

    index: faiss.Index
    meta: IndexMeta
    offers: dict[str, Offer]

    def __post_init__(self) -> None:
        validate(self)

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    def search(self, query: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Top-k (offer_id, cosine) for one normalised query vector, best first."""
        k = min(k, self.size)
        if k <= 0:
            return []
        q = np.ascontiguousarray(np.asarray(query, dtype=np.float32).reshape(1, -1))
        scores, rows = self.index.search(q, k)
        return [(self.meta.ids[r], float(s)) for s, r in zip(scores[0], rows[0], strict=True)
                if r >= 0]

    def vectors(self) -> np.ndarray:
        """All stored vectors (row order = ``meta.ids``)."""
        return self.index.reconstruct_n(0, self.size)


def build_store(offers: list[Offer], vectors: np.ndarray, meta: IndexMeta) -> IndexStore:
    """Create an ``IndexFlatIP`` over ``vectors`` (rows aligned with ``offers``)."""
    vecs = np.ascontiguousarray(vectors, dtype=np.float32)
    index = faiss.IndexFlatIP(meta.dim)
    if len(vecs):
        index.add(vecs)
    return IndexStore(index=index, meta=meta, offers={o.id: o for o in offers})


def validate(store: IndexStore, expected_model: str | None = None) -> None:
    """Check the invariants; raise :class:`IndexLoadError` naming the first violation."""
    meta = store.meta
    if store.index.ntotal != len(meta.ids):
        raise IndexLoadError(
            f"Index inkonsistent: {store.index.ntotal} Vektoren, "
            f"aber {len(meta.ids)} IDs in {META_FILE}"
        )
    if store.index.d != meta.dim:
        raise IndexLoadError(
            f"Index inkonsistent: Dimension {store.index.d} statt {meta.dim} laut {META_FILE}"
        )
    if len(set(meta.ids)) != len(meta.ids):
        raise IndexLoadError(f"{META_FILE}: doppelte Angebots-IDs")
    missing = [i for i in meta.ids if i not in store.offers]
    if missing:
        raise IndexLoadError(
            f"{OFFERS_FILE}: Angebote fehlen für IDs {', '.join(missing[:5])}"
            + (" …" if len(missing) > 5 else "")
        )
    if not meta.normalize:
        raise IndexLoadError(f"{META_FILE}: normalize=false – erwartet werden normierte Vektoren")
    if expected_model is not None and meta.model != expected_model:
        raise IndexLoadError(
            f"Index wurde mit Modell '{meta.model}' gebaut, konfiguriert ist '{expected_model}'. "
            "Bitte `python -m search.cli build-index` neu ausführen."
        )


def save(store: IndexStore, directory: Path) -> None:
    """Write the three files into ``directory`` (created; should be a fresh directory)."""
    directory.mkdir(parents=True, exist_ok=True)
    faiss.write_index(store.index, str(directory / INDEX_FILE))
    offers = [store.offers[i].to_dict() for i in store.meta.ids]
    (directory / OFFERS_FILE).write_text(
        json.dumps({"offers": offers}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    # meta last: its presence marks a complete directory
    (directory / META_FILE).write_text(store.meta.to_json(), encoding="utf-8")


def read_meta(directory: Path) -> IndexMeta:
    path = directory / META_FILE
    if not path.is_file():
        raise IndexLoadError(
            f"Kein Suchindex in '{directory}' ({META_FILE} fehlt). "
            "Bitte `python -m search.cli build-index` ausführen."
        )
    try:
        return IndexMeta.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, TypeError) as exc:
        raise IndexLoadError(f"{path}: unlesbar ({exc})") from exc


def load(directory: Path | str, expected_model: str | None = None) -> IndexStore:
    """Load and validate an index directory (see module docstring)."""
    directory = Path(directory)
    meta = read_meta(directory)
    index_path = directory / INDEX_FILE
    offers_path = directory / OFFERS_FILE
    for p in (index_path, offers_path):
        if not p.is_file():
            raise IndexLoadError(f"Suchindex unvollständig: '{p}' fehlt")
    try:
        index = faiss.read_index(str(index_path))
    except RuntimeError as exc:
        raise IndexLoadError(f"{index_path}: nicht lesbar ({exc})") from exc
    try:
        raw = json.loads(offers_path.read_text(encoding="utf-8"))
        offers = [Offer.from_dict(d) for d in raw["offers"]]
    except (json.JSONDecodeError, KeyError, TypeError, SchemaError) as exc:
        raise IndexLoadError(f"{offers_path}: ungültig ({exc})") from exc
    store = IndexStore(index=index, meta=meta, offers={o.id: o for o in offers})
    validate(store, expected_model)
    return store
