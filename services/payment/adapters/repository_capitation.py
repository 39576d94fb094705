"""Contracted residents (签约人数) of the primary units and the capitation (按人头付费) paid for them."""
from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..domain.periods import Period
from . import tables as t
from .sql import dialect_insert


class CapitationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def set_enrolment(self, enrolment: dict) -> None:
        """The unit's residents from its month on; the same unit and month again replaces them."""
        stmt = dialect_insert(self.session, t.enrolments).values(**enrolment)
        key = ("org_id", "effective_month")
        self.session.execute(stmt.on_conflict_do_update(
            index_elements=list(key), set_={k: v for k, v in enrolment.items() if k not in key}))

    def enrolled_as_of(self, consortium_id: str, month: str) -> dict[str, int]:
        """Latest enrolment of each primary unit effective in or before `month`."""
        e = t.enrolments
        latest = (select(e.c.org_id, func.max(e.c.effective_month).label("m"))
                  .where(e.c.consortium_id == consortium_id, e.c.effective_month <= month)
                  .group_by(e.c.org_id).subquery())
        rows = self.session.execute(select(e.c.org_id, e.c.enrolled).join(
            latest, and_(e.c.org_id == latest.c.org_id, e.c.effective_month == latest.c.m)))
        return {org: n for org, n in rows}

    def paid_units(self, consortium_id: str, month: str) -> set[str]:
        c = t.capitation_payments
        return set(self.session.scalars(select(c.c.org_id).where(c.c.consortium_id == consortium_id,
                                                                 c.c.period == month)))

    def add_payment(self, payment: dict) -> None:
        self.session.execute(t.capitation_payments.insert().values(**payment))

    def paid_in(self, consortium_id: str, period: Period) -> int:
        c = t.capitation_payments
        # int(): PostgreSQL sums bigint to numeric, which would reach the JSON as a Decimal
        return int(self.session.execute(select(func.coalesce(func.sum(c.c.amount_fen), 0)).where(
            c.c.consortium_id == consortium_id, c.c.period >= period.first_month,
            c.c.period <= period.last_month)).scalar_one())

    def payments(self, consortium_id: str | None, org_id: str | None, period: str | None) -> list[dict]:
        c = t.capitation_payments
        query = select(c).order_by(c.c.period, c.c.org_id)
        for column, value in ((c.c.consortium_id, consortium_id), (c.c.org_id, org_id), (c.c.period, period)):
            if value:
                query = query.where(column == value)
        return [dict(r._mapping) for r in self.session.execute(query)]

    def enrolments(self, consortium_id: str) -> list[dict]:
        e = t.enrolments
        rows = self.session.execute(select(e).where(e.c.consortium_id == consortium_id)
                                    .order_by(e.c.org_id, e.c.effective_month))
        return [dict(r._mapping) for r in rows]
