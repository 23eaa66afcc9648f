"""Export offers as schema.org ``Course``/``CourseInstance`` JSON-LD.

Mapping (see ``docs/importers.md``): ``identifier``/``@id`` = id, ``name`` = title,
``description``, ``url``, ``provider.name``, ``dateModified`` = last_updated,
``educationalLevel`` (DefinedTerm set "DQR"), ``financialAidEligible`` (DefinedTerms with the
funding ids), ``about`` (DefinedTerms with the field ids), ``offers.price`` (EUR) = cost,
one ``hasCourseInstance`` per start date (``courseMode`` onsite/online/blended,
``courseWorkload`` ``PT<n>H`` = duration_hours, ``location`` Place with PostalAddress and
GeoCoordinates, or VirtualLocation). Fields without a schema.org term travel as
``additionalProperty`` PropertyValues: course_type, time_model, duration_months,
azav_certified, kldb_targets, source, source_id, example_fields. ``extra`` is not exported.
An export imported again (:mod:`knowledge.importers.jsonld_import`) yields equal offers.
Stdlib only.
"""

from __future__ import annotations

from typing import Any

from knowledge.schema import FIELDS, FUNDING, ONLINE_MUNICIPALITY, Offer

COURSE_MODE: dict[str, str] = {"praesenz": "onsite", "online": "online", "hybrid": "blended"}
ID_PREFIX = "urn:bildungslotse:offer:"


def _term(code: str, name: str, term_set: str | None = None) -> dict[str, Any]:
    term: dict[str, Any] = {"@type": "DefinedTerm", "termCode": code, "name": name}
    if term_set:
        term["inDefinedTermSet"] = term_set
    return term


def _location(offer: Offer) -> dict[str, Any]:
    if offer.municipality == ONLINE_MUNICIPALITY:
        return {"@type": "VirtualLocation", "url": offer.url}
    place: dict[str, Any] = {"@type": "Place", "name": offer.municipality}
    if offer.address is not None:
        address = {
            "@type": "PostalAddress",
            "addressLocality": offer.address.town,
            "addressCountry": "DE",
        }
        if offer.address.street is not None:
            address["streetAddress"] = offer.address.street
        if offer.address.postcode is not None:
            address["postalCode"] = offer.address.postcode
        place["address"] = address
    if offer.lat is not None and offer.lon is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": offer.lat, "longitude": offer.lon}
    return place


def offer_to_jsonld(offer: Offer) -> dict[str, Any]:
    """schema.org Course node of one offer."""
    instance: dict[str, Any] = {"@type": "CourseInstance", "courseMode": COURSE_MODE[offer.format]}
    if offer.duration_hours is not None:
        instance["courseWorkload"] = f"PT{offer.duration_hours}H"
    instance["location"] = _location(offer)
    instances = [{**instance, "startDate": d.isoformat()} for d in offer.start_dates] or [instance]
    node: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": ID_PREFIX + offer.id,
        "identifier": offer.id,
        "name": offer.title,
        "description": offer.description,
        "url": offer.url,
        "provider": {"@type": "Organization", "name": offer.provider},
        "dateModified": offer.last_updated.isoformat(),
        "hasCourseInstance": instances,
    }
    if offer.dqr_level is not None:
        node["educationalLevel"] = _term(
            str(offer.dqr_level), f"DQR-Niveau {offer.dqr_level}", "DQR"
        )
    if offer.funding:
        node["financialAidEligible"] = [_term(f, FUNDING[f]) for f in offer.funding]
    if offer.fields:
        node["about"] = [_term(f, FIELDS[f]) for f in offer.fields]
    if offer.cost_eur is not None:
        node["offers"] = {"@type": "Offer", "price": offer.cost_eur, "priceCurrency": "EUR"}
    values = {
        "course_type": offer.course_type,
        "time_model": offer.time_model,
        "duration_months": offer.duration_months,
        "azav_certified": offer.azav_certified,
        "kldb_targets": list(offer.kldb_targets),
        "source": offer.source,
        "source_id": offer.source_id,
        "example_fields": list(offer.example_fields),
    }
    node["additionalProperty"] = [
        {"@type": "PropertyValue", "name": k, "value": v}
        for k, v in values.items()
        if v is not None
    ]
    return node


def export_offers(offers: list[Offer]) -> list[dict[str, Any]]:
    """JSON-LD list (one Course per offer)."""
    return [offer_to_jsonld(o) for o in offers]
