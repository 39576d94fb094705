"""Response models of indicators, performance, settlements, distributions and the ledger.

Money in integer fen; scores are decimals written as text with two places at most (`"87.50"`).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from platform_common.api_types import BasisPoints, Fen, MonthCode, PeriodCode, ResponseModel, UtcInstant

from ..domain.claims import ClaimKind
from .schemas_budgets import FundPolicyOut, SplitOut

Purpose = Literal["performance_pay", "talent_training", "specialty_building"]
Basis = Literal["claims_amount", "enrolled_residents", "appraisal_score"]
Score = Decimal  # 0-100, two places at most, written as text


class ReceivedIndicators(BaseModel):
    """The referral service's last ReferralIndicatorsPublished for the period, as received. Fields a newer
    referral service may add are left out (ignored, not refused): this answer names what payment knows."""

    model_config = ConfigDict(extra="ignore")

    period: PeriodCode
    consortium_id: str
    org_id: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    county_domain_visit_rate_bp: BasisPoints | None = None
    acceptance_rate_bp: BasisPoints | None = None
    chronic_downward_share_bp: BasisPoints | None = None
    upward_count: int | None = None
    downward_count: int | None = None
    out_of_county_count: int | None = None
    median_response_minutes: int | None = None
    p90_response_minutes: int | None = None


class ReceivedIndicatorsOut(ResponseModel):
    consortium_id: str
    period: str
    indicators: ReceivedIndicators | None = Field(description="null: none received for the period yet")
    received_at: UtcInstant | None


class ScoreComponents(ResponseModel):
    """The computed score's parts, 0-100 each; null: not assessed (no data for it)."""

    fund_use: Score | None
    county_domain: Score | None
    acceptance: Score | None
    chronic_downward: Score | None


class AssessedScore(ResponseModel):
    reason: str = Field(description="the assessment (考核结果) the insurance office's score comes from")


class Figures(ResponseModel):
    """Budget of the period and spending in it (claims + capitation)."""

    consortium_id: str
    period: PeriodCode
    budget_id: str
    budget_fen: Fen
    by_kind: dict[ClaimKind, Fen] = Field(description="claims of the period by kind (kinds with claims only)")
    claims_fen: Fen
    capitation_fen: Fen
    actual_fen: Fen
    advanced_fen: Fen
    policy_version: int


class PerformancePreview(Figures):
    """What closing the period now would give, without closing it."""

    member_amounts: dict[str, Fen] = Field(description="member-outpatient claims by unit (org_id)")
    closable_from: date
    performance_score: Score | None = Field(description="null: indicators missing, see `missing`")
    components: ScoreComponents | None
    missing: str | None
    retention_ratio_bp: BasisPoints | None
    retained_fen: Fen | None
    fund_share_fen: Fen | None
    consortium_share_fen: Fen | None


class StatementDistribution(ResponseModel):
    org_id: str
    org_name: str | None
    purpose: Purpose
    basis: Basis
    weight: int
    amount_fen: Fen


class SettlementOut(Figures):
    """结算单: the statement of a closed period."""

    settlement_id: str
    first_month: MonthCode
    last_month: MonthCode
    balance_fen: Fen = Field(description="budget − actual: a surplus when positive, an overspend when negative")
    performance_score: Score
    score_source: Literal["computed", "assessed"]
    score_detail: ScoreComponents | AssessedScore
    retention_ratio_bp: BasisPoints
    retained_fen: Fen = Field(description="结余留用: the surplus the consortium keeps")
    returned_to_fund_fen: Fen
    tolerance_fen: Fen
    fund_share_fen: Fen = Field(description="超支分担: the fund's share of an overspend")
    consortium_share_fen: Fen
    split: SplitOut
    policy: FundPolicyOut
    closed_by: str
    closed_at: UtcInstant
    no_claims: bool
    notes: list[str]
    distributions: list[StatementDistribution]
    journal_entries: dict[Literal["settlement", "distribution"], str] = Field(
        description="the ledger's entries of the closing; no distribution entry when nothing was retained")


class SettlementSummary(ResponseModel):
    settlement_id: str
    period: PeriodCode
    first_month: MonthCode
    last_month: MonthCode
    budget_fen: Fen
    actual_fen: Fen
    balance_fen: Fen
    performance_score: Score
    retained_fen: Fen
    policy_version: int
    closed_at: UtcInstant


class DistributionOut(ResponseModel):
    settlement_id: str
    org_id: str
    purpose: Purpose
    consortium_id: str
    period: PeriodCode
    basis: Basis
    weight: int
    amount_fen: Fen


class AccountBalance(ResponseModel):
    account: str = Field(examples=["unit:dachang-thc"])
    kind: Literal["fund", "consortium", "unit", "external"]
    org_id: str | None
    balance_fen: Fen


class Balances(ResponseModel):
    consortium_id: str
    as_of: date | None = Field(description="end of this local day; null: now")
    accounts: list[AccountBalance]
    total_fen: Fen = Field(description="0 when the books balance")


class LedgerPostingOut(ResponseModel):
    posting_id: int
    entry_id: str
    amount_fen: Fen = Field(description="+ into the account, − out of it")
    period: MonthCode | None
    posted_at: UtcInstant
    source_type: Literal["claim", "claim_upload", "advance", "capitation", "settlement", "distribution"]
    source_id: str
    description: str


class LedgerPostingPage(ResponseModel):
    account: str
    total: int
    limit: int
    offset: int
    items: list[LedgerPostingOut]
