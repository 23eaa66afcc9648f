"""The ``additionalProperty`` values of this project's JSON-LD export, read back on import.

Fields without a schema.org term travel as ``PropertyValue``s named ``course_type``,
``time_model``, ``duration_months``, ``azav_certified``, ``kldb_targets``, ``source``,
``source_id`` and ``example_fields`` (:data:`EXTENSION_PROPERTIES`). Foreign data need none of
them; other ``additionalProperty`` entries are ignored. A value of one of these names that is
not valid is an issue (the record is refused with the property's path). Stdlib only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from knowledge.importers.values import COURSE_TYPE_LABELS, TIME_MODEL_LABELS, map_label

EXTENSION_PROPERTIES = (
    "course_type", "time_model", "duration_months", "azav_certified", "kldb_targets",
    "source", "source_id", "example_fields",
)  # fmt: skip


@dataclass(frozen=True)
class ExportProps:
    course_type: str | None = None
    time_model: str | None = None
    duration_months: float | None = None
    azav_certified: bool = False
    kldb_targets: tuple[str, ...] = ()
    source: str | None = None
    source_id: str | None = None
    example_fields: tuple[str, ...] = ()


def read_props(node: dict[str, Any], issue: Callable[[str, str], None]) -> ExportProps:
    """The export's properties of a Course node; invalid values are reported via ``issue``."""
    raw: dict[str, Any] = {}
    entries = node.get("additionalProperty")
    for entry in entries if isinstance(entries, list) else [entries]:
        if isinstance(entry, dict) and entry.get("name") in EXTENSION_PROPERTIES:
            raw[entry["name"]] = entry.get("value")

    def label(name: str, table: dict[str, str]) -> str | None:
        if raw.get(name) is None:
            return None
        if isinstance(raw[name], str):
            try:
                return map_label(raw[name], table, name)
            except ValueError as exc:
                issue(f"additionalProperty.{name}", str(exc))
                return None
        issue(f"additionalProperty.{name}", "ist kein Text")
        return None

    def strings(name: str) -> tuple[str, ...]:
        value = raw.get(name) or []
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        issue(f"additionalProperty.{name}", "ist keine Liste von Texten")
        return ()

    def text(name: str) -> str | None:
        value = raw.get(name)
        return value if isinstance(value, str) and value.strip() else None

    months = raw.get("duration_months")
    if months is not None and (
        isinstance(months, bool)
        or not isinstance(months, (int, float))
        or not math.isfinite(months)
    ):
        issue("additionalProperty.duration_months", f"'{months}' ist keine Zahl")
        months = None
    azav = raw.get("azav_certified", False)
    if not isinstance(azav, bool):
        issue("additionalProperty.azav_certified", "ist nicht true/false")
        azav = False
    return ExportProps(
        course_type=label("course_type", COURSE_TYPE_LABELS),
        time_model=label("time_model", TIME_MODEL_LABELS),
        duration_months=float(months) if months is not None else None,
        azav_certified=azav,
        kldb_targets=strings("kldb_targets"),
        source=text("source"),
        source_id=text("source_id"),
        example_fields=strings("example_fields"),
    )
