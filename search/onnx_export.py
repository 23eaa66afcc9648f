"""Export the e5 folder's encoder to ONNX for fast query encoding (build step, no download).

``python -m search.onnx_export [--model build/e5-small]`` writes ``<model>/onnx/model.onnx``:
the BERT encoder with the folder's mean pooling and L2 normalisation, inputs ``input_ids``
and ``attention_mask`` (dynamic batch and length), output ``embedding``. ONNX Runtime runs a
single short query in about half the time of eager torch on this machine with the same
vectors (cosine >= 0.99999; docs/benchmarks.md, "Query encoding"). ``export_meta.json``
next to it records the folder fingerprint; :class:`search.encoder.SentenceTransformerEncoder`
uses the file only while that fingerprint matches (otherwise it falls back to torch).

Needs ``torch`` and ``onnx`` (export) and ``onnxruntime`` (the check after export).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from search.encoder import QUERY_PREFIX, SentenceTransformerEncoder
from search.onnx_files import (
    EXPORT_META,
    EXPORT_VERSION,
    ONNX_DIR,
    ONNX_FILE,
    is_current,
    onnx_path,
    read_export_meta,
)

__all__ = [
    "CHECK_TEXTS",
    "EXPORT_META",
    "EXPORT_VERSION",
    "MIN_COSINE",
    "ONNX_DIR",
    "ONNX_FILE",
    "OPSET",
    "export",
    "is_current",
    "main",
    "onnx_path",
    "read_export_meta",
]

OPSET = 17
#: texts embedded by torch and ONNX Runtime after the export; the export fails below this cosine
CHECK_TEXTS = (
    "Umschulung zur Pflegefachfrau in Teilzeit",
    "Deutschkurs B2 für den Beruf",
    "Meisterschule Elektrotechnik berufsbegleitend in Unterschleißheim",
)
MIN_COSINE = 0.9999


def _check_pooling(model_path: Path) -> None:
    modules = json.loads((model_path / "modules.json").read_text(encoding="utf-8"))
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    pooling = json.loads((model_path / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
    mean = pooling.get("pooling_mode") == "mean" or pooling.get("pooling_mode_mean_tokens")
    if kinds != ["Transformer", "Pooling", "Normalize"] or not mean:
        raise ValueError(
            f"{model_path}: expected Transformer + mean Pooling + Normalize, "
            f"found {kinds} with pooling {pooling}"
        )


def export(model_path: Path, force: bool = False) -> Path:
    """Write (or keep, if current) ``<model_path>/onnx/model.onnx``; returns its path."""
    import torch

    model_path = Path(model_path)
    encoder = SentenceTransformerEncoder(model_path, query_backend="torch")
    fingerprint = encoder.fingerprint
    target = onnx_path(model_path)
    if not force and is_current(model_path, fingerprint):
        return target
    _check_pooling(model_path)
    model = encoder.model
    bert = model[0].auto_model.eval()

    class Pooled(torch.nn.Module):
        """BERT + mean pooling over the attention mask + L2 normalisation."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    sample = model.tokenizer([QUERY_PREFIX + CHECK_TEXTS[0]], return_tensors="pt")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    with torch.inference_mode():
        torch.onnx.export(
            Pooled().eval(),
            (sample["input_ids"], sample["attention_mask"]),
            str(tmp),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    os.replace(tmp, target)
    meta = {
        "fingerprint": fingerprint,
        "export_version": EXPORT_VERSION,
        "opset": OPSET,
        "torch": torch.__version__,
        "pooling": "mean",
        "normalize": True,
    }
    (target.parent / EXPORT_META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    _verify(model_path, encoder)
    return target


def _verify(model_path: Path, reference: Any) -> float:
    """Cosine of ONNX Runtime vs torch query vectors; raises below :data:`MIN_COSINE`."""
    onnx_encoder = SentenceTransformerEncoder(model_path, query_backend="onnx")
    got = onnx_encoder.encode_queries(list(CHECK_TEXTS))
    if onnx_encoder.active_query_backend != "onnx":
        raise RuntimeError(f"ONNX export not usable: {onnx_encoder.onnx_problem}")
    want = reference.encode_queries(list(CHECK_TEXTS))
    cosine = float(np.min(np.sum(got * want, axis=1)))
    if cosine < MIN_COSINE:
        onnx_path(model_path).unlink(missing_ok=True)
        raise RuntimeError(f"ONNX export differs from torch (cosine {cosine:.6f})")
    return cosine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m search.onnx_export", description="Query-Encoder nach ONNX exportieren"
    )
    parser.add_argument(
        "--model", type=Path, default=None, help="Modellordner (Standard: build/e5-small)"
    )
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    from search.app.core.config import get_settings

    model_path = args.model or get_settings().model_path
    try:
        path = export(model_path, force=args.force)
    except ImportError as exc:
        print(f"Fehler: ONNX-Export braucht torch, onnx und onnxruntime ({exc})", file=sys.stderr)
        return 2
    print(f"ONNX-Modell aktuell: {path} ({path.stat().st_size / 2**20:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
