"""ORM tables of village schedules (驻点/巡诊排班) and of the pooled county quota (loans, reviews)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from platform_common.db import UtcDateTime

from .tables import Base


class VillageSchedule(Base):
    """A doctor at a village clinic on given weekdays over a period: a tour (巡诊) or a station (派驻). Removing one
    keeps the row (`removed_at`, `removed_by`): the schedule's history stays readable."""

    __tablename__ = "village_schedules"
    schedule_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    staff_id: Mapped[str] = mapped_column(String(36), index=True)
    clinic_id: Mapped[str] = mapped_column(String(64), index=True)
    township_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    weekdays: Mapped[list] = mapped_column(JSON)  # 1 Monday … 7 Sunday
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    removed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class QuotaLoan(Base):
    """Unused quota lent by one unit to another for a period (编制统筹使用), decided by the health bureau."""

    __tablename__ = "quota_loans"
    loan_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lender_org_id: Mapped[str] = mapped_column(String(64), index=True)
    borrower_org_id: Mapped[str] = mapped_column(String(64), index=True)
    posts: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # last day, when returned early
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}


class QuotaReview(Base):
    """The bureau's review (核定) of a unit's quota on a day; the next is due a policy period later."""

    __tablename__ = "quota_reviews"
    review_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    reviewed_on: Mapped[date] = mapped_column(Date)
    quota: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the quota in force that day
    reason: Mapped[str] = mapped_column(Text)
    reviewed_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
