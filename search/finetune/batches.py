"""Batches without false in-batch negatives: :func:`plan_batches` never puts two pairs into one
batch when one's positive is relevant to the other's query (nor duplicate texts)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from search.finetune.pairs import Pair


def conflicts(a: Pair, b: Pair) -> bool:
    """True if ``a`` and ``b`` must not share a batch (one's positive is relevant to the other's
    query, or a text repeats)."""
    return bool(
        a.query_keys & b.passage_keys
        or b.query_keys & a.passage_keys
        or a.query == b.query
        or a.passage == b.passage
    )


def plan_batches(pairs: Sequence[Pair], batch_size: int, steps: int, seed: int) -> list[list[int]]:
    """``steps`` batches of pair indices without conflicts, epoch after epoch (each epoch
    reshuffled with ``seed``); pairs that did not fit into an epoch's batches come first in
    the next one."""
    if len(pairs) < 2:
        raise ValueError("at least two pairs are needed")
    rng = random.Random(seed)
    batches: list[list[int]] = []
    carry: list[int] = []
    while len(batches) < steps:
        order = list(range(len(pairs)))
        rng.shuffle(order)
        carried = set(carry)
        pending = carry + [i for i in order if i not in carried]
        carry = []
        first = True
        while pending and len(batches) < steps:
            batch: list[int] = []
            rest: list[int] = []
            for i in pending:
                if len(batch) < batch_size and not any(
                    conflicts(pairs[i], pairs[j]) for j in batch
                ):
                    batch.append(i)
                else:
                    rest.append(i)
            if len(batch) < batch_size and not first:
                carry = pending  # too few compatible pairs left: they start the next epoch
                break
            batches.append(batch)
            pending = rest
            first = False
    return batches


def pair_stats(pairs: Iterable[Pair]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in pairs:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    return dict(sorted(counts.items()))
