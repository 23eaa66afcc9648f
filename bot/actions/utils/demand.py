"""The dimensions of a demand record beyond the search profile (pure; issue 14).

Format wish (profile slot ``format``), employment status and age band (slots of the funding
questions or an entity of a message, normalised by the funding form's parsers: ``unbekannt`` or
anything unreadable is stored as nothing; an age only as its band of
:data:`knowledge.vocabulary.AGE_BANDS`, never the number), and whether the
message came with the REST channel's marker of a signed demo conversation
(:mod:`bot.channels.simulation`, checked with ``DEMO_DATA_SECRET`` of the action server's
environment).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.actions.utils import funding_answers
from bot.channels.simulation import is_simulated
from knowledge import vocabulary


def _known(value: Any, allowed: Any) -> str | None:
    return value if isinstance(value, str) and value in allowed else None


def record_extras(
    slots: Mapping[str, Any],
    fmt: str | None,
    latest_message: Mapping[str, Any] | None,
    sender: str,
) -> dict[str, Any]:
    """The extra fields of :class:`bot.actions.clients.demand_store.DemandRecord`."""
    return {
        "format": _known(fmt, vocabulary.PROFILE_FORMATS),
        "employment_status": _known(
            funding_answers.employment_status(slots.get("employment_status")),
            vocabulary.EMPLOYMENT_STATUSES,
        ),
        "age_band": _known(funding_answers.age_group(slots.get("age_group")), vocabulary.AGE_BANDS),
        "simulated": is_simulated(latest_message, sender),
    }
