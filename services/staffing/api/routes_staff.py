"""Staff registry and quota routes."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from platform_common.api_types import IsoDate
from platform_common.contracts import Specialty

from ..domain.model import PostingKind, PostingStatus, Qualification, TitleLevel, birth_date_of
from ..service_layer import postings as postings_uc
from ..service_layer import quota as quota_uc
from ..service_layer import staff as staff_uc
from . import schemas, schemas_quota
from .deps import Caller, Limit, Offset, Runtime
from .views import override_out, posting_out, quota_report_out, staff_out

router = APIRouter(tags=["staff"])


def _new(body: schemas.StaffIn, today: date) -> staff_uc.NewStaff:
    return staff_uc.NewStaff(body.name, body.id_number, body.qualification.value, body.title_level.value,
                             body.specialty.value, body.home_org_id, body.start_date or today, body.pool,
                             body.override_reason, body.targeted_post,
                             body.date_of_birth or birth_date_of(body.id_number, today), body.retirement_age_years)


@router.post("/staff", status_code=201, response_model=schemas.StaffOut)
def register_staff(body: schemas.StaffIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return staff_out(staff_uc.register(uow, runtime.settings, caller, _new(body, runtime.settings.today())))


@router.post("/staff/bulk", status_code=201, response_model=list[schemas.StaffOut])
def register_staff_bulk(body: schemas.StaffBulkIn, runtime: Runtime, caller: Caller):
    today = runtime.settings.today()
    with runtime.uow() as uow:
        people = staff_uc.register_many(uow, runtime.settings, caller, [_new(s, today) for s in body.staff])
        return [staff_out(r) for r in people]


@router.get("/staff", response_model=schemas.StaffPage)
def list_staff(runtime: Runtime, caller: Caller, org_id: str | None = None, specialty: Specialty | None = None,
               title_level: TitleLevel | None = None, qualification: Qualification | None = None,
               limit: Limit = 50, offset: Offset = 0,
               name: Annotated[str | None, Query(max_length=100, description="part of the name")] = None):
    where = staff_uc.StaffFilter(org_id, specialty, title_level, qualification, (name or "").strip() or None)
    with runtime.read_uow() as uow:
        rows, total = staff_uc.list_staff(uow, runtime.settings, caller, where, limit, offset)
        return schemas.StaffPage(total=total, limit=limit, offset=offset, items=[staff_out(r) for r in rows])


@router.get("/staff/{staff_id}", response_model=schemas.StaffOut)
def get_staff(staff_id: str, runtime: Runtime, caller: Caller):
    with runtime.read_uow() as uow:
        return staff_out(staff_uc.detail(uow, runtime.settings, caller, staff_id))


@router.post("/staff/{staff_id}/title", response_model=schemas.StaffOut)
def change_title(staff_id: str, body: schemas.TitleChangeIn, runtime: Runtime, caller: Caller):
    today = runtime.settings.today()
    with runtime.uow() as uow:
        return staff_out(staff_uc.change_title(
            uow, runtime.settings, caller, staff_id, title_level=body.title_level.value,
            qualification=body.qualification.value if body.qualification else None,
            effective=body.effective_date or today, today=today, reason=body.reason,
            override_reason=body.override_reason, targeted_post=body.targeted_post))


@router.post("/staff/{staff_id}/transfer", response_model=schemas.StaffOut)
def transfer_staff(staff_id: str, body: schemas.TransferIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return staff_out(staff_uc.transfer(uow, runtime.settings, caller, staff_id, body.to_org_id,
                                           body.effective_date, body.override_reason, body.targeted_post))


@router.get("/units/{org_id}/quota", response_model=schemas_quota.QuotaReportOut)
def unit_quota(org_id: str, runtime: Runtime, caller: Caller, as_of: IsoDate | None = None):
    day = as_of or runtime.settings.today()  # the consortium's today, not the host's
    with runtime.read_uow() as uow:
        return quota_report_out(quota_uc.quota_report(uow, runtime.settings, caller, org_id, day))


@router.get("/quota-report", response_model=list[schemas_quota.QuotaReportOut])
def consortium_quota(runtime: Runtime, caller: Caller, as_of: IsoDate | None = None):
    day = as_of or runtime.settings.today()
    with runtime.read_uow() as uow:
        return [quota_report_out(u) for u in quota_uc.consortium_report(uow, runtime.settings, caller, day)]


@router.get("/units/{org_id}/quota-policies", response_model=list[schemas_quota.QuotaPolicyOut])
def quota_policies(org_id: str, runtime: Runtime, caller: Caller):
    with runtime.read_uow() as uow:
        return [schemas_quota.QuotaPolicyOut.model_validate(r, from_attributes=True)
                for r in quota_uc.unit_policies(uow, runtime.settings, caller, org_id)]


@router.post("/units/{org_id}/quota-policies", status_code=201, response_model=schemas_quota.QuotaPolicyOut)
def set_quota_policy(org_id: str, body: schemas_quota.QuotaPolicyIn, runtime: Runtime, caller: Caller):
    change = quota_uc.UnitPolicyChange(body.quota, body.per_mille, body.professional_min_bp, body.senior_cap_bp,
                                       body.intermediate_cap_bp, body.professional_posts, body.targeted_bp)
    with runtime.uow() as uow:
        row = quota_uc.set_policy(uow, runtime.settings, caller, org_id, change, body.effective_from, body.reason,
                                  runtime.settings.today())
        return schemas_quota.QuotaPolicyOut.model_validate(row, from_attributes=True)


@router.get("/units/{org_id}/postings", response_model=schemas.PostingPage)
def unit_postings(org_id: str, runtime: Runtime, caller: Caller, kind: PostingKind | None = None,
                  status: PostingStatus | None = None, limit: Limit = 50, offset: Offset = 0):
    with runtime.read_uow() as uow:
        rows, total = postings_uc.at_unit(uow, runtime.settings, caller, org_id, kind, status, limit, offset)
        return schemas.PostingPage(total=total, limit=limit, offset=offset, items=[posting_out(p) for p in rows])


@router.get("/units/{org_id}/quota-overrides", response_model=list[schemas_quota.QuotaOverrideOut])
def quota_overrides(org_id: str, runtime: Runtime, caller: Caller):
    """The health bureau's overrides of the unit's quota rules, newest first: who was let in, which rule, why."""
    with runtime.read_uow() as uow:
        return [override_out(o) for o in quota_uc.overrides(uow, runtime.settings, caller, org_id)]
