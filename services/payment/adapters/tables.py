"""Tables of the payment service (its own database, its own migration history).

The budget is an ORM aggregate with a version column (two officers may adjust it at once);
everything written in bulk (claims, postings) is a Core table inserted with executemany.
Postings are append-only: nothing in the service updates or deletes them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, ForeignKey, Index, Integer, String,
                        Table, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from platform_common.db import UtcDateTime, new_metadata
from platform_common.messaging import plumbing_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


metadata = Base.metadata
outbox, inbox, organisations = plumbing_tables(metadata)
Fen = BigInteger


class BudgetRow(Base):
    """总额预算 of one consortium and fund year."""

    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("consortium_id", "fund_year"),)

    budget_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    consortium_id: Mapped[str] = mapped_column(String(64))
    fund_year: Mapped[int] = mapped_column(Integer)
    enrolled_population: Mapped[int] = mapped_column(Integer)
    per_capita_fen: Mapped[int] = mapped_column(Fen)
    out_of_area_reserve_fen: Mapped[int] = mapped_column(Fen)
    adjustments_fen: Mapped[int] = mapped_column(Fen, default=0)
    total_fen: Mapped[int] = mapped_column(Fen)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


budget_adjustments = Table(
    "budget_adjustments", metadata,
    Column("adjustment_id", Integer, primary_key=True, autoincrement=True),
    Column("budget_id", String(36), ForeignKey("budgets.budget_id"), nullable=False, index=True),
    Column("delta_fen", Fen, nullable=False),
    Column("total_after_fen", Fen, nullable=False),
    Column("reason", Text, nullable=False),
    Column("adjusted_by", String(100), nullable=False),
    Column("adjusted_at", UtcDateTime(), nullable=False),
)

advances = Table(
    "advances", metadata,
    Column("budget_id", String(36), ForeignKey("budgets.budget_id"), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("consortium_id", String(64), nullable=False),
    Column("amount_fen", Fen, nullable=False),
    Column("entry_id", String(36), nullable=False),
    Column("paid_by", String(100), nullable=False),
    Column("paid_at", UtcDateTime(), nullable=False),
)

policies = Table(
    "policies", metadata,
    Column("policy_id", String(36), primary_key=True),
    Column("fund_year", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("effective_from", Date, nullable=False),
    Column("params", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("fund_year", "version"),
)

claims = Table(
    "claims", metadata,
    Column("claim_no", String(64), primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("org_id", String(64), nullable=False),
    Column("consortium_id", String(64), nullable=False),
    Column("amount_fen", Fen, nullable=False),
    Column("service_date", Date, nullable=False),
    Column("period", String(7), nullable=False),  # booked month
    Column("late", Boolean, nullable=False),
    Column("source", String(20), nullable=False),  # api | upload | referral_event
    Column("upload_id", String(36), nullable=True),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("diagnosis_code", String(16), nullable=True),  # 主诊断 (ICD-10), when the file or request gave it
    # One narrow index serves settlement sums, listings and reconciliation (all scoped by consortium
    # and month); wider or extra indexes were measured to halve the bulk-import rate.
    Index("ix_claims_consortium_period", "consortium_id", "period"),
)

uploads = Table(
    "uploads", metadata,
    Column("upload_id", String(36), primary_key=True),
    Column("purpose", String(20), nullable=False),  # claims | reconciliation
    Column("filename", String(255), nullable=True),
    Column("uploaded_by", String(100), nullable=False),
    Column("uploader_org_id", String(64), nullable=False),
    Column("uploaded_at", UtcDateTime(), nullable=False),
    Column("rows", Integer, nullable=False),
    Column("inserted", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("changed", Integer, nullable=False, server_default="0"),  # roster: contracts whose end date moved
    Column("rejected", Integer, nullable=False),
    Column("amount_fen", Fen, nullable=False),
    # running while the file is being read (a job answered 202), then done or failed (with why)
    Column("status", String(10), nullable=False, server_default="done"),
    Column("failure", JSON, nullable=True),
    Column("file_format", String(10), nullable=True),  # csv | xlsx
    Column("size_bytes", BigInteger, nullable=True),
    Column("finished_at", UtcDateTime(), nullable=True),
    Index("ix_uploads_purpose_uploaded_at", "purpose", "uploaded_at"),
)

# Every rejected row of an upload (claims or reconciliation), in file order: all of them, not the first
# thousand, so the result page can list them and the errors download holds each one.
upload_errors = Table(
    "upload_errors", metadata,
    Column("upload_id", String(36), ForeignKey("uploads.upload_id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("line", Integer, nullable=False),
    Column("claim_no", String(64), nullable=True),
    Column("field", String(40), nullable=False),
    Column("reason", Text, nullable=False),
)

enrolments = Table(
    "enrolments", metadata,
    Column("org_id", String(64), primary_key=True),
    Column("effective_month", String(7), primary_key=True),
    Column("consortium_id", String(64), nullable=False),
    Column("enrolled", Integer, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
)

capitation_payments = Table(
    "capitation_payments", metadata,
    Column("org_id", String(64), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("consortium_id", String(64), nullable=False, index=True),
    Column("enrolled", Integer, nullable=False),
    Column("rate_fen", Fen, nullable=False),
    Column("amount_fen", Fen, nullable=False),
    Column("entry_id", String(36), nullable=False),
    Column("paid_by", String(100), nullable=False),
    Column("paid_at", UtcDateTime(), nullable=False),
)

indicators = Table(
    "referral_indicators", metadata,
    Column("consortium_id", String(64), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("occurred_at", UtcDateTime(), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("county_domain_visit_rate_bp", Integer, nullable=True),  # None: nothing to divide
    Column("acceptance_rate_bp", Integer, nullable=True),  # None: nothing to divide
    Column("chronic_downward_share_bp", Integer, nullable=True),  # None: nothing to divide
    Column("payload", JSON, nullable=False),
)

settlements = Table(
    "settlements", metadata,
    Column("settlement_id", String(36), primary_key=True),
    Column("consortium_id", String(64), nullable=False),
    Column("period", String(7), nullable=False),
    Column("first_month", String(7), nullable=False),
    Column("last_month", String(7), nullable=False),
    Column("budget_id", String(36), ForeignKey("budgets.budget_id"), nullable=False),
    Column("budget_fen", Fen, nullable=False),
    Column("claims_fen", Fen, nullable=False),
    Column("capitation_fen", Fen, nullable=False),
    Column("actual_fen", Fen, nullable=False),
    Column("advanced_fen", Fen, nullable=False),
    Column("balance_fen", Fen, nullable=False),
    Column("performance_score", String(8), nullable=False),  # Decimal text, two places
    Column("score_source", String(10), nullable=False),      # computed | assessed
    Column("score_detail", JSON, nullable=False),
    Column("retention_ratio_bp", Integer, nullable=False),
    Column("retained_fen", Fen, nullable=False),
    Column("returned_to_fund_fen", Fen, nullable=False),
    Column("tolerance_fen", Fen, nullable=False),
    Column("fund_share_fen", Fen, nullable=False),
    Column("consortium_share_fen", Fen, nullable=False),
    Column("split", JSON, nullable=False),
    Column("by_kind", JSON, nullable=False),
    Column("policy_version", Integer, nullable=False),  # 0: settings defaults
    Column("policy", JSON, nullable=False),
    Column("closed_by", String(100), nullable=False),
    Column("closed_at", UtcDateTime(), nullable=False),
    UniqueConstraint("consortium_id", "period"),
)

distributions = Table(
    "distributions", metadata,
    Column("settlement_id", String(36), ForeignKey("settlements.settlement_id"), primary_key=True),
    Column("org_id", String(64), primary_key=True),
    Column("purpose", String(30), primary_key=True),
    Column("consortium_id", String(64), nullable=False),
    Column("period", String(7), nullable=False),
    Column("basis", String(30), nullable=False),
    Column("weight", Fen, nullable=False),
    Column("amount_fen", Fen, nullable=False),
    Index("ix_distributions_org", "org_id"),
)

accounts = Table(
    "accounts", metadata,
    Column("code", String(80), primary_key=True),
    Column("kind", String(20), nullable=False),  # fund | consortium | unit | external
    Column("consortium_id", String(64), nullable=True, index=True),
    Column("org_id", String(64), nullable=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

journal_entries = Table(
    "journal_entries", metadata,
    Column("entry_id", String(36), primary_key=True),
    Column("consortium_id", String(64), nullable=False, index=True),
    Column("source_type", String(20), nullable=False),
    Column("source_id", String(100), nullable=False),
    Column("description", Text, nullable=False),
    Column("posted_by", String(100), nullable=False),
    Column("posted_at", UtcDateTime(), nullable=False),
    UniqueConstraint("source_type", "source_id"),
)

postings = Table(
    "postings", metadata,
    Column("posting_id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("entry_id", String(36), ForeignKey("journal_entries.entry_id"), nullable=False, index=True),
    Column("account_code", String(80), ForeignKey("accounts.code"), nullable=False),
    Column("amount_fen", Fen, nullable=False),
    Column("period", String(7), nullable=True),
    Column("posted_at", UtcDateTime(), nullable=False),
    Index("ix_postings_account_posted", "account_code", "posted_at"),
)

reconciliations = Table(
    "reconciliations", metadata,
    Column("recon_id", String(36), primary_key=True),
    Column("consortium_id", String(64), nullable=False, index=True),
    Column("period", String(7), nullable=False),
    Column("upload_id", String(36), ForeignKey("uploads.upload_id"), nullable=False),
    Column("summary", JSON, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

reconciliation_rows = Table(
    "reconciliation_rows", metadata,
    Column("recon_id", String(36), ForeignKey("reconciliations.recon_id"), primary_key=True),
    Column("claim_no", String(64), primary_key=True),
    Column("amount_fen", Fen, nullable=False),
    Column("line", Integer, nullable=False),
)


def upload_columns(purpose: str) -> list:
    """An upload row's columns as its purpose reports them: `changed` is the roster's alone."""
    return [c for c in uploads.c if purpose == "roster" or c.name != "changed"]
