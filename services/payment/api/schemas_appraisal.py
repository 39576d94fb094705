"""Response models of the appraisal and the primary units' share of the fund (pydantic v2)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from platform_common.api_types import Fen, MonthCode, ResponseModel


class IndicatorResultOut(ResponseModel):
    code: str
    name: str
    source: Literal["referral", "claims", "roster", "settlement"]
    direction: Literal["higher", "lower"]
    rule: Literal["proportional", "threshold"]
    value: int | None = Field(description="in the indicator's unit (bp, minutes); null: no data, not assessed")
    target: int
    weight_bp: int
    points: str | None = Field(description="0–100, two places; null when not assessed")


class AppraisalOut(ResponseModel):
    org_id: str | None = Field(description="null: the whole consortium")
    score: str | None = Field(description="Σ weight × points over the assessed indicators; null: none assessed")
    indicators: list[IndicatorResultOut]


class AppraisalReportOut(ResponseModel):
    consortium_id: str
    period: str
    policy_version: int
    consortium: AppraisalOut
    units: list[AppraisalOut]


class PrimaryShareMonthOut(ResponseModel):
    month: MonthCode
    primary_claims_fen: Fen
    capitation_fen: Fen
    all_payments_fen: Fen
    share_bp: int | None


class PrimaryShareOut(ResponseModel):
    consortium_id: str
    period: str
    primary_claims_fen: Fen = Field(description="member-outpatient claims of township centres and village clinics")
    capitation_fen: Fen = Field(description="capitation (and the fund's share of contract fees), all to them")
    all_payments_fen: Fen = Field(description="every claim, of every kind, and every capitation payment")
    share_bp: int | None
    months: list[PrimaryShareMonthOut]


class ChronicMonthOut(ResponseModel):
    month: str
    at_primary: int = Field(description="chronic claims charged to township centres and village clinics")
    total: int = Field(description="all claims with a hypertension (I10–I15) or diabetes (E10–E14) main diagnosis")
    rate_bp: int | None = Field(description="at_primary / total, basis points; null without such claims")


class ChronicUnitOut(ResponseModel):
    org_id: str
    primary_unit: bool
    chronic_claims: int


class ChronicVisitsOut(ResponseModel):
    consortium_id: str
    period: str
    at_primary: int
    total: int
    rate_bp: int | None
    months: list[ChronicMonthOut]
    units: list[ChronicUnitOut]
