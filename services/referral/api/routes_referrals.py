"""Referral workflow routes: thin — parse, call one use case, shape the answer."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from platform_common.api_types import IsoDate
from platform_common.contracts import Specialty
from platform_common.events import utcnow

from ..domain.lifecycle import Direction, Status
from ..domain.rules import Urgency
from ..service_layer import downward, out_of_county, queries, upward
from . import schemas as s
from . import schemas_referrals as out
from .deps import Caller, Runtime
from .views import detail, overdue_follow_up, summary

router = APIRouter(tags=["referrals"])


@router.post("/referrals/upward", status_code=201, response_model=out.ReferralDetail)
def submit_upward(body: s.UpwardIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        fields = body.model_dump(exclude={"patient", "attachments"})
        row = upward.submit(uow, rt.settings, caller, now, patient=body.patient.model_dump(),
                            attachments=[a.model_dump() for a in body.attachments], **fields)
        return detail(row, now, caller.org_id)


@router.post("/referrals/downward", status_code=201, response_model=out.ReferralDetail)
def issue_downward(body: s.DownwardIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        fields = body.model_dump(exclude={"patient", "attachments", "plan", "follow_ups"})
        row = downward.issue(uow, rt.settings, caller, now, patient=body.patient.model_dump(),
                             plan=body.plan.model_dump(), follow_ups=[f.model_dump() for f in body.follow_ups],
                             attachments=[a.model_dump() for a in body.attachments], **fields)
        return detail(row, now, caller.org_id)


@router.post("/referrals/out-of-county", status_code=201, response_model=out.ReferralDetail)
def record_out_of_county(body: s.OutOfCountyIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        fields = body.model_dump(exclude={"patient", "attachments"})
        row = out_of_county.record(uow, rt.settings, caller, now, patient=body.patient.model_dump(),
                                   attachments=[a.model_dump() for a in body.attachments], **fields)
        return detail(row, now, caller.org_id)


@router.get("/referrals", response_model=out.Worklist)
def worklist(rt: Runtime, caller: Caller, box: Annotated[Literal["all", "incoming", "outgoing"], Query(
                 description="all (default): what the unit sent and what it receives, each row with its box")] = "all",
             direction: Direction | None = None, status: Annotated[list[Status] | None, Query()] = None,
             urgency: Urgency | None = None, specialty: Specialty | None = None,
             date_from: IsoDate | None = None, date_to: IsoDate | None = None, sort: str = "-created_at",
             page: Annotated[int, Query(ge=1, le=10**7)] = 1, page_size: Annotated[int | None, Query(ge=1)] = None) -> dict:
    now = utcnow()
    with rt.read_uow() as uow:
        total, rows, page, size = queries.worklist(
            uow, rt.settings, caller, box=box, direction=direction, statuses=[x.value for x in status or []],
            urgency=urgency, specialty=specialty, date_from=date_from, date_to=date_to, sort=sort, page=page,
            page_size=page_size)
        return {"total": total, "page": page, "page_size": size,
                "items": [summary(r, now) | {"box": "incoming" if r.to_org_id == caller.org_id else "outgoing"}
                          for r in rows]}


@router.get("/referrals/overdue", response_model=out.OverdueReferrals)
def overdue_responses(rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.read_uow() as uow:
        return {"items": [summary(r, now) for r in queries.overdue_responses(uow, caller, now)]}


@router.get("/follow-ups/overdue", response_model=out.OverdueFollowUps)
def overdue_follow_ups(rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.read_uow() as uow:
        return {"items": [overdue_follow_up(d) for d in downward.overdue_follow_ups(uow, rt.settings, caller, now)]}


@router.get("/referrals/{referral_id}", response_model=out.ReferralDetail)
def get_referral(referral_id: str, rt: Runtime, caller: Caller) -> dict:
    with rt.read_uow() as uow:
        return detail(queries.get(uow, caller, referral_id), utcnow(), caller.org_id)


@router.post("/referrals/{referral_id}/accept", response_model=out.ReferralDetail)
def accept(referral_id: str, body: s.AcceptIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        row = upward.accept(uow, caller, now, referral_id, settings=rt.settings, **body.model_dump())
        return detail(row, now, caller.org_id)


@router.post("/referrals/{referral_id}/reject", response_model=out.ReferralDetail)
def reject(referral_id: str, body: s.RejectIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        return detail(upward.reject(uow, caller, now, referral_id, **body.model_dump()), now, caller.org_id)


@router.post("/referrals/{referral_id}/redirect", response_model=out.Redirected)
def redirect(referral_id: str, body: s.RedirectIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        row = upward.redirect(uow, caller, now, referral_id, rt.settings, **body.model_dump())
        # the redirecting hospital no longer sees the patient: answer with the routing only
        return {"referral_id": row.referral_id, "status": row.status, "to_org_id": row.to_org_id,
                "specialty": row.specialty, "version": row.version}


@router.post("/referrals/{referral_id}/cancel", response_model=out.ReferralDetail)
def cancel(referral_id: str, body: s.ReasonIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        return detail(upward.cancel(uow, caller, now, referral_id, **body.model_dump()), now, caller.org_id)


@router.post("/referrals/{referral_id}/arrive", response_model=out.ReferralDetail)
def arrive(referral_id: str, body: s.ArriveIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        return detail(upward.arrive(uow, caller, now, referral_id, **body.model_dump()), now, caller.org_id)


@router.post("/referrals/{referral_id}/complete", response_model=out.ReferralDetail)
def complete(referral_id: str, body: s.CompleteIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        return detail(upward.complete(uow, rt.settings, caller, now, referral_id, **body.model_dump()), now, caller.org_id)


@router.post("/referrals/{referral_id}/decline", response_model=out.ReferralDetail)
def decline(referral_id: str, body: s.ReasonIn, rt: Runtime, caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        return detail(downward.decline(uow, caller, now, referral_id, **body.model_dump()), now, caller.org_id)


@router.post("/referrals/{referral_id}/follow-ups/{follow_up_id}", response_model=out.ReferralDetail)
def record_follow_up(referral_id: str, follow_up_id: str, body: s.FollowUpRecordIn, rt: Runtime,
                     caller: Caller) -> dict:
    now = utcnow()
    with rt.uow() as uow:
        row = downward.record_follow_up(uow, rt.settings, caller, now, referral_id, follow_up_id,
                                        **body.model_dump())
        return detail(row, now, caller.org_id)
