"""Booking capacity for upward referrals: the slot chosen when referring, the visit or bed booked on acceptance,
exams with their own slot; releases on cancel, reject, redirect, no-show. The callers commit."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from platform_common.auth import Principal
from platform_common.contracts import REFERRAL_TOPIC, ReferralEvent
from platform_common.errors import Conflict, InvalidInput, NotFound

from ..adapters.tables import ReferralRow
from ..adapters.tables_capacity import BookingRow, CapacityAuditRow, SlotRow
from ..domain.capacity import (BookingStatus, CapacityKind, ExamType, FreeSlot, ReleaseReason, choose, may_go_over,
                               overflow_slot, slot_end, slot_start)
from ..domain.rules import Urgency
from ..settings import ReferralSettings
from .unit_of_work import ReferralUnitOfWork

AGGREGATE = "capacity_booking"
VISIT_KINDS = (CapacityKind.OUTPATIENT.value, CapacityKind.BED.value)


@dataclass(frozen=True)
class Place:
    """Where a booking goes: a stored slot, or (an emergency on a day with nothing published) only a day."""

    slot_id: str | None
    day: date
    start: str
    end: str
    overflow: bool


def book_slot(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
              referral: ReferralRow, slot: SlotRow, field: str) -> BookingRow:
    """A named slot: free, or taken over capacity by an urgency that may go over; else 409 naming it."""
    over = False
    if not uow.capacity.take(slot.slot_id, over_capacity=False):
        if not may_go_over(Urgency(referral.urgency), settings.capacity_overbook_urgencies):
            raise Conflict(f"slot {slot.slot_id} ({slot.day} {slot.band_start}–{slot.band_end}) is fully booked",
                           field=field, slot_id=slot.slot_id, day=slot.day.isoformat(), band_start=slot.band_start,
                           rule="capacity")
        uow.capacity.take(slot.slot_id, over_capacity=True)
        over = True
    place = Place(slot.slot_id, slot.day, slot.band_start, slot.band_end, over)
    return _record(uow, settings, principal, now, referral, slot.org_id, slot.specialty, CapacityKind(slot.kind),
                   slot.exam_type, place)


@dataclass(frozen=True)
class Target:
    """What a day-based booking looks for: a hospital's department (None: any, for exams), kind, exam type."""

    org_id: str
    specialty: str | None
    kind: CapacityKind
    exam_type: str = ""


def book_day(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
             referral: ReferralRow, target: Target, day: date, at: str | None, field: str,
             free_text_fallback: bool = True) -> BookingRow | None:
    """The first free slot of the day (the band holding `at` if it has room). None: nothing of the kind is
    published and `free_text_fallback` (the free-text answer stays); without it that is 409, except for an
    urgency that goes over capacity."""
    t = target
    may_over = may_go_over(Urgency(referral.urgency), settings.capacity_overbook_urgencies)
    today = _today(settings, now)
    if not uow.capacity.has_published(t.org_id, t.specialty, t.kind.value, t.exam_type, min(day, today)):
        if free_text_fallback:
            return None
        if not may_over:
            raise Conflict(f"{t.org_id} publishes no {_what(t)} capacity", field=field, rule="capacity")
    if not today <= day <= today + timedelta(days=settings.capacity_horizon_days):
        raise InvalidInput(f"{day} is outside the bookable days (today to {settings.capacity_horizon_days} days on)",
                           field=field)
    tried: FreeSlot | None = None
    slots: list[FreeSlot] = []
    for _ in range(3):  # a place taken between reading the day and taking it: read the day again
        slots = uow.capacity.day(t.org_id, t.specialty, t.kind.value, t.exam_type, day)
        chosen = choose(slots, at)
        if chosen is None:
            break
        tried = chosen
        if uow.capacity.take(chosen.slot_id, over_capacity=False):
            return _record(uow, settings, principal, now, referral, t.org_id, _specialty(t, chosen, referral),
                           t.kind, t.exam_type, Place(chosen.slot_id, day, chosen.start, chosen.end, False))
    if not may_over:
        named = tried or overflow_slot(slots, at)
        where = f"slot {named.slot_id} ({day} {named.start}–{named.end})" if named else f"{day}"
        raise Conflict(f"no free {_what(t)} place: {where} is fully booked", field=field, day=day.isoformat(),
                       slot_id=named.slot_id if named else None, full_slots=[s.slot_id for s in slots],
                       rule="capacity")
    target_slot = overflow_slot(slots, at)
    if target_slot is not None:
        uow.capacity.take(target_slot.slot_id, over_capacity=True)
        place = Place(target_slot.slot_id, day, target_slot.start, target_slot.end, True)
    else:  # nothing published that day: the emergency is taken in all the same, on the day
        place = Place(None, day, at or "00:00", "24:00", True)
    return _record(uow, settings, principal, now, referral, t.org_id, _specialty(t, target_slot, referral),
                   t.kind, t.exam_type, place)


def _what(t: Target) -> str:
    return t.exam_type or t.kind.value


def _specialty(t: Target, chosen: FreeSlot | None, referral: ReferralRow) -> str:
    """The department the place belongs to: the target's, else (an exam) the slot's, else the referral's."""
    if t.specialty is not None:
        return t.specialty
    return chosen.specialty if chosen is not None else referral.specialty


def _record(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
            referral: ReferralRow, org_id: str, specialty: str, kind: CapacityKind, exam_type: str,
            place: Place) -> BookingRow:
    row = BookingRow(
        booking_id=str(uuid.uuid4()), referral_id=referral.referral_id, slot_id=place.slot_id, org_id=org_id,
        specialty=specialty, kind=kind.value, exam_type=exam_type, day=place.day, band_start=place.start,
        band_end=place.end, status=BookingStatus.BOOKED.value, overflow=place.overflow, urgency=referral.urgency,
        booked_at=now, booked_by=principal.username,
        slot_ends_at=slot_end(place.day, place.end, settings.tz()))
    uow.capacity.add_booking(row)
    what = f"{kind.value}{' ' + exam_type if exam_type else ''} {place.day} {place.start}–{place.end}"
    _audit(uow, now, principal.username, principal.org_id, "book", row,
           what + (" over capacity (overflow)" if place.overflow else ""))
    uow.record(REFERRAL_TOPIC, ReferralEvent.SLOT_BOOKED, AGGREGATE, row.booking_id,
               _payload(row, referral.consortium_id) | {"urgency": row.urgency, "overflow": row.overflow},
               org_id=org_id)
    return row


def book_on_accept(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
                   row: ReferralRow, slot_id: str | None, appointment_at: datetime | None,
                   bed_no: str | None) -> BookingRow | None:
    """The place an upward acceptance books: the slot named (another than the one held is a rebooking), else
    the one chosen when referring, else the first free one of the appointment's day (a bed: the admission day,
    today without an appointment). None: the department publishes no such capacity."""
    held = held_visit(uow, row.referral_id)
    if slot_id:
        if held is not None and held.slot_id == slot_id:
            return held
        slot = visit_slot(uow, slot_id, row.to_org_id, row.specialty, "slot_id")
        check_not_past(slot, settings, now, "slot_id")
        if held is not None:
            release(uow, now, held, ReleaseReason.REBOOKED, principal.username, principal.org_id,
                    row.consortium_id)
        return book_slot(uow, settings, principal, now, row, slot, "slot_id")
    if held is not None:
        return held
    kind = CapacityKind.BED if bed_no else CapacityKind.OUTPATIENT
    day, at = local_band_time(appointment_at or now, settings)
    band_time = at if appointment_at is not None and kind is CapacityKind.OUTPATIENT else None
    return book_day(uow, settings, principal, now, row, Target(row.to_org_id, row.specialty, kind), day, band_time,
                    "appointment_at")


def release(uow: ReferralUnitOfWork, now: datetime, booking: BookingRow, reason: ReleaseReason, actor: str,
            actor_org_id: str | None, consortium_id: str) -> bool:
    status = BookingStatus.NO_SHOW if reason is ReleaseReason.NO_SHOW else BookingStatus.RELEASED
    if not uow.capacity.release(booking, status, reason.value, now):
        return False  # released meanwhile (a racing sweep or step): its place was given back once
    if booking.slot_id:
        uow.capacity.give_back(booking.slot_id, booking.overflow)
    _audit(uow, now, actor, actor_org_id, reason.value, booking, f"released: {reason.value}")
    uow.record(REFERRAL_TOPIC, ReferralEvent.SLOT_RELEASED, AGGREGATE, booking.booking_id,
               _payload(booking, consortium_id) | {"reason": reason.value}, org_id=booking.org_id)
    return True


def release_all(uow: ReferralUnitOfWork, principal: Principal, now: datetime, referral: ReferralRow,
                reason: ReleaseReason) -> None:
    """Everything the referral holds goes back (a cancel, a reject, a redirect)."""
    for booking in uow.capacity.bookings_of(referral.referral_id, active_only=True):
        release(uow, now, booking, reason, principal.username, principal.org_id, referral.consortium_id)


def held_visit(uow: ReferralUnitOfWork, referral_id: str) -> BookingRow | None:
    """The visit or bed the referral holds now (chosen when referring, or booked on acceptance)."""
    return next((b for b in uow.capacity.bookings_of(referral_id, active_only=True) if b.kind in VISIT_KINDS), None)


def visit_slot(uow: ReferralUnitOfWork, slot_id: str, org_id: str, specialty: str, field: str) -> SlotRow:
    """A slot named for a referral's visit or bed: of the referral's hospital and department."""
    slot = uow.capacity.get_slot(slot_id)
    if slot is None or slot.org_id != org_id:
        raise InvalidInput(f"no slot {slot_id} at {org_id}", field=field)
    if slot.kind not in VISIT_KINDS or slot.specialty != specialty:
        raise InvalidInput(f"slot {slot_id} is not an outpatient or bed slot of {specialty}", field=field)
    return slot


def exam_slot(uow: ReferralUnitOfWork, slot_id: str, org_id: str, exam_type: ExamType, field: str) -> SlotRow:
    slot = uow.capacity.get_slot(slot_id)
    if slot is None or slot.org_id != org_id:
        raise InvalidInput(f"no slot {slot_id} at {org_id}", field=field)
    if slot.kind != CapacityKind.EXAM.value or slot.exam_type != exam_type.value:
        raise InvalidInput(f"slot {slot_id} is not a {exam_type.value} exam slot", field=field)
    return slot


def check_not_past(slot: SlotRow, settings: ReferralSettings, now: datetime, field: str) -> None:
    if slot.day < _today(settings, now):
        raise InvalidInput(f"slot {slot.slot_id} was on {slot.day}, in the past", field=field)


def appointment_of(booking: BookingRow, settings: ReferralSettings) -> datetime | None:
    """The appointment a booked outpatient or exam band means: its start (a bed's day has no time)."""
    if booking.kind == CapacityKind.BED.value:
        return None
    return slot_start(booking.day, booking.band_start, settings.tz())


def local_band_time(moment: datetime, settings: ReferralSettings) -> tuple[date, str]:
    local = moment.astimezone(settings.tz())
    return local.date(), local.strftime("%H:%M")


def get_booking(uow: ReferralUnitOfWork, referral_id: str, booking_id: str) -> BookingRow:
    row = uow.capacity.get_booking(booking_id)
    if row is None or row.referral_id != referral_id:
        raise NotFound(f"booking {booking_id} not found")
    return row


def _today(settings: ReferralSettings, now: datetime) -> date:
    return now.astimezone(settings.tz()).date()


def _audit(uow: ReferralUnitOfWork, now: datetime, actor: str, actor_org_id: str | None, action: str,
           booking: BookingRow, detail: str) -> None:
    uow.capacity.audit(CapacityAuditRow(at=now, actor=actor, actor_org_id=actor_org_id, action=action,
                                        org_id=booking.org_id, slot_id=booking.slot_id,
                                        booking_id=booking.booking_id, referral_id=booking.referral_id,
                                        detail=detail))


def _payload(row: BookingRow, consortium_id: str) -> dict:
    return {"consortium_id": consortium_id, "org_id": row.org_id, "specialty": row.specialty, "kind": row.kind,
            "exam_type": row.exam_type or None, "booking_id": row.booking_id, "referral_id": row.referral_id,
            "slot_id": row.slot_id, "day": row.day.isoformat(), "band_start": row.band_start,
            "band_end": row.band_end}
