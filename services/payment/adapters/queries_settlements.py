"""Settlement read models: the closed periods of a consortium, a statement's distributions, the distributions
a unit received."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import tables as t


class SettlementQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def closed(self, consortium_id: str) -> list[dict]:
        s = t.settlements
        rows = self.session.execute(select(s.c.settlement_id, s.c.period, s.c.first_month, s.c.last_month,
                                           s.c.budget_fen, s.c.actual_fen, s.c.balance_fen, s.c.performance_score,
                                           s.c.retained_fen, s.c.policy_version, s.c.closed_at)
                                    .where(s.c.consortium_id == consortium_id).order_by(s.c.first_month, s.c.period))
        return [dict(r._mapping) for r in rows]

    def distributions(self, *, settlement_id: str | None = None, consortium_id: str | None = None,
                      org_id: str | None = None, period: str | None = None) -> list[dict]:
        d = t.distributions
        query = select(d).order_by(d.c.period, d.c.org_id, d.c.purpose)
        for column, value in ((d.c.settlement_id, settlement_id), (d.c.consortium_id, consortium_id),
                              (d.c.org_id, org_id), (d.c.period, period)):
            if value:
                query = query.where(column == value)
        return [dict(r._mapping) for r in self.session.execute(query)]
