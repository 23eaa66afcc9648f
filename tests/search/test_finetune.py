"""Domain adaptation (search.finetune): pair building, batch planning, the cached top-layer
forward and a smoke training on a tiny model."""

from __future__ import annotations

import ast
import json
import random
import shutil
import sys
from pathlib import Path

import pytest
from search_fixtures import REPO, fixture_offers

from knowledge.catalogue import load_catalogue
from knowledge.kldb import load_kldb
from search import finetune as ft
from search.build import passage_text
from search.finetune import pairs as ft_pairs

EVAL_DIR = (REPO / "eval").resolve()


@pytest.fixture(scope="module")
def catalogue_offers():
    return load_catalogue(strict=True).offers


@pytest.fixture(scope="module")
def real_pairs(catalogue_offers):
    return ft.build_pairs(catalogue_offers, seed=7, kldb_count=300)


# ---------- pair building ----------


def test_pairs_are_deterministic_and_depend_on_the_seed(catalogue_offers):
    first = ft.build_pairs(catalogue_offers, seed=7, kldb_count=300)
    again = ft.build_pairs(list(reversed(catalogue_offers)), seed=7, kldb_count=300)
    other = ft.build_pairs(catalogue_offers, seed=8, kldb_count=300)
    assert first == again
    assert first != other


class _OpenRecorder:
    """Records every path opened while active (``sys.addaudithook`` sees os.open, io.open, …)."""

    active = False
    paths: list[str] = []

    @classmethod
    def hook(cls, event: str, args: tuple) -> None:
        if cls.active and event == "open" and args and isinstance(args[0], (str, bytes, Path)):
            cls.paths.append(str(args[0] if not isinstance(args[0], bytes) else args[0].decode()))


sys.addaudithook(_OpenRecorder.hook)


def test_pair_building_never_opens_the_evaluation_files():
    """Catalogue and KldB loading, pair building and batch planning read no file under eval/."""
    load_kldb.cache_clear()  # force a real read of the KldB file inside the recorded block
    _OpenRecorder.paths = []
    _OpenRecorder.active = True
    try:
        offers = load_catalogue(strict=True).offers
        pairs = ft.build_pairs(offers, seed=3, kldb_count=50)
        ft.plan_batches(pairs, batch_size=16, steps=5, seed=3)
    finally:
        _OpenRecorder.active = False
    opened = [Path(p).resolve() for p in _OpenRecorder.paths]
    assert any(p.name == "kldb2010_v2020_gliederung.csv" for p in opened)  # the hook works
    assert not [p for p in opened if p.is_relative_to(EVAL_DIR)]


def test_finetune_package_does_not_import_the_eval_package():
    files = sorted(Path(ft.__file__).parent.glob("*.py"))
    assert len(files) > 1  # the package's modules, not only __init__
    for file in files:
        text = file.read_text(encoding="utf-8")
        tree = ast.parse(text)
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not {m for m in modules if m and m.split(".")[0] == "eval"}, file
        assert "queries_" not in text, file


def test_every_offer_gets_title_and_keyword_pairs_with_its_own_passage(
    catalogue_offers, real_pairs
):
    by_offer: dict[str, set[str]] = {}
    passages = {passage_text(o): o for o in catalogue_offers}
    for pair in real_pairs:
        if pair.kind == "kldb":
            continue
        offer = passages[pair.passage]  # every offer pair uses the indexed passage text
        assert f"o:{offer.id}" in pair.passage_keys
        by_offer.setdefault(offer.id, set()).add(pair.kind)
    assert set(by_offer) == {o.id for o in catalogue_offers}
    assert all("title" in kinds for kinds in by_offer.values())
    with_targets = [o for o in catalogue_offers if o.kldb_targets]
    assert sum("occupation" in by_offer[o.id] for o in with_targets) >= 0.9 * len(with_targets)


def _contains_approx(text: str, part: str) -> bool:
    """``part`` occurs in ``text`` with at most one edit (delete, swap, double, replace)."""
    from difflib import SequenceMatcher

    if part in text:
        return True
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == " "]  # titles start a word
    for size in (len(part) - 1, len(part), len(part) + 1):
        for start in starts:
            window = text[start : start + size]
            if SequenceMatcher(None, part, window).ratio() >= 1 - 2.5 / max(len(part), 8):
                return True
    return False


def test_occupation_queries_name_a_job_title_of_the_target_code(catalogue_offers, real_pairs):
    kldb = load_kldb()
    checked = 0
    forms_of: dict[str, set[str]] = {}
    for pair in real_pairs:
        if pair.kind != "occupation":
            continue
        (key,) = pair.query_keys
        code = key.removeprefix("k:")
        if code not in forms_of:
            forms = {f.lower() for f in ft_pairs._job_forms_for_code(kldb, code)}
            forms_of[code] = forms | {
                f.translate(t) for f in forms for t in (ft_pairs._UMLAUT_AE, ft_pairs._UMLAUT_A)
            }
        # the job title appears as written, folded or with one typo
        assert any(_contains_approx(pair.query, f) for f in forms_of[code]), (pair.query, code)
        checked += 1
    assert checked > 100


def test_kldb_pairs_describe_civilian_berufsgattungen_near_the_catalogue(
    catalogue_offers, real_pairs
):
    kldb_pairs = [p for p in real_pairs if p.kind == "kldb"]
    assert len(kldb_pairs) == 300
    for pair in kldb_pairs:
        (key,) = pair.passage_keys
        occ = load_kldb().get(key.removeprefix("k:"))
        assert pair.passage.startswith(occ.title)
        assert "Anforderungsniveau: " + ft_pairs.ANFORDERUNGSNIVEAU[occ.code[4]] in pair.passage
        assert key in pair.query_keys
    codes = {next(iter(p.passage_keys)).removeprefix("k:") for p in kldb_pairs}
    assert not [c for c in codes if c.startswith("0")]  # no military Berufsgattungen
    # 300 < the civilian Berufsgattungen near the catalogue's targets: all come from those groups
    groups = {c[:3] for o in catalogue_offers for c in o.kldb_targets}
    assert {c[:3] for c in codes} <= groups


def test_typos_and_umlaut_folding_are_small_seeded_edits():
    rng = random.Random(1)
    for _ in range(200):
        text = "umschulung pflegefachfrau teilzeit"
        typo = ft.add_typo(text, rng)
        changed = [(a, b) for a, b in zip(text.split(), typo.split(), strict=True) if a != b]
        assert len(changed) == 1 and abs(len(changed[0][0]) - len(changed[0][1])) <= 1
    assert ft.add_typo("kurs ab", rng) == "kurs ab"
    assert ft.fold_umlauts("Bürokauffrau Öko Straße", random.Random(0)) in {
        "Buerokauffrau Oeko Strasse",
        "Burokauffrau Oko Strasse",
    }
    assert ft.add_typo("pflegefachfrau", random.Random(5)) == ft.add_typo(
        "pflegefachfrau", random.Random(5)
    )


def test_job_title_forms_are_plain_gender_forms():
    assert ft.job_title_forms("Altenpfleger/in") == ["Altenpfleger", "Altenpflegerin"]
    forms = ft.job_title_forms("Pflegefachmann/-frau (Ausbildung)")
    assert "Pflegefachfrau" in forms and "Pflegefachmann" in forms
    assert not [f for f in forms if "/" in f or "(" in f]


# ---------- batches ----------


def test_batches_hold_no_false_negatives_and_cover_the_pairs(real_pairs):
    batches = ft.plan_batches(real_pairs, batch_size=32, steps=120, seed=11)
    assert batches == ft.plan_batches(real_pairs, batch_size=32, steps=120, seed=11)
    assert len(batches) == 120 and all(len(b) == 32 for b in batches)
    for batch in batches:
        for n, i in enumerate(batch):
            for j in batch[n + 1 :]:
                assert not ft.conflicts(real_pairs[i], real_pairs[j])
    first_epoch = batches[: len(real_pairs) // 32]
    seen = {i for b in first_epoch for i in b}
    assert len(seen) >= 0.95 * len(first_epoch) * 32


def test_conflicts_follow_the_keys():
    a = ft.Pair(
        "umschulung altenpfleger",
        "P1",
        "occupation",
        frozenset({"k:82102"}),
        frozenset({"o:1", "k:82102"}),
    )
    b = ft.Pair("kurs excel", "P2", "title", frozenset({"o:2"}), frozenset({"o:2", "k:82102"}))
    c = ft.Pair("kurs word", "P3", "title", frozenset({"o:3"}), frozenset({"o:3", "k:43102"}))
    assert ft.conflicts(a, b)  # b's passage targets the occupation a asks for
    assert not ft.conflicts(a, c) and not ft.conflicts(b, c)
    assert ft.conflicts(
        c, ft.Pair("kurs word", "P4", "title", frozenset({"o:4"}), frozenset({"o:4"}))
    )  # same query text


def test_small_pair_sets_still_give_batches():
    pairs = [
        ft.Pair(f"q{i}", f"p{i}", "title", frozenset({f"o:{i}"}), frozenset({f"o:{i}"}))
        for i in range(5)
    ]
    batches = ft.plan_batches(pairs, batch_size=8, steps=3, seed=0)
    assert len(batches) == 3 and all(sorted(b) == list(range(5)) for b in batches)
    with pytest.raises(ValueError):
        ft.plan_batches(pairs[:1], batch_size=8, steps=1, seed=0)


# ---------- model parts (real tokenizer; tiny model for the training smoke test) ----------


@pytest.mark.models
def test_cached_top_layers_reproduce_model_encode(e5_folder: Path):
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(e5_folder), device="cpu", local_files_only=True)
    texts = [
        "query: umschulung pflegefachfrau",
        "query: ki",
        "passage: " + passage_text(fixture_offers()[0]),
    ]
    reference = model.encode(texts, convert_to_tensor=True, normalize_embeddings=True)
    for layers in (1, 4):
        encoder = ft.CachedTopLayers(model, layers)
        encoder.precompute(texts)
        model.eval()
        with torch.no_grad():
            assert float((encoder.embed(texts) - reference).abs().max()) < 1e-5
        assert sum(p.numel() for p in encoder.parameters) == sum(
            p.numel()
            for layer in model[0].auto_model.encoder.layer[-layers:]
            for p in layer.parameters()
        )


def _tiny_model(e5_folder: Path, out: Path) -> Path:
    """A 3-layer, 32-dim BERT with the real e5 tokenizer in sentence-transformers layout."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.base.modules.normalize import Normalize
    from sentence_transformers.base.modules.transformer import Transformer
    from sentence_transformers.sentence_transformer.modules.pooling import Pooling
    from transformers import BertConfig, BertModel

    torch.manual_seed(0)
    hf = out.parent / "tiny-hf"
    config = json.loads((e5_folder / "config.json").read_text(encoding="utf-8"))
    BertModel(
        BertConfig(
            vocab_size=config["vocab_size"],
            hidden_size=32,
            num_hidden_layers=3,
            num_attention_heads=2,
            intermediate_size=64,
            pad_token_id=config["pad_token_id"],
        )
    ).save_pretrained(hf)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(e5_folder / name, hf / name)
    model = SentenceTransformer(
        modules=[Transformer(str(hf), max_seq_length=64), Pooling(32, "mean"), Normalize()],
        device="cpu",
    )
    model.save(str(out), create_model_card=False)
    return out


@pytest.mark.models
def test_smoke_training_is_deterministic_cached_and_loadable(e5_folder: Path, tmp_path: Path):
    import numpy as np
    from safetensors.numpy import load_file

    from search.encoder import SentenceTransformerEncoder

    base = _tiny_model(e5_folder, tmp_path / "tiny")
    offers = fixture_offers()
    config = ft.TrainConfig(
        steps=3, batch_size=4, trainable_layers=1, kldb_pairs=10, learning_rate=1e-3, seed=5
    )
    trained, manifest = ft.finetune(base, tmp_path / "a", config, offers=offers, log=lambda m: None)
    assert trained and manifest["result"]["batches"] == 3
    assert manifest["inputs"]["config"]["seed"] == 5
    assert manifest["inputs"]["catalogue_hash"] and manifest["inputs"]["base_fingerprint"]
    again, _ = ft.finetune(base, tmp_path / "a", config, offers=offers, log=lambda m: None)
    assert not again  # manifest matches: cached
    ft.finetune(base, tmp_path / "b", config, offers=offers, log=lambda m: None)

    a = load_file(str(tmp_path / "a" / "model.safetensors"))
    b = load_file(str(tmp_path / "b" / "model.safetensors"))
    before = load_file(str(base / "model.safetensors"))
    assert all(np.array_equal(a[k], b[k]) for k in a)  # same seed, same weights
    top = [k for k in a if "encoder.layer.2." in k]
    frozen = [k for k in a if "encoder.layer.0." in k or "embeddings" in k]
    assert top and frozen
    assert any(not np.array_equal(a[k], before[k]) for k in top)
    assert all(np.array_equal(a[k], before[k]) for k in frozen)

    encoder = SentenceTransformerEncoder(tmp_path / "a")
    assert encoder.fingerprint != SentenceTransformerEncoder(base).fingerprint
    assert "Feinabstimmung" in encoder.name
    vectors = encoder.encode_queries(["umschulung altenpflege"])
    assert vectors.shape == (1, 32) and abs(float(np.linalg.norm(vectors)) - 1) < 1e-5
