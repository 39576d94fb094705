"""Reconciliations (对账): the insurance office's file staged row by row, and the summary kept once compared."""
from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from . import tables as t


class ReconciliationRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, recon: dict) -> None:
        self.session.execute(insert(t.reconciliations).values(**recon))

    def get(self, recon_id: str) -> dict | None:
        r = t.reconciliations
        row = self.session.execute(select(r).where(r.c.recon_id == recon_id)).first()
        return dict(row._mapping) if row else None

    def staged(self, recon_id: str, claim_nos: list[str]) -> set[str]:
        """Those of the numbers an earlier batch of the file staged already."""
        r = t.reconciliation_rows
        return set(self.session.scalars(select(r.c.claim_no).where(r.c.recon_id == recon_id,
                                                                   r.c.claim_no.in_(claim_nos))))

    def stage(self, rows: list[dict]) -> None:
        """File rows: recon_id, claim_no, amount_fen, line."""
        if rows:
            self.session.execute(insert(t.reconciliation_rows), rows)

    def set_summary(self, recon_id: str, summary: dict) -> None:
        r = t.reconciliations
        self.session.execute(r.update().where(r.c.recon_id == recon_id).values(summary=summary))
