"""The two seniority exemptions to the title caps, computed from a person's postings and date of birth.

From the basic-level health services implementation plan (关于进一步促进基层医疗卫生服务体系健康发展的
实施方案, item 6):
- **promoted after 20 years of township work** (在乡镇从事专业技术工作满20年…取得高一级专业技术职称后，可不受本
  岗位结构比例限制聘用): a person whose township service (township centres and their village clinics)
  had reached the years when they gained their current title holds it outside that level's cap;
- **near retirement** (累计在社区卫生服务中心、乡镇卫生院工作满20年且距法定退休年龄不满5年…可不占本单位相应专业
  技术岗位职数): a person with the years at township centres and less than the window to their statutory
  retirement date is not counted in their level's post numbers on that day.

Service is counted day by day over where the person actually was: their establishment's unit, or the
unit of a temporary posting that took them away; a year is 365.25 days (20 years = 7,305 days).
Both exemptions are effective on a day and never silent: each comes with its reason in words.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Iterable

from .model import PostingKind, TitleLevel

CAPPED_TITLES = (TitleLevel.SENIOR, TitleLevel.INTERMEDIATE)


class Exemption(StrEnum):
    TOWNSHIP_SERVICE_PROMOTION = "township_service_promotion"  # beyond the cap when promoted
    NEAR_RETIREMENT = "near_retirement"                        # not counted in the post numbers


@dataclass(frozen=True)
class SeniorityRules:
    """The effective-dated numbers of the exemptions (policy), and the statutory retirement age."""

    service_years: int = 20
    retirement_window_years: int = 5
    retirement_age_years: int = 60


@dataclass(frozen=True)
class Spell:
    """Where a posting put the person: `kind` is the unit's organisation kind (e.g. township_centre)."""

    posting_kind: str
    unit_kind: str
    start: date
    end: date | None  # last day, None open-ended


@dataclass(frozen=True)
class TitleGained:
    title: str
    on: date


@dataclass(frozen=True)
class ExemptionFinding:
    exemption: Exemption
    title: str
    reason: str


def years_in_days(years: int) -> int:
    return years * 36525 // 100


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def service_days(spells: Iterable[Spell], unit_kinds: set[str], before: date) -> int:
    """Days before `before` on which the person was at a unit of one of `unit_kinds`: a temporary posting
    (secondment, rotation, village posting) in force decides where they were, else the establishment."""
    spells = list(spells)
    cuts = {before}
    for s in spells:
        if s.start < before:
            cuts.add(s.start)
            if s.end is not None and s.end < date.max and s.end + timedelta(days=1) < before:
                cuts.add(s.end + timedelta(days=1))
    bounds = sorted(c for c in cuts if c <= before)
    days = 0
    for a, b in zip(bounds, bounds[1:]):
        covering = [s for s in spells if s.start <= a and (s.end is None or s.end >= a)]
        away = [s for s in covering if s.posting_kind != PostingKind.ESTABLISHMENT]
        where = (away or covering)
        if where and where[0].unit_kind in unit_kinds:
            days += (b - a).days
    return days


TOWNSHIP_WORK = {"township_centre", "village_clinic"}  # 在乡镇从事专业技术工作
TOWNSHIP_CENTRES = {"township_centre"}                 # 在社区卫生服务中心、乡镇卫生院工作


def exemption_on(day: date, *, title: str, professional: bool, spells: list[Spell], gained: list[TitleGained],
                 date_of_birth: date | None, retirement_age_years: int | None,
                 rules: SeniorityRules) -> ExemptionFinding | None:
    """The exemption a person's current `title` has on `day`, with its reason; None if neither applies."""
    if not professional or title not in CAPPED_TITLES:
        return None
    needed = years_in_days(rules.service_years)
    promoted = [g for g in gained if g.title == title and g.on <= day]
    if promoted:
        on = promoted[-1].on
        served = service_days(spells, TOWNSHIP_WORK, on)
        if served >= needed:
            return ExemptionFinding(Exemption.TOWNSHIP_SERVICE_PROMOTION, title, (
                f"{served} days ({served * 100 // 36525} years) of township work when the {title} title was "
                f"gained on {on.isoformat()}, at least {rules.service_years} years: appointed beyond the "
                f"{title} cap"))
    if date_of_birth is not None:
        age = retirement_age_years or rules.retirement_age_years
        retires = add_years(date_of_birth, age)
        window_from = add_years(retires, -rules.retirement_window_years)
        if window_from <= day < retires:
            served = service_days(spells, TOWNSHIP_CENTRES, day)
            if served >= needed:
                return ExemptionFinding(Exemption.NEAR_RETIREMENT, title, (
                    f"{served} days ({served * 100 // 36525} years) at township centres and statutory retirement "
                    f"at {age} on {retires.isoformat()}, less than {rules.retirement_window_years} years away: "
                    f"not counted in the {title} posts"))
    return None
