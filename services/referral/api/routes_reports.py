"""Routes for capabilities, visit volumes and indicators."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from platform_common.events import utcnow

from ..service_layer import capability, indicators, queries
from . import schemas as s
from . import schemas_indicators as out
from .deps import Caller, Runtime
from .views import indicators_out, published_out

router = APIRouter(tags=["indicators"])


@router.get("/capabilities", response_model=out.Capabilities)
def capabilities(rt: Runtime, caller: Caller, org_id: str | None = None) -> dict:
    with rt.read_uow() as uow:
        baseline = sorted(x.value for x in rt.settings.baseline_specialties)
        return {"baseline_specialties": baseline,
                "items": capability.current(uow, rt.settings, caller, utcnow(), org_id)}


@router.get("/icd10", response_model=out.Diagnoses)
def search_diagnoses(caller: Caller, q: Annotated[str, Query(max_length=50)] = "",
                     limit: Annotated[int, Query(ge=1, le=500)] = 20) -> dict:
    """The ICD-10 catalogue by code or Chinese name (the forms' diagnosis picker)."""
    return {"items": [{"code": d.code, "name": d.name} for d in queries.search_diagnoses(caller, q, limit)]}


@router.put("/visit-volumes/{month}", response_model=out.VisitVolumeOut)
def report_visits(month: str, body: s.VisitVolumeIn, rt: Runtime, caller: Caller) -> dict:
    with rt.uow() as uow:
        row = indicators.report_visits(uow, rt.settings, caller, utcnow(), month=month, **body.model_dump())
        return {"org_id": row.org_id, "month": row.month, "visits": row.visits, "version": row.version}


@router.get("/indicators", response_model=out.IndicatorsOut)
def read_indicators(rt: Runtime, caller: Caller, period: str, org_id: str | None = None,
                    consortium_id: str | None = None) -> out.IndicatorsOut:
    with rt.read_uow() as uow:
        return indicators_out(indicators.compute(uow, rt.settings, caller, period=period, org_id=org_id,
                                                 consortium_id=consortium_id))


@router.post("/indicators/publish", response_model=out.IndicatorsPublished)
def publish_indicators(body: s.PublishIn, rt: Runtime, caller: Caller) -> out.IndicatorsPublished:
    with rt.uow() as uow:
        return published_out(indicators.publish(uow, rt.settings, caller, **body.model_dump()))
