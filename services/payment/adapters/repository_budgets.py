"""Budgets of a consortium's fund year: the budget row (versioned), its adjustments and its monthly advances."""
from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from platform_common.errors import Conflict

from . import tables as t
from .sql import key_taken
from .tables import BudgetRow


class BudgetRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, budget_id: str) -> BudgetRow | None:
        return self.session.get(BudgetRow, budget_id)

    def of_year(self, consortium_id: str, fund_year: int) -> BudgetRow | None:
        return self.session.scalars(select(BudgetRow).where(
            BudgetRow.consortium_id == consortium_id, BudgetRow.fund_year == fund_year)).first()

    def list(self, consortium_id: str | None, fund_year: int | None) -> list[BudgetRow]:
        query = select(BudgetRow).order_by(BudgetRow.fund_year.desc(), BudgetRow.consortium_id)
        if consortium_id:
            query = query.where(BudgetRow.consortium_id == consortium_id)
        if fund_year:
            query = query.where(BudgetRow.fund_year == fund_year)
        return list(self.session.scalars(query))

    def add(self, row: BudgetRow) -> None:
        """KeyTaken when the consortium has a budget for the fund year already."""
        self.session.add(row)
        with key_taken("this consortium already has a budget for the fund year"):
            self.session.flush()

    def save_adjustment(self, row: BudgetRow, adjustment: dict) -> None:
        """The changed budget (409 when someone changed it since it was read) and the adjustment that changed it."""
        try:
            self.session.flush()
        except StaleDataError:
            self.session.rollback()
            raise Conflict("the budget was changed by someone else; reload and try again") from None
        self.session.execute(insert(t.budget_adjustments).values(budget_id=row.budget_id, **adjustment))

    def adjustments(self, budget_id: str) -> list[dict]:
        a = t.budget_adjustments
        rows = self.session.execute(select(a).where(a.c.budget_id == budget_id).order_by(a.c.adjustment_id))
        return [dict(r._mapping) for r in rows]

    def advances(self, budget_id: str) -> dict[str, dict]:
        """The advances paid, by month code."""
        rows = self.session.execute(select(t.advances).where(t.advances.c.budget_id == budget_id))
        return {r.month: dict(r._mapping) for r in rows}

    def advance(self, budget_id: str, month: str) -> dict | None:
        row = self.session.execute(select(t.advances).where(
            t.advances.c.budget_id == budget_id, t.advances.c.month == month)).first()
        return dict(row._mapping) if row else None

    def add_advance(self, advance: dict) -> None:
        self.session.execute(insert(t.advances).values(**advance))

    def advanced(self, budget_id: str, *, months: list[str] | None = None, besides: set[str] = frozenset()) -> int:
        """Fen advanced under the budget: in `months` if given, leaving out the months in `besides`."""
        a = t.advances
        where = [a.c.budget_id == budget_id]
        if months is not None:
            where.append(a.c.month.in_(months))
        if besides:
            where.append(a.c.month.not_in(besides))
        # int(): PostgreSQL sums bigint to numeric, which would reach the JSON as a Decimal
        return int(self.session.execute(select(func.coalesce(func.sum(a.c.amount_fen), 0)).where(*where))
                   .scalar_one())
