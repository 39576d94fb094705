"""Repositories: load and save referrals, follow-ups, capabilities and visit volumes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, update
from sqlalchemy.orm import Session, lazyload

from ..domain.lifecycle import WORKFLOW_ORDER
from ..domain.rules import URGENCY_RANK
from .tables import (CapabilityRow, FollowUpRow, IndicatorPublicationRow, ReferralRow, VisitVolumeRow,
                     organisations)

SORT_KEYS: dict[str, ColumnElement] = {
    "created_at": ReferralRow.created_at,
    "response_deadline": ReferralRow.response_deadline,
    "status": case({s.value: i for i, s in enumerate(WORKFLOW_ORDER)}, value=ReferralRow.status, else_=99),
    "urgency": case({u.value: r for u, r in URGENCY_RANK.items()}, value=ReferralRow.urgency, else_=-1),
    "appointment_at": ReferralRow.appointment_at,
}


@dataclass(frozen=True)
class WorklistQuery:
    org_id: str
    box: str  # all | incoming | outgoing
    direction: str | None = None
    statuses: tuple[str, ...] = ()
    urgency: str | None = None
    specialty: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    sort: tuple[str, ...] = ("-created_at",)
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
        if q.box == "all":
            mine = or_(ReferralRow.to_org_id == q.org_id, ReferralRow.from_org_id == q.org_id)
        else:
            mine = (ReferralRow.to_org_id if q.box == "incoming" else ReferralRow.from_org_id) == q.org_id
        query: Select = select(ReferralRow).where(mine)
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
        # referrals without a deadline or appointment go last either way, the same on SQLite and PostgreSQL
        order = [(SORT_KEYS[k.lstrip("-")].desc() if k.startswith("-") else SORT_KEYS[k].asc()).nulls_last()
                 for k in q.sort]
        # a worklist row is a summary: the audit trail and follow-ups are not read (selectin loaded them per page)
        rows = self.session.scalars(
            query.order_by(*order, ReferralRow.referral_id).offset(q.offset).limit(q.limit)
            .options(lazyload(ReferralRow.transitions), lazyload(ReferralRow.follow_ups))).all()
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

    def mark_overdue_announced(self, referral_id: str, now: datetime, statuses: frozenset[str]) -> bool:
        """Stamp one announcement without moving the version: a clerk answering the referral must not
        get a 409 because the clock noticed it was late. The WHERE re-checks the state, so a referral
        answered or redirected since it was read is not announced for a routing that no longer waits."""
        result = self.session.execute(
            update(ReferralRow).where(
                ReferralRow.referral_id == referral_id, ReferralRow.status.in_(statuses),
                ReferralRow.overdue_announced_at.is_(None), ReferralRow.response_deadline < now)
            .values(overdue_announced_at=now).execution_options(synchronize_session=False))
        return result.rowcount == 1

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

    def get_or_new(self, posting_id: str) -> CapabilityRow:
        row = self.session.get(CapabilityRow, posting_id)
        if row is None:
            row = CapabilityRow(posting_id=posting_id)
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


class PublicationRepository:
    """The automatic monthly publications, and where a consortium's referral history begins."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def published(self, consortium_id: str, periods: list[str]) -> set[str]:
        query = select(IndicatorPublicationRow.period).where(
            IndicatorPublicationRow.consortium_id == consortium_id, IndicatorPublicationRow.period.in_(periods))
        return set(self.session.scalars(query))

    def add(self, row: IndicatorPublicationRow) -> None:
        self.session.add(row)
        self.session.flush()  # the primary key decides now which replica publishes

    def first_activity(self, consortium_id: str) -> tuple[datetime | None, date | None, str | None]:
        """Earliest referral created, earliest service date (out-of-county records may be back-dated) and
        earliest month a member reported visits for."""
        created, served = self.session.execute(
            select(func.min(ReferralRow.created_at), func.min(ReferralRow.service_date))
            .where(ReferralRow.consortium_id == consortium_id)).one()
        members = select(organisations.c.org_id).where(organisations.c.consortium_id == consortium_id)
        month = self.session.scalar(select(func.min(VisitVolumeRow.month)).where(VisitVolumeRow.org_id.in_(members)))
        return created, served, month
