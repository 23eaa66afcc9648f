"""Settings of the fine-tuning step: paths, version, seed and :class:`TrainConfig`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FINETUNE_VERSION = 1
DEFAULT_BASE = Path("build/e5-small")
DEFAULT_OUT = Path("build/e5-small-ft")
MANIFEST_FILE = "finetune_manifest.json"
DEFAULT_SEED = 20261126


@dataclass(frozen=True)
class TrainConfig:
    """Every setting that changes the result (stored in the manifest)."""

    seed: int = DEFAULT_SEED
    batch_size: int = 32
    steps: int = 160
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    #: top transformer layers that are trained; embeddings and lower layers stay frozen
    trainable_layers: int = 2
    #: MultipleNegativesRankingLoss temperature (1 / scale)
    scale: float = 20.0
    max_seq_length: int = 256
    threads: int = 2
    #: KldB title -> Berufsgattung description pairs (sampled from all Berufsgattungen)
    kldb_pairs: int = 600
