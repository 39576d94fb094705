"""Settlements (结算) of closed periods and the distributions of their retained surplus."""
from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..domain.budget import SettledPeriod
from ..domain.periods import Period, month_code
from . import tables as t
from .sql import key_taken


class SettlementRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, settlement_id: str) -> dict | None:
        row = self.session.execute(select(t.settlements).where(t.settlements.c.settlement_id == settlement_id)).first()
        return dict(row._mapping) if row else None

    def of_period(self, consortium_id: str, period: Period) -> dict | None:
        """What a repeated closing is compared with: the stored score, its source and who closed it when."""
        s = t.settlements
        row = self.session.execute(select(s.c.settlement_id, s.c.performance_score, s.c.score_source,
                                          s.c.score_detail, s.c.closed_at, s.c.closed_by).where(
            s.c.consortium_id == consortium_id, s.c.period == period.code)).first()
        return dict(row._mapping) if row else None

    def overlapping(self, consortium_id: str, period: Period) -> str | None:
        """The settled period of the consortium sharing a month with `period`, if any."""
        s = t.settlements
        return self.session.execute(select(s.c.period).where(
            s.c.consortium_id == consortium_id, s.c.first_month <= period.last_month,
            s.c.last_month >= period.first_month)).scalar()

    def settled_in_year(self, consortium_id: str, fund_year: int) -> list[SettledPeriod]:
        s = t.settlements
        rows = self.session.execute(select(s.c.first_month, s.c.last_month, s.c.budget_fen).where(
            s.c.consortium_id == consortium_id, s.c.first_month >= month_code(fund_year, 1),
            s.c.last_month <= month_code(fund_year, 12)))
        return [SettledPeriod(int(first[5:]), int(last[5:]), int(fen)) for first, last, fen in rows]

    def last_in_year(self, fund_year: int) -> dict | None:
        """The settled period of the fund year ending last, any consortium (a policy version applies to all)."""
        s = t.settlements
        row = self.session.execute(select(s.c.period, s.c.consortium_id, s.c.last_month).where(
            s.c.first_month >= month_code(fund_year, 1), s.c.last_month <= month_code(fund_year, 12),
        ).order_by(s.c.last_month.desc(), s.c.period).limit(1)).first()
        return dict(row._mapping) if row else None

    def add(self, settlement: dict, distributions: list[dict]) -> None:
        """KeyTaken when the period was closed by someone else a moment ago."""
        with key_taken("the period was closed by another request at the same time"):
            self.session.execute(insert(t.settlements).values(**settlement))
        if distributions:
            self.session.execute(insert(t.distributions), distributions)
