"""Repositories: load and save referrals, follow-ups, capabilities and visit volumes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from .tables import CapabilityRow, FollowUpRow, ReferralRow, VisitVolumeRow

SORT_KEYS = {
    "created_at": ReferralRow.created_at,
    "response_deadline": ReferralRow.response_deadline,
    "status": ReferralRow.status,
    "urgency": ReferralRow.urgency,
    "appointment_at": ReferralRow.appointment_at,
}


@dataclass(frozen=True)
class WorklistQuery:
    org_id: str
    box: str  # incoming | outgoing
    direction: str | None = None
    statuses: tuple[str, ...] = ()
    urgency: str | None = None
    specialty: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    sort: str = "-created_at"
    offset: int = 0
    limit: int = 50


class ReferralRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: ReferralRow) -> None:
        self.session.add(row)

    def get(self, referral_id: str) -> ReferralRow | None:
        return self.session.get(ReferralRow, referral_id)

    def worklist(self, q: WorklistQuery) -> tuple[int, list[ReferralRow]]:
        column = ReferralRow.to_org_id if q.box == "incoming" else ReferralRow.from_org_id
        query: Select = select(ReferralRow).where(column == q.org_id)
        if q.direction:
            query = query.where(ReferralRow.direction == q.direction)
        if q.statuses:
            query = query.where(ReferralRow.status.in_(q.statuses))
        if q.urgency:
            query = query.where(ReferralRow.urgency == q.urgency)
        if q.specialty:
            query = query.where(ReferralRow.specialty == q.specialty)
        if q.created_from:
            query = query.where(ReferralRow.created_at >= q.created_from)
        if q.created_before:
            query = query.where(ReferralRow.created_at < q.created_before)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        key = SORT_KEYS[q.sort.lstrip("-")]
        order = key.desc() if q.sort.startswith("-") else key.asc()
        rows = self.session.scalars(
            query.order_by(order, ReferralRow.referral_id).offset(q.offset).limit(q.limit)).all()
        return total or 0, list(rows)

    def awaiting_past_deadline(self, now: datetime, statuses: frozenset[str], org_id: str | None = None,
                               unannounced_only: bool = False) -> list[ReferralRow]:
        query = select(ReferralRow).where(
            ReferralRow.status.in_(statuses), ReferralRow.response_deadline.is_not(None),
            ReferralRow.response_deadline < now)
        if org_id:
            query = query.where(or_(ReferralRow.to_org_id == org_id, ReferralRow.from_org_id == org_id))
        if unannounced_only:
            query = query.where(ReferralRow.overdue_announced_at.is_(None))
        return list(self.session.scalars(query.order_by(ReferralRow.response_deadline)))

    def follow_ups_due_before(self, org_id: str, last_due: date, status: str) -> list[tuple[FollowUpRow, ReferralRow]]:
        """Open follow-ups due on or before `last_due` of accepted downward referrals the unit sent or received."""
        query = (
            select(FollowUpRow, ReferralRow).join(ReferralRow, FollowUpRow.referral_id == ReferralRow.referral_id)
            .where(ReferralRow.status == status, FollowUpRow.done_on.is_(None), FollowUpRow.due_date <= last_due,
                   or_(ReferralRow.to_org_id == org_id, ReferralRow.from_org_id == org_id))
            .order_by(FollowUpRow.due_date, FollowUpRow.follow_up_id)
        )
        return [(f, r) for f, r in self.session.execute(query)]


class CapabilityRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get_or_new(self, secondment_id: str) -> CapabilityRow:
        row = self.session.get(CapabilityRow, secondment_id)
        if row is None:
            row = CapabilityRow(secondment_id=secondment_id)
            self.session.add(row)
        return row

    def _active(self, today: date):  # noqa: ANN202
        return and_(CapabilityRow.start_date.is_not(None), CapabilityRow.start_date <= today,
                    or_(CapabilityRow.end_date.is_(None), CapabilityRow.end_date >= today),
                    or_(CapabilityRow.ended_on.is_(None), CapabilityRow.ended_on > today))

    def can_receive(self, org_id: str, specialty: str, today: date) -> bool:
        query = select(func.count()).select_from(CapabilityRow).where(
            CapabilityRow.org_id == org_id, CapabilityRow.specialty == specialty, self._active(today))
        return bool(self.session.scalar(query))

    def current(self, today: date, org_ids: list[str] | None = None) -> list[CapabilityRow]:
        query = select(CapabilityRow).where(self._active(today))
        if org_ids is not None:
            query = query.where(CapabilityRow.org_id.in_(org_ids))
        return list(self.session.scalars(query.order_by(CapabilityRow.org_id, CapabilityRow.specialty)))


class VisitVolumeRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, org_id: str, month: str) -> VisitVolumeRow | None:
        return self.session.get(VisitVolumeRow, (org_id, month))

    def add(self, row: VisitVolumeRow) -> None:
        self.session.add(row)
