"""Closing a period: budget vs spending, the policy and score applied, postings, distribution.

A period closes only once it has ended and the grace for late claims has passed (409 naming the
earliest day). Closing again with the same inputs returns the settlement (200); with other inputs
(another assessed score or reason) it is 409 naming the stored score and when it was closed: a closed
period is never re-computed. Periods of one consortium may not overlap (a month and the quarter
holding it cannot both be settled).
"""
from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from platform_common.auth import Principal
from platform_common.clock import iso_instant
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters import tables as t
from ..adapters.repository import hold_for_closing
from ..domain.budget import period_budget
from ..domain.ledger import distribution_entry, settlement_entry
from ..domain.periods import Period, earliest_close
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
    if assessed_score is not None and not score_reason:
        raise InvalidInput("an assessed score needs its reason (the assessment it comes from)", field="score_reason")
    hold_for_closing(uow.session)  # before the checks: they must see every booking and settlement committed
    s = t.settlements
    existing = _settled(uow, consortium_id, period)
    if existing:
        return _repeated(existing, assessed_score, score_reason), False
    _require_ended(settings, period)
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
        score, detail, source = assessed_score, {"reason": score_reason}, "assessed"
    else:
        breakdown = assess(uow, consortium_id, period, budget_fen, actual_fen, policy)
        score, source = breakdown.score, "computed"
        detail = {k: None if v is None else str(v) for k, v in breakdown.components.items()}
    outcome = settle(budget_fen, actual_fen, score, policy)

    weights = _weights(uow, consortium_id, period, policy.distribution_basis, figures["member_amounts"])
    if outcome.retained_fen and not weights:
        raise Conflict(
            f"the retained surplus of {outcome.retained_fen} fen cannot be distributed: the distribution basis "
            f"{policy.distribution_basis} is 0 for every member unit in {period.code} (no member-outpatient claims "
            "or no contracted residents); record them, or save a policy version with another basis",
            field="period", distribution_basis=policy.distribution_basis, retained_fen=outcome.retained_fen)
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
        uow.rollback()  # closed by someone else a moment ago: that settlement stands, if it had our inputs
        return _repeated(_settled(uow, consortium_id, period), assessed_score, score_reason), False
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


def _settled(uow: PaymentUnitOfWork, consortium_id: str, period: Period) -> dict | None:
    s = t.settlements
    row = uow.session.execute(select(s.c.settlement_id, s.c.performance_score, s.c.score_source, s.c.score_detail,
                                     s.c.closed_at, s.c.closed_by).where(
        s.c.consortium_id == consortium_id, s.c.period == period.code)).first()
    return dict(row._mapping) if row else None


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
    period = _parse(period_code)
    figures = _figures(uow, consortium_id, period, _budget(uow, consortium_id, period))
    version, policy = policies.effective(uow, settings, period.end)
    result = {"consortium_id": consortium_id, "period": period.code, **figures, "policy_version": version,
              "closable_from": earliest_close(period, settings.close_from_day).isoformat()}
    try:
        breakdown = assess(uow, consortium_id, period, figures["budget_fen"], figures["actual_fen"], policy)
    except InvalidInput as e:
        # the same fields either way, null where the score cannot be computed yet
        return result | {"performance_score": None, "components": None, "missing": e.message,
                         "retention_ratio_bp": None, "retained_fen": None, "fund_share_fen": None,
                         "consortium_share_fen": None}
    outcome = settle(figures["budget_fen"], figures["actual_fen"], breakdown.score, policy)
    return result | {"performance_score": str(breakdown.score),
                     "components": {k: None if v is None else str(v) for k, v in breakdown.components.items()},
                     "missing": None,
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
    """Distribution weights by the policy's basis; empty when the basis is 0 for every unit (never equal shares
    under a basis that says otherwise: the caller refuses to close)."""
    weights = enrolled_as_of(uow, consortium_id, period.last_month) if basis == "enrolled_residents" \
        else member_amounts
    return {o: w for o, w in weights.items() if w > 0}


def require_settlement(uow: PaymentUnitOfWork, settlement_id: str) -> dict:
    row = uow.session.execute(select(t.settlements).where(t.settlements.c.settlement_id == settlement_id)).first()
    if row is None:
        raise NotFound("no such settlement", settlement_id=settlement_id)
    return dict(row._mapping)
