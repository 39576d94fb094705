"""The payment unit of work: one transaction, its repositories and its outbox."""
from __future__ import annotations

from sqlalchemy.orm import Session

from platform_common.org_directory import OrgDirectory
from platform_common.unit_of_work import SqlUnitOfWork

from ..adapters import tables
from ..adapters.repository import Claims, Ledger


class PaymentUnitOfWork(SqlUnitOfWork):
    directory = OrgDirectory(tables.organisations)

    def _started(self, session: Session) -> None:
        self.ledger = Ledger(session)
        self.claims = Claims(session)
