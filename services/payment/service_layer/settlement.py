"""Closing a period: budget vs spending, the policy and score applied, postings, distribution.

Closing is idempotent (closing a closed period returns its settlement); periods of one
consortium may not overlap (a month and the quarter holding it cannot both be settled).
"""
from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from platform_common.auth import Principal
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters import tables as t
from ..adapters.repository import hold_for_closing
from ..domain.budget import period_budget
from ..domain.ledger import distribution_entry, settlement_entry
from ..domain.periods import Period
from ..domain.settlement import distribute, settle
from ..settings import PaymentSettings
from . import policies
from .access import require_consortium_reader, require_manager
from .budgets import budget_for_year, settled_periods
from .capitation import enrolled_as_of
from .performance import assess
from .unit_of_work import PaymentUnitOfWork


def close_period(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, *, consortium_id: str,
                 period_code: str, assessed_score: Decimal | None, score_reason: str | None) -> tuple[str, bool]:
    require_manager(principal)
    period = _parse(period_code)
    hold_for_closing(uow.session)  # before the checks: they must see every booking and settlement committed
    s = t.settlements
    existing = uow.session.execute(select(s.c.settlement_id).where(
        s.c.consortium_id == consortium_id, s.c.period == period.code)).scalar()
    if existing:
        return existing, False
    overlap = uow.session.execute(select(s.c.period).where(
        s.c.consortium_id == consortium_id, s.c.first_month <= period.last_month,
        s.c.last_month >= period.first_month)).scalar()
    if overlap:
        raise Conflict(f"period {overlap} is already settled and overlaps {period.code}", field="period",
                       state="closed", settled_period=overlap)
    budget = _budget(uow, consortium_id, period)
    figures = _figures(uow, consortium_id, period, budget)
    budget_fen, actual_fen, advanced_fen = figures["budget_fen"], figures["actual_fen"], figures["advanced_fen"]
    by_kind, claims_fen, capitation_fen = figures["by_kind"], figures["claims_fen"], figures["capitation_fen"]
    version, policy = policies.effective(uow, settings, period.end)
    if assessed_score is not None:
        if not score_reason:
            raise InvalidInput("an assessed score needs its reason (the assessment it comes from)",
                               field="score_reason")
        score, detail, source = assessed_score, {"reason": score_reason}, "assessed"
    else:
        breakdown = assess(uow, consortium_id, period, budget_fen, actual_fen, policy)
        score, source = breakdown.score, "computed"
        detail = {k: None if v is None else str(v) for k, v in breakdown.components.items()}
    outcome = settle(budget_fen, actual_fen, score, policy)

    weights = _weights(uow, consortium_id, period, policy.distribution_basis, figures["member_amounts"])
    rows = distribute(outcome.split, weights) if outcome.retained_fen else []
    settlement_id, now = str(uuid.uuid4()), utcnow()
    values = {
        "settlement_id": settlement_id, "consortium_id": consortium_id, "period": period.code,
        "first_month": period.first_month, "last_month": period.last_month, "budget_id": budget.budget_id,
        "budget_fen": budget_fen, "claims_fen": claims_fen, "capitation_fen": capitation_fen,
        "actual_fen": actual_fen, "advanced_fen": advanced_fen, "balance_fen": outcome.balance_fen,
        "performance_score": str(score), "score_source": source, "score_detail": detail,
        "retention_ratio_bp": outcome.retention_ratio_bp, "retained_fen": outcome.retained_fen,
        "returned_to_fund_fen": outcome.returned_to_fund_fen, "tolerance_fen": outcome.tolerance_fen,
        "fund_share_fen": outcome.fund_share_fen, "consortium_share_fen": outcome.consortium_share_fen,
        "split": outcome.split, "by_kind": by_kind, "policy_version": version, "policy": policy.to_dict(),
        "closed_by": principal.username, "closed_at": now}
    try:
        uow.session.execute(insert(s).values(**values))
    except IntegrityError:
        uow.rollback()  # closed by someone else a moment ago: that settlement stands
        return uow.session.execute(select(s.c.settlement_id).where(
            s.c.consortium_id == consortium_id, s.c.period == period.code)).scalar_one(), False
    uow.ledger.post(settlement_entry(consortium_id, settlement_id, period.code, outcome, advanced_fen),
                    principal.username, now)
    uow.ledger.post(distribution_entry(consortium_id, settlement_id, period.code, rows), principal.username, now)
    if rows:
        uow.session.execute(insert(t.distributions), [
            {"settlement_id": settlement_id, "org_id": org, "purpose": purpose, "consortium_id": consortium_id,
             "period": period.code, "basis": policy.distribution_basis, "weight": weights[org], "amount_fen": amount}
            for org, purpose, amount in rows])
    uow.record(PAYMENT_TOPIC, PaymentEvent.SETTLEMENT_CLOSED, "settlement", settlement_id, {
        "settlement_id": settlement_id, "consortium_id": consortium_id, "period": period.code,
        "budget_fen": budget_fen, "actual_fen": actual_fen, "balance_fen": outcome.balance_fen,
        "performance_score": str(score), "retained_fen": outcome.retained_fen,
        "fund_share_fen": outcome.fund_share_fen, "consortium_share_fen": outcome.consortium_share_fen})
    for org, purpose, amount in rows:
        uow.record(PAYMENT_TOPIC, PaymentEvent.SURPLUS_DISTRIBUTED, "settlement", settlement_id, {
            "settlement_id": settlement_id, "org_id": org, "purpose": purpose, "amount_fen": amount}, org_id=org)
    uow.commit()
    return settlement_id, True


def preview(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
            period_code: str) -> dict:
    """What closing the period now would give, without closing it (the score and its parts)."""
    require_consortium_reader(principal, consortium_id)
    period = _parse(period_code)
    figures = _figures(uow, consortium_id, period, _budget(uow, consortium_id, period))
    version, policy = policies.effective(uow, settings, period.end)
    result = {"consortium_id": consortium_id, "period": period.code, **figures, "policy_version": version}
    try:
        breakdown = assess(uow, consortium_id, period, figures["budget_fen"], figures["actual_fen"], policy)
    except InvalidInput as e:
        return result | {"performance_score": None, "components": None, "missing": e.message}
    outcome = settle(figures["budget_fen"], figures["actual_fen"], breakdown.score, policy)
    return result | {"performance_score": str(breakdown.score),
                     "components": {k: None if v is None else str(v) for k, v in breakdown.components.items()},
                     "retention_ratio_bp": outcome.retention_ratio_bp, "retained_fen": outcome.retained_fen,
                     "fund_share_fen": outcome.fund_share_fen, "consortium_share_fen": outcome.consortium_share_fen}


def _parse(period_code: str) -> Period:
    try:
        return Period.parse(period_code)
    except ValueError as e:
        raise InvalidInput(str(e), field="period") from None


def _budget(uow: PaymentUnitOfWork, consortium_id: str, period: Period):  # noqa: ANN202
    budget = budget_for_year(uow, consortium_id, period.year)
    if budget is None:
        raise InvalidInput(f"no budget for {consortium_id} in fund year {period.year}", field="period")
    return budget


def _figures(uow: PaymentUnitOfWork, consortium_id: str, period: Period, budget) -> dict:  # noqa: ANN001
    """Budget of the period and spending (claims + capitation) in it, all by SQL SUM."""
    by_kind_and_org = uow.claims.totals(consortium_id, period.first_month, period.last_month)
    by_kind: dict[str, int] = {}
    member_amounts: dict[str, int] = {}
    for (kind, org), amount in by_kind_and_org.items():  # a few dozen grouped rows, not claims
        by_kind[kind] = by_kind.get(kind, 0) + amount
        if kind == "member_outpatient":
            member_amounts[org] = amount
    claims_fen = sum(by_kind.values())
    capitation_fen = _sum(uow, t.capitation_payments, consortium_id, period)
    advanced_fen = int(uow.session.execute(select(func.coalesce(func.sum(t.advances.c.amount_fen), 0)).where(
        t.advances.c.budget_id == budget.budget_id, t.advances.c.month.in_(period.months))).scalar_one())
    settled = settled_periods(uow, consortium_id, period.year)
    return {"budget_id": budget.budget_id, "budget_fen": period_budget(budget.total_fen, period, settled),
            "by_kind": dict(sorted(by_kind.items())), "member_amounts": member_amounts, "claims_fen": claims_fen,
            "capitation_fen": capitation_fen,
            "actual_fen": claims_fen + capitation_fen, "advanced_fen": advanced_fen}


def _sum(uow: PaymentUnitOfWork, table, consortium_id: str, period: Period) -> int:  # noqa: ANN001
    # int(): PostgreSQL sums bigint to numeric, which would reach the JSON as a Decimal
    return int(uow.session.execute(select(func.coalesce(func.sum(table.c.amount_fen), 0)).where(
        table.c.consortium_id == consortium_id, table.c.period >= period.first_month,
        table.c.period <= period.last_month)).scalar_one())


def _weights(uow: PaymentUnitOfWork, consortium_id: str, period: Period, basis: str,
             member_amounts: dict[str, int]) -> dict[str, int]:
    """Distribution weights by the policy's basis; with no basis data at all, member units share equally."""
    if basis == "enrolled_residents":
        weights = enrolled_as_of(uow, consortium_id, period.last_month)
    else:
        weights = member_amounts
    weights = {o: w for o, w in weights.items() if w > 0}
    if not weights:
        weights = {o.org_id: 1 for o in uow.directory.all(uow.session, consortium_id)
                   if o.is_county_hospital or o.is_primary_unit}
    return weights


def require_settlement(uow: PaymentUnitOfWork, settlement_id: str) -> dict:
    row = uow.session.execute(select(t.settlements).where(t.settlements.c.settlement_id == settlement_id)).first()
    if row is None:
        raise NotFound("no such settlement", settlement_id=settlement_id)
    return dict(row._mapping)
