"""The seeded SVM intent classifier gives the same model for the same data (Rasa's own one does
not: its SVC has no random_state), and differs from Rasa's only in that seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from nlu.components.seeded_intent_classifier import SeededSklearnIntentClassifier

ROOT = Path(__file__).resolve().parents[2]


def _training_data(seed: int = 0):
    from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, 16))
    messages, vectors = [], []
    for i in range(90):
        label = i % 3
        vector = centres[label] + rng.normal(scale=1.2, size=16)  # overlapping classes
        message = Message(data={TEXT: f"beispiel {i}", INTENT: f"intent_{label}"})
        message.add_features(Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, "e5"))
        messages.append(message)
        vectors.append(vector)
    return TrainingData(messages), np.stack(vectors)


def _train(rasa_context, config: dict):
    from rasa.engine.storage.resource import Resource

    storage, context = rasa_context
    component = SeededSklearnIntentClassifier.create(
        {**SeededSklearnIntentClassifier.get_default_config(), **config},
        storage,
        Resource(f"seeded-{id(config)}"),
        context,
    )
    data, vectors = _training_data()
    component.train(data)
    return component, vectors


@pytest.mark.parametrize("kernel_config", [{"kernels": ["rbf"], "gamma": [0.01]}])
def test_same_seed_same_probabilities(rasa_context, kernel_config) -> None:
    first, x = _train(rasa_context, dict(kernel_config))
    second, _ = _train(rasa_context, dict(kernel_config))
    other, _ = _train(rasa_context, {**kernel_config, "random_seed": 7})
    p1 = first.clf.predict_proba(x)
    assert np.array_equal(p1, second.clf.predict_proba(x))
    assert not np.array_equal(p1, other.clf.predict_proba(x))  # the seed is really used
    assert first.clf.best_estimator_.random_state == 42


def test_config_uses_the_seeded_classifier() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in config["pipeline"]]
    assert "nlu.components.seeded_intent_classifier.SeededSklearnIntentClassifier" in names
