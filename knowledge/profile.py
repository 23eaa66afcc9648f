"""The one learner profile: what a user told the bot, in the vocabulary of ``knowledge.vocabulary``.

The action server builds it from its slots (``bot/actions/utils/profile.py``), sends
:meth:`Profile.search_profile` to the search service, whose API model
(``search/app/schemas.py`` ``ProfileIn``) converts back with :meth:`Profile.from_mapping`; the
ranking (``search/ranking.py``) works on this class. Garbage values become ``None`` on the way
in, so every consumer sees canonical values only. Stdlib only, Python 3.10 compatible.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from knowledge import vocabulary as v

#: KldB 2010 Anforderungsniveau (5th digit) -> DQR level of the qualification it usually needs
NIVEAU_TO_DQR = {"1": 2, "2": 4, "3": 6, "4": 7}


def clean_text(value: Any) -> str | None:
    """Stripped text, or None for empty values."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def clean_kldb(value: Any) -> str | None:
    """A KldB 2010 code or prefix (1-5 digits), else None."""
    text = clean_text(value)
    return text if text and text.isdigit() and 1 <= len(text) <= 5 else None


@dataclass(frozen=True)
class Profile:
    """The learner profile (all optional)."""

    current_occupation: str | None = None
    current_kldb: str | None = None
    target_occupation: str | None = None
    target_kldb: str | None = None
    municipality: str | None = None
    goal: str | None = None
    time_model: str | None = None
    format: str | None = None
    #: current qualification as DQR level (1-8); without it the Anforderungsniveau of
    #: ``current_kldb`` is used
    dqr_level: int | None = None
    #: the user can only take part with funding (Bildungsgutschein, Aufstiegs-BAföG)
    needs_funding: bool | None = None
    #: the person has a vocational qualification from abroad (True), has none / said nothing
    #: of one (False), or the caller does not know (None); course types meant for foreign
    #: qualifications (``vocabulary.FOREIGN_QUALIFICATION_COURSE_TYPES``) go only to True
    foreign_qualification: bool | None = None

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Profile:
        """Profile from a mapping with the field names; non-canonical values become None."""
        goal, time_model, fmt = (clean_text(data.get(k)) for k in ("goal", "time_model", "format"))
        level = data.get("dqr_level")
        return cls(
            current_occupation=clean_text(data.get("current_occupation")),
            current_kldb=clean_kldb(data.get("current_kldb")),
            target_occupation=clean_text(data.get("target_occupation")),
            target_kldb=clean_kldb(data.get("target_kldb")),
            municipality=clean_text(data.get("municipality")),
            goal=goal if goal in v.GOALS else None,
            time_model=time_model if time_model in v.TIME_MODELS else None,
            format=fmt if fmt in v.PROFILE_FORMATS else None,
            dqr_level=level if isinstance(level, int) and 1 <= level <= 8 else None,
            needs_funding=data.get("needs_funding") if isinstance(data.get("needs_funding"), bool)
            else None,
            foreign_qualification=data.get("foreign_qualification")
            if isinstance(data.get("foreign_qualification"), bool) else None,
        )  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def search_profile(self) -> dict[str, Any]:
        """The ``profile`` object of a ``POST /search`` request (free-text fields left out)."""
        free_text = {"current_occupation", "target_occupation"}
        optional = {"dqr_level", "needs_funding", "foreign_qualification"}
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in free_text
            and (getattr(self, f.name) is not None or f.name not in optional)
        }

    def qualification_level(self) -> int | None:
        """DQR level of the current qualification (stated, else from the Anforderungsniveau)."""
        if self.dqr_level is not None:
            return self.dqr_level
        code = self.current_kldb or ""
        return NIVEAU_TO_DQR.get(code[4]) if len(code) == 5 else None

    def compatible_time_models(self) -> list[str] | None:
        """Offer time models that fit the user's time model (None = no filter)."""
        found = v.TIME_MODEL_COMPATIBILITY.get(self.time_model or "")
        return list(found) if found else None

    def compatible_formats(self) -> list[str] | None:
        """Offer formats that fit the preferred format (None = no filter, e.g. for "egal")."""
        found = v.FORMAT_COMPATIBILITY.get(self.format or "")
        return list(found) if found else None
