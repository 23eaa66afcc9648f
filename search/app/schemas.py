"""Typed request and response models of the search API (see docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

FormatValue = Literal["praesenz", "online", "hybrid"]
TimeModelValue = Literal["vollzeit", "teilzeit", "berufsbegleitend"]
GoalValue = Literal["weiterbildung", "umschulung", "wiedereinstieg", "aufstieg"]


class ProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_kldb: str | None = Field(default=None, pattern=r"^\d{1,5}$")
    target_kldb: str | None = Field(default=None, pattern=r"^\d{1,5}$")
    goal: GoalValue | None = None
    time_model: TimeModelValue | None = None
    format: FormatValue | Literal["egal"] | None = None
    municipality: str | None = Field(default=None, max_length=100)
    #: current qualification as DQR level (1-8); without it the Anforderungsniveau (5th digit)
    #: of ``current_kldb`` is used for the DQR fit
    dqr_level: int | None = Field(default=None, ge=1, le=8)
    #: the user can only take part with funding (Bildungsgutschein, Aufstiegs-BAföG)
    needs_funding: bool | None = None


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=500)
    municipality: str | None = Field(default=None, max_length=100)
    max_distance_km: float | None = Field(default=None, gt=0, le=200)
    municipalities: list[str] | None = Field(default=None, max_length=50)
    formats: list[FormatValue] | None = None
    time_models: list[TimeModelValue] | None = None
    kldb_prefix: str | None = Field(default=None, pattern=r"^\d{1,5}$")
    fundable: bool | None = None
    exclude_ids: list[str] = Field(default_factory=list, max_length=1000)
    limit: int = Field(default=5, ge=1, le=50)
    today: dt.date | None = None
    profile: ProfileIn = Field(default_factory=ProfileIn)

    @field_validator("query")
    @classmethod
    def _query_not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("Die Suchanfrage darf nicht leer sein")
        return v.strip()


class Reason(BaseModel):
    """Why an offer is shown: a ``code`` with the ``params`` its sentence needs (the bot renders
    it in the user's language, see docs/architecture.md for the params of each code).
    ``contribution`` = score points the factor added to the ranking (``None`` for facts that
    did not rank the offer, such as the next start date)."""

    code: Literal["target_occupation", "field", "distance_km", "online", "time_model", "format",
                  "dqr", "course_type", "shortage", "query_match", "azav_certified",
                  "aufstiegs_bafoeg", "next_start"]
    params: dict[str, str | int | float | list[str] | None] = Field(default_factory=dict)
    contribution: float | None = None


class SearchItem(BaseModel):
    offer_id: str
    title: str
    provider: str
    municipality: str
    format: FormatValue
    time_model: TimeModelValue
    kldb_targets: list[str]
    shortage_occupation: bool
    url: str
    next_start: dt.date | None
    reasons: list[Reason]
    score: float
    distance_km: float | None
    description: str
    course_type: str
    funding: list[str]
    example_fields: list[str]


class SearchResponse(BaseModel):
    items: list[SearchItem]
    total: int
    query: str


class HealthResponse(BaseModel):
    status: Literal["ok", "error"]
    offers: int
    model: str | None
    index_built: str | None
    detail: str | None = None
