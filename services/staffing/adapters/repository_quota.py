"""Queries of quotas (编制): dated head counts of an establishment, the unit policies, the county-wide versions and
the bureau's overrides."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, case, exists, func, not_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from platform_common.contracts import Specialty
from platform_common.errors import Conflict

from ..domain.model import PHYSICIANS, PostingKind, TitleLevel
from ..domain.quota import CountyPolicy, Establishment
from ..domain.seniority import Spell, TitleGained
from .repository_staff import NON_PROFESSIONAL
from .tables import CountyQuotaPolicy, Posting, QuotaOverride, QuotaPolicyRow, Staff, TitleChange, organisations


@dataclass(frozen=True)
class QuotaOverrideSeen:
    """A bureau override as a unit's page lists it: the override and the name of the person it let in."""

    override: QuotaOverride
    name: str | None


def _county(row: CountyQuotaPolicy) -> CountyPolicy:
    return CountyPolicy(Decimal(row.per_mille), row.professional_min_bp, row.senior_cap_bp, row.township_senior_cap_bp,
                        row.intermediate_cap_bp, row.effective_from, township_targeted_bp=row.township_targeted_bp,
                        public_health_min=row.public_health_min, seniority_service_years=row.seniority_service_years,
                        retirement_window_years=row.retirement_window_years,
                        village_licence_target_bp=row.village_licence_target_bp,
                        quota_review_years=row.quota_review_years)


@dataclass(frozen=True)
class SeniorityRecord:
    """A person holding a capped title at a unit, with what the seniority exemptions are computed from."""

    staff: Staff
    spells: list[Spell]
    gained: list[TitleGained]


class QuotaRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock_unit(self, org_id: str) -> None:
        """Hold the unit's row until the transaction ends, before reading what its quota admits.

        Every change that uses up a unit's posts (a hire or transfer in, a loan out, posts given back by a
        borrower) takes it first, so two of them check and write one after the other. Without it, on
        PostgreSQL (read committed) two approvals each passed the check against the other's uncommitted
        change, and a lender lent 24 of its 22 unused posts. SQLite runs writers one at a time already.
        """
        self.session.execute(select(organisations.c.org_id).where(organisations.c.org_id == org_id)
                             .with_for_update())

    def establishment(self, org_id: str, on: date, *, onward: bool = False) -> Establishment:
        """Head counts of the establishment postings (在编) at `org_id` in force on `on`; with
        `onward`, of every posting in force on `on` or later (a later transfer in counts, one that
        left before `on` does not): an admission must hold for the whole future, not one day."""
        senior = Staff.title_level == TitleLevel.SENIOR.value
        filled, professional, seniors, intermediate, targeted = self.session.execute(
            select(
                func.count(),
                func.coalesce(func.sum(case((Staff.qualification.in_(NON_PROFESSIONAL), 0), else_=1)), 0),
                func.coalesce(func.sum(case((senior, 1), else_=0)), 0),
                func.coalesce(func.sum(case((Staff.title_level == TitleLevel.INTERMEDIATE.value, 1), else_=0)), 0),
                func.coalesce(func.sum(case((and_(senior, Staff.targeted_post.is_(True)), 1), else_=0)), 0),
            ).select_from(Posting).join(Staff, Staff.staff_id == Posting.staff_id)
            .where(*self._established(org_id, on, onward))
        ).one()
        return Establishment(int(filled), int(professional), int(seniors), int(intermediate), int(targeted))

    @staticmethod
    def _established(org_id: str, on: date, onward: bool) -> list:
        in_force = or_(Posting.end_date.is_(None), Posting.end_date >= on)
        if not onward:
            in_force = and_(Posting.start_date <= on, in_force)
        return [Posting.org_id == org_id, Posting.kind == PostingKind.ESTABLISHMENT.value, Staff.active.is_(True),
                in_force]

    def seniority_candidates(self, org_id: str, on: date, *, onward: bool, served_since: date) -> list[SeniorityRecord]:
        """The professionals holding a capped title in the establishment (as `establishment` counts it) who were
        posted somewhere on or before `served_since` (no one else can have the years), outside targeted posts,
        with their postings (and each unit's kind) and the titles they gained."""
        any_posting = aliased(Posting)
        early = exists().where(any_posting.staff_id == Staff.staff_id, any_posting.start_date <= served_since)
        people = list(self.session.scalars(
            select(Staff).join(Posting, Posting.staff_id == Staff.staff_id)
            .where(*self._established(org_id, on, onward), early, Staff.targeted_post.is_(False),
                   Staff.qualification.not_in(NON_PROFESSIONAL),
                   Staff.title_level.in_([TitleLevel.SENIOR.value, TitleLevel.INTERMEDIATE.value]))
            .order_by(Staff.staff_id)).unique())
        if not people:
            return []
        ids = [p.staff_id for p in people]
        spells: dict[str, list[Spell]] = {i: [] for i in ids}
        for staff_id, spell in self._spells(ids):
            spells[staff_id].append(spell)
        gained: dict[str, list[TitleGained]] = {i: [] for i in ids}
        for change in self.session.scalars(select(TitleChange).where(TitleChange.staff_id.in_(ids))
                                           .order_by(TitleChange.effective_date, TitleChange.change_id)):
            if TitleLevel(change.to_title).rank > TitleLevel(change.from_title).rank:
                gained[change.staff_id].append(TitleGained(change.to_title, change.effective_date))
        return [SeniorityRecord(p, spells[p.staff_id], gained[p.staff_id]) for p in people]

    def _spells(self, staff_ids: list[str]) -> list[tuple[str, Spell]]:
        o = organisations
        rows = self.session.execute(select(Posting, o.c.kind).outerjoin(o, o.c.org_id == Posting.org_id)
                                    .where(Posting.staff_id.in_(staff_ids)))
        return [(p.staff_id, Spell(p.kind, kind or "", p.start_date, p.ended_on or p.end_date)) for p, kind in rows]

    def spells(self, staff_id: str) -> list[Spell]:
        """Where the person's postings put them (each unit's organisation kind), for the seniority exemptions."""
        return [spell for _, spell in self._spells([staff_id])]

    def public_health_physicians(self, org_id: str, on: date) -> int:
        """Public-health physicians (公共卫生医师) working at `org_id` on `on`: established there and not posted
        elsewhere that day, or posted there that day."""
        away = aliased(Posting)
        elsewhere = exists().where(away.staff_id == Staff.staff_id, away.kind != PostingKind.ESTABLISHMENT.value,
                                   away.start_date <= on, func.coalesce(away.ended_on, away.end_date, date.max) >= on)
        here = exists().where(Posting.staff_id == Staff.staff_id, Posting.org_id == org_id, Posting.start_date <= on,
                              or_(and_(Posting.kind == PostingKind.ESTABLISHMENT.value,
                                       or_(Posting.end_date.is_(None), Posting.end_date >= on), not_(elsewhere)),
                                  and_(Posting.kind != PostingKind.ESTABLISHMENT.value,
                                       func.coalesce(Posting.ended_on, Posting.end_date, date.max) >= on)))
        return int(self.session.scalar(select(func.count()).select_from(Staff).where(
            Staff.active.is_(True), Staff.specialty == Specialty.PUBLIC_HEALTH.value,
            Staff.qualification.in_([q.value for q in PHYSICIANS]), here)) or 0)

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
        row.township_targeted_bp, row.public_health_min = version.township_targeted_bp, version.public_health_min
        row.seniority_service_years = version.seniority_service_years
        row.retirement_window_years = version.retirement_window_years
        row.village_licence_target_bp = version.village_licence_target_bp
        row.quota_review_years = version.quota_review_years
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
