"""What the indicators are computed from and what publishing them leaves: visit volumes, the monthly
publications."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from platform_common.errors import Conflict

from .tables import IndicatorPublicationRow, ReferralRow, VisitVolumeRow, organisations


@dataclass(frozen=True)
class FirstActivity:
    """The earliest referral created, the earliest service date (out-of-county records may be back-dated) and the
    earliest month a member reported visits for."""

    created: datetime | None
    served: date | None
    reported_month: str | None


class VisitVolumeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, org_id: str, month: str) -> VisitVolumeRow | None:
        return self.session.get(VisitVolumeRow, (org_id, month))

    def add(self, row: VisitVolumeRow) -> None:
        self.session.add(row)


class PublicationRepository:
    """The automatic monthly publications, and where a consortium's referral history begins."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def published(self, consortium_id: str, periods: list[str]) -> set[str]:
        query = select(IndicatorPublicationRow.period).where(
            IndicatorPublicationRow.consortium_id == consortium_id, IndicatorPublicationRow.period.in_(periods))
        return set(self.session.scalars(query))

    def add(self, row: IndicatorPublicationRow) -> None:
        """The primary key decides now which replica publishes: the second to write a month gets 409."""
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as e:
            raise Conflict(f"{row.consortium_id} {row.period} is published already", state="published") from e

    def first_activity(self, consortium_id: str) -> FirstActivity:
        """Where a consortium's referral history begins."""
        created, served = self.session.execute(
            select(func.min(ReferralRow.created_at), func.min(ReferralRow.service_date))
            .where(ReferralRow.consortium_id == consortium_id)).one()
        members = select(organisations.c.org_id).where(organisations.c.consortium_id == consortium_id)
        month = self.session.scalar(select(func.min(VisitVolumeRow.month)).where(VisitVolumeRow.org_id.in_(members)))
        return FirstActivity(created, served, month)
