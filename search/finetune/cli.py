"""Command line of ``python -m search.finetune`` (train, or ``--stats`` for the pairs only)."""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from search.finetune.batches import pair_stats
from search.finetune.config import DEFAULT_BASE, DEFAULT_OUT, TrainConfig
from search.finetune.pairs import Pair, build_pairs
from search.finetune.train import finetune

DESCRIPTION = "Domain adaptation of the e5 model on the catalogue and the KldB (issue 4, item 3)."


def _print_examples(pairs: Sequence[Pair], per_kind: int) -> Iterator[str]:
    shown: dict[str, int] = {}
    for p in pairs:
        if shown.get(p.kind, 0) < per_kind:
            shown[p.kind] = shown.get(p.kind, 0) + 1
            first_line = p.passage.splitlines()[0]
            yield f"[{p.kind}] {p.query!r} -> {first_line!r}"


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(prog="python -m search.finetune", description=DESCRIPTION)
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true", help="train even if the output is current")
    parser.add_argument("--stats", action="store_true", help="only build and describe the pairs")
    for field in dataclasses.fields(TrainConfig):
        parser.add_argument(
            f"--{field.name.replace('_', '-')}",
            type=type(getattr(defaults, field.name)),
            default=getattr(defaults, field.name),
        )
    args = parser.parse_args(argv)
    config = TrainConfig(**{f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)})
    if args.stats:
        from knowledge.catalogue import load_catalogue

        pairs = build_pairs(
            load_catalogue(strict=True).offers, seed=config.seed, kldb_count=config.kldb_pairs
        )
        print(f"{len(pairs)} Paare: {pair_stats(pairs)}")
        for line in _print_examples(pairs, 4):
            print(line)
        return 0
    trained, manifest = finetune(args.base, args.out, config, force=args.force)
    result = manifest.get("result", {})
    state = "trainiert" if trained else "aktuell, nichts zu tun"
    print(
        f"{args.out}: {state} ({result.get('pairs')} Paare, {result.get('batches')} Schritte, "
        f"Training {result.get('seconds_training')} s, gesamt {result.get('seconds_total')} s, "
        f"CPU {result.get('cpu_seconds')} s)"
    )
    return 0
