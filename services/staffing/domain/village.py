"""Village doctors (乡聘村用 / 乡管村用): hired by a township centre, posted to one of its village clinics.

- The licence share: village doctors holding a practising or assistant physician licence (执业（助理）医师)
  against the target (45% by 2025), per township and for the county. A doctor counts for the township
  whose village clinic they are posted to on the day.
- The station schedule (驻点/巡诊排班): on given weekdays over a period a doctor serves a clinic that is not
  their own, a tour (巡诊) round other villages or a station (派驻) at a clinic with no resident doctor.
  One person is never scheduled at two clinics on the same day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from platform_common.errors import InvalidInput

from .allowances import prorate_fen
from .model import Period, Qualification
from .quota import BP

VILLAGE_POOL = "village"  # the pool of people hired by a township for its villages (乡聘), outside its quota
LICENSED = (Qualification.PRACTISING_PHYSICIAN, Qualification.ASSISTANT_PHYSICIAN)
VILLAGE_QUALIFICATIONS = (Qualification.VILLAGE_DOCTOR, *LICENSED)


class ScheduleKind(StrEnum):
    TOUR = "tour"        # 巡诊: a doctor visits another village's clinic
    STATION = "station"  # 派驻/驻点: a doctor serves a clinic with no resident doctor


@dataclass(frozen=True)
class LicenceShare:
    """Village doctors posted on a day and how many hold a licence, against the target share."""

    doctors: int
    licensed: int
    target_bp: int

    @property
    def share_bp(self) -> int | None:
        """Licensed / doctors in basis points, rounded down (None with no doctor)."""
        return None if self.doctors == 0 else self.licensed * BP // self.doctors

    @property
    def meets_target(self) -> bool:
        return self.doctors > 0 and self.licensed * BP >= self.target_bp * self.doctors

    @property
    def licensed_needed(self) -> int:
        """More licensed doctors (in place of unlicensed ones) needed to meet the target."""
        need = -(-self.target_bp * self.doctors // BP)
        return max(0, need - self.licensed)


def licence_share(qualifications: list[str], target_bp: int) -> LicenceShare:
    return LicenceShare(len(qualifications), sum(q in LICENSED for q in qualifications), target_bp)


@dataclass(frozen=True)
class WeeklySchedule:
    """A doctor at a clinic on `weekdays` (1 = Monday … 7 = Sunday) within `period`."""

    clinic_id: str
    weekdays: frozenset[int]
    period: Period

    def days_in(self, span: Period) -> list[date]:
        start = max(self.period.start, span.start)
        end = min(self.period.end or date.max, span.end or date.max)
        days = []
        for offset in range(min((end - start).days + 1, 400)):
            day = start + timedelta(days=offset)
            if day.isoweekday() in self.weekdays:
                days.append(day)
        return days


def first_shared_day(a: WeeklySchedule, b: WeeklySchedule) -> date | None:
    """The first day both schedules put the person somewhere, or None (they never meet)."""
    common = a.weekdays & b.weekdays
    if not common or not a.period.overlaps(b.period):
        return None
    start = max(a.period.start, b.period.start)
    end = min(a.period.end or date.max, b.period.end or date.max)
    for offset in range(min(7, (end - start).days + 1)):
        day = start + timedelta(days=offset)
        if day.isoweekday() in common:
            return day
    return None


def check_weekdays(weekdays: list[int]) -> frozenset[int]:
    days = frozenset(weekdays)
    if not days or not days <= set(range(1, 8)):
        raise InvalidInput("weekdays are 1 (Monday) to 7 (Sunday), at least one", field="weekdays")
    return days


@dataclass(frozen=True)
class QualificationChange:
    effective: date
    before: str
    after: str


def qualification_on(current: str, changes: list[QualificationChange], day: date) -> str:
    """The qualification a person held on `day`, from their recorded changes (oldest first)."""
    held = [c for c in changes if c.effective <= day]
    if held:
        return held[-1].after
    return changes[0].before if changes else current


def pension_subsidy_fen(monthly_fen: int, posted: Period, month: Period) -> tuple[int, int]:
    """(days, fen) of the village-doctor pension subsidy for a month: prorated by the days posted in it."""
    days = posted.days_within(month)
    return days, prorate_fen(monthly_fen, days, month.days_within(month))
