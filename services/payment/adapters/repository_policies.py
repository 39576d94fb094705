"""Fund-year policy versions: append-only, numbered per fund year."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from . import tables as t
from .sql import key_taken


class PolicyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def next_version(self, fund_year: int) -> int:
        p = t.policies
        return self.session.execute(select(func.coalesce(func.max(p.c.version), 0))
                                    .where(p.c.fund_year == fund_year)).scalar_one() + 1

    def add(self, version: dict) -> None:
        """KeyTaken when another version of the year took the number meanwhile."""
        with key_taken("another version was saved at the same time; reload and try again"):
            self.session.execute(insert(t.policies).values(**version))

    def versions(self, fund_year: int) -> list[dict]:
        p = t.policies
        rows = self.session.execute(select(p).where(p.c.fund_year == fund_year).order_by(p.c.version))
        return [dict(r._mapping) for r in rows]

    def in_force(self, on: date) -> dict | None:
        """The latest version of the day's fund year effective by then."""
        p = t.policies
        row = self.session.execute(select(p).where(p.c.fund_year == on.year, p.c.effective_from <= on)
                                   .order_by(p.c.effective_from.desc(), p.c.version.desc()).limit(1)).first()
        return dict(row._mapping) if row else None
