"""Data model of the curated learning paths (see :mod:`knowledge.paths`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class PathDataError(ValueError):
    """The learning-path file is malformed; ``problems`` lists every finding in German."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Lernpfade fehlerhaft:\n" + "\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    stand: dt.date | None


@dataclass(frozen=True)
class FundingNote:
    """Who decides about a funding instrument, with sources (``funding`` section of the file)."""

    code: str
    label: str
    office: str
    source_ids: tuple[str, ...]


@dataclass(frozen=True)
class Origin:
    label: str
    kldb: tuple[str, ...] = ()
    kldb_level: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    any: bool = False
    require_keyword: bool = False


@dataclass(frozen=True)
class Target:
    label: str
    kldb: str
    also: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.kldb, *self.also)


@dataclass(frozen=True)
class Step:
    title: str
    course_types: tuple[str, ...]
    duration_months: float | None
    duration_text: str | None
    dqr_level: int | None
    funding: tuple[str, ...]
    note: str
    kldb_targets: tuple[str, ...]
    offer_keywords: tuple[str, ...] = ()
    offer_exclude_keywords: tuple[str, ...] = ()
    offers_expected: bool = True
    optional: bool = False
    source_ids: tuple[str, ...] = ()

    @property
    def links_offers(self) -> bool:
        """Steps without course types are procedures (applications, counselling)."""
        return bool(self.course_types)


@dataclass(frozen=True)
class LearningPath:
    id: str
    title: str
    field: str
    summary: str
    origin: Origin
    target: Target
    steps: tuple[Step, ...]
    source_ids: tuple[str, ...]

    def total_months(self) -> tuple[float, bool]:
        """Sum of the stated durations of the non-optional steps, and whether it is a minimum.

        It is a minimum when a non-optional course step states its duration only as text.
        """
        total = 0.0
        minimum = False
        for step in self.steps:
            if step.optional:
                continue
            if step.duration_months is not None:
                total += step.duration_months
            elif step.links_offers:
                minimum = True
        return total, minimum


@dataclass(frozen=True)
class PathData:
    stand: dt.date | None
    sources: dict[str, Source]
    funding: dict[str, FundingNote]
    paths: tuple[LearningPath, ...]

    def by_id(self, path_id: str) -> LearningPath | None:
        return next((p for p in self.paths if p.id == path_id), None)


@dataclass(frozen=True)
class DqrLevel:
    level: int
    label: str
    definition: str


@dataclass(frozen=True)
class PathMatch:
    path: LearningPath
    origin_score: int
    target_score: int

    @property
    def score(self) -> int:
        return self.origin_score * 10 + self.target_score


@dataclass(frozen=True)
class LinkedOffer:
    """A catalogue offer linked to a step (only offers that exist in the catalogue)."""

    offer_id: str
    title: str
    provider: str
    municipality: str
    format: str
    time_model: str
    url: str
    next_start: dt.date | None
    distance_km: float | None
    within_reach: bool | None
    duration_months: float | None
    example_data: bool


@dataclass(frozen=True)
class ResolvedStep:
    number: int
    step: Step
    offers: tuple[LinkedOffer, ...]
    offer_total: int


@dataclass(frozen=True)
class ResolvedPath:
    """A path with its linked offers, sources and funding notes, ready for rendering."""

    path: LearningPath
    steps: tuple[ResolvedStep, ...]
    sources: tuple[Source, ...]
    funding: tuple[FundingNote, ...]
    total_months: float
    total_is_minimum: bool
    stand: dt.date | None
    municipality: str | None
