"""Request and response models of the pooled county quota: loans, the pool report, reviews."""
from __future__ import annotations

from datetime import date

from pydantic import Field

from platform_common.api_types import ResponseModel, UtcInstant
from platform_common.auth import OrgKind

from ..domain.county_pool import LoanStatus, ReviewState
from .schemas import In, Text


class LoanIn(In):
    lender_org_id: str = Field(min_length=1, max_length=64)
    borrower_org_id: str = Field(min_length=1, max_length=64)
    posts: int = Field(ge=1, le=1000)
    start_date: date
    end_date: date
    reason: str = Text


class DecisionIn(In):
    reason: str = Text


class ReturnIn(In):
    returned_on: date = Field(description="the loan's last day: the posts go back the day after")
    reason: str = Text


class LoanOut(ResponseModel):
    loan_id: str
    lender_org_id: str
    borrower_org_id: str
    posts: int
    start_date: date
    end_date: date
    returned_on: date | None
    status: LoanStatus
    reason: str
    requested_by: str
    requested_at: UtcInstant
    decided_by: str | None
    decided_at: UtcInstant | None
    decision_reason: str | None


class UnitShareOut(ResponseModel):
    org_id: str
    name: str
    service_population: int | None
    allocation: int | None = Field(description="the unit's quota before loans")
    lent: int = Field(description="posts lent out on the day, net of those borrowed (negative: borrowed)")
    quota: int | None = Field(description="the quota it fills against that day")
    filled: int
    unused: int | None


class PoolOut(ResponseModel):
    as_of: date
    service_population: int = Field(description="the township centres' service population")
    total: int = Field(description="the county total: population × per mille / 1000, rounded down")
    allocated: int = Field(description="the townships' allocations (quotas before loans)")
    unallocated: int
    over_allocated: bool
    units: list[UnitShareOut]
    loans: list[LoanOut] = Field(description="loans moving posts on the day")


class ReviewIn(In):
    reviewed_on: date
    reason: str = Text


class ReviewOut(ResponseModel):
    org_id: str
    reviewed_on: date
    quota: int | None
    reason: str
    reviewed_by: str
    created_at: UtcInstant


class ReviewStatusOut(ResponseModel):
    org_id: str
    name: str
    kind: OrgKind
    last_reviewed_on: date | None
    due_on: date | None
    state: ReviewState
