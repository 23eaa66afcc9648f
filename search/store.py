"""FAISS store: inner product over normalised vectors, with our own id mapping.

On disk (one directory, written by :func:`save`, never modified by the service):

- ``index.faiss``      the FAISS index; its type is chosen by size in :mod:`search.index_factory`
                       (exact ``IndexFlatIP`` for catalogues below the measured threshold)
- ``ids.npy``          row -> offer_id as a numpy string array (:class:`IdMap`; no Python
                       dict or list per row, so a million rows stay a few dozen MB)
- ``index.meta.json``  model name + fingerprint, dim, normalise flag, number of rows, index spec,
                       catalogue hash, built_at (format 1 kept the ids here; still readable)
- ``offers.json``      the offers exactly as indexed (``Offer.to_dict``)

:func:`load` validates everything and raises :class:`IndexLoadError` with a German message.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, overload

import faiss
import numpy as np

from knowledge.schema import Offer, SchemaError
from search import index_factory
from search.index_factory import IndexSpec

INDEX_FILE = "index.faiss"
IDS_FILE = "ids.npy"
META_FILE = "index.meta.json"
OFFERS_FILE = "offers.json"
FORMAT_VERSION = 2


class IndexLoadError(RuntimeError):
    """The index directory is missing, incomplete or inconsistent."""


class IdMap:
    """Row number -> offer id, backed by one numpy unicode array.

    Behaves like a read-only ``list[str]`` (``len``, indexing, slicing, iteration, ``index``);
    the reverse lookup uses a lazily built ``argsort`` and binary search instead of a dict.
    """

    __slots__ = ("_ids", "_order")

    def __init__(self, ids: Iterable[str] | np.ndarray) -> None:
        arr = ids if isinstance(ids, np.ndarray) else np.asarray(list(ids), dtype=str)
        if arr.size == 0:
            arr = np.zeros(0, dtype="<U1")
        if arr.ndim != 1 or arr.dtype.kind != "U":
            raise IndexLoadError(f"{IDS_FILE}: erwartet wird ein eindimensionales Text-Array")
        self._ids = arr
        self._order: np.ndarray | None = None

    @property
    def array(self) -> np.ndarray:
        return self._ids

    def __len__(self) -> int:
        return int(self._ids.shape[0])

    @overload
    def __getitem__(self, key: int) -> str: ...
    @overload
    def __getitem__(self, key: slice) -> list[str]: ...

    def __getitem__(self, key: int | slice) -> str | list[str]:
        if isinstance(key, slice):
            return self._ids[key].tolist()
        return str(self._ids[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids.tolist())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdMap):
            return bool(np.array_equal(self._ids, other._ids))
        if isinstance(other, (list, tuple)):
            return self.tolist() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IdMap({len(self)} ids)"

    def tolist(self) -> list[str]:
        return self._ids.tolist()

    def take(self, rows: np.ndarray) -> list[str]:
        """Ids of the given row numbers (vectorised)."""
        return self._ids[rows].tolist()

    def _sorted(self) -> np.ndarray:
        if self._order is None:
            self._order = np.argsort(self._ids, kind="stable")
        return self._order

    def rows_of(self, ids: Iterable[str]) -> np.ndarray:
        """Row numbers of ``ids`` (-1 where unknown)."""
        wanted = np.asarray(list(ids), dtype=str)
        if len(self) == 0 or wanted.size == 0:
            return np.full(wanted.shape, -1, dtype=np.int64)
        order = self._sorted()
        ordered = self._ids[order]
        pos = np.clip(np.searchsorted(ordered, wanted), 0, len(self) - 1)
        return np.where(ordered[pos] == wanted, order[pos], -1).astype(np.int64)

    def index(self, offer_id: str) -> int:
        row = int(self.rows_of([offer_id])[0])
        if row < 0:
            raise ValueError(f"{offer_id!r} is not in the id map")
        return row

    def __contains__(self, offer_id: object) -> bool:
        return isinstance(offer_id, str) and int(self.rows_of([offer_id])[0]) >= 0

    def has_duplicates(self) -> bool:
        return bool(len(np.unique(self._ids)) != len(self))


@dataclass(frozen=True)
class IndexMeta:
    """Index meta; ``ids`` may be given as any sequence and is kept as an :class:`IdMap`."""

    model: str
    model_fingerprint: str
    dim: int
    normalize: bool
    ids: IdMap
    catalogue_hash: str
    built_at: str
    format_version: int = FORMAT_VERSION
    index: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.ids, IdMap):
            object.__setattr__(self, "ids", IdMap(self.ids))

    @property
    def spec(self) -> IndexSpec:
        """The index kind and parameters (flat for indexes written before format 2)."""
        return IndexSpec.from_dict(self.index)

    def to_json(self) -> str:
        """Meta file content; the ids go to ``ids.npy`` (see :func:`save`)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "ids"}
        data["count"] = len(self.ids)
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, data: dict[str, Any], ids: IdMap | None = None) -> IndexMeta:
        """Meta from the JSON file; ``ids`` from ``ids.npy`` (format 2) or the JSON (format 1)."""
        required = ["model", "model_fingerprint", "dim", "normalize", "catalogue_hash", "built_at"]
        if ids is None:
            required.append("ids")
        missing = [k for k in required if k not in data]
        if missing:
            raise IndexLoadError(f"{META_FILE}: Felder fehlen: {', '.join(missing)}")
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        if ids is not None:
            known["ids"] = ids
        IndexSpec.from_dict(known.get("index"))  # unknown index kinds fail here
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
        """Top-k (offer_id, cosine) for one normalised query vector, best first.

        Exact for the flat index; approximate (HNSW/IVF, see :mod:`search.index_factory`)
        for large indexes.
        """
        k = min(k, self.size)
        if k <= 0:
            return []
        q = np.ascontiguousarray(np.asarray(query, dtype=np.float32).reshape(1, -1))
        index_factory.use_search_threads()
        scores, rows = self.index.search(q, k)
        keep = rows[0] >= 0
        return list(zip(self.meta.ids.take(rows[0][keep]), scores[0][keep].tolist(), strict=True))

    def vectors(self) -> np.ndarray:
        """All stored vectors (row order = ``meta.ids``); decoded approximations for the
        quantised index kinds."""
        index = faiss.downcast_index(self.index)
        if isinstance(index, faiss.IndexIVF) and not index.direct_map.type:
            index.make_direct_map()
        return index.reconstruct_n(0, self.size)


def build_store(
    offers: list[Offer], vectors: np.ndarray, meta: IndexMeta, spec: IndexSpec | None = None
) -> IndexStore:
    """Index ``vectors`` (rows aligned with ``offers`` and ``meta.ids``).

    The index kind is ``spec`` or, by default, :func:`index_factory.choose_spec` for the
    number of vectors; the spec is recorded in the returned store's meta.
    """
    vecs = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, meta.dim)
    spec = spec or index_factory.choose_spec(len(vecs), meta.dim)
    index = index_factory.build(vecs, spec, dim=meta.dim)
    meta = IndexMeta(
        **{f.name: getattr(meta, f.name) for f in fields(meta)}
        | {"index": spec.to_dict(), "format_version": FORMAT_VERSION}
    )
    return IndexStore(index=index, meta=meta, offers={o.id: o for o in offers})


def _check_kind(index: faiss.Index, spec: IndexSpec) -> None:
    if not index_factory.matches(index, spec):
        raise IndexLoadError(
            f"Index inkonsistent: {type(faiss.downcast_index(index)).__name__} passt nicht "
            f"zur Indexart '{spec.kind}' laut {META_FILE}"
        )


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
    if meta.ids.has_duplicates():
        raise IndexLoadError(f"{META_FILE}: doppelte Angebots-IDs")
    missing = [i for i in meta.ids if i not in store.offers]
    if missing:
        raise IndexLoadError(
            f"{OFFERS_FILE}: Angebote fehlen für IDs {', '.join(missing[:5])}"
            + (" …" if len(missing) > 5 else "")
        )
    _check_kind(store.index, meta.spec)
    if not meta.normalize:
        raise IndexLoadError(f"{META_FILE}: normalize=false – erwartet werden normierte Vektoren")
    if expected_model is not None and meta.model != expected_model:
        raise IndexLoadError(
            f"Index wurde mit Modell '{meta.model}' gebaut, konfiguriert ist '{expected_model}'. "
            "Bitte `python -m search.cli build-index` neu ausführen."
        )


def save(store: IndexStore, directory: Path) -> None:
    """Write the four files into ``directory`` (created; should be a fresh directory)."""
    directory.mkdir(parents=True, exist_ok=True)
    faiss.write_index(store.index, str(directory / INDEX_FILE))
    np.save(directory / IDS_FILE, store.meta.ids.array, allow_pickle=False)
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
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IndexLoadError(f"{path}: unlesbar ({exc})") from exc
    ids = None
    if int(data.get("format_version", 1)) >= 2:
        ids = read_ids(directory)
        if "count" in data and int(data["count"]) != len(ids):
            raise IndexLoadError(
                f"Index inkonsistent: {len(ids)} IDs in {IDS_FILE}, "
                f"aber count={data['count']} in {META_FILE}"
            )
    try:
        return IndexMeta.from_dict(data, ids)
    except (TypeError, ValueError, KeyError) as exc:
        raise IndexLoadError(f"{path}: unlesbar ({exc})") from exc


def read_ids(directory: Path) -> IdMap:
    """The row -> offer id array of a format-2 index directory."""
    path = directory / IDS_FILE
    if not path.is_file():
        raise IndexLoadError(f"Suchindex unvollständig: '{path}' fehlt")
    try:
        return IdMap(np.load(path, allow_pickle=False))
    except (ValueError, OSError) as exc:
        raise IndexLoadError(f"{path}: nicht lesbar ({exc})") from exc


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
    _check_kind(index, meta.spec)
    index_factory.configure(index, meta.spec)
    try:
        raw = json.loads(offers_path.read_text(encoding="utf-8"))
        offers = [Offer.from_dict(d) for d in raw["offers"]]
    except (json.JSONDecodeError, KeyError, TypeError, SchemaError) as exc:
        raise IndexLoadError(f"{offers_path}: ungültig ({exc})") from exc
    store = IndexStore(index=index, meta=meta, offers={o.id: o for o in offers})
    validate(store, expected_model)
    return store
