"""Use cases of the bundle budget: create, adjust by negotiation, pay the monthly advances."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from platform_common.auth import Principal, Role
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput, NotFound
from platform_common.events import utcnow

from ..adapters.sql import KeyTaken
from ..adapters.tables import BudgetRow
from ..domain.budget import SettledPeriod, base_total, monthly_schedule, settled_months
from ..domain.ledger import advance_entry
from ..domain.periods import Period, month_code
from .access import require_consortium_reader, require_manager
from .unit_of_work import PaymentUnitOfWork


@dataclass(frozen=True)
class BudgetState:
    """A budget with what its view shows beside it: adjustments, advances paid by month, settled periods."""

    row: BudgetRow
    adjustments: list[dict]
    advances: dict[str, dict]
    settled: list[SettledPeriod]


def create_budget(uow: PaymentUnitOfWork, principal: Principal, *, consortium_id: str, fund_year: int,
                  enrolled_population: int, per_capita_fen: int, out_of_area_reserve_fen: int,
                  note: str | None) -> BudgetState:
    require_manager(principal)
    if not uow.orgs.all(uow.session, consortium_id):
        raise InvalidInput("no such consortium", field="consortium_id")
    total = base_total(enrolled_population, per_capita_fen, out_of_area_reserve_fen)
    row = BudgetRow(budget_id=str(uuid.uuid4()), consortium_id=consortium_id, fund_year=fund_year,
                    enrolled_population=enrolled_population, per_capita_fen=per_capita_fen,
                    out_of_area_reserve_fen=out_of_area_reserve_fen, adjustments_fen=0, total_fen=total,
                    note=note, created_by=principal.username, created_at=utcnow())
    try:
        uow.budgets.add(row)
    except KeyTaken:
        uow.rollback()
        existing = uow.budgets.of_year(consortium_id, fund_year)
        raise Conflict("this consortium already has a budget for the fund year; adjust it instead",
                       budget_id=existing.budget_id if existing else None) from None
    uow.record(PAYMENT_TOPIC, PaymentEvent.BUDGET_ALLOCATED, "budget", row.budget_id, {
        "budget_id": row.budget_id, "consortium_id": consortium_id, "fund_year": fund_year,
        "total_fen": total, "delta_fen": total, "reason": note or "initial allocation"})
    uow.commit()
    return state(uow, row)


def adjust_budget(uow: PaymentUnitOfWork, principal: Principal, budget_id: str, *, delta_fen: int,
                  reason: str, expected_version: int | None) -> BudgetState:
    """谈判协商: a negotiated change of the total; every change is kept with who, when and why."""
    require_manager(principal)
    row = get_row(uow, budget_id)
    if expected_version is not None and expected_version != row.version:
        raise Conflict("the budget was changed since you loaded it", current_version=row.version)
    new_total = row.total_fen + delta_fen
    settled = uow.settlements.settled_in_year(row.consortium_id, row.fund_year)
    closed = {month_code(row.fund_year, m) for m in settled_months(settled)}
    if len(closed) == 12:
        raise Conflict("every month of the fund year is settled; its total can no longer change",
                       state="closed", fund_year=row.fund_year)
    # Settled periods keep their budget, so the change falls on the open months, which must
    # still cover what was already advanced for them.
    settled_fen = sum(p.budget_fen for p in settled)
    paid = uow.budgets.advanced(budget_id, besides=closed)
    if new_total - settled_fen < paid:
        raise InvalidInput(f"the open months may not drop below the {paid} fen already advanced for them",
                           field="delta_fen", current_total_fen=row.total_fen, settled_budget_fen=settled_fen,
                           advanced_open_fen=paid)
    row.adjustments_fen += delta_fen
    row.total_fen = new_total
    uow.budgets.save_adjustment(row, {"delta_fen": delta_fen, "total_after_fen": new_total, "reason": reason,
                                      "adjusted_by": principal.username, "adjusted_at": utcnow()})
    uow.record(PAYMENT_TOPIC, PaymentEvent.BUDGET_ADJUSTED, "budget", budget_id, {
        "budget_id": budget_id, "consortium_id": row.consortium_id, "fund_year": row.fund_year,
        "total_fen": new_total, "delta_fen": delta_fen, "reason": reason})
    uow.commit()
    return state(uow, row)


def pay_advance(uow: PaymentUnitOfWork, principal: Principal, budget_id: str, month_text: str) -> tuple[dict, bool]:
    """预拨: pays one month of the schedule into the consortium account, once (idempotent).
    The month is `YYYY-MM` in the fund year; the bare month number (1-12) is the deprecated older form."""
    require_manager(principal)
    row = get_row(uow, budget_id)
    month = _advance_month(month_text, row.fund_year)
    code = month_code(row.fund_year, month)
    uow.locks.booking("advances")
    existing = uow.budgets.advance(budget_id, code)
    if existing:
        return existing, False
    if code in uow.claims.closed_months(row.consortium_id):
        raise Conflict("the month is already settled; the settlement paid its budget", month=code, state="closed")
    amount = monthly_schedule(row.total_fen, uow.settlements.settled_in_year(row.consortium_id, row.fund_year))[month - 1]
    now = utcnow()
    entry_id = uow.ledger.post(advance_entry(row.consortium_id, f"{budget_id}:{code}", code, amount),
                               principal.username, now)
    values = {"budget_id": budget_id, "month": code, "consortium_id": row.consortium_id, "amount_fen": amount,
              "entry_id": entry_id or "", "paid_by": principal.username, "paid_at": now}
    uow.budgets.add_advance(values)
    uow.commit()
    return values, True


def _advance_month(text: str, fund_year: int) -> int:
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    try:
        period = Period.parse(text)
    except InvalidInput:
        period = None
    if period is None or period.kind != "month":
        raise InvalidInput(f"month must look like {fund_year}-03 (YYYY-MM)", field="month")
    if period.year != fund_year:
        raise InvalidInput(f"{text} is not in the budget's fund year {fund_year}", field="month")
    return period.first


def get_budget(uow: PaymentUnitOfWork, principal: Principal, budget_id: str) -> BudgetState:
    row = get_row(uow, budget_id)
    require_consortium_reader(principal, row.consortium_id)
    return state(uow, row)


def list_budgets(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str | None,
                 fund_year: int | None) -> list[BudgetState]:
    if consortium_id is None and principal.role is Role.FINANCE_OFFICER:
        consortium_id = principal.consortium_id
    if consortium_id:
        require_consortium_reader(principal, consortium_id)
    else:
        require_manager(principal)
    return [state(uow, row) for row in uow.budgets.list(consortium_id, fund_year)]


def get_row(uow: PaymentUnitOfWork, budget_id: str) -> BudgetRow:
    row = uow.budgets.get(budget_id)
    if row is None:
        raise NotFound("no such budget", budget_id=budget_id)
    return row


def state(uow: PaymentUnitOfWork, row: BudgetRow) -> BudgetState:
    return BudgetState(row, uow.budgets.adjustments(row.budget_id), uow.budgets.advances(row.budget_id),
                       uow.settlements.settled_in_year(row.consortium_id, row.fund_year))
