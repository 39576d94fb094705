"""The pooled county quota (编制总量管理、统筹使用): the county total and the townships' allocations, loans of
unused quota between units decided by the health bureau, and the quota reviews (核定) due or overdue."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from platform_common.auth import OrgKind, Principal
from platform_common.contracts import STAFFING_TOPIC, StaffingEvent
from platform_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from platform_common.events import utcnow
from platform_common.org_directory import Organisation

from ..adapters.repository_pool import span_of
from ..adapters.tables import QuotaLoan, QuotaReview
from ..domain.county_pool import (LoanStatus, PoolTotal, ReviewStatus, change_days, loan_allowed_from,
                                  loan_move_allowed, review_status)
from ..domain.model import Period
from ..domain.quota import township_quota
from ..domain.seniority import add_years
from ..settings import StaffingSettings
from .access import is_bureau_hr, is_unit_manager_of, require_bureau_hr, require_reader_of_all
from .post_counts import county_defaults
from .quota import STAFFED_KINDS, resolve_policy, staffed_unit
from .unit_of_work import StaffingUnitOfWork


@dataclass(frozen=True)
class NewLoan:
    lender_org_id: str
    borrower_org_id: str
    posts: int
    start_date: date
    end_date: date
    reason: str


def request_loan(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, new: NewLoan,
                 today: date) -> QuotaLoan:
    """Either unit's manager, or the bureau, asks; the bureau decides."""
    lender = staffed_unit(uow, new.lender_org_id, "lender_org_id")
    borrower = staffed_unit(uow, new.borrower_org_id, "borrower_org_id")
    if lender.org_id == borrower.org_id:
        raise InvalidInput("a unit lends to another unit", field="borrower_org_id")
    if not (is_bureau_hr(principal) or is_unit_manager_of(principal, lender.org_id, borrower.org_id)):
        raise Forbidden("a loan of quota is asked for by either unit's manager or the health bureau's HR office")
    if new.end_date < new.start_date:
        raise InvalidInput("end_date is before start_date", field="end_date")
    if new.start_date < today:
        raise InvalidInput("a loan starts today or later", field="start_date")
    loan = QuotaLoan(loan_id=str(uuid.uuid4()), lender_org_id=lender.org_id, borrower_org_id=borrower.org_id,
                     posts=new.posts, start_date=new.start_date, end_date=new.end_date,
                     status=LoanStatus.REQUESTED.value, reason=new.reason, requested_by=principal.username,
                     requested_at=utcnow())
    uow.pool.add(loan)
    uow.record(STAFFING_TOPIC, StaffingEvent.QUOTA_LOAN_REQUESTED, "quota_loan", loan.loan_id, {
        "loan_id": loan.loan_id, "lender_org_id": lender.org_id, "borrower_org_id": borrower.org_id,
        "posts": loan.posts, "start_date": loan.start_date.isoformat(), "end_date": loan.end_date.isoformat(),
    }, org_id=lender.org_id)
    uow.commit()
    return loan


def _load(uow: StaffingUnitOfWork, loan_id: str, action: str) -> QuotaLoan:
    loan = uow.pool.loan(loan_id)
    if loan is None:
        raise NotFound(f"no quota loan {loan_id}")
    if not loan_move_allowed(action, loan.status):
        raise Conflict(f"cannot {action} a quota loan that is {loan.status}", state=loan.status,
                       allowed_from=loan_allowed_from(action))
    return loan


def _decide(uow: StaffingUnitOfWork, principal: Principal, loan: QuotaLoan, status: LoanStatus, reason: str) -> None:
    loan.status, loan.decided_by, loan.decided_at, loan.decision_reason = (status.value, principal.username, utcnow(),
                                                                           reason)
    uow.record(STAFFING_TOPIC, StaffingEvent.QUOTA_LOAN_DECIDED, "quota_loan", loan.loan_id, {
        "loan_id": loan.loan_id, "lender_org_id": loan.lender_org_id, "borrower_org_id": loan.borrower_org_id,
        "posts": loan.posts, "decision": status.value, "decided_by": principal.username, "reason": reason,
        "effective_end": (loan.returned_on or loan.end_date).isoformat(),
    }, org_id=loan.lender_org_id)
    uow.commit()


def approve(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, loan_id: str,
            reason: str) -> QuotaLoan:
    """The bureau approves if the lender keeps the posts unused on every day of the loan: its quota then (net of
    its other loans) less these posts still holds everyone established there from the first day on."""
    require_bureau_hr(principal)
    loan = _load(uow, loan_id, "approve")
    lender = staffed_unit(uow, loan.lender_org_id, "lender_org_id")
    uow.quota.lock_unit(lender.org_id)
    period = Period(loan.start_date, loan.end_date)
    filled = uow.quota.establishment(lender.org_id, loan.start_date, onward=True).filled
    for day in change_days([*uow.pool.binding(lender.org_id), span_of(loan)], period):
        quota = resolve_policy(uow, settings, lender, day).policy.quota
        if quota is None or quota - loan.posts < filled:
            raise Conflict(f"{lender.org_id} has {0 if quota is None else max(0, quota - filled)} unused posts on "
                           f"{day.isoformat()} ({filled} filled of {quota}), fewer than the {loan.posts} to lend",
                           rule="unused_quota", org_id=lender.org_id)
    _decide(uow, principal, loan, LoanStatus.APPROVED, reason)
    return loan


def reject(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, loan_id: str,
           reason: str) -> QuotaLoan:
    require_bureau_hr(principal)
    loan = _load(uow, loan_id, "reject")
    _decide(uow, principal, loan, LoanStatus.REJECTED, reason)
    return loan


def cancel(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, loan_id: str,
           reason: str) -> QuotaLoan:
    loan = _load(uow, loan_id, "cancel")
    if not (is_bureau_hr(principal) or is_unit_manager_of(principal, loan.lender_org_id, loan.borrower_org_id)):
        raise Forbidden("a loan of quota is withdrawn by either unit's manager or the health bureau's HR office")
    _decide(uow, principal, loan, LoanStatus.CANCELLED, reason)
    return loan


def give_back(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, loan_id: str,
              last_day: date, reason: str) -> QuotaLoan:
    """End an approved loan early: the posts go back after `last_day`, if the borrower does not use them then."""
    require_bureau_hr(principal)
    loan = _load(uow, loan_id, "return")
    if not loan.start_date <= last_day < loan.end_date:
        raise InvalidInput(f"the last day of an early return lies from {loan.start_date.isoformat()} to before "
                           f"{loan.end_date.isoformat()}", field="returned_on")
    borrower = staffed_unit(uow, loan.borrower_org_id, "borrower_org_id")
    uow.quota.lock_unit(borrower.org_id)
    day = last_day + timedelta(days=1)
    quota = resolve_policy(uow, settings, borrower, day).policy.quota or 0
    filled = uow.quota.establishment(borrower.org_id, day, onward=True).filled
    if filled > quota - loan.posts:
        raise Conflict(f"{borrower.org_id} fills {filled} posts from {day.isoformat()}; without the {loan.posts} "
                       f"borrowed its quota is {quota - loan.posts}", rule="quota_in_use", org_id=borrower.org_id)
    loan.returned_on = last_day
    _decide(uow, principal, loan, LoanStatus.RETURNED, reason)
    return loan


def loans(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, org_id: str | None,
          status: str | None) -> list[QuotaLoan]:
    if not (is_unit_manager_of(principal, org_id)):
        require_reader_of_all(principal, settings, "the county's quota loans are")
    return uow.pool.loans(org_id=org_id, status=status)


@dataclass(frozen=True)
class UnitShare:
    org: Organisation
    allocation: int | None  # the unit's quota before loans
    lent: int               # net posts lent out on the day (negative: borrowed)
    quota: int | None       # what it may fill that day
    filled: int


@dataclass(frozen=True)
class PoolReport:
    as_of: date
    total: PoolTotal
    units: list[UnitShare]
    loans: list[QuotaLoan]  # binding on the day


def pool_report(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, as_of: date) -> PoolReport:
    """The 1‰ total of the townships' service population and each township's allocation from it, with the loans
    in force (county hospitals' quotas are set apart, by their own policy rows)."""
    require_reader_of_all(principal, settings, "the county quota pool is")
    towns = [o for o in uow.orgs.all(uow.session) if o.kind is OrgKind.TOWNSHIP_CENTRE]
    population = sum(o.service_population or 0 for o in towns)
    total = township_quota(population, county_defaults(uow, settings, as_of).per_mille)
    units = []
    for org in towns:
        resolved = resolve_policy(uow, settings, org, as_of)
        quota = resolved.policy.quota
        allocation = None if quota is None else quota + resolved.lent
        units.append(UnitShare(org, allocation, resolved.lent, quota, uow.quota.establishment(org.org_id, as_of).filled))
    binding = [loan for loan in uow.pool.loans() if LoanStatus(loan.status).binding
               and span_of(loan).period.contains(as_of)]
    return PoolReport(as_of, PoolTotal(population, total, sum(u.allocation or 0 for u in units)), units, binding)


def record_review(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, org_id: str,
                  reviewed_on: date, reason: str, today: date) -> QuotaReview:
    require_bureau_hr(principal)
    org = staffed_unit(uow, org_id, "org_id")
    if reviewed_on > today:
        raise InvalidInput("record a review once it has taken place", field="reviewed_on")
    quota = resolve_policy(uow, settings, org, reviewed_on).policy.quota
    review = QuotaReview(org_id=org.org_id, reviewed_on=reviewed_on, quota=quota, reason=reason,
                         reviewed_by=principal.username, created_at=utcnow())
    uow.pool.add(review)
    due = add_years(reviewed_on, county_defaults(uow, settings, reviewed_on).quota_review_years)
    uow.record(STAFFING_TOPIC, StaffingEvent.QUOTA_REVIEWED, "unit_quota", org.org_id, {
        "org_id": org.org_id, "reviewed_on": reviewed_on.isoformat(), "quota": quota, "next_due_on": due.isoformat(),
    }, org_id=org.org_id)
    uow.commit()
    return review


@dataclass(frozen=True)
class UnitReview:
    org: Organisation
    status: ReviewStatus


def reviews_due(uow: StaffingUnitOfWork, settings: StaffingSettings, principal: Principal, as_of: date,
                every_unit: bool) -> list[UnitReview]:
    """Units whose quota review is due (within the notice days), overdue or never recorded; `every_unit` lists
    the current ones too."""
    require_reader_of_all(principal, settings, "quota reviews are")
    period = county_defaults(uow, settings, as_of).quota_review_years
    last = uow.pool.last_reviews(as_of)
    out = []
    for org in uow.orgs.all(uow.session):
        if org.kind not in STAFFED_KINDS or resolve_policy(uow, settings, org, as_of).policy.quota is None:
            continue  # a unit with no quota has nothing to review
        status = review_status(last.get(org.org_id), as_of, period, settings.quota_review_notice_days)
        if every_unit or status.state.value != "current":
            out.append(UnitReview(org, status))
    return out
