"""Capacity writes and the loads its use cases need: slots, bookings, the audit trail.

A slot's `booked` count only moves through conditional UPDATEs evaluated by the database on the current row
(`booked < capacity`): on PostgreSQL a second booking waits for the first one's row lock and re-reads the row,
on SQLite writers take turns, so of two bookings racing for the last place exactly one matches.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from ..domain.capacity import BookingStatus, FreeSlot
from .tables import ReferralRow
from .tables_capacity import BookingRow, CapacityAuditRow, SlotRow


@dataclass(frozen=True)
class DueBooking:
    booking: BookingRow
    referral_status: str
    consortium_id: str


class CapacityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # slots
    def slots(self, org_id: str, specialty: str | None, kind: str, exam_type: str, first: date,
              last: date) -> list[SlotRow]:
        query = select(SlotRow).where(SlotRow.org_id == org_id, SlotRow.kind == kind, SlotRow.exam_type == exam_type,
                                      SlotRow.day >= first, SlotRow.day <= last)
        if specialty is not None:
            query = query.where(SlotRow.specialty == specialty)
        # populate_existing: conditional UPDATEs go around the session, so copies it holds may be stale
        return list(self.session.scalars(query.order_by(SlotRow.day, SlotRow.band_start)
                                         .execution_options(populate_existing=True)))

    def get_slot(self, slot_id: str) -> SlotRow | None:
        return self.session.get(SlotRow, slot_id)

    def add_slot(self, row: SlotRow) -> None:
        self.session.add(row)

    def set_capacity(self, slot_id: str, capacity: int, band_end: str, now: datetime, by: str) -> bool:
        """False when the slot already holds more bookings (within capacity) than the new capacity: nothing
        changed. Checked by the database on the current row, so a booking racing the edit is never lost."""
        result = self.session.execute(
            update(SlotRow).where(SlotRow.slot_id == slot_id, SlotRow.booked - SlotRow.overflow <= capacity)
            .values(capacity=capacity, band_end=band_end, updated_at=now, updated_by=by)
            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    def has_published(self, org_id: str, specialty: str | None, kind: str, exam_type: str, from_day: date) -> bool:
        """Whether the department (None: any of the hospital's) keeps bookable capacity of this kind (any slot
        from this day on)."""
        where = [SlotRow.org_id == org_id, SlotRow.kind == kind, SlotRow.exam_type == exam_type,
                 SlotRow.day >= from_day] + ([SlotRow.specialty == specialty] if specialty is not None else [])
        return bool(self.session.scalar(select(exists().where(*where))))

    def day(self, org_id: str, specialty: str | None, kind: str, exam_type: str, day: date) -> list[FreeSlot]:
        """The day's bands as the database has them now (a fresh read, not the session's copies)."""
        query = select(SlotRow.slot_id, SlotRow.specialty, SlotRow.band_start, SlotRow.band_end, SlotRow.capacity,
                       SlotRow.booked).where(
            SlotRow.org_id == org_id, SlotRow.kind == kind, SlotRow.exam_type == exam_type, SlotRow.day == day)
        if specialty is not None:
            query = query.where(SlotRow.specialty == specialty)
        return [FreeSlot(*row) for row in self.session.execute(query.order_by(SlotRow.band_start, SlotRow.specialty))]

    def take(self, slot_id: str, over_capacity: bool) -> bool:
        """One more booking on the slot; unless `over_capacity`, only while a place is free."""
        values = {"booked": SlotRow.booked + 1}
        query = update(SlotRow).where(SlotRow.slot_id == slot_id)
        if over_capacity:
            values["overflow"] = SlotRow.overflow + 1
        else:
            query = query.where(SlotRow.booked < SlotRow.capacity)
        result = self.session.execute(query.values(**values).execution_options(synchronize_session=False))
        return result.rowcount == 1

    def give_back(self, slot_id: str, overflow: bool) -> None:
        values = {"booked": SlotRow.booked - 1} | ({"overflow": SlotRow.overflow - 1} if overflow else {})
        self.session.execute(update(SlotRow).where(SlotRow.slot_id == slot_id, SlotRow.booked > 0)
                             .values(**values).execution_options(synchronize_session=False))

    # bookings
    def add_booking(self, row: BookingRow) -> None:
        self.session.add(row)

    def get_booking(self, booking_id: str) -> BookingRow | None:
        return self.session.get(BookingRow, booking_id)

    def bookings_of(self, referral_id: str, active_only: bool = False) -> list[BookingRow]:
        query = select(BookingRow).where(BookingRow.referral_id == referral_id)
        if active_only:
            query = query.where(BookingRow.status == BookingStatus.BOOKED.value)
        return list(self.session.scalars(query.order_by(BookingRow.booked_at, BookingRow.booking_id)))

    def release(self, booking: BookingRow, status: BookingStatus, reason: str, now: datetime) -> bool:
        """Mark an active booking released (or a no-show); False when someone released it meanwhile."""
        result = self.session.execute(
            update(BookingRow).where(BookingRow.booking_id == booking.booking_id,
                                     BookingRow.status == BookingStatus.BOOKED.value)
            .values(status=status.value, release_reason=reason, released_at=now)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            return False
        self.session.refresh(booking)  # the UPDATE went around the session: what is shown next is the release
        return True

    def past_due(self, ended_before: datetime, statuses: tuple[str, ...], limit: int) -> list[DueBooking]:
        """Active bookings whose slot ended before `ended_before` and whose referral is in one of `statuses`
        (still waiting for the patient, or still unanswered), oldest first."""
        query = (select(BookingRow, ReferralRow.status, ReferralRow.consortium_id)
                 .join(ReferralRow, ReferralRow.referral_id == BookingRow.referral_id)
                 .where(BookingRow.status == BookingStatus.BOOKED.value, BookingRow.slot_ends_at < ended_before,
                        ReferralRow.status.in_(statuses))
                 .order_by(BookingRow.slot_ends_at, BookingRow.booking_id).limit(limit))
        return [DueBooking(b, status, consortium) for b, status, consortium in self.session.execute(query)]

    # audit
    def audit(self, row: CapacityAuditRow) -> None:
        self.session.add(row)
