"""ORM tables of the staffing service (its own database, its own migration history)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_common.db import UtcDateTime, new_metadata
from platform_common.messaging import plumbing_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


metadata = Base.metadata
outbox, inbox, organisations = plumbing_tables(metadata)


class Staff(Base):
    """A person of the county pool. `version` is bumped by every posting change of the person, so
    two transactions that both place the same person cannot both commit (optimistic lock)."""

    __tablename__ = "staff"
    staff_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    # Only a keyed hash (for uniqueness) and a masked form of the identity number are kept.
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(32))
    qualification: Mapped[str] = mapped_column(String(30))
    title_level: Mapped[str] = mapped_column(String(20))
    specialty: Mapped[str] = mapped_column(String(40), index=True)
    pool: Mapped[str] = mapped_column(String(64))
    home_org_id: Mapped[str] = mapped_column(String(64), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    registered_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    posting_changes: Mapped[int] = mapped_column(Integer, default=0)
    # The seniority exemptions' inputs: the statutory retirement date is the date of birth plus the person's own
    # retirement age where given, else the setting's.
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    retirement_age_years: Mapped[int | None] = mapped_column(Integer, nullable=True)
    targeted_post: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 定向岗位
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class Posting(Base):
    __tablename__ = "postings"
    posting_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    from_org_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # planned end; None: open-ended
    status: Mapped[str] = mapped_column(String(20))
    arrived_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(String(20), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    plan_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class QuotaPolicyRow(Base):
    """A unit's quota policy from `effective_from` on; null columns fall back to the county default
    version in force on the day, then to the settings."""

    __tablename__ = "quota_policies"
    __table_args__ = (UniqueConstraint("org_id", "effective_from"),)
    policy_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    effective_from: Mapped[date] = mapped_column(Date)
    per_mille: Mapped[str | None] = mapped_column(String(20), nullable=True)  # Decimal as text
    quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    professional_min_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    senior_cap_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    intermediate_cap_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    professional_posts: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 专业技术岗位总量
    targeted_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)         # 定向岗位
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CountyQuotaPolicy(Base):
    """A county-wide default quota policy from `effective_from` on (the bureau re-verifies quotas every
    few years); complete, so a version never depends on another. Replaceable only until it takes effect."""

    __tablename__ = "county_quota_policies"
    effective_from: Mapped[date] = mapped_column(Date, primary_key=True)
    per_mille: Mapped[str] = mapped_column(String(20))  # Decimal as text
    professional_min_bp: Mapped[int] = mapped_column(Integer)
    senior_cap_bp: Mapped[int] = mapped_column(Integer)
    township_senior_cap_bp: Mapped[int] = mapped_column(Integer)
    intermediate_cap_bp: Mapped[int] = mapped_column(Integer)
    township_targeted_bp: Mapped[int] = mapped_column(Integer, server_default="1000")
    public_health_min: Mapped[int] = mapped_column(Integer, server_default="1")
    seniority_service_years: Mapped[int] = mapped_column(Integer, server_default="20")
    retirement_window_years: Mapped[int] = mapped_column(Integer, server_default="5")
    village_licence_target_bp: Mapped[int] = mapped_column(Integer, server_default="4500")
    quota_review_years: Mapped[int] = mapped_column(Integer, server_default="5")
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class QuotaOverride(Base):
    """The health bureau's recorded decision to let a posting break a quota rule."""

    __tablename__ = "quota_overrides"
    override_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    staff_id: Mapped[str] = mapped_column(String(36))
    rule: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TitleChange(Base):
    """A promotion (晋升) or change of qualification, with the reason and any quota override."""

    __tablename__ = "title_changes"
    change_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    staff_id: Mapped[str] = mapped_column(String(36), index=True)
    from_title: Mapped[str] = mapped_column(String(20))
    to_title: Mapped[str] = mapped_column(String(20))
    from_qualification: Mapped[str] = mapped_column(String(30))
    to_qualification: Mapped[str] = mapped_column(String(30))
    effective_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    targeted_post: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # after the change
    # A promotion under the 20-years-of-township-work exemption: beyond the cap, never silently.
    exemption: Mapped[str | None] = mapped_column(String(40), nullable=True)
    exemption_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SecondmentRequest(Base):
    __tablename__ = "secondment_requests"
    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    specialty: Mapped[str] = mapped_column(String(40))
    title_level: Mapped[str] = mapped_column(String(20))
    headcount: Mapped[int] = mapped_column(Integer)
    # Bumped with every dispatch so two concurrent dispatches cannot exceed the headcount.
    dispatched: Mapped[int] = mapped_column(Integer, default=0)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)
    source: Mapped[str] = mapped_column(String(20))  # request / tidal
    recommendation_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class RotationPlan(Base):
    __tablename__ = "rotation_plans"
    plan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    org_id: Mapped[str] = mapped_column(String(64))  # where the rotating staff go
    start_date: Mapped[date] = mapped_column(Date)
    block_days: Mapped[int] = mapped_column(Integer)
    staff_ids: Mapped[list] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Season(Base):
    """A seasonal demand calendar entry of a township (e.g. a scenic-area tourist season)."""

    __tablename__ = "seasons"
    season_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    specialties: Mapped[list] = mapped_column(JSON)
    headcount: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DemandSignal(Base):
    """One upward referral as seen on `referral.events`; the township is resolved at query time
    so a referral arriving before its clinic's registration still counts once it is known."""

    __tablename__ = "demand_signals"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    referral_id: Mapped[str] = mapped_column(String(64), unique=True)
    from_org_id: Mapped[str] = mapped_column(String(64), index=True)
    specialty: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class RecommendationRow(Base):
    __tablename__ = "recommendations"
    recommendation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    township_id: Mapped[str] = mapped_column(String(64), index=True)
    specialty: Mapped[str] = mapped_column(String(40))
    headcount: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list] = mapped_column(JSON)
    season_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    window_volume: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open/accepted/dismissed/superseded
    generated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    request_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}



# Village schedules and the pooled quota's loans and reviews live beside this module; imported here so that the
# service's metadata holds every table.
from .tables_pool import QuotaLoan, QuotaReview, VillageSchedule  # noqa: E402,F401
