"""The referral unit of work: one transaction, with the service's repositories on its session."""
from __future__ import annotations

from sqlalchemy.orm import Session

from platform_common.org_directory import OrgDirectory
from platform_common.unit_of_work import SqlUnitOfWork

from ..adapters import tables
from ..adapters.queries_capacity import CapacityIndicatorQueries, CapacityQueries
from ..adapters.queries_consultation import ConsultationQueries
from ..adapters.queries_out_of_county import OutflowQueries
from ..adapters.queries_indicators import IndicatorQueries
from ..adapters.queries_referrals import ReferralQueries
from ..adapters.repository_capabilities import CapabilityRepository
from ..adapters.repository_indicators import PublicationRepository, VisitVolumeRepository
from ..adapters.repository_referrals import ReferralRepository
from ..adapters.repository_capacity import CapacityRepository
from ..adapters.repository_consultation import ConsultationRepository

_directory = OrgDirectory(tables.organisations)


class ReferralUnitOfWork(SqlUnitOfWork):
    def _started(self, session: Session) -> None:
        self.referrals = ReferralRepository(session)
        self.referral_records = ReferralQueries(session)
        self.capabilities = CapabilityRepository(session)
        self.visit_volumes = VisitVolumeRepository(session)
        self.publications = PublicationRepository(session)
        self.indicators = IndicatorQueries(session)
        self.outflow = OutflowQueries(session)
        self.capacity = CapacityRepository(session)
        self.capacity_queries = CapacityQueries(session)
        self.booking_figures = CapacityIndicatorQueries(session)
        self.consultations = ConsultationRepository(session)
        self.consultation_figures = ConsultationQueries(session)
        self.orgs = _directory
