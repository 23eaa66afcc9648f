"""The shared, content-fingerprinted SpacyNLP loader."""

from __future__ import annotations

import json
import shutil

from nlu.components.spacy_nlp import SpacyNLP, content_hash


def test_pipeline_is_loaded_once_per_process(spacy_pipeline_path) -> None:
    first = SpacyNLP.load_model(str(spacy_pipeline_path))
    second = SpacyNLP.load_model(str(spacy_pipeline_path))
    assert first.model is second.model


def test_fingerprint_changes_with_the_builder_inputs(spacy_pipeline_path, tmp_path) -> None:
    copy = tmp_path / "spacy-de"
    shutil.copytree(spacy_pipeline_path, copy)
    before = content_hash(str(copy))
    inputs = json.loads((copy / "inputs.json").read_text(encoding="utf-8"))
    inputs["inputs"]["changed-for-test"] = "x"
    (copy / "inputs.json").write_text(json.dumps(inputs), encoding="utf-8")
    after = content_hash(str(copy))
    assert before and after and before != after
    model = SpacyNLP.load_model(str(copy))
    assert after in model.fingerprint()


def test_installed_package_names_have_no_content_hash() -> None:
    assert content_hash("de_core_news_sm") == ""
