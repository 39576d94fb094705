"""The payment unit of work: one transaction, its repositories and read models, and its outbox.

The only SQLAlchemy name in the service layer is the `Session` handed to `_started`: the repositories are
built on the unit of work's own session, so every use case's reads and writes are one transaction."""
from __future__ import annotations

from sqlalchemy.orm import Session

from platform_common.org_directory import OrgDirectory
from platform_common.unit_of_work import SqlUnitOfWork

from ..adapters import tables
from ..adapters.locks import Locks
from ..adapters.queries_appraisal import AppraisalQueries
from ..adapters.queries_claims import ClaimQueries
from ..adapters.queries_ledger import LedgerQueries
from ..adapters.queries_reconciliations import ReconciliationQueries
from ..adapters.queries_roster import RosterQueries
from ..adapters.queries_settlements import SettlementQueries
from ..adapters.queries_uploads import UploadQueries
from ..adapters.repository_budgets import BudgetRepository
from ..adapters.repository_capitation import CapitationRepository
from ..adapters.repository_claims import ClaimRepository
from ..adapters.repository_indicators import IndicatorRepository
from ..adapters.repository_ledger import LedgerRepository
from ..adapters.repository_policies import PolicyRepository
from ..adapters.repository_reconciliations import ReconciliationRepository
from ..adapters.repository_roster import Roster
from ..adapters.repository_settlements import SettlementRepository
from ..adapters.repository_uploads import UploadRepository

_directory = OrgDirectory(tables.organisations)


class PaymentUnitOfWork(SqlUnitOfWork):
    orgs: OrgDirectory
    locks: Locks
    budgets: BudgetRepository
    capitation: CapitationRepository
    claims: ClaimRepository
    indicators: IndicatorRepository
    ledger: LedgerRepository
    policies: PolicyRepository
    reconciliations: ReconciliationRepository
    settlements: SettlementRepository
    uploads: UploadRepository
    claim_queries: ClaimQueries
    ledger_queries: LedgerQueries
    reconciliation_queries: ReconciliationQueries
    settlement_queries: SettlementQueries
    upload_queries: UploadQueries
    roster: Roster
    roster_queries: RosterQueries
    appraisal_queries: AppraisalQueries

    def _started(self, session: Session) -> None:
        self.orgs = _directory
        self.locks = Locks(session)
        self.budgets = BudgetRepository(session)
        self.capitation = CapitationRepository(session)
        self.claims = ClaimRepository(session)
        self.indicators = IndicatorRepository(session)
        self.ledger = LedgerRepository(session)
        self.policies = PolicyRepository(session)
        self.reconciliations = ReconciliationRepository(session)
        self.settlements = SettlementRepository(session)
        self.uploads = UploadRepository(session)
        self.claim_queries = ClaimQueries(session)
        self.ledger_queries = LedgerQueries(session)
        self.reconciliation_queries = ReconciliationQueries(session)
        self.settlement_queries = SettlementQueries(session)
        self.upload_queries = UploadQueries(session)
        self.roster = Roster(session)
        self.roster_queries = RosterQueries(session)
        self.appraisal_queries = AppraisalQueries(session)
