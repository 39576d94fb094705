"""Bookable capacity of county departments (预约诊疗, 检查预约): outpatient slots, beds kept for referrals, exams.

A slot is one department's capacity of one kind on one local day: an outpatient time band (08:00–12:00, 20
patients), the beds kept for referred admissions that day (the whole day), or an exam time band of one exam type
(CT, MRI, ultrasound, endoscopy, ECG). Accepting an upward referral books a slot; the booking is released when
the referral is cancelled, rejected or redirected, and when the patient does not come (no-show) by the end of
the slot plus a grace. Emergencies are never refused for lack of capacity: they go over it, and the overflow is
recorded on the booking and the slot.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from platform_common.errors import InvalidInput

from .rules import Urgency

WHOLE_DAY = ("00:00", "24:00")  # a bed slot is the whole day


class CapacityKind(StrEnum):
    OUTPATIENT = "outpatient"  # 门诊号源
    BED = "bed"                # 预留床位
    EXAM = "exam"              # 检查号源


class ExamType(StrEnum):
    CT = "ct"
    MRI = "mri"
    ULTRASOUND = "ultrasound"
    ENDOSCOPY = "endoscopy"
    ECG = "ecg"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    RELEASED = "released"
    NO_SHOW = "no_show"


class ReleaseReason(StrEnum):
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    REDIRECTED = "redirected"
    NO_SHOW = "no_show"            # accepted, and the patient did not come by the slot's end plus the grace
    EXPIRED = "expired"            # the slot chosen when referring passed before the referral was answered
    REBOOKED = "rebooked"          # the hospital accepted with another slot than the one chosen when referring
    EXAM_CANCELLED = "exam_cancelled"


@dataclass(frozen=True)
class SlotSpec:
    """One slot to publish: a local day, a band `HH:MM`–`HH:MM` (beds: the whole day) and how many."""

    day: date
    start: str
    end: str
    count: int


@dataclass(frozen=True)
class WeekRow:
    """A line of a weekly template: ISO weekday (1 = Monday) and band."""

    weekday: int
    start: str
    end: str
    count: int


@dataclass(frozen=True)
class FreeSlot:
    """What the chooser needs of a stored slot."""

    slot_id: str
    specialty: str
    start: str
    end: str
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


def band(kind: CapacityKind, start: time | None, end: time | None, field: str) -> tuple[str, str]:
    """The band as stored text; beds always take the whole day, other kinds need start < end."""
    if kind is CapacityKind.BED:
        if start is not None or end is not None:
            raise InvalidInput("beds are kept for the whole day: no time band", field=field)
        return WHOLE_DAY
    if start is None or end is None:
        raise InvalidInput(f"{kind.value} slots need a start and an end time", field=field)
    if start >= end:
        raise InvalidInput("a slot's start is before its end", field=field)
    return start.strftime("%H:%M"), end.strftime("%H:%M")


def check_exam_type(kind: CapacityKind, exam_type: ExamType | None) -> str:
    if kind is CapacityKind.EXAM and exam_type is None:
        raise InvalidInput("exam slots name their exam type", field="exam_type")
    if kind is not CapacityKind.EXAM and exam_type is not None:
        raise InvalidInput("only exam slots have an exam type", field="exam_type")
    return exam_type.value if exam_type else ""


def check_days(days: list[date], today: date, horizon_days: int, field: str) -> None:
    """Capacity is published for today onwards, up to the horizon; yesterday's cannot be booked anyway."""
    for d in days:
        if d < today:
            raise InvalidInput(f"{d} is in the past", field=field)
        if d > today + timedelta(days=horizon_days):
            raise InvalidInput(f"{d} is beyond the {horizon_days}-day publishing horizon", field=field)


def check_no_overlap(specs: list[SlotSpec], field: str) -> None:
    """Two bands of one day may not overlap (an identical band is the same slot, published again)."""
    by_day: dict[date, list[SlotSpec]] = {}
    for s in specs:
        by_day.setdefault(s.day, []).append(s)
    for day, items in by_day.items():
        items.sort(key=lambda s: (s.start, s.end))
        for a, b in zip(items, items[1:]):
            if a.start == b.start and a.end == b.end:
                raise InvalidInput(f"{day} {a.start}–{a.end} is given twice", field=field)
            if b.start < a.end:
                raise InvalidInput(f"{day}: {a.start}–{a.end} overlaps {b.start}–{b.end}", field=field)


def expand_week(rows: list[WeekRow], first: date, last: date) -> list[SlotSpec]:
    """The slots a weekly template gives between two days (inclusive)."""
    if last < first:
        raise InvalidInput("date_to is before date_from", field="date_to")
    out, day = [], first
    while day <= last:
        out += [SlotSpec(day, r.start, r.end, r.count) for r in rows if r.weekday == day.isoweekday()]
        day += timedelta(days=1)
    return out


def choose(slots: list[FreeSlot], at: str | None) -> FreeSlot | None:
    """The slot an accept books on its day: the band holding the appointment time if it has room, else the
    first band with room (bands in time order). None: the day is full."""
    ordered = sorted(slots, key=lambda s: s.start)
    if at is not None:
        for s in ordered:
            if s.start <= at < s.end and s.free > 0:
                return s
    return next((s for s in ordered if s.free > 0), None)


def overflow_slot(slots: list[FreeSlot], at: str | None) -> FreeSlot | None:
    """Where an emergency goes over capacity when the day is full: its own band, else the first of the day."""
    ordered = sorted(slots, key=lambda s: s.start)
    if at is not None:
        for s in ordered:
            if s.start <= at < s.end:
                return s
    return ordered[0] if ordered else None


def may_go_over(urgency: Urgency, overbook_urgencies: frozenset[Urgency]) -> bool:
    return urgency in overbook_urgencies


def slot_start(day: date, start: str, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.fromisoformat(start), tz)


def slot_end(day: date, end: str, tz: ZoneInfo) -> datetime:
    if end == "24:00":
        return datetime.combine(day + timedelta(days=1), time(), tz)
    return datetime.combine(day, time.fromisoformat(end), tz)
