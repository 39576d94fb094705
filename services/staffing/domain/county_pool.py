"""The pooled county quota (编制总量管理、统筹使用): the county total, units' allocations, loans, reviews.

The county total is its service population × the per-mille rate (1‰), rounded down; each township
centre's quota is its allocation from it. A unit may lend unused quota to another for a period, with the
health bureau's approval: on each day of an approved loan the lender's quota is lower and the
borrower's higher by the posts lent. A unit's quota is reviewed (核定) every few years: a review is due
from `notice_days` before its date and overdue after it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Iterable

from .model import Period
from .seniority import add_years


@dataclass(frozen=True)
class PoolTotal:
    service_population: int
    total: int       # floor(population × per mille / 1000)
    allocated: int   # the units' quotas, before loans

    @property
    def unallocated(self) -> int:
        return self.total - self.allocated

    @property
    def over_allocated(self) -> bool:
        return self.allocated > self.total


class LoanStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    RETURNED = "returned"  # ended early: the posts went back before the planned end

    @property
    def binding(self) -> bool:
        """An approved loan moves posts (a returned one up to the day it was returned)."""
        return self in (LoanStatus.APPROVED, LoanStatus.RETURNED)


_LOAN_MOVES: dict[str, set[LoanStatus]] = {
    "approve": {LoanStatus.REQUESTED},
    "reject": {LoanStatus.REQUESTED},
    "cancel": {LoanStatus.REQUESTED},
    "return": {LoanStatus.APPROVED},
}


def loan_move_allowed(action: str, status: str) -> bool:
    return status in _LOAN_MOVES[action]


def loan_allowed_from(action: str) -> list[str]:
    return sorted(s.value for s in _LOAN_MOVES[action])


@dataclass(frozen=True)
class LoanSpan:
    lender: str
    borrower: str
    posts: int
    period: Period  # up to the planned end, or to the day it was returned


def lent_on(org_id: str, loans: Iterable[LoanSpan], day: date) -> int:
    """Net posts `org_id` has lent out on `day` (negative: borrowed)."""
    net = 0
    for loan in loans:
        if loan.period.contains(day):
            net += loan.posts if loan.lender == org_id else 0
            net -= loan.posts if loan.borrower == org_id else 0
    return net


def change_days(loans: Iterable[LoanSpan], span: Period) -> list[date]:
    """The days within `span` on which the loans in force may change (its first day, each loan's first
    day and the day after each loan's last): checking these covers every day of the span."""
    days = {span.start}
    for loan in loans:
        days.add(loan.period.start)
        if loan.period.end is not None and loan.period.end < date.max:
            days.add(loan.period.end + timedelta(days=1))
    return sorted(d for d in days if span.contains(d))


class ReviewState(StrEnum):
    CURRENT = "current"
    DUE = "due"
    OVERDUE = "overdue"
    NEVER_REVIEWED = "never_reviewed"


@dataclass(frozen=True)
class ReviewStatus:
    last_reviewed_on: date | None
    due_on: date | None
    state: ReviewState


def review_status(last_reviewed_on: date | None, as_of: date, period_years: int, notice_days: int) -> ReviewStatus:
    if last_reviewed_on is None:
        return ReviewStatus(None, None, ReviewState.NEVER_REVIEWED)
    due_on = add_years(last_reviewed_on, period_years)
    if as_of > due_on:
        state = ReviewState.OVERDUE
    elif as_of >= due_on - timedelta(days=notice_days):
        state = ReviewState.DUE
    else:
        state = ReviewState.CURRENT
    return ReviewStatus(last_reviewed_on, due_on, state)
