"""Walk a JSON-LD document as publishers write it and find its schema.org ``Course`` nodes.

Accepted shapes: one node, a list of nodes, ``{"@graph": [...]}`` (also nested, also a list
of such documents), Course nodes anywhere below other nodes (``ItemList.itemListElement[].item``
as in Google's course list, ``WebPage.mainEntity`` …), and an HTML page whose
``<script type="application/ld+json">`` blocks hold the JSON-LD. Keys and types may carry the
prefix ``schema:`` or ``http(s)://schema.org/``; ``{"@value": …}`` objects stand for their
value. Node references ``{"@id": "…"}`` are resolved against the nodes of the same document.
A Course inside another Course (``coursePrerequisites``) is not a course of the file.
:func:`read_location` reads ``location``: a text, a ``Place`` (``PostalAddress``, ``geo``
or ``latitude``/``longitude``), a ``VirtualLocation``, or a list of them. Stdlib only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from knowledge.importers.jsonld_values import text_of, value_of
from knowledge.importers.values import label_key

SCHEMA_PREFIXES = ("https://schema.org/", "http://schema.org/", "schema:")
_SCRIPT = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)


def strip_prefix(name: str) -> str:
    """``"schema:Course"`` / ``"https://schema.org/Course"`` -> ``"Course"``."""
    for prefix in SCHEMA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def normalise(value: Any, depth: int = 0) -> Any:
    """Copy with schema.org prefixes removed from keys and ``@type`` values."""
    if depth > 60:  # deeper than any real document; keeps hostile input from recursing far
        return None
    if isinstance(value, list):
        return [normalise(v, depth + 1) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        name = strip_prefix(key) if isinstance(key, str) else key
        if name == "@type":
            types = item if isinstance(item, list) else [item]
            item = [strip_prefix(t) if isinstance(t, str) else t for t in types]
        else:
            item = normalise(item, depth + 1)
        out.setdefault(name, item)
    return out


def types_of(node: dict[str, Any]) -> list[str]:
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return [k for k in kinds if isinstance(k, str)]


def is_course(node: Any) -> bool:
    return isinstance(node, dict) and "Course" in types_of(node)


def html_scripts(text: str) -> list[str] | None:
    """The JSON-LD script blocks of an HTML page, or None if ``text`` is not HTML."""
    if not text.lstrip().startswith("<"):
        return None
    return [m.group(1).strip() for m in _SCRIPT.finditer(text)]


@dataclass
class Document:
    """Course nodes (with their JSON paths), the ``@id`` index and skipped node types."""

    courses: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    index: dict[str, dict[str, Any]] = field(default_factory=dict)
    other_types: dict[str, int] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        """A node reference ``{"@id": x}`` replaced by the node ``x`` of the document."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
            ref = value.get("@id")
            if isinstance(ref, str) and ref in self.index:
                return self.index[ref]
        return value

    def resolved_list(self, value: Any) -> list[Any]:
        items = value if isinstance(value, list) else ([] if value is None else [value])
        return [self.resolve(v) for v in items]


def _walk(value: Any, path: str, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(path, node) of every dict below ``value``, not descending into Course nodes."""
    if depth > 60:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]", depth + 1)
    elif isinstance(value, dict):
        yield path, value
        if is_course(value):
            return
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                yield from _walk(item, f"{path}.{key}", depth + 1)


def _index(value: Any, index: dict[str, dict[str, Any]], depth: int = 0) -> None:
    if depth > 60:
        return
    if isinstance(value, list):
        for item in value:
            _index(item, index, depth + 1)
    elif isinstance(value, dict):
        ref = value.get("@id")
        if isinstance(ref, str) and set(value) - {"@id", "@type", "@context"}:
            index.setdefault(ref, value)
        for item in value.values():
            if isinstance(item, (dict, list)):
                _index(item, index, depth + 1)


def read_document(data: Any, base: str = "$") -> Document:
    """Find the Course nodes of parsed (already :func:`normalise`-d) JSON-LD."""
    doc = Document()
    _index(data, doc.index)
    seen: set[int] = set()
    top_level = {base} | {f"{base}[{i}]" for i in range(len(data) if isinstance(data, list) else 0)}
    for path, node in _walk(data, base):
        node = doc.resolve(node) if set(node) <= {"@id", "@type"} else node
        if is_course(node):
            if id(node) in seen:
                continue  # the same course node reached twice (e.g. by a reference)
            seen.add(id(node))
            doc.courses.append((path, node))
        elif _is_graph_item(path, top_level) and types_of(node):
            for kind in types_of(node):
                doc.other_types[kind] = doc.other_types.get(kind, 0) + 1
    return doc


def _is_graph_item(path: str, top_level: set[str]) -> bool:
    return path in top_level or bool(re.fullmatch(r".*\.@graph\[\d+\]", path))


def parse_text(text: str) -> tuple[Any, list[str]]:
    """Parsed JSON of a JSON-LD file or of the script blocks of an HTML page; errors (German)
    as the second item (a broken block is reported, the others are still read)."""
    scripts = html_scripts(text)
    if scripts is None:
        try:
            return json.loads(text), []
        except (ValueError, RecursionError) as exc:
            return None, [f"kein gültiges JSON ({exc})"]
    blocks: list[Any] = []
    errors: list[str] = []
    for i, block in enumerate(scripts):
        try:
            blocks.append(json.loads(block))
        except (ValueError, RecursionError) as exc:
            errors.append(f"Skriptblock {i + 1}: kein gültiges JSON ({exc})")
    if not scripts:
        errors.append('HTML-Seite ohne <script type="application/ld+json">')
    return blocks, errors


@dataclass
class Location:
    """Where a CourseInstance takes place, as its ``location`` says."""

    kind: str  # "place", "online", "both" or "none"
    town: str = ""
    street: str | None = None
    postcode: str | None = None
    lat: Any = None
    lon: Any = None
    name: str = ""  # the Place's name (another name to look the place up by)
    locality: str | None = None  # addressLocality, the address's town
    has_address: bool = False

    def key(self) -> tuple[str, str, str]:
        return self.kind, self.town, self.street or ""


def read_location(location: Any, doc: Document) -> Location:
    """Kind and address of ``location``: text, Place (PostalAddress, geo), VirtualLocation."""
    places = [doc.resolve(x) for x in (location if isinstance(location, list) else [location])]
    found = Location("none")
    online = False
    for place in places:
        if isinstance(place, str):
            if label_key(place) in ("online", "virtuell", "internet"):
                online = True
            elif place.strip() and found.kind == "none":
                found = Location("place", town=" ".join(place.split()))
        elif isinstance(place, dict):
            kinds = place.get("@type") or []
            if "VirtualLocation" in kinds:
                online = True
            elif found.kind == "none":
                found = _place(place, doc)
    if online:
        return Location("both") if found.kind == "place" else Location("online")
    return found


def _place(place: dict[str, Any], doc: Document) -> Location:
    address = doc.resolve(value_of(place.get("address")))
    geo_node = doc.resolve(value_of(place.get("geo"))) or {}
    geo_node = geo_node if isinstance(geo_node, dict) else {}
    lat = geo_node.get("latitude", place.get("latitude"))
    lon = geo_node.get("longitude", place.get("longitude"))
    name = text_of(place.get("name"))
    lat, lon = value_of(lat), value_of(lon)
    if isinstance(address, dict):
        locality = text_of(address.get("addressLocality")) or None
        street = text_of(address.get("streetAddress")) or None
        postcode = text_of(address.get("postalCode")) or None
        town = locality or name
        return Location("place", town, street, postcode, lat, lon, name, locality, True)
    text = text_of(address)  # an address written as one text
    return Location("place", text or name, None, None, lat, lon, name, None, bool(text))
