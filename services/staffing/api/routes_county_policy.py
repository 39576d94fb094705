"""County-wide default quota policies, effective-dated, set by the health bureau's HR office."""
from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Response

from ..adapters.tables import CountyQuotaPolicy
from ..service_layer import county_policy
from ..service_layer.quota import settings_defaults
from . import schemas_county as schemas
from .deps import Caller, Runtime

router = APIRouter(tags=["quota"])


def _out(row: CountyQuotaPolicy, in_force_from: date | None) -> dict:
    return {"effective_from": row.effective_from, "per_mille": row.per_mille, "reason": row.reason,
            "created_by": row.created_by, "in_force": row.effective_from == in_force_from,
            **{k: getattr(row, k) for k in county_policy.COUNTY_FIELDS if k != "per_mille"}}


@router.get("/quota-policies/defaults", response_model=schemas.CountyPolicyList)
def county_policies(runtime: Runtime, caller: Caller):
    # The county's rules are public to every staffing role (the gateway admits them).
    with runtime.uow() as uow:
        rows = uow.repo.county_policies()
        current = max((r.effective_from for r in rows if r.effective_from <= runtime.settings.today()), default=None)
        base = settings_defaults(runtime.settings).values()
        return {"settings": base | {"per_mille": str(base["per_mille"])},
                "versions": [_out(r, current) for r in rows]}


@router.put("/quota-policies/defaults/{effective_from}", response_model=schemas.CountyPolicyWritten)
def set_county_policy(effective_from: date, body: schemas.CountyPolicyIn, response: Response, runtime: Runtime,
                      caller: Caller):
    with runtime.uow() as uow:
        result = county_policy.set_version(uow, runtime.settings, caller, effective_from,
                                           body.model_dump(exclude={"reason"}), body.reason, runtime.settings.today())
        uow.commit()
        response.status_code = 201 if result.created else 200
        return _out(result.row, effective_from if effective_from <= runtime.settings.today() else None) | {
            "units_in_breach": result.units_in_breach}
