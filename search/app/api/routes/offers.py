"""POST /offers/lookup: offers by catalogue id, with the reasons they fit a profile.
POST /offers/coverage: counts of current offers within reach per municipality, field, format and time model.

For callers that already know the offers (the staff app's plan builder adds an offer by its
id, a comparison shows chosen offers side by side): no retrieval, no hard filters, the items
in the order asked, each with the same fields as a ``POST /search`` item (``score`` 0, the
reasons from the profile components: target occupation, distance, time model, format, DQR,
shortage occupation, next start). Ids the index does not hold come back in ``missing``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from knowledge import geo
from search import facts, ranking
from search.app.api.deps import HolderDep, SettingsDep
from search.app.schemas import ProfileIn, SearchItem, SearchRequest
from search.coverage import coverage
from search.params import UnknownPlaceError, to_params
from search.service import IndexUnavailableError, item_payload

router = APIRouter(prefix="/offers", tags=["offers"])
OfferId = Annotated[str, Field(min_length=1, max_length=100)]


class OfferLookupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[OfferId] = Field(min_length=1, max_length=20, description="Catalogue ids.")
    municipality: str | None = Field(
        default=None,
        max_length=100,
        description="Place distances are measured from; defaults to profile.municipality.",
    )
    max_distance_km: float | None = Field(
        default=None, gt=0, le=200, description="Reach in km (decides 'within_reach')."
    )
    today: dt.date | None = Field(default=None, description="Reference date for start dates.")
    profile: ProfileIn = Field(default_factory=ProfileIn)


class OfferLookupResponse(BaseModel):
    items: list[SearchItem]
    missing: list[str] = Field(description="Requested ids the index does not hold.")


@router.post("/lookup", response_model=OfferLookupResponse)
def lookup(
    req: OfferLookupRequest, holder: HolderDep, settings: SettingsDep
) -> OfferLookupResponse:
    try:
        store = holder.snapshot().store
    except IndexUnavailableError as exc:
        raise HTTPException(status_code=503, detail=f"Suchindex nicht verfügbar: {exc}") from exc
    search = SearchRequest(
        sort="nearby",
        include_outside_reach=True,
        municipality=req.municipality,
        max_distance_km=req.max_distance_km,
        today=req.today,
        profile=req.profile,
    )
    try:
        params = to_params(search, settings.default_reach_km)
    except UnknownPlaceError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    items, missing = [], []
    for offer_id in dict.fromkeys(req.ids):
        offer = store.offers.get(offer_id)
        if offer is None:
            missing.append(offer_id)
            continue
        dist = ranking.offer_distance(offer, params.filters.origin)
        comps = ranking.fit_components(
            offer, params.profile, dist, params.reach_km, facts.shortage_entries
        )
        ranked = ranking.Ranked(offer, 0.0, 0.0, dist, comps)
        items.append(
            item_payload(ranked, params.profile, params.filters.today, None, params.filters)
        )
    return OfferLookupResponse.model_validate({"items": items, "missing": missing})


class CoverageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    municipalities: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        default=None,
        max_length=40,
        description="Places to count for; default: the municipalities of the Landkreis.",
    )
    max_distance_km: float | None = Field(
        default=None, gt=0, le=200, description="Reach in km; default: the service's reach."
    )
    today: dt.date | None = Field(default=None, description="Reference date for start dates.")


class CoverageRow(BaseModel):
    municipality: str
    field: str = Field(
        description='KldB Berufshauptgruppe (2 digits) the offers lead to; "" = all offers, each once.'
    )
    format: str
    time_model: str
    offers: int = Field(ge=1)


class CoverageResponse(BaseModel):
    reach_km: float
    today: dt.date
    rows: list[CoverageRow] = Field(description="Only combinations with at least one offer.")


@router.post("/coverage", response_model=CoverageResponse)
def offer_coverage(
    req: CoverageRequest, holder: HolderDep, settings: SettingsDep
) -> CoverageResponse:
    try:
        store = holder.snapshot().store
    except IndexUnavailableError as exc:
        raise HTTPException(status_code=503, detail=f"Suchindex nicht verfügbar: {exc}") from exc
    places = []
    for name in req.municipalities or geo.landkreis_municipalities():
        official = geo.official_name(name)
        if official is None:
            raise HTTPException(status_code=422, detail=str(UnknownPlaceError(name)))
        places.append(official)
    reach = req.max_distance_km or settings.default_reach_km
    today = req.today or dt.date.today()
    counts = coverage(store.offers.values(), list(dict.fromkeys(places)), reach, today)
    rows = [
        CoverageRow(municipality=m, field=f, format=fmt, time_model=tm, offers=n)
        for (m, f, fmt, tm), n in sorted(counts.items())
    ]
    return CoverageResponse(reach_km=reach, today=today, rows=rows)
