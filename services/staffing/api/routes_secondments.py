"""Secondment requests, postings (arrival, extension, end) and rotation plans."""
from __future__ import annotations

from fastapi import APIRouter

from ..domain.model import PostingKind
from ..domain.secondment import RequestStatus
from ..service_layer import postings as postings_uc
from ..service_layer import rotation as rotation_uc
from ..service_layer import secondments as secondments_uc
from ..service_layer.access import can_read_all
from platform_common.errors import Forbidden
from . import schemas
from .deps import Caller, Limit, Offset, Runtime, posting_out, request_out

router = APIRouter(tags=["secondments"])


@router.post("/secondments", status_code=201, response_model=schemas.SecondmentOut)
def request_secondment(body: schemas.SecondmentIn, runtime: Runtime, caller: Caller):
    new = secondments_uc.NewRequest(body.org_id, body.specialty.value, body.title_level.value, body.headcount,
                                    body.start_date, body.end_date, body.reason)
    with runtime.uow() as uow:
        req = secondments_uc.request_by_unit(uow, runtime.settings, caller, new, runtime.settings.today())
        uow.commit()
        return request_out(req, [])


@router.get("/secondments", response_model=schemas.SecondmentPage)
def list_secondments(runtime: Runtime, caller: Caller, org_id: str | None = None,
                     status: RequestStatus | None = None, limit: Limit = 50, offset: Offset = 0):
    if not can_read_all(caller, runtime.settings):
        if org_id not in (None, caller.org_id):
            raise Forbidden("you may list only your own unit's requests")
        org_id = caller.org_id
    with runtime.uow() as uow:
        rows, total = uow.repo.list_requests(org_id, status.value if status else None, limit, offset)
        items = [request_out(r, uow.repo.postings_of_request(r.request_id)) for r in rows]
        return schemas.SecondmentPage(total=total, limit=limit, offset=offset, items=items)


@router.get("/secondments/{request_id}", response_model=schemas.SecondmentOut)
def get_secondment(request_id: str, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        req = secondments_uc.get(uow, runtime.settings, caller, request_id)
        return request_out(req, uow.repo.postings_of_request(request_id))


@router.post("/secondments/{request_id}/approve", response_model=schemas.SecondmentOut)
def approve_secondment(request_id: str, body: schemas.ApproveIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        req = secondments_uc.approve(uow, runtime.settings, caller, request_id, body.reason, body.staff_ids)
        uow.commit()
        return request_out(req, uow.repo.postings_of_request(request_id))


@router.post("/secondments/{request_id}/reject", response_model=schemas.SecondmentOut)
def reject_secondment(request_id: str, body: schemas.RejectIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        req = secondments_uc.reject(uow, runtime.settings, caller, request_id, body.reason)
        uow.commit()
        return request_out(req, [])


@router.post("/secondments/{request_id}/cancel", response_model=schemas.SecondmentOut)
def cancel_secondment(request_id: str, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        req = secondments_uc.cancel(uow, runtime.settings, caller, request_id)
        uow.commit()
        return request_out(req, [])


@router.get("/secondments/{request_id}/candidates", response_model=list[schemas.CandidateOut])
def secondment_candidates(request_id: str, runtime: Runtime, caller: Caller, limit: Limit = 20):
    with runtime.uow() as uow:
        ranked = secondments_uc.candidates(uow, runtime.settings, caller, request_id, limit)
        names = {r.candidate.staff_id: uow.repo.staff(r.candidate.staff_id).name for r in ranked}
        return [schemas.CandidateOut(staff_id=r.candidate.staff_id, name=names[r.candidate.staff_id],
                                 title_level=r.candidate.title_level, qualification=r.candidate.qualification,
                                 home_org_id=r.candidate.home_org_id,
                                 days_seconded_this_year=r.candidate.days_seconded_this_year,
                                 score=r.score, reasons=r.reasons) for r in ranked]


@router.post("/secondments/{request_id}/dispatch", status_code=201, response_model=schemas.PostingOut)
def dispatch_staff(request_id: str, body: schemas.DispatchIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        posting = secondments_uc.dispatch(uow, runtime.settings, caller, request_id, body.staff_id)
        uow.commit()
        return posting_out(posting)


@router.get("/postings/{posting_id}", response_model=schemas.PostingOut)
def get_posting(posting_id: str, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return posting_out(postings_uc.get(uow, runtime.settings, caller, posting_id))


@router.post("/postings/{posting_id}/arrive", response_model=schemas.PostingOut)
def record_arrival(posting_id: str, body: schemas.ArriveIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        posting = postings_uc.arrive(uow, runtime.settings, caller, posting_id, body.arrived_on)
        uow.commit()
        return posting_out(posting)


@router.post("/postings/{posting_id}/extend", response_model=schemas.PostingOut)
def extend_posting(posting_id: str, body: schemas.ExtendIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        posting = postings_uc.extend(uow, runtime.settings, caller, posting_id, body.end_date)
        uow.commit()
        return posting_out(posting)


@router.post("/postings/{posting_id}/end", response_model=schemas.PostingOut)
def end_posting(posting_id: str, body: schemas.EndIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        posting = postings_uc.end(uow, runtime.settings, caller, posting_id, body.ended_on)
        uow.commit()
        return posting_out(posting)


@router.post("/rotation-plans", status_code=201, response_model=schemas.RotationOut)
def create_rotation_plan(body: schemas.RotationIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        plan, created = rotation_uc.create_plan(
            uow, runtime.settings, caller, name=body.name, kind=PostingKind(body.kind), org_id=body.org_id,
            staff_ids=body.staff_ids, start_date=body.start_date, block_days=body.block_days, rounds=body.rounds,
            today=runtime.settings.today())
        uow.commit()
        return _plan_out(plan, created)


@router.get("/rotation-plans", response_model=schemas.RotationPage)
def list_rotation_plans(runtime: Runtime, caller: Caller, limit: Limit = 50, offset: Offset = 0):
    """Rotation plans, newest first."""
    if not can_read_all(caller, runtime.settings):
        raise Forbidden("rotation plans are read by HR offices and the health bureau")
    with runtime.uow() as uow:
        rows, total = uow.repo.plans(limit, offset)
        return schemas.RotationPage(total=total, limit=limit, offset=offset, items=[
            schemas.RotationSummaryOut.model_validate(p, from_attributes=True) for p in rows])


@router.get("/rotation-plans/{plan_id}", response_model=schemas.RotationOut)
def get_rotation_plan(plan_id: str, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        plan, created = rotation_uc.get_plan(uow, runtime.settings, caller, plan_id)
        return _plan_out(plan, sorted(created, key=lambda p: p.start_date))


def _plan_out(plan, created) -> schemas.RotationOut:  # noqa: ANN001
    return schemas.RotationOut(plan_id=plan.plan_id, name=plan.name, kind=plan.kind, org_id=plan.org_id,
                               start_date=plan.start_date, block_days=plan.block_days, staff_ids=plan.staff_ids,
                               postings=[posting_out(p) for p in created])
