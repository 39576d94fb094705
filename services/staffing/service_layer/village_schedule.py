"""The station schedule (驻点/巡诊排班) of village clinics, and the villages with no doctor posted.

A schedule entry puts a township's doctor at one of its village clinics on given weekdays over a period: a
tour (巡诊) round villages, or a station (派驻) at a clinic with no resident doctor. One person is never
scheduled at two clinics on the same day, nor while a secondment or rotation has them elsewhere; the entry
bumps the person's row, so two racing entries cannot both commit. Removing an entry keeps it, marked.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from platform_common.auth import OrgKind, Principal
from platform_common.contracts import STAFFING_TOPIC, StaffingEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow
from platform_common.org_directory import Organisation

from ..adapters.tables import VillageSchedule
from ..domain.model import Period
from ..domain.village import ScheduleKind, WeeklySchedule, check_weekdays, first_shared_day
from ..settings import StaffingSettings
from .access import can_read_all, require_township_reader, require_township_staffer
from .unit_of_work import StaffingUnitOfWork
from .village import clinic_of, township


@dataclass(frozen=True)
class NewSchedule:
    staff_id: str
    clinic_id: str
    kind: ScheduleKind
    weekdays: list[int]
    start_date: date
    end_date: date
    reason: str


def _weekly(row: VillageSchedule) -> WeeklySchedule:
    return WeeklySchedule(row.clinic_id, frozenset(row.weekdays), Period(row.start_date, row.end_date))


def add(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, new: NewSchedule) -> VillageSchedule:
    staff = uow.staff.get(new.staff_id)
    if staff is None or not staff.active:
        raise InvalidInput(f"no active staff {new.staff_id}", field="staff_id")
    town = township(uow, staff.home_org_id, "staff_id")
    require_township_staffer(principal, town.org_id)
    clinic = clinic_of(uow, town, new.clinic_id)
    days = check_weekdays(new.weekdays)
    if new.end_date < new.start_date:
        raise InvalidInput("end_date is before start_date", field="end_date")
    if (new.end_date - new.start_date).days + 1 > settings.max_posting_days:
        raise InvalidInput(f"a schedule lasts at most {settings.max_posting_days} days", field="end_date")
    if new.kind is ScheduleKind.STATION and uow.village.posted_on(new.start_date, [clinic.org_id]):
        raise Conflict(f"{clinic.org_id} has a resident doctor on {new.start_date.isoformat()}: a station (派驻) "
                       "serves a clinic without one; schedule a tour instead", rule="clinic_has_resident_doctor",
                       field="kind")
    wanted = WeeklySchedule(clinic.org_id, days, Period(new.start_date, new.end_date))
    for other in uow.village.schedules(staff_id=staff.staff_id, start=new.start_date, end=new.end_date):
        day = first_shared_day(wanted, _weekly(other))
        if day is not None:
            raise Conflict(f"{staff.staff_id} is scheduled at {other.clinic_id} on {day.isoformat()}; a person is "
                           "at one clinic a day", rule="overlapping_schedule", schedule_id=other.schedule_id)
    away = next(iter(uow.village.away_postings(staff.staff_id, new.start_date, new.end_date)), None)
    if away is not None:
        raise Conflict(f"{staff.staff_id} is posted to {away.org_id} from {away.start_date.isoformat()}: not "
                       "available for the village", rule="overlapping_posting", posting_id=away.posting_id)
    row = VillageSchedule(schedule_id=str(uuid.uuid4()), staff_id=staff.staff_id, clinic_id=clinic.org_id,
                          township_id=town.org_id, kind=new.kind.value, weekdays=sorted(days),
                          start_date=new.start_date, end_date=new.end_date, reason=new.reason,
                          created_by=principal.username, created_at=utcnow())
    uow.village.add(row)
    staff.posting_changes += 1  # two racing entries for one person: the second fails on commit
    _announce(uow, row, removed=False)
    uow.commit()
    return row


def remove(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, schedule_id: str) -> VillageSchedule:
    row = uow.village.schedule(schedule_id)
    if row is None:
        raise NotFound(f"no schedule {schedule_id}")
    require_township_staffer(principal, row.township_id)
    if row.removed_at is not None:
        raise Conflict(f"schedule {schedule_id} was removed", state="removed")
    row.removed_at, row.removed_by = utcnow(), principal.username
    _announce(uow, row, removed=True)
    uow.commit()
    return row


def _announce(uow: StaffingUnitOfWork, row: VillageSchedule, *, removed: bool) -> None:
    uow.record(STAFFING_TOPIC, StaffingEvent.VILLAGE_SCHEDULE_CHANGED, "village_schedule", row.schedule_id, {
        "schedule_id": row.schedule_id, "staff_id": row.staff_id, "clinic_id": row.clinic_id, "kind": row.kind,
        "weekdays": list(row.weekdays), "start_date": row.start_date.isoformat(),
        "end_date": row.end_date.isoformat(), "removed": removed,
    }, org_id=row.clinic_id)


def _clinics(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal,
             township_id: str | None) -> list[Organisation]:
    if not can_read_all(principal, settings):
        require_township_reader(principal, settings, township_id or principal.org_id)
        township_id = principal.org_id
    return [o for o in uow.orgs.all(uow.session) if o.kind is OrgKind.VILLAGE_CLINIC
            and (township_id is None or o.parent_org_id == township_id)]


def listed(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, township_id: str | None,
           as_of: date | None) -> list[VillageSchedule]:
    """The schedules of a township's clinics (all for consortium-wide readers), in force on `as_of` if given."""
    clinics = [c.org_id for c in _clinics(uow, settings, principal, township_id)]
    return uow.village.schedules(clinic_ids=clinics, start=as_of, end=as_of)


@dataclass(frozen=True)
class UncoveredClinic:
    """A village clinic with no doctor posted on the day, and who serves it on schedule that day's week."""

    clinic: Organisation
    schedules: list[VillageSchedule]


def uncovered(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, township_id: str | None,
              as_of: date) -> list[UncoveredClinic]:
    clinics = _clinics(uow, settings, principal, township_id)
    staffed = {v.posting.org_id for v in uow.village.posted_on(as_of, [c.org_id for c in clinics])}
    empty = [c for c in clinics if c.org_id not in staffed]
    scheduled = uow.village.schedules(clinic_ids=[c.org_id for c in empty], start=as_of, end=as_of)
    return [UncoveredClinic(c, [s for s in scheduled if s.clinic_id == c.org_id]) for c in empty]
