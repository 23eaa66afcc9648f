"""Command line of the search service.

``python -m search.cli build-index [--out build/index] [--catalogue PATH] [--model PATH] [--force]``
builds the FAISS index offline from ``knowledge.catalogue`` (no download) and rebuilds only
if the catalogue or the model changed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from search.app.core.config import get_settings


def _build_index(args: argparse.Namespace) -> int:
    from knowledge.catalogue import load_catalogue
    from search.build import build_index
    from search.encoder import ModelNotFoundError, SentenceTransformerEncoder

    settings = get_settings()
    catalogue = load_catalogue(args.catalogue, strict=True)
    encoder = SentenceTransformerEncoder(args.model or settings.model_path)
    try:
        result = build_index(
            catalogue.offers, encoder, args.out or settings.index_dir, force=args.force
        )
    except ModelNotFoundError as exc:
        print(f"Fehler: {exc}", file=sys.stderr)
        return 2
    if result.rebuilt:
        print(
            f"Index neu gebaut ({result.reason}): {len(result.meta.ids)} Angebote, "
            f"Modell '{result.meta.model}', {result.seconds:.1f} s -> {result.directory}"
        )
    else:
        print(
            f"Index aktuell (Katalog {result.meta.catalogue_hash[:12]}, Modell unverändert), "
            f"kein Neubau: {result.directory}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m search.cli", description="Suchdienst-Werkzeuge"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build-index", help="FAISS-Index aus dem Katalog bauen")
    p.add_argument("--out", type=Path, default=None, help="Indexordner (Standard: build/index)")
    p.add_argument("--catalogue", type=Path, default=None, help="Katalogordner oder -datei")
    p.add_argument(
        "--model",
        type=Path,
        default=None,
        help="Modellordner (Standard: SEARCH_MODEL_PATH, build/e5-small-ft)",
    )
    p.add_argument("--force", action="store_true", help="auch bei unverändertem Katalog neu bauen")
    p.set_defaults(func=_build_index)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
