"""Deterministic torch set-up and the cached frozen-bottom / trainable-top e5 encoder."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any


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
        self.top = layers[self.split :]
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

        return create_bidirectional_mask(
            config=self.bert.config, inputs_embeds=hidden, attention_mask=attention_mask
        )

    def precompute(self, texts: Iterable[str], batch_size: int = 32) -> None:
        """Hidden states after the frozen layers for every new text (eval mode, no gradients)."""
        import torch

        todo = sorted(set(texts) - self.states.keys(), key=lambda t: (len(t), t))
        was_training = self.bert.training
        self.bert.eval()
        with torch.no_grad():
            for start in range(0, len(todo), batch_size):
                chunk = todo[start : start + batch_size]
                features = self.model.preprocess(chunk)
                hidden = self.bert.embeddings(
                    input_ids=features["input_ids"], token_type_ids=features.get("token_type_ids")
                )
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
            part = order[start : start + chunk]
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
