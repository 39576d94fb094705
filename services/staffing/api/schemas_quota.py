"""Request and response models of a unit's quota (编制) policies and the quota report (pydantic v2)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import Field

from platform_common.api_types import BasisPoints, ResponseModel, UtcInstant
from platform_common.auth import OrgKind

from ..domain.model import TitleLevel
from ..domain.quota import QuotaRule
from ..domain.seniority import Exemption
from .schemas import In, Text


class QuotaPolicyIn(In):
    effective_from: date
    per_mille: Decimal | None = Field(default=None, gt=0, le=100, description="posts per 1000 population")
    quota: int | None = Field(default=None, ge=0, le=100000, description="absolute quota, wins over per_mille")
    professional_min_bp: int | None = Field(default=None, ge=0, le=10000)
    senior_cap_bp: int | None = Field(default=None, ge=0, le=10000)
    intermediate_cap_bp: int | None = Field(default=None, ge=0, le=10000)
    professional_posts: int | None = Field(default=None, ge=0, le=100000,
                                           description="专业技术岗位总量, the caps' base: between the least share of "
                                                       "the quota and the quota (default: the least share)")
    targeted_bp: int | None = Field(default=None, ge=0, le=10000,
                                    description="定向岗位 as a share of the professional-technical posts")
    reason: str = Text


class QuotaPolicyOut(ResponseModel):
    org_id: str
    effective_from: date
    per_mille: str | None = Field(description="a decimal, as text")
    quota: int | None
    professional_min_bp: BasisPoints | None
    senior_cap_bp: BasisPoints | None
    intermediate_cap_bp: BasisPoints | None
    professional_posts: int | None
    targeted_bp: BasisPoints | None
    reason: str
    created_by: str


class RatioOut(ResponseModel):
    count: int
    limit: int | None
    kind: Literal["min", "max"]
    ratio_bp: BasisPoints | None = Field(description="count against its base: the quota for the professional "
                                                    "share, the professional-technical posts for the title caps")
    limit_bp: BasisPoints
    ok: bool


class ViolationOut(ResponseModel):
    rule: QuotaRule
    detail: str


class ExemptOut(ResponseModel):
    """A person not counted in their level's cap on the day, with the reason (a seniority exemption)."""

    staff_id: str
    name: str
    title_level: TitleLevel
    exemption: Exemption
    reason: str


class QuotaReportOut(ResponseModel):
    org_id: str
    name: str
    kind: OrgKind
    as_of: date
    service_population: int | None
    quota: int | None
    professional_posts: int | None = Field(description="专业技术岗位总量: the base of the title caps")
    filled: int
    vacant: int | None
    professional: RatioOut
    senior: RatioOut = Field(description="seniors counted in the cap (not in targeted posts, not exempt)")
    intermediate: RatioOut = Field(description="intermediates counted in the cap (not exempt)")
    targeted: RatioOut = Field(description="定向岗位 held, against their share of the professional-technical posts")
    seniors_total: int = Field(description="every senior, counted in the cap or not")
    intermediates_total: int = Field(description="every intermediate, counted in the cap or not")
    exempt: list[ExemptOut] = Field(description="people outside their level's cap on the day, with the reason")
    public_health_physicians: int = Field(description="公共卫生医师 working at the unit on the day")
    public_health_min: int = Field(description="the least the rule asks (township centres)")
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
