"""The staffing unit of work: one transaction, one repository, the organisation directory."""
from __future__ import annotations

from sqlalchemy.orm import Session

from platform_common.org_directory import OrgDirectory
from platform_common.unit_of_work import SqlUnitOfWork

from ..adapters import tables
from ..adapters.repository import StaffingRepository


class StaffingUnitOfWork(SqlUnitOfWork):
    repo: StaffingRepository
    orgs: OrgDirectory

    def _started(self, session: Session) -> None:
        self.repo = StaffingRepository(session)
        self.orgs = OrgDirectory(tables.organisations)
