"""Monthly allowance report: seconded staff (daily rate × days down) and general practitioners
established at primary units (monthly amount by title, prorated by days)."""
from __future__ import annotations

from dataclasses import dataclass

from platform_common.auth import OrgKind, Principal
from platform_common.errors import Forbidden

from ..domain.allowances import gp_allowance_fen, secondment_allowance_fen
from ..domain.model import Period, PostingKind, month_period
from ..settings import StaffingSettings
from .access import can_read_all
from .unit_of_work import StaffingUnitOfWork


@dataclass(frozen=True)
class AllowanceLine:
    staff_id: str
    name: str
    kind: str          # secondment / gp
    org_id: str        # where the allowance is earned
    title_level: str
    days: int
    amount_fen: int
    posting_id: str


def monthly(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, year: int,
            month: int) -> tuple[Period, list[AllowanceLine]]:
    if not can_read_all(principal, settings):
        raise Forbidden("allowance reports are read by HR offices and the health bureau")
    span = month_period(year, month)
    lines: list[AllowanceLine] = []
    # Only movement down (下沉) earns the secondment allowance; 上挂 is training at the county.
    down = [PostingKind.SECONDMENT.value, PostingKind.ROTATION_DOWN.value]
    for posting, staff in uow.repo.temporary_postings_in(span.start, span.end, down):
        served = Period(posting.start_date, posting.ended_on or posting.end_date)
        days, fen = secondment_allowance_fen(settings.secondment_allowance_fen_per_day, served, span)
        lines.append(AllowanceLine(staff.staff_id, staff.name, "secondment", posting.org_id, staff.title_level,
                                   days, fen, posting.posting_id))
    primary = [o.org_id for o in uow.orgs.all(uow.session) if o.kind is OrgKind.TOWNSHIP_CENTRE]
    for posting, staff in uow.repo.gp_establishments_in(span.start, span.end, primary):
        rate = getattr(settings, f"gp_allowance_fen_{staff.title_level}")
        days, fen = gp_allowance_fen(rate, Period(posting.start_date, posting.ended_on or posting.end_date), span)
        lines.append(AllowanceLine(staff.staff_id, staff.name, "gp", posting.org_id, staff.title_level, days, fen,
                                   posting.posting_id))
    return span, [line for line in lines if line.days > 0]

