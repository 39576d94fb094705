"""Performance assessment inputs: the referral indicators consumed from `referral.events`."""
from __future__ import annotations

from datetime import datetime

from platform_common.auth import Principal
from platform_common.contracts import ReferralIndicatorsPublished
from platform_common.errors import InvalidInput

from ..domain.performance import Indicators, ScoreBreakdown, performance_score
from ..domain.periods import Period
from ..domain.policy import FundPolicy
from .access import require_consortium_reader
from .unit_of_work import PaymentUnitOfWork

INDICATOR_FIELDS = ("county_domain_visit_rate_bp", "acceptance_rate_bp", "chronic_downward_share_bp")


def received(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str, period: str) -> dict | None:
    """The latest indicators received for the consortium and period (None before any)."""
    require_consortium_reader(principal, consortium_id)
    return uow.indicators.of_period(consortium_id, period)


def assess(uow: PaymentUnitOfWork, consortium_id: str, period: Period, budget_fen: int, actual_fen: int,
           policy: FundPolicy) -> ScoreBreakdown:
    row = uow.indicators.of_period(consortium_id, period.code)
    if row is None:
        raise InvalidInput(f"no referral indicators for {consortium_id} {period.code} yet; wait for the referral "
                           "service to publish them or give the assessed score", field="performance_score")
    indicators = Indicators(**{f: row[f] for f in INDICATOR_FIELDS})
    return performance_score(budget_fen, actual_fen, indicators, policy.score)


def store_indicators(uow: PaymentUnitOfWork, occurred_at: datetime, event_id: str,
                     published: ReferralIndicatorsPublished) -> None:
    """Keeps the latest publication per consortium and period (by occurred_at): events may arrive
    out of order, and an older one must not overwrite a newer one."""
    consortium_id, period = published.consortium_id, published.period
    Period.parse(period)
    values = {"consortium_id": consortium_id, "period": period, "occurred_at": occurred_at, "event_id": event_id,
              "payload": published.model_dump(mode="json"), **{f: getattr(published, f) for f in INDICATOR_FIELDS}}
    current = uow.indicators.of_period(consortium_id, period)
    if current is None:
        uow.indicators.add(values)
        return
    stored_at = current["occurred_at"]
    if stored_at.tzinfo is None:
        stored_at = stored_at.replace(tzinfo=occurred_at.tzinfo)
    if occurred_at > stored_at:
        uow.indicators.replace(values)
