"""Fixtures for the NLU tests: the spaCy pipeline (built once per session) and Rasa components."""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

import pytest

from nlu import build_pipeline

if importlib.util.find_spec("rasa") is None or importlib.util.find_spec("spacy") is None:
    # The NLU components need the bot environment (.venv-bot); skip collection elsewhere.
    collect_ignore_glob = ["test_*.py"]

BUILD_DIR = build_pipeline.ROOT / "build" / "spacy-de"


@pytest.fixture(scope="session")
def spacy_pipeline_path(tmp_path_factory) -> Path:
    """build/spacy-de when it is up to date with its inputs, else a fresh build in a tmp dir."""
    if build_pipeline.is_up_to_date(BUILD_DIR):
        return BUILD_DIR
    out = tmp_path_factory.mktemp("pipeline") / "spacy-de"
    build_pipeline.build(out)
    return out


@pytest.fixture(scope="session")
def rasa_context():
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    storage = LocalModelStorage(Path(tempfile.mkdtemp(prefix="nlu-tests-")))
    return storage, ExecutionContext(GraphSchema({}), "nlu-tests")


@pytest.fixture(scope="session")
def spacy_nlp(spacy_pipeline_path, rasa_context):
    """The SpacyNLP component of config.yml loading the built pipeline."""
    from rasa.engine.storage.resource import Resource

    from nlu.components.spacy_nlp import SpacyNLP

    storage, context = rasa_context
    config = {**SpacyNLP.get_default_config(), "model": str(spacy_pipeline_path)}
    return SpacyNLP.create(config, storage, Resource("spacy_nlp"), context)


def _create(component_class, rasa_context, config=None):
    from rasa.engine.storage.resource import Resource

    storage, context = rasa_context
    return component_class.create(
        {**component_class.get_default_config(), **(config or {})},
        storage,
        Resource(component_class.__name__),
        context,
    )


@pytest.fixture(scope="session")
def input_guard(rasa_context):
    from nlu.components.input_guard import InputGuard

    return _create(InputGuard, rasa_context)


@pytest.fixture(scope="session")
def intent_override(rasa_context):
    from nlu.components.input_guard import InputIssueIntentOverride

    return _create(InputIssueIntentOverride, rasa_context)


@pytest.fixture(scope="session")
def entity_resolver(rasa_context):
    from nlu.components.entity_resolver import EntityResolver

    return _create(EntityResolver, rasa_context)


@pytest.fixture(scope="session")
def parse(spacy_nlp, input_guard, entity_resolver, intent_override):
    """Run InputGuard -> SpacyNLP -> (DIET entities given) -> EntityResolver -> override."""
    from rasa.shared.nlu.training_data.message import Message

    model = spacy_nlp.provide()

    def _parse(text: str, diet_entities: list | None = None, intent: dict | None = None) -> Message:
        message = Message(data={"text": text})
        input_guard.process([message])
        spacy_nlp.process([message], model)
        if diet_entities:
            message.set("entities", [*message.get("entities", []), *diet_entities])
        if intent:
            message.set("intent", intent)
        entity_resolver.process([message])
        intent_override.process([message])
        return message

    return _parse
