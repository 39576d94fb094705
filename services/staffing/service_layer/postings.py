"""Temporary postings (secondment, rotation): placing a person, arrival, extension, end.

The rule "no person is ever in two overlapping postings" is checked against the database and
then guarded by the person's row: every posting change bumps `Staff.posting_changes`, and the
row's version column makes the second of two racing transactions fail on commit (409) instead of
committing an overlap — on PostgreSQL (read committed) as well as on SQLite (BEGIN IMMEDIATE).
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from platform_common.auth import Principal
from platform_common.contracts import STAFFING_TOPIC, StaffingEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters.tables import Posting, Staff
from ..domain.model import EndReason, PostingKind, PostingStatus
from ..domain.secondment import check_posting_move
from ..settings import StaffingSettings
from .access import require_approver, require_arrival_recorder, require_posting_reader, require_unit_reader
from .post_counts import after_public_health_change
from .unit_of_work import StaffingUnitOfWork


def last_day(p: Posting) -> str:
    end = p.ended_on or p.end_date
    return end.isoformat() if end else "open-ended"


def place(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, staff: Staff,
          kind: PostingKind, to_org_id: str, start: date, end: date, *, request_id: str | None = None,
          plan_id: str | None = None) -> Posting:
    if not staff.active:
        raise Conflict(f"staff {staff.staff_id} is not active", state="inactive")
    check_length(settings, start, end)
    if to_org_id == staff.home_org_id:
        raise InvalidInput(f"staff {staff.staff_id} is established at {to_org_id} already", field="staff_id")
    clash = uow.postings.overlapping(staff.staff_id, start, end)
    if clash:
        c = clash[0]
        raise Conflict(
            f"staff {staff.staff_id} is already posted to {c.org_id} from {c.start_date.isoformat()} to "
            f"{last_day(c)}; a person cannot be in two overlapping postings",
            rule="overlapping_posting", state=c.status, posting_id=c.posting_id)
    check_cover(uow, settings, staff, start, end)
    public_health_before = uow.quota.public_health_physicians(staff.home_org_id, start)
    posting = Posting(posting_id=str(uuid.uuid4()), staff_id=staff.staff_id, kind=kind.value,
                      from_org_id=staff.home_org_id, org_id=to_org_id, start_date=start, end_date=end,
                      status=PostingStatus.DISPATCHED.value, request_id=request_id, plan_id=plan_id,
                      created_by=principal.username, created_at=utcnow())
    uow.postings.add(posting)
    staff.posting_changes += 1  # the optimistic lock: see the module docstring
    uow.record(STAFFING_TOPIC, StaffingEvent.STAFF_DISPATCHED, "posting", posting.posting_id, {
        "posting_id": posting.posting_id, "staff_id": staff.staff_id, "from_org_id": staff.home_org_id,
        "to_org_id": to_org_id, "specialty": staff.specialty, "title_level": staff.title_level,
        "qualification": staff.qualification, "start_date": start.isoformat(), "end_date": end.isoformat(),
        "posting_kind": kind.value, "request_id": request_id,
    }, org_id=to_org_id)
    after_public_health_change(uow, settings, staff, staff.home_org_id, start, public_health_before)
    return posting


def check_length(settings: StaffingSettings, start: date, end: date, field: str = "end_date") -> None:
    days = (end - start).days + 1
    if days > settings.max_posting_days:
        raise InvalidInput(f"a temporary posting lasts at most {settings.max_posting_days} days; "
                           f"{start.isoformat()} to {end.isoformat()} is {days}", field=field)


def check_cover(uow: StaffingUnitOfWork, settings: StaffingSettings, staff: Staff, start: date, end: date) -> None:
    """The sending unit keeps `min_cover_per_specialty` of the person's specialty on site throughout.

    The people relied on as cover are bumped like the person sent: two transactions each sending one
    of the last two cardiologists of a hospital then write each other's row, and the second to commit
    fails (409) instead of leaving the hospital with none (PostgreSQL read committed; SQLite
    serialises writers anyway)."""
    staying = uow.staff.cover(staff.home_org_id, staff.specialty, start, end, excluding=staff.staff_id)
    cover = len(staying)
    for other in staying:
        other.posting_changes += 1
    if cover < settings.min_cover_per_specialty:
        raise Conflict(
            f"{staff.home_org_id} would keep {cover} {staff.specialty} staff on site between {start.isoformat()} "
            f"and {end.isoformat()}, below the minimum cover of {settings.min_cover_per_specialty}",
            rule="minimum_cover", org_id=staff.home_org_id)


def _load(uow: StaffingUnitOfWork, posting_id: str) -> tuple[Posting, Staff]:
    posting = uow.postings.get(posting_id)
    if posting is None or posting.kind == PostingKind.ESTABLISHMENT.value:
        raise NotFound(f"no secondment or rotation posting {posting_id}")
    return posting, uow.staff.get(posting.staff_id)


def get(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, posting_id: str) -> Posting:
    posting = uow.postings.get(posting_id)
    if posting is None:
        raise NotFound(f"no posting {posting_id}")
    require_posting_reader(principal, settings, posting)
    return posting


def at_unit(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, org_id: str,
            kind: PostingKind | None, status: PostingStatus | None, limit: int,
            offset: int) -> tuple[list[Posting], int]:
    """Postings to or from the unit, latest start first."""
    require_unit_reader(principal, settings, org_id)
    return uow.postings.at_unit(org_id, limit, offset, kind, status)


def arrive(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, posting_id: str,
           on: date) -> Posting:
    posting, staff = _load(uow, posting_id)
    require_arrival_recorder(principal, settings, posting)
    check_posting_move("arrive", posting.status)
    if not posting.start_date <= on <= posting.end_date:
        raise InvalidInput(f"arrival must fall within the posting, {posting.start_date.isoformat()} to "
                           f"{posting.end_date.isoformat()}", field="arrived_on")
    posting.status, posting.arrived_on = PostingStatus.ARRIVED.value, on
    uow.record(STAFFING_TOPIC, StaffingEvent.STAFF_ARRIVED, "posting", posting.posting_id, {
        "posting_id": posting.posting_id, "staff_id": staff.staff_id, "to_org_id": posting.org_id,
        "specialty": staff.specialty, "arrived_on": on.isoformat(),
    }, org_id=posting.org_id)
    uow.commit()
    return posting


def extend(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, posting_id: str,
           new_end: date) -> Posting:
    require_approver(principal, settings)
    posting, staff = _load(uow, posting_id)
    check_posting_move("extend", posting.status)
    if new_end <= posting.end_date:
        raise InvalidInput(f"an extension must end after the current end {posting.end_date.isoformat()}",
                           field="end_date")
    check_length(settings, posting.start_date, new_end)
    clash = uow.postings.overlapping(staff.staff_id, posting.start_date, new_end, exclude=posting.posting_id)
    if clash:
        raise Conflict(f"staff {staff.staff_id} is posted to {clash[0].org_id} from "
                       f"{clash[0].start_date.isoformat()}; the extension would overlap it",
                       rule="overlapping_posting", state=posting.status, posting_id=clash[0].posting_id)
    # Only the added days need checking: the sending unit agreed to the original period already.
    check_cover(uow, settings, staff, posting.end_date + timedelta(days=1), new_end)
    posting.end_date = new_end
    staff.posting_changes += 1
    uow.record(STAFFING_TOPIC, StaffingEvent.SECONDMENT_EXTENDED, "posting", posting.posting_id, {
        "posting_id": posting.posting_id, "staff_id": staff.staff_id, "to_org_id": posting.org_id,
        "specialty": staff.specialty, "end_date": new_end.isoformat(),
    }, org_id=posting.org_id)
    uow.commit()
    return posting


def end(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, posting_id: str,
        on: date) -> Posting:
    """End on or after the planned end: completed (on the planned end); before it: an early end."""
    require_approver(principal, settings)
    posting, staff = _load(uow, posting_id)
    check_posting_move("end", posting.status)
    if on < posting.start_date:
        raise InvalidInput(f"a posting cannot end before it starts ({posting.start_date.isoformat()})",
                           field="ended_on")
    reason = EndReason.COMPLETED if on >= posting.end_date else EndReason.EARLY_END
    posting.ended_on = min(on, posting.end_date)
    posting.status, posting.end_reason = PostingStatus.ENDED.value, reason.value
    staff.posting_changes += 1
    uow.record(STAFFING_TOPIC, StaffingEvent.SECONDMENT_ENDED, "posting", posting.posting_id, {
        "posting_id": posting.posting_id, "staff_id": staff.staff_id, "to_org_id": posting.org_id,
        "specialty": staff.specialty, "ended_on": posting.ended_on.isoformat(), "reason": reason.value,
    }, org_id=posting.org_id)
    uow.commit()
    return posting
