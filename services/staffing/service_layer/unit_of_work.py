"""The staffing unit of work: one transaction, with the service's repositories on its session."""
from __future__ import annotations

from sqlalchemy.orm import Session

from platform_common.org_directory import OrgDirectory
from platform_common.unit_of_work import SqlUnitOfWork

from ..adapters import tables
from ..adapters.repository_pool import PoolRepository
from ..adapters.repository_quota import QuotaRepository
from ..adapters.repository_secondments import RotationPlanRepository, SecondmentRepository
from ..adapters.repository_staff import PostingRepository, StaffRepository
from ..adapters.repository_tidal import TidalRepository
from ..adapters.repository_village import VillageRepository

_directory = OrgDirectory(tables.organisations)


class StaffingUnitOfWork(SqlUnitOfWork):
    staff: StaffRepository
    postings: PostingRepository
    quota: QuotaRepository
    secondments: SecondmentRepository
    rotations: RotationPlanRepository
    tidal: TidalRepository
    village: VillageRepository
    pool: PoolRepository
    orgs: OrgDirectory

    def _started(self, session: Session) -> None:
        self.staff = StaffRepository(session)
        self.postings = PostingRepository(session)
        self.quota = QuotaRepository(session)
        self.secondments = SecondmentRepository(session)
        self.rotations = RotationPlanRepository(session)
        self.tidal = TidalRepository(session)
        self.village = VillageRepository(session)
        self.pool = PoolRepository(session)
        self.orgs = _directory
