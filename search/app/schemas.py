"""Typed request and response models of the search API (see docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FormatValue = Literal["praesenz", "online", "hybrid"]
TimeModelValue = Literal["vollzeit", "teilzeit", "berufsbegleitend"]
GoalValue = Literal["weiterbildung", "umschulung", "wiedereinstieg", "aufstieg"]
CourseTypeValue = Literal[
    "weiterbildung",
    "umschulung",
    "aufstiegsfortbildung",
    "anpassungsqualifizierung",
    "sprachkurs",
    "integrationskurs",
    "berufssprachkurs",
    "grundbildung",
    "ausbildung",
]
KldbCode = Annotated[str, Field(pattern=r"^\d{1,5}$")]
Keyword = Annotated[str, Field(min_length=1, max_length=100)]
#: what the service widened (``relax``), in this order; see docs/architecture.md
RelaxCode = Literal["kldb_group", "wider_area"]


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
    #: the person has a vocational qualification from abroad; ``false`` leaves out the course
    #: types meant for foreign qualifications (Anpassungsqualifizierung), ``null`` = not known
    #: to the caller (no such filter, e.g. a free-text search without a profile)
    foreign_qualification: bool | None = Field(
        default=None,
        description="The person has a vocational qualification from abroad. false leaves out "
        "course types meant for foreign qualifications (anpassungsqualifizierung); null = not "
        "known (no such filter).",
    )


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Free-text query; required unless sort is 'nearby' (ignored there).",
    )
    municipality: str | None = Field(
        default=None,
        max_length=100,
        description="Place distances are measured from (official name or known variant); "
        "defaults to profile.municipality. Unknown places give HTTP 422.",
    )
    max_distance_km: float | None = Field(
        default=None,
        gt=0,
        le=200,
        description="Reach in km (default: the service setting). Place-bound offers beyond it "
        "are left out unless include_outside_reach; online offers always pass.",
    )
    include_outside_reach: bool = Field(
        default=False,
        description="Keep place-bound offers beyond max_distance_km (sorted after those "
        "within reach with sort='nearby'); for learning-path steps.",
    )
    municipalities: list[str] | None = Field(
        default=None,
        max_length=50,
        description="Place-bound offers must take place in one of these municipalities.",
    )
    formats: list[FormatValue] | None = Field(default=None, description="Allowed offer formats.")
    time_models: list[TimeModelValue] | None = Field(
        default=None, description="Allowed offer time models."
    )
    course_types: list[CourseTypeValue] | None = Field(
        default=None, description="Allowed course types (knowledge.schema.COURSE_TYPES)."
    )
    kldb_prefix: str | None = Field(
        default=None,
        pattern=r"^\d{1,5}$",
        description="An offer KldB target must start with this code.",
    )
    kldb_prefixes: list[KldbCode] | None = Field(
        default=None,
        max_length=20,
        description="An offer KldB target must start with one of these codes (in addition to "
        "kldb_prefix), e.g. the codes a learning-path step lists.",
    )
    title_keywords: list[Keyword] | None = Field(
        default=None,
        max_length=20,
        description="The offer title must contain one of these words (case-insensitive).",
    )
    title_exclude_keywords: list[Keyword] | None = Field(
        default=None,
        max_length=20,
        description="The offer title must contain none of these words (case-insensitive).",
    )
    fundable: bool | None = Field(
        default=None, description="Only offers with (true) / without (false) a funding route."
    )
    exclude_ids: list[str] = Field(
        default_factory=list, max_length=1000, description="Offers never returned."
    )
    limit: int = Field(default=5, ge=1, le=50, description="Maximum number of items.")
    today: dt.date | None = Field(
        default=None, description="Reference date for start dates (default: today)."
    )
    sort: Literal["relevance", "nearby"] = Field(
        default="relevance",
        description="'relevance': hybrid retrieval + profile and regional-need ranking with "
        "diversity. 'nearby': filter-only listing ordered by occupation "
        "(longest common KldB prefix with prefer_kldb), within reach, distance, "
        "next start (search.nearby).",
    )
    prefer_kldb: list[KldbCode] = Field(
        default_factory=list,
        max_length=5,
        description="sort='nearby': offers sharing the longest KldB prefix with one of these "
        "codes come first.",
    )
    relax: bool = Field(
        default=False,
        description="sort='relevance': with fewer than min_results items, widen step by step "
        "(cumulative): 'kldb_group' (5-digit kldb_prefix -> its 3-digit group), "
        "'wider_area' (twice max_distance_km, at most 200). Items of the strict "
        "request come first; 'relaxed' names the steps that were needed.",
    )
    min_results: int = Field(
        default=3, ge=1, le=50, description="relax: widen while fewer items than this."
    )
    profile: ProfileIn = Field(default_factory=ProfileIn)

    @field_validator("query")
    @classmethod
    def _query_not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("Die Suchanfrage darf nicht leer sein")
        return v.strip() if v is not None else None

    @field_validator("title_keywords", "title_exclude_keywords")
    @classmethod
    def _fold_keywords(cls, v: list[str] | None) -> list[str] | None:
        return [k.casefold() for k in v] if v is not None else None

    @model_validator(mode="after")
    def _query_for_relevance(self) -> SearchRequest:
        if self.sort == "relevance" and self.query is None:
            raise ValueError("Die Suchanfrage fehlt (nur bei sort='nearby' entbehrlich)")
        return self


class Reason(BaseModel):
    """Why an offer is shown: a ``code`` with the ``params`` its sentence needs (the bot renders
    it in the user's language, see docs/architecture.md for the params of each code).
    ``contribution`` = score points the factor added to the ranking (``None`` for facts that
    did not rank the offer, such as the next start date)."""

    code: Literal[
        "target_occupation",
        "field",
        "distance_km",
        "online",
        "time_model",
        "format",
        "dqr",
        "course_type",
        "shortage",
        "query_match",
        "azav_certified",
        "aufstiegs_bafoeg",
        "next_start",
    ]
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
    duration_months: float | None = Field(description="Stated duration in months, if any.")
    within_reach: bool | None = Field(
        description="Online or within max_distance_km of the municipality; null without a "
        "municipality."
    )


class SearchResponse(BaseModel):
    items: list[SearchItem]
    total: int = Field(description="Number of offers matching the strict request.")
    query: str | None
    relaxed: list[RelaxCode] = Field(
        default_factory=list,
        description="relax: the widening steps that were needed for the items shown, in order.",
    )


class HealthResponse(BaseModel):
    status: Literal["ok", "error"]
    offers: int
    model: str | None
    index_built: str | None
    detail: str | None = None
