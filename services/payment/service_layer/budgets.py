"""Use cases of the bundle budget: create, adjust by negotiation, pay the monthly advances."""
from __future__ import annotations

import uuid

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from platform_common.auth import Principal, Role
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters import tables as t
from ..adapters.repository import hold_for_booking
from ..adapters.tables import BudgetRow
from ..domain.budget import base_total, monthly_schedule, settled_months
from ..domain.ledger import advance_entry
from ..domain.periods import Period, month_code
from .access import require_consortium_reader, require_manager
from .unit_of_work import PaymentUnitOfWork


def create_budget(uow: PaymentUnitOfWork, principal: Principal, *, consortium_id: str, fund_year: int,
                  enrolled_population: int, per_capita_fen: int, out_of_area_reserve_fen: int,
                  note: str | None) -> dict:
    require_manager(principal)
    if not uow.directory.all(uow.session, consortium_id):
        raise InvalidInput("no such consortium", field="consortium_id")
    total = base_total(enrolled_population, per_capita_fen, out_of_area_reserve_fen)
    row = BudgetRow(budget_id=str(uuid.uuid4()), consortium_id=consortium_id, fund_year=fund_year,
                    enrolled_population=enrolled_population, per_capita_fen=per_capita_fen,
                    out_of_area_reserve_fen=out_of_area_reserve_fen, adjustments_fen=0, total_fen=total,
                    note=note, created_by=principal.username, created_at=utcnow())
    uow.session.add(row)
    try:
        uow.session.flush()
    except IntegrityError:
        uow.rollback()
        existing = _by_year(uow, consortium_id, fund_year)
        raise Conflict("this consortium already has a budget for the fund year; adjust it instead",
                       budget_id=existing.budget_id if existing else None) from None
    uow.record(PAYMENT_TOPIC, PaymentEvent.BUDGET_ALLOCATED, "budget", row.budget_id, {
        "budget_id": row.budget_id, "consortium_id": consortium_id, "fund_year": fund_year,
        "total_fen": total, "delta_fen": total, "reason": note or "initial allocation"})
    uow.commit()
    return budget_view(uow, row)


def adjust_budget(uow: PaymentUnitOfWork, principal: Principal, budget_id: str, *, delta_fen: int,
                  reason: str, expected_version: int | None) -> dict:
    """谈判协商: a negotiated change of the total; every change is kept with who, when and why."""
    require_manager(principal)
    row = get_row(uow, budget_id)
    if expected_version is not None and expected_version != row.version:
        raise Conflict("the budget was changed since you loaded it", current_version=row.version)
    new_total = row.total_fen + delta_fen
    settled = settled_periods(uow, row.consortium_id, row.fund_year)
    closed = {month_code(row.fund_year, m) for m in settled_months(settled)}
    if len(closed) == 12:
        raise Conflict("every month of the fund year is settled; its total can no longer change",
                       state="closed", fund_year=row.fund_year)
    # Settled periods keep their budget, so the change falls on the open months, which must
    # still cover what was already advanced for them.
    settled_fen = sum(fen for *_, fen in settled)
    paid = _paid_total(uow, budget_id, exclude=closed)
    if new_total - settled_fen < paid:
        raise InvalidInput(f"the open months may not drop below the {paid} fen already advanced for them",
                           field="delta_fen", current_total_fen=row.total_fen, settled_budget_fen=settled_fen,
                           advanced_open_fen=paid)
    row.adjustments_fen += delta_fen
    row.total_fen = new_total
    try:
        uow.session.flush()
    except StaleDataError:
        uow.rollback()
        raise Conflict("the budget was changed by someone else; reload and try again") from None
    uow.session.execute(insert(t.budget_adjustments).values(
        budget_id=budget_id, delta_fen=delta_fen, total_after_fen=new_total, reason=reason,
        adjusted_by=principal.username, adjusted_at=utcnow()))
    uow.record(PAYMENT_TOPIC, PaymentEvent.BUDGET_ADJUSTED, "budget", budget_id, {
        "budget_id": budget_id, "consortium_id": row.consortium_id, "fund_year": row.fund_year,
        "total_fen": new_total, "delta_fen": delta_fen, "reason": reason})
    uow.commit()
    return budget_view(uow, row)


def pay_advance(uow: PaymentUnitOfWork, principal: Principal, budget_id: str, month_text: str) -> tuple[dict, bool]:
    """预拨: pays one month of the schedule into the consortium account, once (idempotent).
    The month is `YYYY-MM` in the fund year; the bare month number (1-12) is the deprecated older form."""
    require_manager(principal)
    row = get_row(uow, budget_id)
    month = _advance_month(month_text, row.fund_year)
    code = month_code(row.fund_year, month)
    hold_for_booking(uow.session, "advances")
    existing = uow.session.execute(select(t.advances).where(
        t.advances.c.budget_id == budget_id, t.advances.c.month == code)).first()
    if existing:
        return dict(existing._mapping), False
    if code in uow.claims.closed_months(row.consortium_id):
        raise Conflict("the month is already settled; the settlement paid its budget", month=code, state="closed")
    amount = monthly_schedule(row.total_fen, settled_periods(uow, row.consortium_id, row.fund_year))[month - 1]
    now = utcnow()
    entry_id = uow.ledger.post(advance_entry(row.consortium_id, f"{budget_id}:{code}", code, amount),
                               principal.username, now)
    values = {"budget_id": budget_id, "month": code, "consortium_id": row.consortium_id, "amount_fen": amount,
              "entry_id": entry_id or "", "paid_by": principal.username, "paid_at": now}
    uow.session.execute(insert(t.advances).values(**values))
    uow.commit()
    return values, True


def _advance_month(text: str, fund_year: int) -> int:
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    try:
        period = Period.parse(text)
    except ValueError:
        period = None
    if period is None or period.kind != "month":
        raise InvalidInput(f"month must look like {fund_year}-03 (YYYY-MM)", field="month")
    if period.year != fund_year:
        raise InvalidInput(f"{text} is not in the budget's fund year {fund_year}", field="month")
    return period.first


def get_budget(uow: PaymentUnitOfWork, principal: Principal, budget_id: str) -> dict:
    row = get_row(uow, budget_id)
    require_consortium_reader(principal, row.consortium_id)
    return budget_view(uow, row)


def list_budgets(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str | None,
                 fund_year: int | None) -> list[dict]:
    if consortium_id is None and principal.role is Role.FINANCE_OFFICER:
        consortium_id = principal.consortium_id
    if consortium_id:
        require_consortium_reader(principal, consortium_id)
    else:
        require_manager(principal)
    query = select(BudgetRow).order_by(BudgetRow.fund_year.desc(), BudgetRow.consortium_id)
    if consortium_id:
        query = query.where(BudgetRow.consortium_id == consortium_id)
    if fund_year:
        query = query.where(BudgetRow.fund_year == fund_year)
    return [budget_view(uow, r) for r in uow.session.scalars(query)]


def get_row(uow: PaymentUnitOfWork, budget_id: str) -> BudgetRow:
    row = uow.session.get(BudgetRow, budget_id)
    if row is None:
        raise NotFound("no such budget", budget_id=budget_id)
    return row


def _by_year(uow: PaymentUnitOfWork, consortium_id: str, fund_year: int) -> BudgetRow | None:
    return uow.session.scalars(select(BudgetRow).where(
        BudgetRow.consortium_id == consortium_id, BudgetRow.fund_year == fund_year)).first()


def budget_for_year(uow: PaymentUnitOfWork, consortium_id: str, fund_year: int) -> BudgetRow | None:
    return _by_year(uow, consortium_id, fund_year)


def _paid_total(uow: PaymentUnitOfWork, budget_id: str, exclude: set[str]) -> int:
    a = t.advances
    return int(uow.session.execute(select(func.coalesce(func.sum(a.c.amount_fen), 0)).where(
        a.c.budget_id == budget_id, a.c.month.not_in(exclude))).scalar_one())


def settled_periods(uow: PaymentUnitOfWork, consortium_id: str, fund_year: int) -> list[tuple[int, int, int]]:
    """(first month, last month, budget_fen) of the settled periods of the fund year."""
    s = t.settlements
    rows = uow.session.execute(select(s.c.first_month, s.c.last_month, s.c.budget_fen).where(
        s.c.consortium_id == consortium_id, s.c.first_month >= month_code(fund_year, 1),
        s.c.last_month <= month_code(fund_year, 12)))
    return [(int(first[5:]), int(last[5:]), int(fen)) for first, last, fen in rows]


def budget_view(uow: PaymentUnitOfWork, row: BudgetRow) -> dict:
    adjustments = uow.session.execute(select(t.budget_adjustments).where(
        t.budget_adjustments.c.budget_id == row.budget_id).order_by(t.budget_adjustments.c.adjustment_id))
    paid = {r.month: r for r in uow.session.execute(select(t.advances).where(
        t.advances.c.budget_id == row.budget_id))}
    schedule = []
    settled = settled_periods(uow, row.consortium_id, row.fund_year)
    closed = settled_months(settled)
    for month, amount in enumerate(monthly_schedule(row.total_fen, settled), start=1):
        code = month_code(row.fund_year, month)
        advance = paid.get(code)
        schedule.append({"month": code, "scheduled_fen": amount, "settled": month in closed,
                         "paid_fen": advance.amount_fen if advance else None,
                         "paid_at": advance.paid_at if advance else None})
    return {
        "budget_id": row.budget_id, "consortium_id": row.consortium_id, "fund_year": row.fund_year,
        "version": row.version,
        "composition": {
            "enrolled_population": row.enrolled_population, "per_capita_fen": row.per_capita_fen,
            "population_part_fen": row.enrolled_population * row.per_capita_fen,
            "out_of_area_reserve_fen": row.out_of_area_reserve_fen, "adjustments_fen": row.adjustments_fen,
        },
        "total_fen": row.total_fen, "note": row.note, "created_by": row.created_by, "created_at": row.created_at,
        "adjustments": [{"delta_fen": a.delta_fen, "total_after_fen": a.total_after_fen, "reason": a.reason,
                         "adjusted_by": a.adjusted_by, "adjusted_at": a.adjusted_at} for a in adjustments],
        "advance_schedule": schedule,
    }
