"""Where the exported ONNX query encoder lives in a model folder and whether it is current.

Stdlib only: :mod:`search.encoder` reads these to decide whether to use ONNX Runtime, and
:mod:`search.onnx_export` (which imports the encoder) writes the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ONNX_DIR = "onnx"
ONNX_FILE = "model.onnx"
EXPORT_META = "export_meta.json"
EXPORT_VERSION = 1


def onnx_path(model_path: Path) -> Path:
    return Path(model_path) / ONNX_DIR / ONNX_FILE


def read_export_meta(model_path: Path) -> dict[str, Any]:
    path = Path(model_path) / ONNX_DIR / EXPORT_META
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def is_current(model_path: Path, fingerprint: str) -> bool:
    """Whether the exported file exists and was made from weights with ``fingerprint``."""
    meta = read_export_meta(model_path)
    return (
        onnx_path(model_path).is_file()
        and meta.get("fingerprint") == fingerprint
        and meta.get("export_version") == EXPORT_VERSION
    )
