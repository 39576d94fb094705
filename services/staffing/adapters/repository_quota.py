"""Queries of quotas (编制): dated head counts of an establishment, the unit policies, the county-wide versions and
the bureau's overrides."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from platform_common.errors import Conflict

from ..domain.model import PostingKind, TitleLevel
from ..domain.quota import CountyPolicy, Establishment
from .repository_staff import NON_PROFESSIONAL
from .tables import CountyQuotaPolicy, Posting, QuotaOverride, QuotaPolicyRow, Staff


@dataclass(frozen=True)
class QuotaOverrideSeen:
    """A bureau override as a unit's page lists it: the override and the name of the person it let in."""

    override: QuotaOverride
    name: str | None


def _county(row: CountyQuotaPolicy) -> CountyPolicy:
    return CountyPolicy(Decimal(row.per_mille), row.professional_min_bp, row.senior_cap_bp, row.township_senior_cap_bp,
                        row.intermediate_cap_bp, row.effective_from)


class QuotaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def establishment(self, org_id: str, on: date, *, onward: bool = False) -> Establishment:
        """Head counts of the establishment postings (在编) at `org_id` in force on `on`; with
        `onward`, of every posting in force on `on` or later (a later transfer in counts, one that
        left before `on` does not): an admission must hold for the whole future, not one day."""
        in_force = or_(Posting.end_date.is_(None), Posting.end_date >= on)
        if not onward:
            in_force = and_(Posting.start_date <= on, in_force)
        filled, professional, senior, intermediate = self.session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((Staff.qualification.in_(NON_PROFESSIONAL), 0), else_=1)), 0),
                func.coalesce(func.sum(case((Staff.title_level == TitleLevel.SENIOR.value, 1), else_=0)), 0),
                func.coalesce(func.sum(case((Staff.title_level == TitleLevel.INTERMEDIATE.value, 1), else_=0)), 0),
            ).select_from(Posting).join(Staff, Staff.staff_id == Posting.staff_id)
            .where(Posting.org_id == org_id, Posting.kind == PostingKind.ESTABLISHMENT.value,
                   Staff.active.is_(True), in_force)
        ).one()
        return Establishment(int(filled), int(professional), int(senior), int(intermediate))

    # -- a unit's own policy rows ---------------------------------------------------------------------
    def unit_policy(self, org_id: str, as_of: date) -> QuotaPolicyRow | None:
        """The unit's row in force on `as_of`."""
        return self.session.scalars(
            select(QuotaPolicyRow).where(QuotaPolicyRow.org_id == org_id, QuotaPolicyRow.effective_from <= as_of)
            .order_by(QuotaPolicyRow.effective_from.desc()).limit(1)).first()

    def unit_policies(self, org_id: str) -> list[QuotaPolicyRow]:
        return list(self.session.scalars(select(QuotaPolicyRow).where(QuotaPolicyRow.org_id == org_id)
                                         .order_by(QuotaPolicyRow.effective_from)))

    def add_unit_policy(self, row: QuotaPolicyRow) -> None:
        self.session.add(row)
        self.session.flush()

    # -- county-wide versions -------------------------------------------------------------------------
    def county_policy(self, as_of: date) -> CountyPolicy | None:
        """The county version in force on `as_of`."""
        row = self.session.scalars(
            select(CountyQuotaPolicy).where(CountyQuotaPolicy.effective_from <= as_of)
            .order_by(CountyQuotaPolicy.effective_from.desc()).limit(1)).first()
        return _county(row) if row else None

    def county_version(self, effective_from: date) -> CountyQuotaPolicy | None:
        """The county version that starts on `effective_from`, if there is one."""
        return self.session.get(CountyQuotaPolicy, effective_from)

    def county_policies(self) -> list[CountyQuotaPolicy]:
        return list(self.session.scalars(select(CountyQuotaPolicy).order_by(CountyQuotaPolicy.effective_from)))

    def save_county_version(self, version: CountyPolicy, reason: str, created_by: str,
                            created_at: datetime) -> CountyQuotaPolicy:
        """Writes a new version, or replaces the one from the same day, now; two bureau officers creating the same
        date at once: 409."""
        row = self.county_version(version.effective_from) or CountyQuotaPolicy(effective_from=version.effective_from)
        row.per_mille = str(version.per_mille)
        row.professional_min_bp, row.senior_cap_bp = version.professional_min_bp, version.senior_cap_bp
        row.township_senior_cap_bp, row.intermediate_cap_bp = version.township_senior_cap_bp, version.intermediate_cap_bp
        row.reason, row.created_by, row.created_at = reason, created_by, created_at
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError as e:
            raise Conflict(f"a county quota policy version from {row.effective_from.isoformat()} was just created; "
                           "reload and try again", field="effective_from", state="exists") from e
        return row

    # -- overrides ------------------------------------------------------------------------------------
    def add_override(self, override: QuotaOverride) -> None:
        self.session.add(override)

    def overrides(self, org_id: str) -> list[QuotaOverrideSeen]:
        """The bureau's overrides at a unit, newest first, with the name of the person each let in."""
        rows = self.session.execute(select(QuotaOverride, Staff.name)
                                    .outerjoin(Staff, Staff.staff_id == QuotaOverride.staff_id)
                                    .where(QuotaOverride.org_id == org_id)
                                    .order_by(QuotaOverride.created_at.desc(), QuotaOverride.override_id.desc()))
        return [QuotaOverrideSeen(o, name) for o, name in rows]
