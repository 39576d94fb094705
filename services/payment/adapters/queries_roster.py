"""Read models over the contract roster: counts for coverage and the fee split, the census, contract listings."""
from __future__ import annotations

from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from . import tables_roster as r
from .repository_roster import Roster, recorded_contracts


class RosterQueries:
    """Read models over the roster: counts for the coverage and the fee split, contract listings."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def active_by_groups(self, consortium_id: str, day: date) -> list[tuple[str, int, int]]:
        """(org_id, key-group flags, contracts) in force on a day."""
        c = r.contracts
        rows = self.session.execute(select(c.c.org_id, c.c.key_groups, func.count()).where(
            Roster._active(consortium_id, day)).group_by(c.c.org_id, c.c.key_groups))
        return [(o, g, int(n)) for o, g, n in rows]

    def active_by_unit(self, consortium_id: str, day: date) -> dict[str, int]:
        """Contracts in force on a day, per unit."""
        c = r.contracts
        rows = self.session.execute(select(c.c.org_id, func.count()).where(Roster._active(consortium_id, day))
                                    .group_by(c.c.org_id))
        return {o: int(n) for o, n in rows}

    def first_paid(self, consortium_id: str, month: str) -> tuple[list[tuple[str, str, int]], int]:
        """(org_id, package, contracts) first paid by capitation in the month, and the fee fund share booked."""
        lines, c, runs = r.capitation_lines, r.contracts, r.capitation_runs
        earlier = r.capitation_lines.alias("earlier")
        first = and_(runs.c.consortium_id == consortium_id, lines.c.month == month,
                     ~select(earlier.c.contract_id).where(earlier.c.contract_id == lines.c.contract_id,
                                                          earlier.c.month < month).exists())
        rows = self.session.execute(select(lines.c.org_id, c.c.package, func.count(), func.sum(lines.c.fee_fund_fen))
                                    .join(c, c.c.contract_id == lines.c.contract_id)
                                    .join(runs, runs.c.run_id == lines.c.run_id).where(first)
                                    .group_by(lines.c.org_id, c.c.package))
        found = [(o, p, int(n), int(f)) for o, p, n, f in rows]
        return [(o, p, n) for o, p, n, _ in found], sum(f for *_, f in found)

    def census(self, org_ids: list[str]) -> list[tuple[str, str, int]]:
        k = r.census
        return [(o, g, int(n)) for o, g, n in self.session.execute(
            select(k.c.org_id, k.c.group, k.c.people).where(k.c.org_id.in_(org_ids)))]

    def contracts(self, consortium_id: str | None, org_id: str | None, active_on: date | None, limit: int,
                  offset: int, team: str | None = None, group_bit: int | None = None) -> tuple[int, list]:
        c = r.contracts
        query = recorded_contracts()
        if consortium_id:
            query = query.where(c.c.consortium_id == consortium_id)
        if org_id:
            query = query.where(c.c.org_id == org_id)
        if team:
            query = query.where(c.c.team == team)
        if group_bit:
            query = query.where(c.c.key_groups.op("&")(group_bit) != 0)
        if active_on:
            query = query.where(c.c.start_date <= active_on, or_(c.c.end_date.is_(None), c.c.end_date >= active_on))
        total = self.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        return total, list(self.session.execute(query.order_by(c.c.contract_id).limit(limit).offset(offset)))

    def runs(self, consortium_id: str | None, month: str | None, limit: int, offset: int) -> tuple[int, list[dict]]:
        """Capitation runs over the roster, the latest first."""
        runs = r.capitation_runs
        query = select(runs)
        if consortium_id:
            query = query.where(runs.c.consortium_id == consortium_id)
        if month:
            query = query.where(runs.c.month == month)
        total = self.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        rows = self.session.execute(query.order_by(runs.c.paid_at.desc(), runs.c.run_id).limit(limit).offset(offset))
        return total, [dict(row._mapping) for row in rows]
