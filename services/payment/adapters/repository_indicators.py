"""Referral indicators received from `referral.events`: the latest publication per consortium and period."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import tables as t
from .sql import insert_ignore


class IndicatorRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def of_period(self, consortium_id: str, period: str) -> dict | None:
        i = t.indicators
        row = self.session.execute(select(i).where(i.c.consortium_id == consortium_id, i.c.period == period)).first()
        return dict(row._mapping) if row else None

    def add(self, values: dict) -> None:
        self.session.execute(insert_ignore(self.session, t.indicators).values(**values))

    def replace(self, values: dict) -> None:
        i = t.indicators
        self.session.execute(i.update().where(i.c.consortium_id == values["consortium_id"],
                                              i.c.period == values["period"]).values(**values))
