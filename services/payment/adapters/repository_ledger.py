"""The ledger (财务一本账): journal entries written once, never changed (the database refuses UPDATE and DELETE
on postings)."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ..domain.ledger import JournalEntry, account_kind
from . import tables as t
from .sql import insert_ignore


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def post(self, entry: JournalEntry, posted_by: str, now: datetime) -> str | None:
        """Posts the entry; returns its id (None when it has no non-zero posting)."""
        if entry.is_empty:
            return None
        entry_id = str(uuid.uuid4())
        codes = sorted({p.account for p in entry.postings})
        self.session.execute(insert_ignore(self.session, t.accounts), [
            {"code": c, "kind": account_kind(c), "consortium_id": entry.consortium_id,
             "org_id": c.split(":", 1)[1] if account_kind(c) == "unit" else None, "created_at": now}
            for c in codes])
        self.session.execute(insert(t.journal_entries).values(
            entry_id=entry_id, consortium_id=entry.consortium_id, source_type=entry.source_type,
            source_id=entry.source_id, description=entry.description, posted_by=posted_by, posted_at=now))
        self.session.execute(insert(t.postings), [
            {"entry_id": entry_id, "account_code": p.account, "amount_fen": p.amount_fen, "period": p.period,
             "posted_at": now} for p in entry.postings])
        return entry_id
