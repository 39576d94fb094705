"""Tables of bookable capacity: slots a county department publishes, the bookings referrals hold, and the audit
trail of both (who published, booked or released what, when and why)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_common.db import UtcDateTime

from .tables import Base, _Id


class SlotRow(Base):
    """One department's capacity of one kind on one local day and band. `booked` counts the active bookings
    (overflow included); it only moves by conditional UPDATEs, so two bookings never take one last place."""

    __tablename__ = "capacity_slots"

    slot_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consortium_id: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[str] = mapped_column(String(64))
    specialty: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    exam_type: Mapped[str] = mapped_column(String(20), default="")  # "" unless kind is exam
    day: Mapped[date] = mapped_column(Date)
    band_start: Mapped[str] = mapped_column(String(5))  # local HH:MM
    band_end: Mapped[str] = mapped_column(String(5))    # local HH:MM, 24:00 = end of day
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    overflow: Mapped[int] = mapped_column(Integer, default=0)  # bookings beyond capacity (emergencies)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_by: Mapped[str] = mapped_column(String(100))

    __table_args__ = (
        UniqueConstraint("org_id", "specialty", "kind", "exam_type", "day", "band_start", name="uq_capacity_slot"),
        # the free-capacity query: a zone's hospitals over a range of days
        Index("ix_capacity_slots_consortium_day", "consortium_id", "day"),
        # one hospital over a range of days, covering the day totals (no table reads: 17 -> 11 ms CPU for
        # 40 lines x 90 days, bench 8)
        Index("ix_capacity_slots_org_day", "org_id", "day", "specialty", "kind", "exam_type", "capacity", "booked",
              "overflow"),
    )


class BookingRow(Base):
    """A referral's hold on a slot (its visit or bed, or one exam). `slot_id` is null only for an emergency
    taken in on a day its department published nothing for."""

    __tablename__ = "capacity_bookings"

    booking_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    referral_id: Mapped[str] = mapped_column(ForeignKey("referrals.referral_id"), index=True)
    slot_id: Mapped[str | None] = mapped_column(ForeignKey("capacity_slots.slot_id"), index=True)
    org_id: Mapped[str] = mapped_column(String(64))
    specialty: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    exam_type: Mapped[str] = mapped_column(String(20), default="")
    day: Mapped[date] = mapped_column(Date)
    band_start: Mapped[str] = mapped_column(String(5))
    band_end: Mapped[str] = mapped_column(String(5))
    status: Mapped[str] = mapped_column(String(20))
    overflow: Mapped[bool] = mapped_column(Boolean, default=False)
    urgency: Mapped[str] = mapped_column(String(20))
    booked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    booked_by: Mapped[str] = mapped_column(String(100))
    slot_ends_at: Mapped[datetime] = mapped_column(UtcDateTime())  # a no-show from here plus the grace
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    release_reason: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (
        # the no-show sweep: active bookings whose slot has ended
        Index("ix_capacity_bookings_status_due", "status", "slot_ends_at"),
    )


class CapacityAuditRow(Base):
    """Audit trail of capacity: every publication, edit, booking and release, who did it and why."""

    __tablename__ = "capacity_audit"

    seq: Mapped[int] = mapped_column(_Id, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(100))  # "system" for the no-show sweep
    actor_org_id: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(30))
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    slot_id: Mapped[str | None] = mapped_column(String(36))
    booking_id: Mapped[str | None] = mapped_column(String(36))
    referral_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str] = mapped_column(Text)
