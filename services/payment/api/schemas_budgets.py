"""Response models of budgets, advances and fund-year policies (pydantic v2). Money in integer fen."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from platform_common.api_types import BasisPoints, Fen, MonthCode, ResponseModel, UtcInstant

from .schemas_roster import AppraisalOut, PrimaryCareOut


class CompositionOut(ResponseModel):
    """How the total was built: population × per-capita + the out-of-area reserve + negotiated changes."""

    enrolled_population: int
    per_capita_fen: Fen
    population_part_fen: Fen
    out_of_area_reserve_fen: Fen
    adjustments_fen: Fen


class AdjustmentOut(ResponseModel):
    """谈判协商: one negotiated change of the total, with who, when and why."""

    delta_fen: Fen
    total_after_fen: Fen
    reason: str
    adjusted_by: str
    adjusted_at: UtcInstant


class ScheduledAdvanceOut(ResponseModel):
    """预拨: one month of the advance schedule, and what was paid for it."""

    month: MonthCode
    scheduled_fen: Fen
    settled: bool = Field(description="the month is in a settled period: the settlement paid its budget")
    paid_fen: Fen | None
    paid_at: UtcInstant | None


class BudgetOut(ResponseModel):
    budget_id: str
    consortium_id: str
    fund_year: int
    version: int = Field(description="send it back as expected_version with an adjustment")
    composition: CompositionOut
    total_fen: Fen
    note: str | None
    created_by: str
    created_at: UtcInstant
    adjustments: list[AdjustmentOut]
    advance_schedule: list[ScheduledAdvanceOut]


class AdvanceOut(ResponseModel):
    budget_id: str
    month: MonthCode
    consortium_id: str
    amount_fen: Fen
    entry_id: str = Field(description="the ledger's journal entry (empty for a month of 0 fen)")
    paid_by: str
    paid_at: UtcInstant


class ScoreWeightsOut(ResponseModel):
    """Weights (summing to 10000 bp) and targets of the performance score."""

    fund_use_bp: BasisPoints
    county_domain_bp: BasisPoints
    acceptance_bp: BasisPoints
    chronic_downward_bp: BasisPoints
    county_domain_target_bp: BasisPoints
    chronic_downward_target_bp: BasisPoints
    overspend_penalty_points_per_pct: int


class SplitOut(ResponseModel):
    """How the retained surplus is split by purpose (bp of it, or fen of it in a statement)."""

    performance_pay: int
    talent_training: int
    specialty_building: int


class FundPolicyOut(ResponseModel):
    retention_bands: list[tuple[int, int]] = Field(
        description="(minimum score, retention ratio bp), highest band first: 结余留用 by score")
    overspend_tolerance_bp: BasisPoints
    fund_share_within_tolerance_bp: BasisPoints = Field(description="超支分担: the fund's share within tolerance")
    split_bp: SplitOut
    capitation_fen_per_resident_month: Fen
    distribution_basis: Literal["claims_amount", "enrolled_residents", "appraisal_score"]
    score: ScoreWeightsOut
    primary_care: PrimaryCareOut
    appraisal: AppraisalOut


class PolicyVersionOut(ResponseModel):
    policy_id: str
    fund_year: int
    version: int
    effective_from: date
    params: FundPolicyOut
    reason: str
    created_by: str
    created_at: UtcInstant


class EffectivePolicyOut(ResponseModel):
    on: date
    version: int = Field(description="0: the settings' defaults, no version saved yet")
    source: Literal["settings defaults", "policy version"]
    policy: FundPolicyOut
