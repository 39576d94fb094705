"""Request and response models of a unit's quota (编制) policies and the quota report (pydantic v2)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from platform_common.api_types import BasisPoints, ResponseModel, UtcInstant
from platform_common.auth import OrgKind

from ..domain.quota import QuotaRule
from .schemas import In, Text


class QuotaPolicyIn(In):
    effective_from: date
    per_mille: Decimal | None = Field(default=None, gt=0, le=100, description="posts per 1000 population")
    quota: int | None = Field(default=None, ge=0, le=100000, description="absolute quota, wins over per_mille")
    professional_min_bp: int | None = Field(default=None, ge=0, le=10000)
    senior_cap_bp: int | None = Field(default=None, ge=0, le=10000)
    intermediate_cap_bp: int | None = Field(default=None, ge=0, le=10000)
    reason: str = Text


class QuotaPolicyOut(ResponseModel):
    org_id: str
    effective_from: date
    per_mille: str | None = Field(description="a decimal, as text")
    quota: int | None
    professional_min_bp: BasisPoints | None
    senior_cap_bp: BasisPoints | None
    intermediate_cap_bp: BasisPoints | None
    reason: str
    created_by: str


class RatioOut(ResponseModel):
    count: int
    limit: int | None
    kind: Literal["min", "max"]
    ratio_bp: BasisPoints | None = Field(description="count against the quota")
    limit_bp: BasisPoints
    ok: bool


class ViolationOut(ResponseModel):
    rule: QuotaRule
    detail: str


class QuotaReportOut(ResponseModel):
    org_id: str
    name: str
    kind: OrgKind
    as_of: date
    service_population: int | None
    quota: int | None
    filled: int
    vacant: int | None
    professional: RatioOut
    senior: RatioOut
    intermediate: RatioOut
    violations: list[ViolationOut]
    unit_policy_from: date | None = Field(default=None, description="the unit's own policy row applied, if any")
    county_policy_from: date | None = Field(default=None, description="the county version applied; null: settings")


class QuotaOverrideOut(ResponseModel):
    """The health bureau letting a person in despite a quota rule: who, which rule, why."""

    org_id: str
    staff_id: str
    name: str | None
    rule: QuotaRule
    detail: str
    reason: str
    decided_by: str
    created_at: UtcInstant
