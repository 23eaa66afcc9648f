"""Curated information topics and counselling contacts (German, formal "Sie").

Data: ``knowledge/data/facts/`` (one JSON file each, editable by office staff):

- ``recognition.json`` and ``language.json``: a :class:`Topic` (title, checklist, office that
  decides, https sources, Stand ``YYYY-MM``). ``funding_instruments`` names entries of
  ``knowledge/data/funding/instruments.json`` whose amounts belong to the topic (costs and
  subsidies are kept there only, so they are edited in one place).
- ``contacts.json``: human counselling contacts (:class:`Contact`; only contact data from the
  research brief).

Everything is validated on load (``ValueError`` with every problem). Stdlib only: imported by
both environments. Check with ``python3 -m knowledge.facts``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge import funding
from knowledge.checks import https_url, kldb_codes

DATA_DIR = Path(__file__).resolve().parent / "data" / "facts"
TOPICS = ("recognition", "language")
CONTACTS_FILE = "contacts.json"


@dataclass(frozen=True)
class Body:
    """The office that decides for a group of occupations, with its source."""

    kldb_prefixes: tuple[str, ...]
    note: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    """An information topic answered as a checklist."""

    key: str
    title: str
    checklist: tuple[str, ...]
    office: str
    sources: tuple[str, ...]
    stand: str
    funding_instruments: tuple[str, ...] = ()
    #: which office decides, by KldB prefix of the occupation (recognition only)
    bodies: tuple[Body, ...] = ()

    def body_for(self, kldb_code: str | None) -> Body | None:
        """The first body whose prefixes match the occupation code (None if unknown)."""
        if not kldb_code:
            return None
        return next(
            (b for b in self.bodies if any(kldb_code.startswith(p) for p in b.kldb_prefixes)),
            None,
        )

    @property
    def stand_label(self) -> str:
        return funding.format_stand(self.stand)


@dataclass(frozen=True)
class Contact:
    """A place for personal counselling."""

    name: str
    what: str
    url: str | None = None
    #: situations (employment_status values or "anerkennung") it is the first address for
    situations: tuple[str, ...] = ()


def _read(data_dir: Path, name: str) -> Any:
    return json.loads((data_dir / name).read_text(encoding="utf-8"))


def topic_errors(key: str, raw: Any, instrument_ids: frozenset[str]) -> list[str]:
    """Problems of one topic record (German, for staff)."""
    where = f"{key}.json"
    if not isinstance(raw, Mapping):
        return [f"{where}: muss ein JSON-Objekt sein"]
    errors: list[str] = []
    for field in ("title", "office"):
        if not isinstance(raw.get(field), str) or not raw[field].strip():
            errors.append(f"{where}: Feld '{field}' fehlt")
    checklist = raw.get("checklist")
    if (
        not isinstance(checklist, list)
        or not checklist
        or not all(isinstance(item, str) and item.strip() for item in checklist)
    ):
        errors.append(f"{where}: 'checklist' braucht mindestens einen Punkt")
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        errors.append(f"{where}: mindestens eine Quelle ('sources') nötig")
    elif not all(https_url(s) for s in sources):
        errors.append(f"{where}: Quellen müssen https-Adressen sein")
    try:
        stand = raw.get("stand")
        funding.format_stand(stand if isinstance(stand, str) else "")
    except ValueError:
        errors.append(f"{where}: 'stand' muss JJJJ-MM oder JJJJ-MM-TT sein")
    unknown = [i for i in raw.get("funding_instruments", []) if i not in instrument_ids]
    if unknown:
        errors.append(f"{where}: unbekannte Förderungen in 'funding_instruments': {unknown}")
    for n, body in enumerate(raw.get("bodies", []), start=1):
        errors += _body_errors(f"{where}, Stelle {n}", body)
    return errors


def _body_errors(where: str, body: Any) -> list[str]:
    if not isinstance(body, Mapping):
        return [f"{where}: muss ein Objekt sein"]
    errors = []
    prefixes = body.get("kldb_prefixes")
    known = kldb_codes()
    if not isinstance(prefixes, list) or not prefixes or not all(p in known for p in prefixes):
        errors.append(f"{where}: 'kldb_prefixes' müssen KldB-Codes sein ({prefixes})")
    if not isinstance(body.get("note"), str) or not body["note"].strip():
        errors.append(f"{where}: Feld 'note' fehlt")
    sources = body.get("sources")
    if not isinstance(sources, list) or not sources or not all(https_url(s) for s in sources):
        errors.append(f"{where}: 'sources' müssen https-Adressen sein")
    return errors


def contact_errors(raw: Any) -> list[str]:
    """Problems of the contacts file (German, for staff)."""
    contacts = raw.get("contacts") if isinstance(raw, Mapping) else None
    if not isinstance(contacts, list) or not contacts:
        return [f"{CONTACTS_FILE}: 'contacts' braucht mindestens einen Eintrag"]
    errors: list[str] = []
    for n, contact in enumerate(contacts, start=1):
        where = f"{CONTACTS_FILE}, Kontakt {n}"
        if not isinstance(contact, Mapping):
            errors.append(f"{where}: muss ein Objekt sein")
            continue
        for field in ("name", "what"):
            if not isinstance(contact.get(field), str) or not contact[field].strip():
                errors.append(f"{where}: Feld '{field}' fehlt")
        if contact.get("url") is not None and not https_url(contact["url"]):
            errors.append(f"{where}: 'url' muss eine https-Adresse sein")
    return errors


def validate(data_dir: Path = DATA_DIR) -> list[str]:
    """Every problem in the topic and contact files (empty list = valid)."""
    ids = frozenset(i.id for i in funding.load_instruments())
    errors: list[str] = []
    for key in TOPICS:
        try:
            errors += topic_errors(key, _read(data_dir, f"{key}.json"), ids)
        except (OSError, json.JSONDecodeError) as exc:
            errors.append(f"{key}.json: nicht lesbar ({exc})")
    try:
        errors += contact_errors(_read(data_dir, CONTACTS_FILE))
    except (OSError, json.JSONDecodeError) as exc:
        errors.append(f"{CONTACTS_FILE}: nicht lesbar ({exc})")
    return errors


@lru_cache(maxsize=8)
def load_topic(key: str, data_dir: Path = DATA_DIR) -> Topic:
    """One validated topic (``recognition`` or ``language``)."""
    if key not in TOPICS:
        raise KeyError(key)
    raw = _read(data_dir, f"{key}.json")
    errors = topic_errors(key, raw, frozenset(i.id for i in funding.load_instruments()))
    if errors:
        raise ValueError("; ".join(errors))
    return Topic(
        key=key,
        title=raw["title"],
        checklist=tuple(raw["checklist"]),
        office=raw["office"],
        sources=tuple(raw["sources"]),
        stand=raw["stand"],
        funding_instruments=tuple(raw.get("funding_instruments", [])),
        bodies=tuple(
            Body(tuple(b["kldb_prefixes"]), b["note"], tuple(b["sources"]))
            for b in raw.get("bodies", [])
        ),
    )


@lru_cache(maxsize=2)
def load_contacts(data_dir: Path = DATA_DIR) -> tuple[Contact, ...]:
    """The validated counselling contacts in file order."""
    raw = _read(data_dir, CONTACTS_FILE)
    errors = contact_errors(raw)
    if errors:
        raise ValueError("; ".join(errors))
    return tuple(
        Contact(
            name=c["name"],
            what=c["what"],
            url=c.get("url"),
            situations=tuple(c.get("situations", [])),
        )
        for c in raw["contacts"]
    )


def contacts_for(
    situations: Iterable[str], contacts: Iterable[Contact]
) -> tuple[list[Contact], list[Contact]]:
    """(first addresses for the user's situations, all other contacts), each in file order."""
    wanted = set(situations)
    first = [c for c in contacts if wanted & set(c.situations)]
    return first, [c for c in contacts if c not in first]


def main() -> int:
    """``python -m knowledge.facts``: check the topic and contact files."""
    errors = validate()
    for error in errors:
        print(f"FEHLER: {error}", file=sys.stderr)
    if errors:
        return 1
    print(f"OK: {len(TOPICS)} Themen, {len(load_contacts())} Kontakte ({DATA_DIR})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
