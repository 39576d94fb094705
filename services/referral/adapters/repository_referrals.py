"""Referrals: load and save them, the worklists, the clock's overdue scan and the follow-ups due."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, case, func, or_, select, update
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.attributes import flag_modified

from ..domain.lifecycle import WORKFLOW_ORDER
from ..domain.rules import URGENCY_RANK
from .tables import FollowUpRow, ReferralRow

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


@dataclass(frozen=True)
class DueFollowUp:
    follow_up: FollowUpRow
    referral: ReferralRow


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

    def force_write(self, row: ReferralRow, column: str) -> None:
        """Write `column` on the next flush even if its value looks unchanged (another writer may have stamped
        it since it was read, without moving the version)."""
        flag_modified(row, column)

    def follow_ups_due_before(self, org_id: str, last_due: date, status: str) -> list[DueFollowUp]:
        """Open follow-ups due on or before `last_due` of accepted downward referrals the unit sent or received."""
        query = (
            select(FollowUpRow, ReferralRow).join(ReferralRow, FollowUpRow.referral_id == ReferralRow.referral_id)
            .where(ReferralRow.status == status, FollowUpRow.done_on.is_(None), FollowUpRow.due_date <= last_due,
                   or_(ReferralRow.to_org_id == org_id, ReferralRow.from_org_id == org_id))
            .order_by(FollowUpRow.due_date, FollowUpRow.follow_up_id)
        )
        return [DueFollowUp(f, r) for f, r in self.session.execute(query)]
