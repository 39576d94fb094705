"""Request bodies (pydantic v2). Money is StrictInt fen: a JSON 12.5 is refused, never rounded."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StrictInt

from platform_common.api_types import RequestBody

from ..domain.claims import ClaimKind

Fen = Annotated[StrictInt, Field(ge=0, le=10**15)]
Bp = Annotated[StrictInt, Field(ge=0, le=10_000)]
Id = Annotated[str, Field(min_length=1, max_length=64)]
# Years of the fund-year range (2000-2100); year 0 is no date at all.
Month = Annotated[str, Field(pattern=r"^(20\d{2}|2100)-(0[1-9]|1[0-2])$")]
PeriodCode = Annotated[str, Field(pattern=r"^(20\d{2}|2100)(-(0[1-9]|1[0-2]|Q[1-4]))?$")]
Reason = Annotated[str, Field(min_length=2, max_length=500)]
KeyGroupCode = Literal["elderly", "hypertension", "diabetes", "pregnant", "children", "disabled", "severe_mental",
                       "tuberculosis", "poverty_relief", "family_planning"]
Code = Annotated[str, Field(min_length=1, max_length=40)]


class Body(RequestBody):
    """Unknown fields and look-alike values (a number for a date, `false` for a number) are refused."""


class BudgetCreate(Body):
    consortium_id: Id
    fund_year: Annotated[int, Field(ge=2000, le=2100)]
    enrolled_population: Annotated[StrictInt, Field(ge=0, le=100_000_000)]
    per_capita_fen: Fen
    out_of_area_reserve_fen: Fen = 0
    note: Annotated[str | None, Field(max_length=500)] = None


class AdjustmentCreate(Body):
    delta_fen: Annotated[StrictInt, Field(ge=-10**15, le=10**15)]
    reason: Reason
    expected_version: int | None = None


class ScoreParams(Body):
    fund_use_bp: Bp | None = None
    county_domain_bp: Bp | None = None
    acceptance_bp: Bp | None = None
    chronic_downward_bp: Bp | None = None
    county_domain_target_bp: Bp | None = None
    chronic_downward_target_bp: Bp | None = None
    overspend_penalty_points_per_pct: Annotated[StrictInt, Field(ge=0, le=100)] | None = None


class PackageFeeModel(Body):
    fee_fen_per_year: Annotated[StrictInt, Field(ge=0, le=10**9)]
    fund_bp: Annotated[StrictInt, Field(ge=0, le=10_000)]
    public_health_bp: Annotated[StrictInt, Field(ge=0, le=10_000)]
    resident_bp: Annotated[StrictInt, Field(ge=0, le=10_000)]


class PrimaryCareParams(Body):
    """The roster's part of a policy version; fields left out keep the defaults."""

    key_group_weights_bp: dict[KeyGroupCode, Annotated[StrictInt, Field(ge=0, le=100_000)]] | None = None
    packages: dict[Code, PackageFeeModel] | None = None
    coverage_target_bp: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = None


class IndicatorModel(Body):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=100)]
    source: Literal["referral", "claims", "roster", "settlement"]
    direction: Literal["higher", "lower"]
    target: Annotated[StrictInt, Field(gt=0, le=10**9)]
    weight_bp: Annotated[StrictInt, Field(ge=0, le=10_000)]
    rule: Literal["proportional", "threshold"] = "proportional"


class AppraisalParams(Body):
    """The appraisal catalogue of a policy version (replaces the whole catalogue; weights add up to 10000)."""

    indicators: list[IndicatorModel] = Field(min_length=1, max_length=50)


class PolicyCreate(Body):
    """Fields left out keep the defaults of the settings."""

    fund_year: Annotated[int, Field(ge=2000, le=2100)]
    effective_from: date
    reason: Reason
    retention_bands: list[tuple[Annotated[int, Field(ge=0, le=100)], Bp]] | None = None
    overspend_tolerance_bp: Bp | None = None
    fund_share_within_tolerance_bp: Bp | None = None
    split_bp: dict[str, Bp] | None = None
    capitation_fen_per_resident_month: Fen | None = None
    distribution_basis: str | None = None
    score: ScoreParams | None = None
    # the roster's part and the appraisal catalogue (schemas_roster.PrimaryCareParams / AppraisalParams)
    primary_care: PrimaryCareParams | None = None
    appraisal: AppraisalParams | None = None


class ClaimCreate(Body):
    claim_no: Id
    kind: ClaimKind
    org_id: Id
    amount_fen: Annotated[StrictInt, Field(gt=0, le=10**15)]
    service_date: date
    diagnosis_code: str | None = Field(default=None, max_length=16,
                                       description="主诊断, ICD-10 (I10, E11.9); counts the 两慢病 claims of the appraisal")


class EnrolmentSet(Body):
    effective_month: Month
    enrolled: Annotated[StrictInt, Field(ge=0, le=10_000_000)]


class CapitationRun(Body):
    consortium_id: Id
    period: Month


class SettlementCreate(Body):
    consortium_id: Id
    period: PeriodCode
    # 考核结果 given by the insurance office; without it the score is computed from the indicators.
    performance_score: Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)] | None = None
    score_reason: Annotated[str | None, Field(max_length=500)] = None
