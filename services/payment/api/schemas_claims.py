"""Response models of claims, enrolments and capitation (pydantic v2). Money in integer fen."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from platform_common.api_types import Fen, MonthCode, ResponseModel, UtcInstant

from ..domain.claims import ClaimKind


class ClaimOut(ResponseModel):
    claim_no: str
    kind: ClaimKind
    org_id: str
    consortium_id: str
    amount_fen: Fen
    service_date: date
    period: MonthCode = Field(description="the month it is booked in (the next open one when late)")
    late: bool = Field(description="its service month was already settled: booked into a later month")
    source: Literal["api", "upload", "referral_event"]
    upload_id: str | None
    recorded_by: str
    recorded_at: UtcInstant
    diagnosis_code: str | None = Field(description="主诊断 (ICD-10), when the file or request gave it")


class ClaimPage(ResponseModel):
    total: int
    amount_fen: Fen = Field(description="the sum over every claim matching the filters, not only this page")
    limit: int
    offset: int
    items: list[ClaimOut]


class EnrolmentOut(ResponseModel):
    """签约: contracted residents of a primary unit from a month on."""

    org_id: str
    effective_month: MonthCode
    consortium_id: str
    enrolled: int
    recorded_by: str
    recorded_at: UtcInstant


class CapitationPaymentOut(ResponseModel):
    """按人头付费: one unit's capitation for one month."""

    org_id: str
    period: MonthCode
    consortium_id: str
    enrolled: int
    rate_fen: Fen
    amount_fen: Fen
    entry_id: str
    paid_by: str
    paid_at: UtcInstant


class CapitationRunPaymentOut(CapitationPaymentOut):
    """A unit's payment by this run: `enrolled` is the unit's month total so far (contracts or typed count)."""

    basis: Literal["roster", "enrolments"] = Field(description="contracts active in the month, or the typed count")
    contracts: int = Field(description="contracts this run paid the unit for (0 on the typed count)")
    capitation_fen: Fen = Field(description="this run's capitation to the unit")
    fee_fund_fen: Fen = Field(description="the fund's share of the fees of contracts first paid")


class CapitationRunOut(ResponseModel):
    consortium_id: str
    period: MonthCode
    policy_version: int
    rate_fen: Fen
    run_id: str | None = Field(description="the roster run (GET /capitation/runs/{run_id}/contracts); null when "
                                           "no contract was due")
    contracts: int = Field(description="contracts paid by this run")
    paid: list[CapitationRunPaymentOut]
    already_paid: list[str] = Field(description="units paid for the month before this run")
