"""Read model of referrals out by specialty in one month (the out-of-county breakdown of the indicators)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ..domain.out_of_county import SpecialtyCount
from .tables import ReferralRow as R


class OutflowQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def upward_by_specialty(self, consortium_id: str, org_id: str | None, start: datetime,
                            end: datetime) -> list[SpecialtyCount]:
        """Upward referrals made in [start, end), by their current department (a redirect to another one
        moves the referral with it)."""
        return self._by_specialty(*_scope(consortium_id, org_id), R.direction == "upward",
                                  R.created_at >= start, R.created_at < end)

    def out_of_county_by_specialty(self, consortium_id: str, org_id: str | None, first_day: date,
                                   last_day: date) -> list[SpecialtyCount]:
        """转外就医 records served between the two days (inclusive), as the out-of-county count is."""
        return self._by_specialty(*_scope(consortium_id, org_id), R.direction == "out_of_county",
                                  R.service_date >= first_day, R.service_date <= last_day)

    def _by_specialty(self, *where: ColumnElement[bool]) -> list[SpecialtyCount]:
        query = select(R.specialty, func.count()).where(*where).group_by(R.specialty).order_by(R.specialty)
        return [SpecialtyCount(specialty, count) for specialty, count in self.session.execute(query)]


def _scope(consortium_id: str, org_id: str | None) -> list[ColumnElement[bool]]:
    # a unit's referrals out are the ones it sent (the upward ones a county hospital receives are not its own)
    return [R.consortium_id == consortium_id] + ([R.from_org_id == org_id] if org_id else [])
