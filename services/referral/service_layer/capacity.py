"""Publishing capacity (a county department's slots, beds and exams) and reading free capacity in the zone.

Who: the referral desk or the manager of a county hospital publishes its own departments' capacity; any member
unit's referral clerk or manager reads the free capacity of the consortium's county hospitals (numbers only,
never who holds a place).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable

from platform_common.auth import OrgKind, Principal, Role
from platform_common.contracts import REFERRAL_TOPIC, ReferralEvent
from platform_common.errors import Conflict, Forbidden, InvalidInput
from platform_common.web import require_role

from ..adapters.queries_capacity import BandCapacity, CapacityFilter, CapacityGrid
from ..adapters.tables_capacity import CapacityAuditRow, SlotRow
from ..domain.capacity import (CapacityKind, ExamType, SlotSpec, WeekRow, check_days, check_exam_type,
                               check_no_overlap, expand_week)
from ..settings import ReferralSettings
from .access import MEMBER_KINDS
from .unit_of_work import ReferralUnitOfWork

AGGREGATE = "capacity"
ROLES = (Role.REFERRAL_CLERK, Role.UNIT_MANAGER)


@dataclass(frozen=True)
class Department:
    """Whose capacity a request changes: the caller's hospital, one department, one kind (and exam type)."""

    org_id: str
    specialty: str
    kind: CapacityKind
    exam_type: str


@dataclass(frozen=True)
class Published:
    source: str
    date_from: date
    date_to: date
    slots: list[SlotRow]

    @property
    def places(self) -> int:
        return sum(s.capacity for s in self.slots)


def _publisher(principal: Principal, specialty: str, kind: CapacityKind, exam_type: ExamType | None) -> Department:
    require_role(principal, *ROLES)
    if principal.org_kind is not OrgKind.COUNTY_HOSPITAL:
        raise Forbidden("only county hospitals publish capacity")
    return Department(principal.org_id, specialty, kind, check_exam_type(kind, exam_type))


def publish_slots(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime, *,
                  specialty: str, kind: CapacityKind, exam_type: ExamType | None, slots: list[SlotSpec]) -> Published:
    """Creates the slots, or sets the count of those already published (same day and start)."""
    dept = _publisher(principal, specialty, kind, exam_type)
    return _publish(uow, settings, principal, now, dept, slots, "slots", "slots")


def apply_template(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime, *,
                   specialty: str, kind: CapacityKind, exam_type: ExamType | None, week: list[WeekRow],
                   date_from: date, date_to: date) -> Published:
    """A weekly template (weekday, band, count) published over a range of days."""
    dept = _publisher(principal, specialty, kind, exam_type)
    # the range is bounded before it is expanded: a template over centuries is refused, not built
    check_days([date_from, date_to], settings.local_date(now), settings.capacity_horizon_days, "date_from")
    specs = expand_week(week, date_from, date_to)
    if not specs:
        raise InvalidInput("the template gives no slot on any day of the range", field="week")
    return _publish(uow, settings, principal, now, dept, specs, "weekly_template", "week")


def _publish(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
             dept: Department, specs: list[SlotSpec], source: str, field: str) -> Published:
    if not specs:
        raise InvalidInput("nothing to publish", field=field)
    for s in specs:
        if s.count > settings.capacity_max_per_slot:
            raise InvalidInput(f"at most {settings.capacity_max_per_slot} places in one slot", field=field)
    check_days([s.day for s in specs], settings.local_date(now), settings.capacity_horizon_days, field)
    check_no_overlap(specs, field)
    first, last = min(s.day for s in specs), max(s.day for s in specs)
    existing = {(e.day, e.band_start): e for e in uow.capacity.slots(dept.org_id, dept.specialty, dept.kind.value,
                                                                      dept.exam_type, first, last)}
    wanted = {(s.day, s.start) for s in specs}
    kept = [SlotSpec(e.day, e.band_start, e.band_end, e.capacity) for k, e in existing.items() if k not in wanted]
    check_no_overlap(kept + specs, field)
    refused = []
    for s in specs:
        slot = existing.get((s.day, s.start))
        if slot is None:
            slot = SlotRow(slot_id=str(uuid.uuid4()), consortium_id=principal.consortium_id, org_id=dept.org_id,
                           specialty=dept.specialty, kind=dept.kind.value, exam_type=dept.exam_type, day=s.day,
                           band_start=s.start, band_end=s.end, capacity=s.count, booked=0, overflow=0,
                           updated_at=now, updated_by=principal.username)
            uow.capacity.add_slot(slot)
        elif not uow.capacity.set_capacity(slot.slot_id, s.count, s.end, now, principal.username):
            refused.append(slot)
            continue
        _audit(uow, principal, now, source, slot.slot_id, dept.org_id, f"{s.day} {s.start}–{s.end}: {s.count}")
    _refuse(refused, field)
    return _announce(uow, principal, now, dept, source, first, last, lambda slot: (slot.day, slot.band_start) in wanted)


def bulk_edit(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime, *,
              specialty: str, kind: CapacityKind, exam_type: ExamType | None, date_from: date, date_to: date,
              weekdays: list[int], band_start: time | None, count: int) -> Published:
    """Sets the count of every published slot in the range (optionally only some weekdays or one band); 0 closes
    them. All or nothing: a slot already holding more bookings than the new count refuses the whole edit."""
    dept = _publisher(principal, specialty, kind, exam_type)
    if date_to < date_from:
        raise InvalidInput("date_to is before date_from", field="date_to")
    if count > settings.capacity_max_per_slot:
        raise InvalidInput(f"at most {settings.capacity_max_per_slot} places in one slot", field="count")
    check_days([date_from], settings.local_date(now), settings.capacity_horizon_days, "date_from")
    start = band_start.strftime("%H:%M") if band_start else None
    targets = [s for s in uow.capacity.slots(dept.org_id, dept.specialty, dept.kind.value, dept.exam_type,
                                             date_from, date_to)
               if (not weekdays or s.day.isoweekday() in weekdays) and (start is None or s.band_start == start)]
    if not targets:
        raise InvalidInput("no published slot matches", field="date_from")
    refused = []
    for slot in targets:
        if uow.capacity.set_capacity(slot.slot_id, count, slot.band_end, now, principal.username):
            _audit(uow, principal, now, "bulk_edit", slot.slot_id, dept.org_id,
                   f"{slot.day} {slot.band_start}–{slot.band_end}: {slot.capacity} → {count}")
        else:
            refused.append(slot)
    _refuse(refused, "count")
    edited = {s.slot_id for s in targets}
    return _announce(uow, principal, now, dept, "bulk_edit", min(s.day for s in targets),
                     max(s.day for s in targets), lambda slot: slot.slot_id in edited)


def _refuse(refused: list[SlotRow], field: str) -> None:
    if refused:
        named = ", ".join(f"{s.slot_id} ({s.day} {s.band_start}, {s.booked - s.overflow} booked)" for s in refused)
        raise Conflict(f"fewer places than already booked: {named}", field=field,
                       slots=[{"slot_id": s.slot_id, "day": s.day.isoformat(), "band_start": s.band_start,
                               "booked": s.booked - s.overflow} for s in refused])


def _announce(uow: ReferralUnitOfWork, principal: Principal, now: datetime, dept: Department, source: str,
              first: date, last: date, keep: Callable[[SlotRow], bool]) -> Published:
    slots = [s for s in uow.capacity.slots(dept.org_id, dept.specialty, dept.kind.value, dept.exam_type, first, last)
             if keep(s)]
    result = Published(source, first, last, slots)
    uow.record(REFERRAL_TOPIC, ReferralEvent.CAPACITY_PUBLISHED, AGGREGATE,
               f"{dept.org_id}:{dept.specialty}:{dept.kind.value}:{dept.exam_type}", {
                   "consortium_id": principal.consortium_id, "org_id": dept.org_id, "specialty": dept.specialty,
                   "kind": dept.kind.value, "exam_type": dept.exam_type or None, "source": source,
                   "date_from": first.isoformat(), "date_to": last.isoformat(), "slot_count": len(slots),
                   "places": result.places}, org_id=dept.org_id)
    uow.commit()
    return result


def _audit(uow: ReferralUnitOfWork, principal: Principal, now: datetime, action: str, slot_id: str, org_id: str,
           detail: str) -> None:
    uow.capacity.audit(CapacityAuditRow(at=now, actor=principal.username, actor_org_id=principal.org_id,
                                        action=action, org_id=org_id, slot_id=slot_id, detail=detail))


def _reader(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
            f: CapacityFilter) -> CapacityFilter:
    require_role(principal, *ROLES)
    if principal.org_kind not in MEMBER_KINDS:
        raise Forbidden("only member units read capacity")
    if f.org_id is not None:
        org = uow.orgs.get(uow.session, f.org_id)
        if org is None or org.kind is not OrgKind.COUNTY_HOSPITAL or org.consortium_id != principal.consortium_id:
            raise InvalidInput(f"{f.org_id} is not a county hospital of consortium {principal.consortium_id}",
                               field="org_id")
    first = f.date_from or settings.local_date(now)
    try:
        last = f.date_to or first + timedelta(days=6)
    except OverflowError:
        raise InvalidInput("date_from is out of range", field="date_from") from None
    if last < first:
        raise InvalidInput("date_to is before date_from", field="date_to")
    if (last - first).days + 1 > settings.capacity_query_max_days:
        raise InvalidInput(f"at most {settings.capacity_query_max_days} days at once", field="date_to")
    return CapacityFilter(principal.consortium_id, f.org_id, f.specialty, f.kind, f.exam_type, first, last)


def free_by_day(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
                f: CapacityFilter) -> tuple[CapacityFilter, CapacityGrid]:
    """Per hospital, department, kind and day in the caller's consortium: places, booked, free."""
    f = _reader(uow, settings, principal, now, f)
    return f, uow.capacity_queries.grid(f)


def free_bands(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
               f: CapacityFilter) -> tuple[CapacityFilter, list[BandCapacity]]:
    """The slots themselves (to choose one when referring or accepting)."""
    f = _reader(uow, settings, principal, now, f)
    return f, uow.capacity_queries.bands(f)
