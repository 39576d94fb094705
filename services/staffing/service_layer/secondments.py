"""Secondment requests of township centres: request, decide, match, dispatch."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from platform_common.auth import OrgKind, Principal, Role
from platform_common.contracts import STAFFING_TOPIC, StaffingEvent
from platform_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters.tables import Posting, SecondmentRequest
from ..domain.matching import Candidate, RankedCandidate, rank
from ..domain.model import PostingKind, TitleLevel
from ..domain.secondment import RequestStatus, check_request_move
from ..settings import StaffingSettings
from . import postings
from .access import can_read_all, require_approver
from .unit_of_work import StaffingUnitOfWork


@dataclass(frozen=True)
class NewRequest:
    org_id: str
    specialty: str
    title_level: str
    headcount: int
    start_date: date
    end_date: date
    reason: str


def create(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, new: NewRequest, today: date, *,
           source: str = "request", recommendation_id: str | None = None,
           status: RequestStatus = RequestStatus.REQUESTED) -> SecondmentRequest:
    org = uow.orgs.get(uow.session, new.org_id)
    if org is None or org.kind is not OrgKind.TOWNSHIP_CENTRE:
        raise InvalidInput(f"{new.org_id} is not a township centre", field="org_id")
    if new.end_date < new.start_date:
        raise InvalidInput("end_date is before start_date", field="end_date")
    if new.start_date < today:
        raise InvalidInput("a secondment cannot start in the past", field="start_date")
    postings.check_length(settings, new.start_date, new.end_date)
    req = SecondmentRequest(
        request_id=str(uuid.uuid4()), org_id=new.org_id, specialty=new.specialty, title_level=new.title_level,
        headcount=new.headcount, dispatched=0, start_date=new.start_date, end_date=new.end_date,
        reason=new.reason, status=status.value, source=source, recommendation_id=recommendation_id,
        requested_by=principal.username, created_at=utcnow())
    uow.repo.add(req)
    uow.record(STAFFING_TOPIC, StaffingEvent.SECONDMENT_REQUESTED, "secondment_request", req.request_id, {
        "request_id": req.request_id, "org_id": req.org_id, "specialty": req.specialty,
        "title_level": req.title_level, "headcount": req.headcount, "start_date": req.start_date.isoformat(),
        "end_date": req.end_date.isoformat(),
    }, org_id=req.org_id)
    return req


def request_by_unit(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, new: NewRequest,
                    today: date) -> SecondmentRequest:
    if principal.role is not Role.UNIT_MANAGER or principal.org_id != new.org_id:
        raise Forbidden("a township centre's manager requests staff for their own unit only")
    return create(uow, settings, principal, new, today)


def get(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, request_id: str) -> SecondmentRequest:
    req = uow.repo.request(request_id)
    if req is None:
        raise NotFound(f"no secondment request {request_id}")
    if not (can_read_all(principal, settings) or principal.org_id == req.org_id):
        raise Forbidden("you may read only your own unit's requests")
    return req


def decided(uow: StaffingUnitOfWork, req: SecondmentRequest, principal: Principal, status: RequestStatus,
             reason: str | None, event: StaffingEvent) -> None:
    req.status, req.decided_by, req.decision_reason, req.decided_at = status.value, principal.username, reason, utcnow()
    uow.record(STAFFING_TOPIC, event, "secondment_request", req.request_id, {
        "request_id": req.request_id, "org_id": req.org_id, "decided_by": principal.username, "reason": reason,
    }, org_id=req.org_id)


def approve(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, request_id: str,
            reason: str | None, staff_ids: list[str]) -> SecondmentRequest:
    """Approve; naming staff dispatches them in the same transaction (all or nothing)."""
    require_approver(principal, settings)
    req = get(uow, settings, principal, request_id)
    check_request_move("approve", req.status)
    if len(staff_ids) > req.headcount:
        raise InvalidInput(f"{len(staff_ids)} staff named for a headcount of {req.headcount}", field="staff_ids")
    decided(uow, req, principal, RequestStatus.APPROVED, reason, StaffingEvent.SECONDMENT_APPROVED)
    for i, staff_id in enumerate(staff_ids):
        try:
            _dispatch(uow, settings, principal, req, staff_id)
        except InvalidInput as e:
            e.field = f"staff_ids[{i}]"
            raise
    return req


def reject(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, request_id: str,
           reason: str) -> SecondmentRequest:
    require_approver(principal, settings)
    req = get(uow, settings, principal, request_id)
    check_request_move("reject", req.status)
    decided(uow, req, principal, RequestStatus.REJECTED, reason, StaffingEvent.SECONDMENT_REJECTED)
    return req


def cancel(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, request_id: str) -> SecondmentRequest:
    req = get(uow, settings, principal, request_id)
    own = principal.role is Role.UNIT_MANAGER and principal.org_id == req.org_id
    if not own:
        require_approver(principal, settings)
    check_request_move("cancel", req.status)
    if req.dispatched:
        raise Conflict("staff have been dispatched on this request; end their postings instead",
                       state=req.status, dispatched=req.dispatched)
    req.status = RequestStatus.CANCELLED.value
    return req


def dispatch(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, request_id: str,
             staff_id: str) -> Posting:
    require_approver(principal, settings)
    req = get(uow, settings, principal, request_id)
    check_request_move("dispatch", req.status)
    return _dispatch(uow, settings, principal, req, staff_id)


def _dispatch(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, req: SecondmentRequest,
              staff_id: str) -> Posting:
    staff = uow.repo.staff(staff_id)
    if staff is None:
        raise InvalidInput(f"no staff {staff_id}", field="staff_id")
    if staff.specialty != req.specialty:
        raise InvalidInput(f"staff {staff_id} is {staff.specialty}; the request is for {req.specialty}",
                           field="staff_id")
    if TitleLevel(staff.title_level).rank < TitleLevel(req.title_level).rank:
        raise InvalidInput(f"staff {staff_id} holds a {staff.title_level} title; the request asks for at least "
                           f"{req.title_level}", field="staff_id")
    if req.dispatched >= req.headcount:
        raise Conflict("the request's headcount is already dispatched", state=req.status)
    posting = postings.place(uow, settings, principal, staff, PostingKind.SECONDMENT, req.org_id,
                             req.start_date, req.end_date, request_id=req.request_id)
    req.dispatched += 1
    if req.dispatched == req.headcount:
        req.status = RequestStatus.FULFILLED.value
    return posting


def candidates(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, request_id: str,
               limit: int) -> list[RankedCandidate]:
    require_approver(principal, settings)
    req = get(uow, settings, principal, request_id)
    wanted = TitleLevel(req.title_level)
    titles = [t.value for t in TitleLevel if t.rank >= wanted.rank]
    free = uow.repo.free_staff(req.specialty, titles, req.start_date, req.end_date, exclude_org=req.org_id)
    fit = [s for s in free if uow.repo.available_cover(
        s.home_org_id, s.specialty, req.start_date, req.end_date, excluding=s.staff_id) >= settings.min_cover_per_specialty]
    year = date(req.start_date.year, 1, 1), date(req.start_date.year, 12, 31)
    days = uow.repo.days_seconded([s.staff_id for s in fit], *year)
    org = uow.orgs.get(uow.session, req.org_id)
    ranked = rank([Candidate(s.staff_id, s.title_level, TitleLevel(s.title_level).rank, s.qualification,
                             s.home_org_id, days.get(s.staff_id, 0)) for s in fit],
                  wanted.rank, org.parent_org_id if org else None)
    return ranked[:limit]
