"""Offline index build: catalogue -> passages -> vectors -> index directory.

The index directory ``out`` (default ``build/index``) is a symlink to a versioned directory
``<out>.versions/<timestamp>``. A build writes a complete new version and then swaps the
symlink atomically (``os.replace``), so a running service never sees a half-written index.
A rebuild happens only if the catalogue hash or the model fingerprint changed, the BM25
artefact (``bm25/``, :mod:`search.bm25`) is missing or stale, or ``force`` is set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.schema import COURSE_TYPES, Offer
from search import bm25, facts
from search.encoder import Encoder
from search.store import IdMap, IndexLoadError, IndexMeta, build_store, read_meta, save

KEEP_VERSIONS = 2


def passage_text(offer: Offer, kldb_title: Callable[[str], str | None] = facts.kldb_title) -> str:
    """Text embedded for an offer: title, course type, description, target occupations,
    provider and municipality."""
    targets = [kldb_title(c) or c for c in offer.kldb_targets]
    parts = [
        offer.title,
        COURSE_TYPES.get(offer.course_type, offer.course_type),
        offer.description,
        ("Zielberufe: " + ", ".join(targets)) if targets else "",
        f"Anbieter: {offer.provider}",
        "Ort: online" if offer.format == "online" else f"Ort: {offer.municipality}",
    ]
    return "\n".join(p for p in parts if p)


def catalogue_hash(offers: Sequence[Offer]) -> str:
    """SHA-256 over the canonical JSON of all offers (order-independent)."""
    canon = sorted((o.to_dict() for o in offers), key=lambda d: d["id"])
    return hashlib.sha256(
        json.dumps(canon, ensure_ascii=False, sort_keys=True).encode("utf-8")
    ).hexdigest()


@dataclass(frozen=True)
class BuildResult:
    rebuilt: bool
    reason: str
    directory: Path
    meta: IndexMeta
    seconds: float


def _current_meta(out: Path) -> IndexMeta | None:
    try:
        return read_meta(out)
    except IndexLoadError:
        return None


def rebuild_reason(
    current: IndexMeta | None, cat_hash: str, fingerprint: str, model: str
) -> str | None:
    """Why a rebuild is needed, or ``None`` if the index is current."""
    if current is None:
        return "kein Index vorhanden"
    if current.catalogue_hash != cat_hash:
        return "Katalog geändert"
    if current.model_fingerprint != fingerprint or current.model != model:
        return "Modell geändert"
    return None


def publish(version_dir: Path, out: Path) -> None:
    """Point the symlink ``out`` at ``version_dir`` atomically; prune old versions."""
    tmp_link = out.with_name(f".{out.name}.link-{os.getpid()}")
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(os.path.relpath(version_dir, out.parent))
    if out.exists() and not out.is_symlink():  # legacy plain directory: move it aside
        shutil.rmtree(out)
    os.replace(tmp_link, out)
    versions = sorted(p for p in version_dir.parent.iterdir() if p.is_dir())
    for old in versions[:-KEEP_VERSIONS]:
        if old.resolve() != version_dir.resolve():
            shutil.rmtree(old, ignore_errors=True)


def build_index(
    offers: Sequence[Offer], encoder: Encoder, out: Path, force: bool = False
) -> BuildResult:
    """Build (if needed) and publish the index for ``offers`` under ``out``."""
    start = time.perf_counter()
    cat_hash = catalogue_hash(offers)
    fingerprint = encoder.fingerprint
    current = _current_meta(out)
    reason = "erzwungen" if force else rebuild_reason(current, cat_hash, fingerprint, encoder.name)
    if reason is None and not bm25.is_current(out):
        reason = "BM25-Index fehlt oder veraltet"
    if reason is None and current is not None:
        return BuildResult(False, "Index aktuell", out, current, time.perf_counter() - start)
    ordered = sorted(offers, key=lambda o: o.id)
    vectors = encoder.encode_passages([passage_text(o) for o in ordered])
    now = dt.datetime.now(dt.timezone.utc)
    meta = IndexMeta(
        model=encoder.name,
        model_fingerprint=fingerprint,
        dim=encoder.dim,
        normalize=True,
        ids=IdMap(o.id for o in ordered),
        catalogue_hash=cat_hash,
        built_at=now.isoformat(timespec="seconds"),
    )
    store = build_store(list(ordered), vectors, meta)
    version_dir = out.with_name(out.name + ".versions") / now.strftime("%Y%m%dT%H%M%S%f")
    bm25.build_for_offers(ordered, passage_text).save(version_dir)  # keyword index, same dir
    save(store, version_dir)
    publish(version_dir, out)
    return BuildResult(True, reason or "", out, meta, time.perf_counter() - start)
