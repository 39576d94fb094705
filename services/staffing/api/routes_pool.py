"""The pooled county quota (编制统筹使用): the pool, loans of unused quota, quota reviews."""
from __future__ import annotations

from fastapi import APIRouter

from platform_common.api_types import IsoDate

from ..domain.county_pool import LoanStatus
from ..service_layer import county_pool as pool_uc
from . import schemas_pool
from .deps import Caller, Runtime
from .views import loan_out, pool_out, review_status_out

router = APIRouter(tags=["quota pool"])


@router.get("/county-quota", response_model=schemas_pool.PoolOut)
def county_quota(runtime: Runtime, caller: Caller, as_of: IsoDate | None = None):
    with runtime.read_uow() as uow:
        return pool_out(pool_uc.pool_report(uow, runtime.settings, caller, as_of or runtime.settings.today()))


@router.post("/quota-loans", status_code=201, response_model=schemas_pool.LoanOut)
def request_loan(body: schemas_pool.LoanIn, runtime: Runtime, caller: Caller):
    new = pool_uc.NewLoan(body.lender_org_id, body.borrower_org_id, body.posts, body.start_date, body.end_date,
                          body.reason)
    with runtime.uow() as uow:
        return loan_out(pool_uc.request_loan(uow, runtime.settings, caller, new, runtime.settings.today()))


@router.get("/quota-loans", response_model=list[schemas_pool.LoanOut])
def list_loans(runtime: Runtime, caller: Caller, org_id: str | None = None, status: LoanStatus | None = None):
    with runtime.read_uow() as uow:
        return [loan_out(x) for x in pool_uc.loans(uow, runtime.settings, caller, org_id,
                                                   status.value if status else None)]


@router.post("/quota-loans/{loan_id}/approve", response_model=schemas_pool.LoanOut)
def approve_loan(loan_id: str, body: schemas_pool.DecisionIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return loan_out(pool_uc.approve(uow, runtime.settings, caller, loan_id, body.reason))


@router.post("/quota-loans/{loan_id}/reject", response_model=schemas_pool.LoanOut)
def reject_loan(loan_id: str, body: schemas_pool.DecisionIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return loan_out(pool_uc.reject(uow, runtime.settings, caller, loan_id, body.reason))


@router.post("/quota-loans/{loan_id}/cancel", response_model=schemas_pool.LoanOut)
def cancel_loan(loan_id: str, body: schemas_pool.DecisionIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return loan_out(pool_uc.cancel(uow, runtime.settings, caller, loan_id, body.reason))


@router.post("/quota-loans/{loan_id}/return", response_model=schemas_pool.LoanOut)
def return_loan(loan_id: str, body: schemas_pool.ReturnIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        return loan_out(pool_uc.give_back(uow, runtime.settings, caller, loan_id, body.returned_on, body.reason))


@router.post("/units/{org_id}/quota-reviews", status_code=201, response_model=schemas_pool.ReviewOut)
def record_review(org_id: str, body: schemas_pool.ReviewIn, runtime: Runtime, caller: Caller):
    with runtime.uow() as uow:
        review = pool_uc.record_review(uow, runtime.settings, caller, org_id, body.reviewed_on, body.reason,
                                       runtime.settings.today())
        return schemas_pool.ReviewOut.model_validate(review, from_attributes=True)


@router.get("/quota-reviews", response_model=list[schemas_pool.ReviewStatusOut])
def reviews_due(runtime: Runtime, caller: Caller, as_of: IsoDate | None = None, every_unit: bool = False):
    with runtime.read_uow() as uow:
        return [review_status_out(r) for r in pool_uc.reviews_due(uow, runtime.settings, caller,
                                                                  as_of or runtime.settings.today(), every_unit)]
