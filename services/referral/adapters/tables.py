"""ORM tables of the referral service (its own database, its own migration history).

Patient national IDs are not stored: only `patient_key` (HMAC) and `patient_id_masked`.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from platform_common.db import UtcDateTime, new_metadata
from platform_common.messaging import plumbing_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


metadata = Base.metadata
outbox, inbox, organisations = plumbing_tables(metadata)

_Id = BigInteger().with_variant(Integer, "sqlite")


class ReferralRow(Base):
    __tablename__ = "referrals"

    referral_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    direction: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    consortium_id: Mapped[str | None] = mapped_column(String(64))
    from_org_id: Mapped[str] = mapped_column(String(64))
    to_org_id: Mapped[str | None] = mapped_column(String(64))
    specialty: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[str] = mapped_column(String(20))
    emergency_category: Mapped[str | None] = mapped_column(String(30))
    icd10: Mapped[str] = mapped_column(String(20))
    diagnosis: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(Text)
    chronic_condition: Mapped[str | None] = mapped_column(String(20))
    patient_name: Mapped[str] = mapped_column(String(100))
    patient_sex: Mapped[str] = mapped_column(String(10))
    patient_birth_date: Mapped[date] = mapped_column(Date)
    patient_id_masked: Mapped[str] = mapped_column(String(18))
    patient_key: Mapped[str] = mapped_column(String(64), index=True)
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # set by every transition, so the version moves even when only a follow-up row changed
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # when the referral reached its current hospital: the response clock starts here
    routed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    response_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime())
    overdue_announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    responded_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # upward answer
    appointment_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    bed_no: Mapped[str | None] = mapped_column(String(40))
    priority_reception: Mapped[bool] = mapped_column(Boolean, default=False)
    priority_examination: Mapped[bool] = mapped_column(Boolean, default=False)
    priority_admission: Mapped[bool] = mapped_column(Boolean, default=False)
    decision_code: Mapped[str | None] = mapped_column(String(40))
    decision_text: Mapped[str | None] = mapped_column(Text)
    arrived_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    service_date: Mapped[date | None] = mapped_column(Date)
    final_icd10: Mapped[str | None] = mapped_column(String(20))
    discharge_summary: Mapped[str | None] = mapped_column(Text)
    fund_amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    recommend_downward: Mapped[bool] = mapped_column(Boolean, default=False)
    # downward treatment plan (诊疗方案): medications, rehabilitation; follow-ups are rows
    plan: Mapped[dict | None] = mapped_column(JSON)
    source_referral_id: Mapped[str | None] = mapped_column(String(36))
    capability_override_reason: Mapped[str | None] = mapped_column(Text)
    # the 科对科 consultation whose answer "refer up" created it (tables_consultation.py); null otherwise
    consultation_id: Mapped[str | None] = mapped_column(String(36))
    # out of county
    destination: Mapped[str | None] = mapped_column(String(200))

    transitions: Mapped[list["TransitionRow"]] = relationship(
        order_by="TransitionRow.seq", cascade="all, delete-orphan", lazy="selectin")
    follow_ups: Mapped[list["FollowUpRow"]] = relationship(
        order_by="FollowUpRow.due_date", cascade="all, delete-orphan", lazy="selectin")
    # the places it holds or held (tables_capacity.py); read only when a detail is shown
    bookings: Mapped[list["BookingRow"]] = relationship(  # noqa: F821
        order_by="BookingRow.booked_at", viewonly=True, lazy="select")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_referrals_from_org_status", "from_org_id", "status"),
        Index("ix_referrals_to_org_status", "to_org_id", "status"),
        Index("ix_referrals_created_at", "created_at"),
        # the worklists' default order (newest first) within one unit's box, without sorting the box
        Index("ix_referrals_to_org_created", "to_org_id", "created_at"),
        Index("ix_referrals_from_org_created", "from_org_id", "created_at"),
    )


class TransitionRow(Base):
    """Audit trail: every change of state, who made it, when, and why."""

    __tablename__ = "referral_transitions"

    seq: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.referral_id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    actor_org_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    # set on answers (accept/reject/redirect): minutes since the referral reached this hospital
    response_minutes: Mapped[int | None] = mapped_column(Integer)


class FollowUpRow(Base):
    __tablename__ = "follow_ups"

    follow_up_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.referral_id"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    focus: Mapped[str | None] = mapped_column(String(500))
    done_on: Mapped[date | None] = mapped_column(Date)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    findings: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class CapabilityRow(Base):
    """One temporary posting (a secondment or a rotation) that lets a unit receive a specialty (from
    staffing.events). The column keeps its first name, `secondment_id`."""

    __tablename__ = "receiving_capabilities"

    posting_id: Mapped[str] = mapped_column("secondment_id", String(64), primary_key=True)
    org_id: Mapped[str | None] = mapped_column(String(64), index=True)
    specialty: Mapped[str | None] = mapped_column(String(40))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)


class VisitVolumeRow(Base):
    """Visits a unit reports for a month: the in-county part of the county-domain visit rate."""

    __tablename__ = "visit_volumes"

    org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    visits: Mapped[int] = mapped_column(Integer)
    reported_by: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class IndicatorPublicationRow(Base):
    """A month the service published by itself for a consortium (consortium-wide and every member unit).

    The primary key makes it once per (consortium, period) across restarts and replicas: a second replica's
    insert fails and its outbox rows, written in the same transaction, roll back with it.
    """

    __tablename__ = "indicator_publications"

    consortium_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime())
    unit_count: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(64))  # the consortium-wide event


# The capacity tables (slots, bookings, their audit) live beside, on the same metadata and migration history.
from . import tables_capacity  # noqa: E402,F401
from . import tables_consultation  # noqa: E402,F401
