"""Load and parse ``knowledge/data/learning_paths.json`` and the DQR levels (cached)."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.paths.model import (
    DqrLevel,
    FundingNote,
    LearningPath,
    Origin,
    PathData,
    PathDataError,
    Source,
    Step,
    Target,
)
from knowledge.schema import FUNDING

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
PATHS_FILE = DATA_DIR / "learning_paths.json"
DQR_FILE = DATA_DIR / "dqrCompetenceLevels.ttl"
_DQR_RE = re.compile(
    r"<(\d)>\s+a\s+skos:Concept\s*;\s*skos:prefLabel\s+\"([^\"]+)\"@de\s*;"
    r"\s*skos:definition\s+\"([^\"]+)\"@de",
    re.S,
)


def _tuple(value: Any, where: str, name: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: Feld '{name}' muss eine Liste von Texten sein")
        return ()
    return tuple(v.strip() for v in value)


def _text(value: Any, where: str, name: str, problems: list[str], required: bool = True) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if required:
        problems.append(f"{where}: Feld '{name}' fehlt oder ist leer")
    return ""


def _date(value: Any, where: str, problems: list[str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}: 'stand' muss ein Datum JJJJ-MM-TT sein, nicht '{value}'")
        return None


def _number(value: Any, where: str, name: str, problems: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        problems.append(f"{where}: Feld '{name}' muss eine Zahl oder null sein")
        return None
    return float(value)


def _parse_step(raw: Any, where: str, problems: list[str]) -> Step | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: Schritt ist kein Objekt")
        return None
    dqr = raw.get("dqr_level")
    if dqr is not None and (isinstance(dqr, bool) or not isinstance(dqr, int)):
        problems.append(f"{where}: 'dqr_level' muss eine ganze Zahl oder null sein")
        dqr = None
    return Step(
        title=_text(raw.get("title"), where, "title", problems),
        course_types=_tuple(raw.get("course_types"), where, "course_types", problems),
        duration_months=_number(raw.get("duration_months"), where, "duration_months", problems),
        duration_text=_text(raw.get("duration_text"), where, "duration_text", problems, False)
        or None,
        dqr_level=dqr,
        funding=_tuple(raw.get("funding"), where, "funding", problems),
        note=_text(raw.get("note"), where, "note", problems, False),
        kldb_targets=_tuple(raw.get("kldb_targets"), where, "kldb_targets", problems),
        offer_keywords=tuple(
            k.casefold()
            for k in _tuple(raw.get("offer_keywords"), where, "offer_keywords", problems)
        ),
        offer_exclude_keywords=tuple(
            k.casefold()
            for k in _tuple(
                raw.get("offer_exclude_keywords"), where, "offer_exclude_keywords", problems
            )
        ),
        offers_expected=bool(raw.get("offers_expected", True)),
        optional=bool(raw.get("optional", False)),
        source_ids=_tuple(raw.get("sources"), where, "sources", problems),
    )


def _parse_path(raw: Any, index: int, problems: list[str]) -> LearningPath | None:
    where = f"paths[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: Pfad ist kein Objekt")
        return None
    path_id = _text(raw.get("id"), where, "id", problems)
    where = f"Pfad '{path_id or index}'"
    origin_raw = raw.get("from") if isinstance(raw.get("from"), dict) else None
    target_raw = raw.get("to") if isinstance(raw.get("to"), dict) else None
    if origin_raw is None or target_raw is None:
        problems.append(f"{where}: 'from' und 'to' müssen Objekte sein")
        return None
    origin = Origin(
        label=_text(origin_raw.get("label"), where, "from.label", problems),
        kldb=_tuple(origin_raw.get("kldb"), where, "from.kldb", problems),
        kldb_level=_tuple(origin_raw.get("kldb_level"), where, "from.kldb_level", problems),
        keywords=_tuple(origin_raw.get("keywords"), where, "from.keywords", problems),
        any=bool(origin_raw.get("any", False)),
        require_keyword=bool(origin_raw.get("require_keyword", False)),
    )
    target = Target(
        label=_text(target_raw.get("label"), where, "to.label", problems),
        kldb=_text(target_raw.get("kldb"), where, "to.kldb", problems),
        also=_tuple(target_raw.get("also"), where, "to.also", problems),
        keywords=_tuple(target_raw.get("keywords"), where, "to.keywords", problems),
    )
    steps_raw = raw.get("steps")
    if not isinstance(steps_raw, list) or not steps_raw:
        problems.append(f"{where}: 'steps' muss eine nicht leere Liste sein")
        steps_raw = []
    steps = [_parse_step(s, f"{where}, Schritt {i + 1}", problems) for i, s in enumerate(steps_raw)]
    return LearningPath(
        id=path_id,
        title=_text(raw.get("title"), where, "title", problems),
        field=_text(raw.get("field"), where, "field", problems),
        summary=_text(raw.get("summary"), where, "summary", problems),
        origin=origin,
        target=target,
        steps=tuple(s for s in steps if s is not None),
        source_ids=_tuple(raw.get("sources"), where, "sources", problems),
    )


def parse_paths(raw: Any) -> PathData:
    """Build :class:`PathData` from the parsed JSON; raises :class:`PathDataError`."""
    problems: list[str] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("paths"), list):
        raise PathDataError(["Datei: Objekt mit Liste 'paths' erwartet"])
    sources: dict[str, Source] = {}
    for sid, src in (raw.get("sources") or {}).items():
        where = f"Quelle '{sid}'"
        if not isinstance(src, dict):
            problems.append(f"{where}: ist kein Objekt")
            continue
        sources[sid] = Source(
            id=sid,
            title=_text(src.get("title"), where, "title", problems),
            url=_text(src.get("url"), where, "url", problems),
            stand=_date(src.get("stand"), where, problems) if src.get("stand") else None,
        )
    funding: dict[str, FundingNote] = {}
    for code, note in (raw.get("funding") or {}).items():
        where = f"Förderung '{code}'"
        if not isinstance(note, dict):
            problems.append(f"{where}: ist kein Objekt")
            continue
        funding[code] = FundingNote(
            code=code,
            label=FUNDING.get(code, code),
            office=_text(note.get("office"), where, "office", problems),
            source_ids=_tuple(note.get("sources"), where, "sources", problems),
        )
    paths = [_parse_path(p, i, problems) for i, p in enumerate(raw["paths"])]
    stand = _date(raw.get("stand"), "Datei", problems) if raw.get("stand") else None
    if problems:
        raise PathDataError(problems)
    return PathData(
        stand=stand,
        sources=sources,
        funding=funding,
        paths=tuple(p for p in paths if p is not None),
    )


def _read(path: Path) -> PathData:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise PathDataError([f"{path.name}: Datei nicht lesbar ({exc})"]) from exc
    return parse_paths(raw)


@lru_cache(maxsize=4)
def _cached(path: Path, mtime: float) -> PathData:
    return _read(path)


def load_paths(path: Path | str | None = None) -> PathData:
    """The learning paths (cached until the file changes); raises :class:`PathDataError`."""
    file = Path(path) if path is not None else PATHS_FILE
    return _cached(file, file.stat().st_mtime if file.exists() else 0.0)


@lru_cache(maxsize=1)
def dqr_levels(path: Path = DQR_FILE) -> dict[int, DqrLevel]:
    """DQR levels 1–8 with German label and definition from the OEH SKOS vocabulary (CC0)."""
    text = path.read_text(encoding="utf-8")
    return {
        int(m.group(1)): DqrLevel(int(m.group(1)), m.group(2), m.group(3))
        for m in _DQR_RE.finditer(text)
    }
