"""Exams for an accepted upward referral, each booked on its own exam slot (检查预约: CT, MRI, ultrasound,
endoscopy, ECG) of the receiving hospital, whichever department publishes them."""
from __future__ import annotations

from datetime import date, datetime, time

from platform_common.auth import Principal
from platform_common.errors import Conflict, Forbidden, InvalidInput

from ..adapters.tables import ReferralRow
from ..domain.capacity import BookingStatus, CapacityKind, ExamType, ReleaseReason
from ..domain.lifecycle import Direction, Status
from ..settings import ReferralSettings
from . import booking
from .access import load_visible, require_clerk
from .unit_of_work import ReferralUnitOfWork

OPEN = (Status.ACCEPTED.value, Status.ARRIVED.value)


def _receiving(uow: ReferralUnitOfWork, principal: Principal, referral_id: str) -> ReferralRow:
    require_clerk(principal)
    row = load_visible(uow, principal, referral_id)
    if principal.org_id != row.to_org_id:
        raise Forbidden("only the receiving hospital books and cancels exams")
    if row.direction != Direction.UPWARD.value or row.status not in OPEN:
        raise Conflict(f"exams are booked for accepted upward referrals; this one is {row.status}",
                       current_status=row.status)
    return row


def book(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
         referral_id: str, *, exam_type: ExamType, slot_id: str | None, day: date | None,
         at: time | None) -> ReferralRow:
    """The slot named, else the first free one of the day (the band holding `at` if it has room)."""
    row = _receiving(uow, principal, referral_id)
    if slot_id:
        slot = booking.exam_slot(uow, slot_id, row.to_org_id, exam_type, "slot_id")
        booking.check_not_past(slot, settings, now, "slot_id")
        booking.book_slot(uow, settings, principal, now, row, slot, "slot_id")
    elif day:
        if day < now.astimezone(settings.tz()).date():
            raise InvalidInput(f"{day} is in the past", field="day")
        target = booking.Target(row.to_org_id, None, CapacityKind.EXAM, exam_type.value)
        booking.book_day(uow, settings, principal, now, row, target, day, at.strftime("%H:%M") if at else None,
                         "day", free_text_fallback=False)
    else:
        raise InvalidInput("name the exam slot, or the day to book the first free one", field="slot_id")
    uow.commit()
    return row


def cancel(uow: ReferralUnitOfWork, principal: Principal, now: datetime, referral_id: str,
           booking_id: str) -> ReferralRow:
    row = _receiving(uow, principal, referral_id)
    held = booking.get_booking(uow, referral_id, booking_id)
    if held.kind != CapacityKind.EXAM.value:
        raise Conflict("only an exam is cancelled on its own; the visit goes with the referral",
                       booking_status=held.status)
    if held.status != BookingStatus.BOOKED.value or not booking.release(
            uow, now, held, ReleaseReason.EXAM_CANCELLED, principal.username, principal.org_id, row.consortium_id):
        raise Conflict(f"the exam booking is already {held.status}", booking_status=held.status)
    uow.commit()
    return row
