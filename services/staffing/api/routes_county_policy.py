"""County-wide default quota policies, effective-dated, set by the health bureau's HR office."""
from __future__ import annotations

from fastapi import APIRouter, Response

from platform_common.api_types import IsoDate

from ..domain.quota import CountyPolicyChange
from ..service_layer import county_policy
from . import schemas_county as schemas
from .deps import Caller, Runtime
from .views import county_versions_out, county_written_out

router = APIRouter(tags=["quota"])


@router.get("/quota-policies/defaults", response_model=schemas.CountyPolicyList)
def county_policies(runtime: Runtime, caller: Caller):
    with runtime.read_uow() as uow:
        return county_versions_out(county_policy.versions(uow, runtime.settings, runtime.settings.today()))


@router.put("/quota-policies/defaults/{effective_from}", response_model=schemas.CountyPolicyWritten,
            responses={201: {"model": schemas.CountyPolicyWritten, "description": "a new version"}})
def set_county_policy(effective_from: IsoDate, body: schemas.CountyPolicyIn, response: Response, runtime: Runtime,
                      caller: Caller):
    change = CountyPolicyChange(body.per_mille, body.professional_min_bp, body.senior_cap_bp,
                                body.township_senior_cap_bp, body.intermediate_cap_bp,
                                **{name: getattr(body, name) for name in schemas.RULE_FIELDS})
    with runtime.uow() as uow:
        result = county_policy.set_version(uow, runtime.settings, caller, effective_from, change, body.reason,
                                           runtime.settings.today())
        response.status_code = 201 if result.created else 200
        return county_written_out(result)
