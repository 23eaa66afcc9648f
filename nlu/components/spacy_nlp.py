"""Rasa's SpacyNLP with two fixes for a pipeline built from code (``build/spacy-de``).

1. Load once per process. Rasa's predict graph instantiates the model loader twice (a ``provide_`` and a
   ``run_`` node) and Rasa's SpacyNLP loads the pipeline in both. Ours holds ~140,000 generated EntityRuler
   patterns, so each load costs ~9 s of server start-up.
2. Fingerprint the pipeline's content, not only its path. Rasa fingerprints a spaCy model by its name, so after
   ``nlu.build_pipeline`` changed the patterns, ``rasa train`` would restore every downstream component from its
   cache. The fingerprint here adds the input hashes that the builder writes to ``inputs.json``.

The class keeps Rasa's name ``SpacyNLP`` on purpose: Rasa's recipe wires SpacyTokenizer (``model_from="SpacyNLP"``)
to its model provider by class name. Use it in config.yml as ``nlu.components.spacy_nlp.SpacyNLP``.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.utils import spacy_utils

INPUTS_FILE = "inputs.json"


@dataclass
class FingerprintedSpacyModel(spacy_utils.SpacyModel):
    """A loaded spaCy pipeline whose fingerprint covers the builder's inputs."""

    content_hash: str = ""

    def fingerprint(self) -> str:
        """Model name plus the content hash of the built pipeline."""
        return f"{self.model_name}:{self.content_hash}"


def content_hash(model_path: str) -> str:
    """SHA-256 of the builder's ``inputs.json`` (empty for an installed package name)."""
    inputs = Path(model_path) / INPUTS_FILE
    if not inputs.is_file():
        return ""
    return hashlib.sha256(inputs.read_bytes()).hexdigest()


@functools.lru_cache(maxsize=4)
def _load_once(model_path: str, digest: str) -> FingerprintedSpacyModel:
    loaded = spacy_utils.SpacyNLP.load_model(model_path)
    return FingerprintedSpacyModel(
        model=loaded.model, model_name=loaded.model_name, content_hash=digest
    )


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.MODEL_LOADER,
        DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER,
    ],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """SpacyNLP that shares one loaded pipeline per path and content."""

    @staticmethod
    def load_model(spacy_model_name: str) -> spacy_utils.SpacyModel:
        """Load (or reuse) the pipeline; the cache key includes the content hash."""
        return _load_once(spacy_model_name, content_hash(spacy_model_name))
