"""Closing a period: budget vs spending, the policy and score applied, postings, distribution.

A period closes only once it has ended and the grace for late claims has passed (409 naming the
earliest day). Closing again with the same inputs returns the settlement (200); with other inputs
(another assessed score or reason) it is 409 naming the stored score and when it was closed: a closed
period is never re-computed. Periods of one consortium may not overlap (a month and the quarter
holding it cannot both be settled).
"""
from __future__ import annotations

import uuid
from dataclasses import asdict
from decimal import Decimal

from platform_common.auth import Principal
from platform_common.clock import iso_instant
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters.sql import KeyTaken
from ..adapters.tables import BudgetRow
from ..domain.appraisal import score_weights
from ..domain.budget import period_budget
from ..domain.ledger import distribution_entry, settlement_entry
from ..domain.periods import Period, earliest_close
from ..domain.policy import FundPolicy
from ..domain.roster import first_day
from ..domain.settlement import PeriodFigures, distribute, settle
from ..settings import PaymentSettings
from . import policies
from .access import require_consortium_reader, require_manager
from .appraisal import unit_scores
from .performance import assess
from .unit_of_work import PaymentUnitOfWork


def close_period(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, *, consortium_id: str,
                 period_code: str, assessed_score: Decimal | None, score_reason: str | None) -> tuple[str, bool]:
    require_manager(principal)
    period = Period.parse(period_code)
    if assessed_score is not None and not score_reason:
        raise InvalidInput("an assessed score needs its reason (the assessment it comes from)", field="score_reason")
    uow.locks.closing()  # before the checks: they must see every booking and settlement committed
    existing = uow.settlements.of_period(consortium_id, period)
    if existing:
        return _repeated(existing, assessed_score, score_reason), False
    _require_ended(settings, period)
    overlap = uow.settlements.overlapping(consortium_id, period)
    if overlap:
        raise Conflict(f"period {overlap} is already settled and overlaps {period.code}", field="period",
                       state="closed", settled_period=overlap)
    figures = period_figures(uow, consortium_id, period)
    version, policy = policies.effective(uow, settings, period.end)
    if assessed_score is not None:
        score, detail, source = assessed_score, {"reason": score_reason}, "assessed"
    else:
        breakdown = assess(uow, consortium_id, period, figures.budget_fen, figures.actual_fen, policy)
        score, source = breakdown.score, "computed"
        detail = {k: None if v is None else str(v) for k, v in breakdown.components.items()}
    outcome = settle(figures.budget_fen, figures.actual_fen, score, policy)

    weights = _weights(uow, consortium_id, period, policy, figures,
                       lambda: unit_scores(uow, principal, settings, consortium_id, period, policy))
    if outcome.retained_fen and not weights:
        raise Conflict(
            f"the retained surplus of {outcome.retained_fen} fen cannot be distributed: the distribution basis "
            f"{policy.distribution_basis} is 0 for every member unit in {period.code} (no member-outpatient claims "
            "or no contracted residents); record them, or save a policy version with another basis",
            field="period", distribution_basis=policy.distribution_basis, retained_fen=outcome.retained_fen)
    rows = distribute(outcome.split, weights) if outcome.retained_fen else []
    settlement_id, now = str(uuid.uuid4()), utcnow()
    settlement = {
        "settlement_id": settlement_id, "consortium_id": consortium_id, "period": period.code,
        "first_month": period.first_month, "last_month": period.last_month, "budget_id": figures.budget_id,
        "budget_fen": figures.budget_fen, "claims_fen": figures.claims_fen, "capitation_fen": figures.capitation_fen,
        "actual_fen": figures.actual_fen, "advanced_fen": figures.advanced_fen, "balance_fen": outcome.balance_fen,
        "performance_score": str(score), "score_source": source, "score_detail": detail,
        "retention_ratio_bp": outcome.retention_ratio_bp, "retained_fen": outcome.retained_fen,
        "returned_to_fund_fen": outcome.returned_to_fund_fen, "tolerance_fen": outcome.tolerance_fen,
        "fund_share_fen": outcome.fund_share_fen, "consortium_share_fen": outcome.consortium_share_fen,
        "split": outcome.split, "by_kind": figures.by_kind, "policy_version": version, "policy": policy.to_dict(),
        "closed_by": principal.username, "closed_at": now}
    distributions = [
        {"settlement_id": settlement_id, "org_id": org, "purpose": purpose, "consortium_id": consortium_id,
         "period": period.code, "basis": policy.distribution_basis, "weight": weights[org], "amount_fen": amount}
        for org, purpose, amount in rows]
    try:
        uow.settlements.add(settlement, distributions)
    except KeyTaken:
        uow.rollback()  # closed by someone else a moment ago: that settlement stands, if it had our inputs
        return _repeated(uow.settlements.of_period(consortium_id, period), assessed_score, score_reason), False
    uow.ledger.post(settlement_entry(consortium_id, settlement_id, period.code, outcome, figures.advanced_fen),
                    principal.username, now)
    uow.ledger.post(distribution_entry(consortium_id, settlement_id, period.code, rows), principal.username, now)
    uow.record(PAYMENT_TOPIC, PaymentEvent.SETTLEMENT_CLOSED, "settlement", settlement_id, {
        "settlement_id": settlement_id, "consortium_id": consortium_id, "period": period.code,
        "budget_fen": figures.budget_fen, "actual_fen": figures.actual_fen, "balance_fen": outcome.balance_fen,
        "performance_score": str(score), "retained_fen": outcome.retained_fen,
        "fund_share_fen": outcome.fund_share_fen, "consortium_share_fen": outcome.consortium_share_fen})
    for org, purpose, amount in rows:
        uow.record(PAYMENT_TOPIC, PaymentEvent.SURPLUS_DISTRIBUTED, "settlement", settlement_id, {
            "settlement_id": settlement_id, "org_id": org, "purpose": purpose, "amount_fen": amount}, org_id=org)
    uow.commit()
    return settlement_id, True


def _repeated(stored: dict, assessed_score: Decimal | None, score_reason: str | None) -> str:
    """The stored settlement when a repeat brings the same inputs; 409 naming what was stored otherwise."""
    stored_reason = (stored["score_detail"] or {}).get("reason") if stored["score_source"] == "assessed" else None
    if stored["score_source"] == "computed":
        same = assessed_score is None
    else:
        same = assessed_score is not None and Decimal(stored["performance_score"]) == assessed_score \
            and score_reason == stored_reason
    if same:
        return stored["settlement_id"]
    closed_at = iso_instant(stored["closed_at"])
    raise Conflict(
        f"the period was closed at {closed_at} by {stored['closed_by']} with the {stored['score_source']} score "
        f"{stored['performance_score']}; a closed period is not re-computed with other inputs",
        field="performance_score", state="closed", settlement_id=stored["settlement_id"],
        performance_score=stored["performance_score"], score_source=stored["score_source"],
        score_reason=stored_reason, closed_at=closed_at, closed_by=stored["closed_by"])


def _require_ended(settings: PaymentSettings, period: Period) -> None:
    earliest, today = earliest_close(period, settings.close_from_day), settings.today()
    if today < earliest:
        raise Conflict(
            f"{period.code} can be closed from {earliest.isoformat()}: a period closes after it has ended and "
            f"its late claims are in (from day {settings.close_from_day} of the next month); today is "
            f"{today.isoformat()}", field="period", state="open", earliest_close_date=earliest.isoformat(),
            today=today.isoformat())


def preview(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
            period_code: str) -> dict:
    """What closing the period now would give, without closing it (the score and its parts)."""
    require_consortium_reader(principal, consortium_id)
    period = Period.parse(period_code)
    figures = period_figures(uow, consortium_id, period)
    version, policy = policies.effective(uow, settings, period.end)
    result = {"consortium_id": consortium_id, "period": period.code, **asdict(figures), "policy_version": version,
              "closable_from": earliest_close(period, settings.close_from_day).isoformat()}
    try:
        breakdown = assess(uow, consortium_id, period, figures.budget_fen, figures.actual_fen, policy)
    except InvalidInput as e:
        # the same fields either way, null where the score cannot be computed yet
        return result | {"performance_score": None, "components": None, "missing": e.message,
                         "retention_ratio_bp": None, "retained_fen": None, "fund_share_fen": None,
                         "consortium_share_fen": None}
    outcome = settle(figures.budget_fen, figures.actual_fen, breakdown.score, policy)
    return result | {"performance_score": str(breakdown.score),
                     "components": {k: None if v is None else str(v) for k, v in breakdown.components.items()},
                     "missing": None,
                     "retention_ratio_bp": outcome.retention_ratio_bp, "retained_fen": outcome.retained_fen,
                     "fund_share_fen": outcome.fund_share_fen, "consortium_share_fen": outcome.consortium_share_fen}


def _budget(uow: PaymentUnitOfWork, consortium_id: str, period: Period) -> BudgetRow:
    budget = uow.budgets.of_year(consortium_id, period.year)
    if budget is None:
        raise InvalidInput(f"no budget for {consortium_id} in fund year {period.year}", field="period")
    return budget


def period_figures(uow: PaymentUnitOfWork, consortium_id: str, period: Period) -> PeriodFigures:
    """Budget of the period and spending (claims + capitation) in it, all by SQL SUM."""
    budget = _budget(uow, consortium_id, period)
    settled = uow.settlements.settled_in_year(consortium_id, period.year)
    return PeriodFigures.of(
        budget_id=budget.budget_id, budget_fen=period_budget(budget.total_fen, period, settled),
        claims=uow.claims.totals(consortium_id, period.first_month, period.last_month),
        capitation_fen=uow.capitation.paid_in(consortium_id, period),
        advanced_fen=uow.budgets.advanced(budget.budget_id, months=period.months))


def _weights(uow: PaymentUnitOfWork, consortium_id: str, period: Period, policy: FundPolicy,
             figures: PeriodFigures, scores) -> dict[str, int]:  # noqa: ANN001
    """Distribution weights by the policy's basis; empty when the basis is 0 for every unit (never equal shares
    under a basis that says otherwise: the caller refuses to close). `appraisal_score`: each unit's appraisal
    score in hundredths (88.50 → 8850); `enrolled_residents`: the roster's contracts in force at the last month's
    start, or the typed count of a unit not on the roster."""
    if policy.distribution_basis == "appraisal_score":
        weights = score_weights(scores())
    elif policy.distribution_basis == "enrolled_residents":
        weights = uow.capitation.enrolled_as_of(consortium_id, period.last_month) | \
            uow.roster_queries.active_by_unit(consortium_id, first_day(period.last_month))
    else:
        weights = figures.member_amounts
    return {o: w for o, w in weights.items() if w > 0}


def require_settlement(uow: PaymentUnitOfWork, settlement_id: str) -> dict:
    row = uow.settlements.get(settlement_id)
    if row is None:
        raise NotFound("no such settlement", settlement_id=settlement_id)
    return row
