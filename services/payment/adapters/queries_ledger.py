"""Ledger read models: balances by SQL SUM, an account's postings with their source."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import tables as t


class LedgerQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def balances(self, consortium_id: str, before: datetime | None) -> list[dict]:
        """Every account of the consortium with the sum of its postings (posted before `before`, if given)."""
        a, p = t.accounts, t.postings
        joined = p.c.account_code == a.c.code
        if before is not None:
            joined = joined & (p.c.posted_at < before)
        query = (select(a.c.code, a.c.kind, a.c.org_id, func.coalesce(func.sum(p.c.amount_fen), 0))
                 .select_from(a.outerjoin(p, joined)).where(a.c.consortium_id == consortium_id)
                 .group_by(a.c.code, a.c.kind, a.c.org_id).order_by(a.c.code))
        return [{"account": code, "kind": kind, "org_id": org, "balance_fen": int(bal)}
                for code, kind, org, bal in self.session.execute(query)]

    def account(self, code: str) -> dict | None:
        row = self.session.execute(select(t.accounts).where(t.accounts.c.code == code)).first()
        return dict(row._mapping) if row else None

    def postings(self, account: str, limit: int, offset: int) -> tuple[int, list[dict]]:
        p, j = t.postings, t.journal_entries
        total = self.session.execute(select(func.count()).where(p.c.account_code == account)).scalar_one()
        rows = self.session.execute(
            select(p.c.posting_id, p.c.entry_id, p.c.amount_fen, p.c.period, p.c.posted_at, j.c.source_type,
                   j.c.source_id, j.c.description).join(j, j.c.entry_id == p.c.entry_id)
            .where(p.c.account_code == account).order_by(p.c.posting_id).limit(limit).offset(offset))
        return total, [dict(r._mapping) for r in rows]

    def settlement_entries(self, settlement_id: str) -> dict[str, str]:
        """The settlement's and its distribution's journal entry ids, by source type."""
        j = t.journal_entries
        rows = self.session.execute(select(j.c.entry_id, j.c.source_type).where(
            j.c.source_type.in_(("settlement", "distribution")), j.c.source_id == settlement_id))
        return {source: entry_id for entry_id, source in rows}
