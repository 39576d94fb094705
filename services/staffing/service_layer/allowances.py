"""Monthly allowance report: seconded staff (daily rate × days down), general practitioners
established at primary units (monthly amount by title, prorated by days), and the village doctors'
pension subsidy (乡村医生养老保险补助: a monthly amount per person, prorated by the days posted to a village)."""
from __future__ import annotations

from dataclasses import dataclass

from platform_common.auth import OrgKind, Principal

from ..domain.allowances import gp_allowance_fen, secondment_allowance_fen
from ..domain.model import DOWNWARD_KINDS, Period, month_period
from ..domain.village import pension_subsidy_fen
from ..settings import StaffingSettings
from .access import require_reader_of_all
from .unit_of_work import StaffingUnitOfWork


@dataclass(frozen=True)
class AllowanceLine:
    staff_id: str
    name: str
    kind: str          # secondment / gp / village_pension
    org_id: str        # where the allowance is earned
    title_level: str
    days: int
    amount_fen: int
    posting_id: str


@dataclass(frozen=True)
class AllowanceReport:
    """A month's allowances: every line, and the totals finance pays (all integer fen)."""

    span: Period
    lines: list[AllowanceLine]

    def total_fen(self, kind: str | None = None) -> int:
        return sum(line.amount_fen for line in self.lines if kind is None or line.kind == kind)


def monthly(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, year: int,
            month: int) -> AllowanceReport:
    require_reader_of_all(principal, settings, "allowance reports")
    span = month_period(year, month)
    lines: list[AllowanceLine] = []
    for posting, staff in uow.postings.temporary_in(span.start, span.end, list(DOWNWARD_KINDS)):
        served = Period(posting.start_date, posting.ended_on or posting.end_date)
        days, fen = secondment_allowance_fen(settings.secondment_allowance_fen_per_day, served, span)
        lines.append(AllowanceLine(staff.staff_id, staff.name, "secondment", posting.org_id, staff.title_level,
                                   days, fen, posting.posting_id))
    primary = [o.org_id for o in uow.orgs.all(uow.session) if o.kind is OrgKind.TOWNSHIP_CENTRE]
    for posting, staff in uow.postings.gp_establishments_in(span.start, span.end, primary):
        rate = getattr(settings, f"gp_allowance_fen_{staff.title_level}")
        days, fen = gp_allowance_fen(rate, Period(posting.start_date, posting.ended_on or posting.end_date), span)
        lines.append(AllowanceLine(staff.staff_id, staff.name, "gp", posting.org_id, staff.title_level, days, fen,
                                   posting.posting_id))
    for posting, staff in uow.village.village_postings_in(span.start, span.end):
        posted = Period(posting.start_date, posting.ended_on or posting.end_date)
        days, fen = pension_subsidy_fen(settings.village_pension_subsidy_fen, posted, span)
        lines.append(AllowanceLine(staff.staff_id, staff.name, "village_pension", posting.org_id, staff.title_level,
                                   days, fen, posting.posting_id))
    return AllowanceReport(span, [line for line in lines if line.days > 0])

