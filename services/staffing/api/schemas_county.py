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
    reason: str = Text


class CountyPolicyValues(ResponseModel):
    per_mille: str
    professional_min_bp: int
    senior_cap_bp: int
    township_senior_cap_bp: int
    intermediate_cap_bp: int


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
