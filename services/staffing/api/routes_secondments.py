"""Secondment requests, postings (arrival, extension, end) and rotation plans."""
from __future__ import annotations

from fastapi import APIRouter

from ..domain.model import PostingKind
from ..domain.secondment import RequestStatus
from ..service_layer import postings as postings_uc
from ..service_layer import rotation as rotation_uc
from ..service_layer import secondments as secondments_uc
from . import schemas
from .deps import Caller, Limit, Offset, Runtime
from .views import candidate_out, plan_out, posting_out, request_out

router = APIRouter(tags=["secondments"])


@router.post("/secondments", status_code=201, response_model=schemas.SecondmentOut)
def request_secondment(body: schemas.SecondmentIn, runtime: Runtime, caller: Caller):
    new = secondments_uc.NewRequest(body.org_id, body.specialty.value, body.title_level.value, body.headcount,
                                    body.start_date, body.end_date, body.reason)
    with runtime.uow() as uow:
        return request_out(secondments_uc.request_by_unit(uow, runtime.settings, caller, new,
                                                          runtime.settings.today()))


@router.get("/secondments", response_model=schemas.SecondmentPage)
def list_secondments(runtime: Runtime, caller: Caller, org_id: str | None = None,
                     status: RequestStatus | None = None, limit: Limit = 50, offset: Offset = 0):
    with runtime.read_uow() as uow:
        rows, total = secondments_uc.list_requests(uow, runtime.settings, caller, org_id, status, limit, offset)
        return schemas.SecondmentPage(total=total, limit=limit, offset=offset, items=[request_out(r) for r in rows])


@router.get("/secondments/{request_id}", response_model=schemas.SecondmentOut)
def get_secondment(request_id: str, runtime: Runtime, caller: Caller):
    with runtime.read_uow() as uow:
        return request_out(secondments_uc.detail(uow, runtime.settings, caller, request_id))


@router.post("/secondments/{request_id}/approve", response_model=schemas.SecondmentOut)
def approve_secondment(request_id: str, body: schemas.ApproveIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return request_out(secondments_uc.approve(uow, runtime.settings, caller, request_id, body.reason,
                                                  body.staff_ids))


@router.post("/secondments/{request_id}/reject", response_model=schemas.SecondmentOut)
def reject_secondment(request_id: str, body: schemas.RejectIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return request_out(secondments_uc.reject(uow, runtime.settings, caller, request_id, body.reason))


@router.post("/secondments/{request_id}/cancel", response_model=schemas.SecondmentOut)
def cancel_secondment(request_id: str, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return request_out(secondments_uc.cancel(uow, runtime.settings, caller, request_id))


@router.get("/secondments/{request_id}/candidates", response_model=list[schemas.CandidateOut])
def secondment_candidates(request_id: str, runtime: Runtime, caller: Caller, limit: Limit = 20):
    with runtime.read_uow() as uow:
        return [candidate_out(c) for c in secondments_uc.candidates(uow, runtime.settings, caller, request_id, limit)]


@router.post("/secondments/{request_id}/dispatch", status_code=201, response_model=schemas.PostingOut)
def dispatch_staff(request_id: str, body: schemas.DispatchIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return posting_out(secondments_uc.dispatch(uow, runtime.settings, caller, request_id, body.staff_id))


@router.get("/postings/{posting_id}", response_model=schemas.PostingOut)
def get_posting(posting_id: str, runtime: Runtime, caller: Caller):
    with runtime.read_uow() as uow:
        return posting_out(postings_uc.get(uow, runtime.settings, caller, posting_id))


@router.post("/postings/{posting_id}/arrive", response_model=schemas.PostingOut)
def record_arrival(posting_id: str, body: schemas.ArriveIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return posting_out(postings_uc.arrive(uow, runtime.settings, caller, posting_id, body.arrived_on))


@router.post("/postings/{posting_id}/extend", response_model=schemas.PostingOut)
def extend_posting(posting_id: str, body: schemas.ExtendIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return posting_out(postings_uc.extend(uow, runtime.settings, caller, posting_id, body.end_date))


@router.post("/postings/{posting_id}/end", response_model=schemas.PostingOut)
def end_posting(posting_id: str, body: schemas.EndIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return posting_out(postings_uc.end(uow, runtime.settings, caller, posting_id, body.ended_on))


@router.post("/rotation-plans", status_code=201, response_model=schemas.RotationOut)
def create_rotation_plan(body: schemas.RotationIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return plan_out(rotation_uc.create_plan(
            uow, runtime.settings, caller, name=body.name, kind=PostingKind(body.kind), org_id=body.org_id,
            staff_ids=body.staff_ids, start_date=body.start_date, block_days=body.block_days, rounds=body.rounds,
            today=runtime.settings.today()))


@router.get("/rotation-plans", response_model=schemas.RotationPage)
def list_rotation_plans(runtime: Runtime, caller: Caller, limit: Limit = 50, offset: Offset = 0):
    """Rotation plans, newest first."""
    with runtime.read_uow() as uow:
        rows, total = rotation_uc.list_plans(uow, runtime.settings, caller, limit, offset)
        return schemas.RotationPage(total=total, limit=limit, offset=offset, items=[
            schemas.RotationSummaryOut.model_validate(p, from_attributes=True) for p in rows])


@router.get("/rotation-plans/{plan_id}", response_model=schemas.RotationOut)
def get_rotation_plan(plan_id: str, runtime: Runtime, caller: Caller):
    with runtime.read_uow() as uow:
        return plan_out(rotation_uc.get_plan(uow, runtime.settings, caller, plan_id))
