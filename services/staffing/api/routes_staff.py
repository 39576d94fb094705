"""Staff registry and quota routes."""
from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from platform_common.contracts import Specialty
from platform_common.errors import Forbidden

from ..domain.model import PostingKind, PostingStatus, Qualification, TitleLevel
from ..domain.quota import QuotaRule
from ..service_layer import quota as quota_uc
from ..service_layer import staff as staff_uc
from ..service_layer.access import can_read_all
from . import schemas, schemas_quota
from .deps import Caller, Limit, Offset, Runtime, current_posting, posting_out, staff_out

router = APIRouter(tags=["staff"])


def _new(body: schemas.StaffIn, today: date) -> staff_uc.NewStaff:
    return staff_uc.NewStaff(body.name, body.id_number, body.qualification.value, body.title_level.value,
                             body.specialty.value, body.home_org_id, body.start_date or today, body.pool,
                             body.override_reason)


@router.post("/staff", status_code=201, response_model=schemas.StaffOut)
def register_staff(body: schemas.StaffIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        staff = staff_uc.register(uow, runtime.settings, caller, _new(body, runtime.settings.today()))
        postings = uow.repo.postings_of(staff.staff_id)
        uow.commit()
        return staff_out(staff, current_posting(postings, runtime.settings.today()))


@router.post("/staff/bulk", status_code=201, response_model=list[schemas.StaffOut])
def register_staff_bulk(body: schemas.StaffBulkIn, runtime: Runtime, caller: Caller):
    today = runtime.settings.today()
    with runtime.uow() as uow:
        people = staff_uc.register_many(uow, runtime.settings, caller, [_new(s, today) for s in body.staff])
        uow.commit()
        return _with_current_postings(uow, people, today)


@router.get("/staff", response_model=schemas.StaffPage)
def list_staff(runtime: Runtime, caller: Caller, org_id: str | None = None, specialty: Specialty | None = None,
               title_level: TitleLevel | None = None, qualification: Qualification | None = None,
               limit: Limit = 50, offset: Offset = 0,
               name: Annotated[str | None, Query(max_length=100, description="part of the name")] = None):
    if not can_read_all(caller, runtime.settings):
        if caller.role.value != "unit_manager" or org_id != caller.org_id:
            raise Forbidden("a unit manager lists their own unit's staff: pass org_id=<your unit>")
    with runtime.uow() as uow:
        rows, total = uow.repo.list_staff(org_id=org_id, specialty=specialty, title_level=title_level,
                                          qualification=qualification, limit=limit, offset=offset,
                                          name=(name or "").strip() or None)
        items = _with_current_postings(uow, rows, runtime.settings.today())
        return schemas.StaffPage(total=total, limit=limit, offset=offset, items=items)


def _with_current_postings(uow, people: list, today: date) -> list[schemas.StaffOut]:  # noqa: ANN001
    """Each person with where they are today, as the detail view shows it (one query for all of them)."""
    postings = uow.repo.postings_of_many([s.staff_id for s in people])
    return [staff_out(s, current_posting(postings[s.staff_id], today)) for s in people]


@router.get("/staff/{staff_id}", response_model=schemas.StaffOut)
def get_staff(staff_id: str, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        staff = staff_uc.get_staff(uow, runtime.settings, caller, staff_id)
        postings, today = uow.repo.postings_of(staff_id), runtime.settings.today()
        return staff_out(staff, current_posting(postings, today), postings, uow.repo.title_changes(staff_id))


@router.post("/staff/{staff_id}/title", response_model=schemas.StaffOut)
def change_title(staff_id: str, body: schemas.TitleChangeIn, runtime: Runtime, caller: Caller):
    today = runtime.settings.today()
    with runtime.uow() as uow:
        staff = staff_uc.change_title(
            uow, runtime.settings, caller, staff_id, title_level=body.title_level.value,
            qualification=body.qualification.value if body.qualification else None,
            effective=body.effective_date or today, today=today, reason=body.reason,
            override_reason=body.override_reason)
        uow.commit()
        postings, today = uow.repo.postings_of(staff_id), runtime.settings.today()
        return staff_out(staff, current_posting(postings, today), postings, uow.repo.title_changes(staff_id))


@router.post("/staff/{staff_id}/transfer", response_model=schemas.StaffOut)
def transfer_staff(staff_id: str, body: schemas.TransferIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        staff = staff_uc.transfer(uow, runtime.settings, caller, staff_id, body.to_org_id, body.effective_date,
                                  body.override_reason)
        uow.commit()
        postings = uow.repo.postings_of(staff_id)
        return staff_out(staff, current_posting(postings, runtime.settings.today()), postings)


def _ratio(count: int, limit: int | None, kind: str, quota: int | None, limit_bp: int,
           ok: bool) -> schemas_quota.RatioOut:
    return schemas_quota.RatioOut(count=count, limit=limit, kind=kind, ratio_bp=(count * 10000 // quota) if quota else None,
                            limit_bp=limit_bp, ok=ok)


def _report_out(uq: quota_uc.UnitQuota) -> schemas_quota.QuotaReportOut:
    # `ok` is the verdict of the rule itself, so it never disagrees with `violations`: the professional share is
    # broken by too many non-professional posts, not by a unit that has not filled its quota yet
    r, p, est = uq.report, uq.policy, uq.report.establishment
    broken = {v.rule for v in r.violations}
    return schemas_quota.QuotaReportOut(
        org_id=uq.org.org_id, name=uq.org.name, kind=uq.org.kind.value, as_of=uq.as_of,
        service_population=uq.org.service_population, quota=r.quota, filled=est.filled, vacant=r.vacant,
        professional=_ratio(est.professional, r.professional_min, "min", r.quota, p.professional_min_bp,
                            QuotaRule.PROFESSIONAL_SHARE not in broken),
        senior=_ratio(est.senior, r.senior_cap, "max", r.quota, p.senior_cap_bp, QuotaRule.SENIOR_CAP not in broken),
        intermediate=_ratio(est.intermediate, r.intermediate_cap, "max", r.quota, p.intermediate_cap_bp,
                            QuotaRule.INTERMEDIATE_CAP not in broken),
        violations=[{"rule": v.rule.value, "detail": v.detail} for v in r.violations],
        unit_policy_from=uq.unit_policy_from, county_policy_from=uq.county_policy_from)


@router.get("/units/{org_id}/quota", response_model=schemas_quota.QuotaReportOut)
def unit_quota(org_id: str, runtime: Runtime, caller: Caller, as_of: date | None = None):
    day = as_of or runtime.settings.today()  # the consortium's today, not the host's
    with runtime.uow() as uow:
        return _report_out(quota_uc.quota_report(uow, runtime.settings, caller, org_id, day))


@router.get("/quota-report", response_model=list[schemas_quota.QuotaReportOut])
def consortium_quota(runtime: Runtime, caller: Caller, as_of: date | None = None):
    if not can_read_all(caller, runtime.settings):
        raise Forbidden("the consortium quota report is read by HR offices and the health bureau")
    day = as_of or runtime.settings.today()
    with runtime.uow() as uow:
        units = [o for o in uow.orgs.all(uow.session) if o.kind in quota_uc.STAFFED_KINDS]
        return [_report_out(quota_uc.quota_report(uow, runtime.settings, caller, o.org_id, day)) for o in units]


@router.get("/units/{org_id}/quota-policies", response_model=list[schemas_quota.QuotaPolicyOut])
def quota_policies(org_id: str, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        quota_uc.require_unit_reader(caller, runtime.settings, org_id)
        return [schemas_quota.QuotaPolicyOut.model_validate(r, from_attributes=True) for r in uow.repo.quota_policies(org_id)]


@router.post("/units/{org_id}/quota-policies", status_code=201, response_model=schemas_quota.QuotaPolicyOut)
def set_quota_policy(org_id: str, body: schemas_quota.QuotaPolicyIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        row = quota_uc.set_policy(uow, runtime.settings, caller, org_id, body.model_dump(), body.effective_from,
                                  body.reason, runtime.settings.today())
        uow.commit()
        return schemas_quota.QuotaPolicyOut.model_validate(row, from_attributes=True)


@router.get("/units/{org_id}/postings", response_model=schemas.PostingPage)
def unit_postings(org_id: str, runtime: Runtime, caller: Caller, kind: PostingKind | None = None,
                  status: PostingStatus | None = None, limit: Limit = 50, offset: Offset = 0):
    with runtime.uow() as uow:
        quota_uc.require_unit_reader(caller, runtime.settings, org_id)
        rows, total = uow.repo.postings_at(org_id, limit, offset, kind, status)
        return schemas.PostingPage(total=total, limit=limit, offset=offset, items=[posting_out(p) for p in rows])


@router.get("/units/{org_id}/quota-overrides", response_model=list[schemas_quota.QuotaOverrideOut])
def quota_overrides(org_id: str, runtime: Runtime, caller: Caller):
    """The health bureau's overrides of the unit's quota rules, newest first: who was let in, which rule, why."""
    with runtime.uow() as uow:
        quota_uc.require_unit_reader(caller, runtime.settings, org_id)
        return [schemas_quota.QuotaOverrideOut(org_id=o.org_id, staff_id=o.staff_id, name=name, rule=o.rule, detail=o.detail,
                                         reason=o.reason, decided_by=o.decided_by, created_at=o.created_at)
                for o, name in uow.repo.quota_overrides(org_id)]
