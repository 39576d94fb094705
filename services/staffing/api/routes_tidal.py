"""Tidal dispatch (demand, seasonal calendar, recommendations) and the monthly allowance report."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from platform_common.events import utcnow

from ..service_layer import allowances as allowances_uc
from ..service_layer import tidal as tidal_uc
from . import schemas, schemas_tidal
from .deps import Caller, Limit, Offset, Runtime
from .views import allowance_report_out, request_out

router = APIRouter(tags=["tidal dispatch", "allowances"])
# Year 0000 or 9999-12 would make no date (or no month after it): keep to years the platform can mean.
Month = Annotated[str, Query(pattern=r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


@router.get("/tidal/demand", response_model=list[schemas_tidal.DemandOut])
def tidal_demand(runtime: Runtime, caller: Caller):
    s = runtime.settings
    with runtime.read_uow() as uow:
        rows = tidal_uc.read_demand(uow, s, caller, utcnow())
        return [schemas_tidal.DemandOut(township_id=d.township_id, specialty=d.specialty, window_volume=d.window_volume,
                              baseline_volume=d.baseline_volume, window_days=s.demand_window_days,
                              baseline_windows=s.demand_baseline_windows) for d in rows]


@router.post("/tidal/recommendations/generate", response_model=list[schemas_tidal.RecommendationOut])
def generate_recommendations(runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        rows = tidal_uc.generate(uow, runtime.settings, caller, utcnow())
        return [schemas_tidal.RecommendationOut.model_validate(r, from_attributes=True) for r in rows]


@router.get("/tidal/recommendations", response_model=list[schemas_tidal.RecommendationOut])
def list_recommendations(runtime: Runtime, caller: Caller, status: str | None = Query(
        default="open", pattern="^(open|accepted|dismissed|superseded)$"), limit: Limit = 50, offset: Offset = 0):
    with runtime.read_uow() as uow:
        rows = tidal_uc.list_recommendations(uow, runtime.settings, caller, status, limit, offset)
        return [schemas_tidal.RecommendationOut.model_validate(r, from_attributes=True) for r in rows]


@router.post("/tidal/recommendations/{rec_id}/accept", status_code=201, response_model=schemas.SecondmentOut)
def accept_recommendation(rec_id: str, body: schemas_tidal.AcceptIn, runtime: Runtime, caller: Caller):
    today = runtime.settings.today()
    with runtime.uow() as uow:
        return request_out(tidal_uc.accept(uow, runtime.settings, caller, rec_id, start=body.start_date,
                                           end=body.end_date, title_level=body.title_level.value,
                                           headcount=body.headcount, today=today))


@router.post("/tidal/recommendations/{rec_id}/dismiss", response_model=schemas_tidal.RecommendationOut)
def dismiss_recommendation(rec_id: str, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        rec = tidal_uc.dismiss(uow, runtime.settings, caller, rec_id)
        return schemas_tidal.RecommendationOut.model_validate(rec, from_attributes=True)


@router.post("/seasons", status_code=201, response_model=schemas_tidal.SeasonOut)
def add_season(body: schemas_tidal.SeasonIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        season = tidal_uc.add_season(uow, caller, org_id=body.org_id, name=body.name, start=body.start_date,
                                     end=body.end_date, specialties=[s.value for s in body.specialties],
                                     headcount=body.headcount)
        return schemas_tidal.SeasonOut.model_validate(season, from_attributes=True)


@router.get("/seasons", response_model=list[schemas_tidal.SeasonOut])
def list_seasons(runtime: Runtime, caller: Caller, org_id: str | None = None):
    with runtime.read_uow() as uow:
        return [schemas_tidal.SeasonOut.model_validate(s, from_attributes=True)
                for s in tidal_uc.list_seasons(uow, runtime.settings, caller, org_id)]


@router.delete("/seasons/{season_id}", status_code=204)
def delete_season(season_id: str, runtime: Runtime, caller: Caller) -> None:
    with runtime.uow() as uow:
        tidal_uc.delete_season(uow, caller, season_id)


@router.get("/allowances", response_model=schemas_tidal.AllowanceReportOut)
def allowance_report(month: Month, runtime: Runtime, caller: Caller):
    year, mon = (int(x) for x in month.split("-"))
    with runtime.read_uow() as uow:
        return allowance_report_out(month, allowances_uc.monthly(uow, runtime.settings, caller, year, mon))


