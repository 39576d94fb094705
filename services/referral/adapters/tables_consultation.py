"""Tables of advice before referral (科对科): the consultation a township unit asks a county department, and its
audit trail. The patient is kept as referrals keep it (HMAC key and masked ID, never the national ID), so that
a consultation answered "refer up" becomes a referral without typing the patient again."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_common.db import UtcDateTime

from .tables import Base, _Id


class ConsultationRow(Base):
    __tablename__ = "consultations"

    consultation_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20))
    consortium_id: Mapped[str] = mapped_column(String(64))
    from_org_id: Mapped[str] = mapped_column(String(64))
    to_org_id: Mapped[str] = mapped_column(String(64))
    specialty: Mapped[str] = mapped_column(String(40))
    urgency: Mapped[str] = mapped_column(String(20))
    question: Mapped[str] = mapped_column(Text)
    icd10: Mapped[str] = mapped_column(String(20))
    diagnosis: Mapped[str] = mapped_column(String(500))
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    pairing_override_reason: Mapped[str | None] = mapped_column(Text)
    patient_name: Mapped[str] = mapped_column(String(100))
    patient_sex: Mapped[str] = mapped_column(String(10))
    patient_birth_date: Mapped[date] = mapped_column(Date)
    patient_id_masked: Mapped[str] = mapped_column(String(18))
    patient_key: Mapped[str] = mapped_column(String(64))
    asked_by: Mapped[str] = mapped_column(String(100))
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    answer_deadline: Mapped[datetime | None] = mapped_column(UtcDateTime())
    overdue_announced_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answer_minutes: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(30))
    advice: Mapped[str | None] = mapped_column(Text)
    remote_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    referral_id: Mapped[str | None] = mapped_column(String(36))  # the upward referral it became
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())

    history: Mapped[list["ConsultationTransitionRow"]] = relationship(
        order_by="ConsultationTransitionRow.seq", cascade="all, delete-orphan", lazy="selectin")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_consultations_to_org_status", "to_org_id", "status"),
        Index("ix_consultations_from_org_status", "from_org_id", "status"),
        Index("ix_consultations_consortium_asked", "consortium_id", "asked_at"),
    )


class ConsultationTransitionRow(Base):
    """Audit trail: every change of a consultation's state, who made it, when and why."""

    __tablename__ = "consultation_transitions"

    seq: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    consultation_id: Mapped[str] = mapped_column(ForeignKey("consultations.consultation_id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    actor_org_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
