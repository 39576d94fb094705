"""Secondment requests of township centres: request, decide, match, dispatch."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from platform_common.auth import OrgKind, Principal
from platform_common.contracts import STAFFING_TOPIC, StaffingEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters.tables import Posting, SecondmentRequest
from ..domain.matching import Candidate, RankedCandidate, rank
from ..domain.model import PostingKind, TitleLevel
from ..domain.secondment import RequestStatus, check_request_move
from ..settings import StaffingSettings
from . import postings
from .access import (require_approver, require_request_canceller, require_request_reader, require_requester,
                     requests_scope)
from .unit_of_work import StaffingUnitOfWork


@dataclass(frozen=True)
class SecondmentRecord:
    """A request as the API shows it, with the postings made on it."""

    request: SecondmentRequest
    postings: list[Posting]


@dataclass(frozen=True)
class NamedCandidate:
    ranked: RankedCandidate
    name: str


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
    uow.secondments.add(req)
    uow.record(STAFFING_TOPIC, StaffingEvent.SECONDMENT_REQUESTED, "secondment_request", req.request_id, {
        "request_id": req.request_id, "org_id": req.org_id, "specialty": req.specialty,
        "title_level": req.title_level, "headcount": req.headcount, "start_date": req.start_date.isoformat(),
        "end_date": req.end_date.isoformat(),
    }, org_id=req.org_id)
    return req


def request_by_unit(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, new: NewRequest,
                    today: date) -> SecondmentRecord:
    require_requester(principal, new.org_id)
    req = create(uow, settings, principal, new, today)
    uow.commit()
    return SecondmentRecord(req, [])


def get(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, request_id: str) -> SecondmentRequest:
    req = uow.secondments.get(request_id)
    if req is None:
        raise NotFound(f"no secondment request {request_id}")
    require_request_reader(principal, settings, req)
    return req


def _record(uow: StaffingUnitOfWork, req: SecondmentRequest) -> SecondmentRecord:
    return SecondmentRecord(req, uow.postings.of_request(req.request_id))


def detail(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
           request_id: str) -> SecondmentRecord:
    return _record(uow, get(uow, settings, principal, request_id))


def list_requests(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, org_id: str | None,
                  status: RequestStatus | None, limit: int, offset: int) -> tuple[list[SecondmentRecord], int]:
    """Newest first; a township's manager sees their own unit's requests."""
    org_id = requests_scope(principal, settings, org_id)
    rows, total = uow.secondments.list(org_id, status.value if status else None, limit, offset)
    return [_record(uow, r) for r in rows], total


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
    record = _record(uow, req)
    uow.commit()
    return record


def reject(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, request_id: str,
           reason: str) -> SecondmentRecord:
    require_approver(principal, settings)
    req = get(uow, settings, principal, request_id)
    check_request_move("reject", req.status)
    decided(uow, req, principal, RequestStatus.REJECTED, reason, StaffingEvent.SECONDMENT_REJECTED)
    uow.commit()
    return SecondmentRecord(req, [])


def cancel(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
           request_id: str) -> SecondmentRecord:
    """The requesting unit withdraws its request, or an approver cancels it, before anyone is sent; announced
    (SecondmentCancelled) like a decision, so that a desk waiting on the request learns it is gone."""
    req = get(uow, settings, principal, request_id)
    require_request_canceller(principal, settings, req)
    check_request_move("cancel", req.status)
    if req.dispatched:
        raise Conflict("staff have been dispatched on this request; end their postings instead",
                       state=req.status, dispatched=req.dispatched)
    was = req.status
    req.status = RequestStatus.CANCELLED.value
    uow.record(STAFFING_TOPIC, StaffingEvent.SECONDMENT_CANCELLED, "secondment_request", req.request_id, {
        "request_id": req.request_id, "org_id": req.org_id, "cancelled_by": principal.username,
        "by_requesting_unit": principal.org_id == req.org_id, "previous_status": was,
    }, org_id=req.org_id)
    uow.commit()
    return SecondmentRecord(req, [])


def dispatch(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, request_id: str,
             staff_id: str) -> Posting:
    require_approver(principal, settings)
    req = get(uow, settings, principal, request_id)
    check_request_move("dispatch", req.status)
    posting = _dispatch(uow, settings, principal, req, staff_id)
    uow.commit()
    return posting


def _dispatch(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, req: SecondmentRequest,
              staff_id: str) -> Posting:
    staff = uow.staff.get(staff_id)
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
               limit: int) -> list[NamedCandidate]:
    """The free staff who fit the request, best first, with their names."""
    require_approver(principal, settings)
    req = get(uow, settings, principal, request_id)
    wanted = TitleLevel(req.title_level)
    titles = [t.value for t in TitleLevel if t.rank >= wanted.rank]
    free = uow.staff.free(req.specialty, titles, req.start_date, req.end_date, exclude_org=req.org_id)
    fit = [s for s in free if uow.staff.available_cover(
        s.home_org_id, s.specialty, req.start_date, req.end_date, excluding=s.staff_id) >= settings.min_cover_per_specialty]
    year = date(req.start_date.year, 1, 1), date(req.start_date.year, 12, 31)
    days = uow.postings.days_seconded([s.staff_id for s in fit], *year)
    org = uow.orgs.get(uow.session, req.org_id)
    ranked = rank([Candidate(s.staff_id, s.title_level, TitleLevel(s.title_level).rank, s.qualification,
                             s.home_org_id, days.get(s.staff_id, 0)) for s in fit],
                  wanted.rank, org.parent_org_id if org else None)
    best = ranked[:limit]
    names = uow.staff.names([r.candidate.staff_id for r in best])
    return [NamedCandidate(r, names[r.candidate.staff_id]) for r in best]
