"""门诊统筹按人头付费 over the contract roster: a month's capitation from the contracts active in it.

A run pays every contract active in the month (in force on its first day) that no run has paid for the month,
`rate × key-group weight`, plus the fund's share of the contract's package fee in the first month it is paid.
Its lines name each contract paid; their key (contract, month) makes paying one twice impossible, and runs of a
consortium and month go one at a time (the second waits, then finds the contracts paid). A later run of the same
month pays only the contracts recorded since. A unit with no contract active in the month is paid from its typed
enrolment count as before (PUT /enrolments, for units not yet on the roster), once per month.
"""
from __future__ import annotations

import uuid

from platform_common.auth import Principal
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput
from platform_common.events import utcnow

from ..domain.ledger import capitation_entry
from ..domain.periods import Period
from ..domain.primary_care import capitation_run_entry, contract_amount
from ..domain.roster import first_day
from ..settings import PaymentSettings
from . import policies
from .access import require_manager
from .unit_of_work import PaymentUnitOfWork


def pay_capitation(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
                   month: str) -> dict:
    require_manager(principal)
    if not uow.orgs.all(uow.session, consortium_id):
        raise InvalidInput("no such consortium", field="consortium_id")
    period = Period.parse(month)
    if period.kind != "month":
        raise InvalidInput("capitation is paid per month (YYYY-MM)", field="period")
    uow.locks.booking("capitation_payments")
    if month in uow.claims.closed_months(consortium_id):
        raise Conflict("the month is settled", field="period", state="closed")
    version, policy = policies.effective(uow, settings, period.end)
    rate, care = policy.capitation_fen_per_resident_month, policy.primary_care
    roster, day, now = uow.roster, first_day(month), utcnow()
    roster.take_month(consortium_id, month)
    paid_before = roster.unit_payments(consortium_id, month)
    typed_paid = set(paid_before) - roster.units_paid_from_roster(consortium_id, month) if paid_before else set()

    # The few (key groups, package) pairs price the contracts; one INSERT … SELECT pays them, one aggregate
    # over the run's lines says what it paid per unit. No Python loop over contracts.
    kinds = roster.kinds_active(consortium_id, day, exclude=typed_paid)
    amounts = {g: (care.weight_bp(g), contract_amount(rate, g, care)) for g in {k.key_groups for k in kinds}}
    fees = {p: care.packages[p].shares()["fund"] for p in {k.package for k in kinds} if p in care.packages}
    run_id, units = str(uuid.uuid4()), []
    if kinds:
        roster.save_run({"run_id": run_id, "consortium_id": consortium_id, "month": month, "policy_version": version,
                         "rate_fen": rate, "contracts": 0, "amount_fen": 0, "fee_fund_fen": 0, "entry_id": None,
                         "paid_by": principal.username, "paid_at": now})
        roster.pay_month(run_id, consortium_id, month, day, amounts, fees, exclude=typed_paid)
        units = roster.run_totals(run_id)
        if not units:  # every contract in force was paid by an earlier run
            roster.drop_run(run_id)
    created = []
    entry_id = None
    if units:
        booked = [(u.org_id, u.amount_fen + u.fee_fund_fen) for u in units]
        entry_id = uow.ledger.post(capitation_run_entry(consortium_id, run_id, month, booked), principal.username, now)
    for org_id, contracts, amount, fee in units:
        created.append(_book(uow, paid_before.get(org_id), org_id, consortium_id, month, contracts, rate, amount + fee,
                             entry_id or "", principal.username, now) | {"basis": "roster", "contracts": contracts,
                                                                          "capitation_fen": amount, "fee_fund_fen": fee})
    if units:
        total = (sum(u[1] for u in units), sum(u[2] for u in units), sum(u[3] for u in units))
        roster.finish_run(run_id, contracts=total[0], amount_fen=total[1], fee_fund_fen=total[2], entry_id=entry_id)
        uow.record(PAYMENT_TOPIC, PaymentEvent.CAPITATION_RUN_COMPLETED, "capitation_run", run_id, {
            "run_id": run_id, "consortium_id": consortium_id, "period": month, "contracts": total[0],
            "amount_fen": total[1], "fee_fund_fen": total[2]})
    typed = {o: n for o, n in uow.capitation.enrolled_as_of(consortium_id, month).items() if n > 0 and o not in paid_before}
    on_roster = roster.units_with_contracts(consortium_id, day) if typed else set()
    # Units not on the roster this month: their typed enrolment count, once per month, as before.
    for org_id, enrolled in sorted(typed.items()):
        if org_id in on_roster:
            continue
        amount = enrolled * rate
        typed_entry = uow.ledger.post(capitation_entry(consortium_id, f"{org_id}:{month}", org_id, month, amount),
                                      principal.username, now)
        created.append(_book(uow, None, org_id, consortium_id, month, enrolled, rate, amount, typed_entry or "",
                             principal.username, now) | {"basis": "enrolments", "contracts": 0,
                                                         "capitation_fen": amount, "fee_fund_fen": 0})
    uow.commit()
    return {"consortium_id": consortium_id, "period": month, "policy_version": version, "rate_fen": rate,
            "run_id": run_id if units else None, "contracts": sum(u[1] for u in units),
            "paid": created, "already_paid": sorted(paid_before)}


def _book(uow: PaymentUnitOfWork, before, org_id: str, consortium_id: str, month: str, count: int, rate: int,  # noqa: ANN001
          amount: int, entry_id: str, by: str, now) -> dict:  # noqa: ANN001
    """The unit's capitation of the month (what settlement sums): created, or grown by a later run."""
    row = {"org_id": org_id, "period": month, "consortium_id": consortium_id,
           "enrolled": count + (before.enrolled if before else 0), "rate_fen": rate,
           "amount_fen": amount + (before.amount_fen if before else 0), "entry_id": entry_id, "paid_by": by,
           "paid_at": now}
    uow.roster.save_unit_payment(row, exists=before is not None)
    uow.record(PAYMENT_TOPIC, PaymentEvent.CAPITATION_PAID, "capitation", f"{org_id}:{month}", {
        "org_id": org_id, "period": month, "enrolled": count, "amount_fen": amount}, org_id=org_id)
    return row


def run_lines(uow: PaymentUnitOfWork, principal: Principal, run_id: str, limit: int, offset: int) -> dict:
    """Which contracts a run paid, paged: the contract, its unit, weight and amounts."""
    from platform_common.errors import NotFound
    from .access import require_consortium_reader

    run = uow.roster.run(run_id)
    if run is None:
        raise NotFound("no such capitation run", run_id=run_id)
    require_consortium_reader(principal, run["consortium_id"])
    return run | {"limit": limit, "offset": offset, "items": uow.roster.lines(run_id, limit, offset)}


def list_runs(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str, month: str | None, limit: int,
              offset: int) -> dict:
    """The capitation runs of a consortium (of one month), the latest first, paged."""
    from .access import require_consortium_reader

    require_consortium_reader(principal, consortium_id)
    total, items = uow.roster_queries.runs(consortium_id, month, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "items": items}
