"""Request and response models of the county-wide default quota policies."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from platform_common.api_types import ResponseModel

from .schemas import In, Text

BasisPoints = Field(default=None, ge=0, le=10000, description="basis points of the quota (1800 = 18%)")


class CountyPolicyIn(In):
    """Fields left out keep the values in force the day before `effective_from`."""

    per_mille: Decimal | None = Field(default=None, gt=0, le=100, max_digits=8, decimal_places=4,
                                      description="township quota: posts per 1000 service population")
    professional_min_bp: int | None = BasisPoints
    senior_cap_bp: int | None = BasisPoints
    township_senior_cap_bp: int | None = BasisPoints
    intermediate_cap_bp: int | None = BasisPoints
    township_targeted_bp: int | None = Field(default=None, ge=0, le=10000,
                                             description="定向岗位 at township centres: basis points of the "
                                                         "professional-technical posts (1000 = 10%)")
    public_health_min: int | None = Field(default=None, ge=0, le=100,
                                          description="公共卫生医师 each township centre must have")
    seniority_service_years: int | None = Field(default=None, ge=1, le=50,
                                                description="years of township work of the seniority exemptions")
    retirement_window_years: int | None = Field(default=None, ge=0, le=20,
                                                description="years to statutory retirement of the near-retirement "
                                                            "exemption")
    village_licence_target_bp: int | None = Field(default=None, ge=0, le=10000,
                                                  description="share of village doctors holding a practising or "
                                                              "assistant physician licence, the target (4500 = 45%)")
    quota_review_years: int | None = Field(default=None, ge=1, le=10,
                                           description="a unit's quota is reviewed (核定) every this many years")
    reason: str = Text


# The effective-dated rules beside the caps, named as in the request, the response and the county version.
RULE_FIELDS = ("township_targeted_bp", "public_health_min", "seniority_service_years", "retirement_window_years",
               "village_licence_target_bp", "quota_review_years")


class CountyPolicyValues(ResponseModel):
    per_mille: str
    professional_min_bp: int
    senior_cap_bp: int
    township_senior_cap_bp: int
    intermediate_cap_bp: int
    township_targeted_bp: int
    public_health_min: int
    seniority_service_years: int
    retirement_window_years: int
    village_licence_target_bp: int
    quota_review_years: int


class CountyPolicyOut(CountyPolicyValues):
    effective_from: date
    reason: str
    created_by: str
    in_force: bool = Field(description="in force on the day asked (replaceable only while not yet in effect)")


class CountyPolicyWritten(CountyPolicyOut):
    units_in_breach: list[str] = Field(description="units this version newly leaves breaking a rule (announced)")


class CountyPolicyList(ResponseModel):
    settings: CountyPolicyValues = Field(description="the documented defaults, in force before the first version")
    versions: list[CountyPolicyOut]
