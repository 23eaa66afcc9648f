"""FastAPI dependencies: settings, the current index store and the encoder."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from search.app.core.config import Settings, get_settings
from search.encoder import Encoder
from search.service import IndexHolder, IndexUnavailableError
from search.store import IndexStore

SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_holder(request: Request) -> IndexHolder:
    return request.app.state.index_holder


def get_encoder(request: Request) -> Encoder:
    return request.app.state.encoder


def get_store(holder: Annotated[IndexHolder, Depends(get_holder)]) -> IndexStore:
    """The current index (reloaded if a newer build was published); 503 if none."""
    try:
        return holder.get()
    except IndexUnavailableError as exc:
        raise HTTPException(status_code=503, detail=f"Suchindex nicht verfügbar: {exc}") from exc


HolderDep = Annotated[IndexHolder, Depends(get_holder)]
StoreDep = Annotated[IndexStore, Depends(get_store)]
EncoderDep = Annotated[Encoder, Depends(get_encoder)]
