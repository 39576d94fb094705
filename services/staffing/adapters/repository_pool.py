"""Queries of the pooled county quota: loans of unused quota between units, and quota reviews."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..domain.county_pool import LoanSpan, LoanStatus
from ..domain.model import Period
from .tables import QuotaLoan, QuotaReview


def span_of(loan: QuotaLoan) -> LoanSpan:
    """The days a binding loan moves posts: up to its planned end, or to the day it was returned."""
    return LoanSpan(loan.lender_org_id, loan.borrower_org_id, loan.posts,
                    Period(loan.start_date, loan.returned_on or loan.end_date))


class PoolRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: QuotaLoan | QuotaReview) -> None:
        self.session.add(row)
        self.session.flush()

    def loan(self, loan_id: str) -> QuotaLoan | None:
        return self.session.get(QuotaLoan, loan_id)

    def loans(self, *, org_id: str | None = None, status: str | None = None) -> list[QuotaLoan]:
        """Loans (of a unit, either side), newest first."""
        query = select(QuotaLoan)
        if org_id:
            query = query.where(or_(QuotaLoan.lender_org_id == org_id, QuotaLoan.borrower_org_id == org_id))
        if status:
            query = query.where(QuotaLoan.status == status)
        return list(self.session.scalars(query.order_by(QuotaLoan.requested_at.desc(), QuotaLoan.loan_id)))

    def binding(self, org_id: str | None = None) -> list[LoanSpan]:
        """The loans that move posts (approved, or returned up to their return), of a unit or all."""
        query = select(QuotaLoan).where(QuotaLoan.status.in_([s.value for s in LoanStatus if s.binding]))
        if org_id:
            query = query.where(or_(QuotaLoan.lender_org_id == org_id, QuotaLoan.borrower_org_id == org_id))
        return [span_of(loan) for loan in self.session.scalars(query)]

    def last_reviews(self, as_of: date) -> dict[str, date]:
        """Each unit's latest review on or before `as_of`."""
        rows = self.session.execute(select(QuotaReview.org_id, func.max(QuotaReview.reviewed_on))
                                    .where(QuotaReview.reviewed_on <= as_of).group_by(QuotaReview.org_id))
        return {org_id: day for org_id, day in rows}

    def reviews(self, org_id: str) -> list[QuotaReview]:
        return list(self.session.scalars(select(QuotaReview).where(QuotaReview.org_id == org_id)
                                         .order_by(QuotaReview.reviewed_on.desc(), QuotaReview.review_id.desc())))
