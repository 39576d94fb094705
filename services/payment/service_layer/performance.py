"""Performance assessment inputs: the referral indicators consumed from `referral.events`."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from platform_common.contracts import ReferralIndicatorsPublished
from platform_common.errors import InvalidInput

from ..adapters import tables as t
from ..adapters.repository import insert_ignore
from ..domain.performance import Indicators, ScoreBreakdown, performance_score
from ..domain.periods import Period
from ..domain.policy import FundPolicy
from .unit_of_work import PaymentUnitOfWork

INDICATOR_FIELDS = ("county_domain_visit_rate_bp", "acceptance_rate_bp", "chronic_downward_share_bp")


def indicators_for(uow: PaymentUnitOfWork, consortium_id: str, period: str) -> dict | None:
    row = uow.session.execute(select(t.indicators).where(
        t.indicators.c.consortium_id == consortium_id, t.indicators.c.period == period)).first()
    return dict(row._mapping) if row else None


def assess(uow: PaymentUnitOfWork, consortium_id: str, period: Period, budget_fen: int, actual_fen: int,
           policy: FundPolicy) -> ScoreBreakdown:
    row = indicators_for(uow, consortium_id, period.code)
    if row is None:
        raise InvalidInput(f"no referral indicators for {consortium_id} {period.code} yet; wait for the referral "
                           "service to publish them or give the assessed score", field="performance_score")
    indicators = Indicators(*(row[f] for f in INDICATOR_FIELDS))
    return performance_score(budget_fen, actual_fen, indicators, policy.score)


def store_indicators(uow: PaymentUnitOfWork, occurred_at: datetime, event_id: str,
                     published: ReferralIndicatorsPublished) -> None:
    """Keeps the latest publication per consortium and period (by occurred_at): events may arrive
    out of order, and an older one must not overwrite a newer one."""
    consortium_id, period = published.consortium_id, published.period
    Period.parse(period)
    values = {"consortium_id": consortium_id, "period": period, "occurred_at": occurred_at, "event_id": event_id,
              "payload": published.model_dump(mode="json"), **{f: getattr(published, f) for f in INDICATOR_FIELDS}}
    current = indicators_for(uow, consortium_id, period)
    if current is None:
        uow.session.execute(insert_ignore(uow.session, t.indicators).values(**values))
        return
    stored_at = current["occurred_at"]
    if stored_at.tzinfo is None:
        stored_at = stored_at.replace(tzinfo=occurred_at.tzinfo)
    if occurred_at > stored_at:
        uow.session.execute(t.indicators.update().where(
            t.indicators.c.consortium_id == consortium_id, t.indicators.c.period == period).values(**values))
