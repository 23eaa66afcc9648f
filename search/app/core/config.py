"""Settings of the search service (environment variables with prefix ``SEARCH_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TypedDict

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from knowledge.geo import DEFAULT_REACH_KM
from search.encoder import DEFAULT_QUERY_BACKEND, DEFAULT_QUERY_THREADS, QueryBackend

#: Repository root; default artefact paths are anchored here so the working directory
#: of the process does not matter.
REPO_ROOT = Path(__file__).resolve().parents[3]


class EncoderKwargs(TypedDict):
    """Settings-driven keyword arguments of :class:`search.encoder.SentenceTransformerEncoder`."""

    query_threads: int | None
    query_backend: QueryBackend


class Settings(BaseSettings):
    """Read from ``SEARCH_INDEX_DIR``, ``SEARCH_MODEL_PATH``, ``SEARCH_DEFAULT_REACH_KM``,
    ``SEARCH_CORS_ORIGINS`` (JSON list), ``SEARCH_QUERY_CACHE_SIZE``,
    ``SEARCH_ENCODER_QUERY_THREADS``, ``SEARCH_ENCODER_QUERY_BACKEND`` … or ``.env``."""

    model_config = SettingsConfigDict(
        env_prefix="SEARCH_", env_file=".env", env_ignore_empty=True, extra="ignore"
    )

    index_dir: Path = REPO_ROOT / "build" / "index"
    #: the e5 folder fine-tuned on the catalogue (search.finetune, docs/finetuning.md); the base
    #: folder build/e5-small works too (an index built with another model is rebuilt)
    model_path: Path = REPO_ROOT / "build" / "e5-small-ft"
    default_reach_km: float = Field(DEFAULT_REACH_KM, gt=0, le=200)
    cors_origins: list[str] = ["http://localhost:8080", "http://127.0.0.1:8080"]
    #: LRU cache of query embeddings (0 = off); helps repeated queries only
    query_cache_size: int = Field(1024, ge=0)
    #: torch threads per query encoding (0 = all cores); 1 is the measured best on 2 cores
    #: under concurrent load, see docs/benchmarks.md "Query encoding"
    encoder_query_threads: int = Field(DEFAULT_QUERY_THREADS, ge=0)
    #: "onnx" (ONNX Runtime over <model_path>/onnx, torch if that is missing) or "torch"
    encoder_query_backend: QueryBackend = DEFAULT_QUERY_BACKEND
    #: seconds between cheap checks of the index meta file for a newer build
    reload_check_seconds: float = Field(2.0, ge=0)
    max_limit: int = Field(50, ge=1)

    def encoder_kwargs(self) -> EncoderKwargs:
        """Keyword arguments of :class:`search.encoder.SentenceTransformerEncoder`."""
        return {
            "query_threads": self.encoder_query_threads or None,
            "query_backend": self.encoder_query_backend,
        }


@lru_cache
def get_settings() -> Settings:
    return Settings()
