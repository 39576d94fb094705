"""门诊统筹按人头付费: monthly capitation to primary units for their contracted residents."""
from __future__ import annotations

from platform_common.auth import Principal
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput
from platform_common.events import utcnow

from ..domain.ledger import capitation_entry
from ..domain.periods import Period
from ..settings import PaymentSettings
from . import policies
from .access import require_claim_writer, require_consortium_reader, require_manager, scope
from .unit_of_work import PaymentUnitOfWork


def set_enrolment(uow: PaymentUnitOfWork, principal: Principal, org_id: str, effective_month: str,
                  enrolled: int) -> dict:
    """Contracted (签约) residents of a primary unit from a month on; a later month supersedes it."""
    org = uow.orgs.get(uow.session, org_id)
    if org is None or not org.is_primary_unit or not org.consortium_id:
        raise InvalidInput("capitation goes to primary units (township centres, village clinics)", field="org_id")
    require_claim_writer(principal, org.consortium_id)
    if org.consortium_id and effective_month in uow.claims.closed_months(org.consortium_id):
        raise Conflict("the month is settled", field="effective_month", state="closed")
    values = {"org_id": org_id, "effective_month": effective_month, "consortium_id": org.consortium_id,
              "enrolled": enrolled, "recorded_by": principal.username, "recorded_at": utcnow()}
    uow.capitation.set_enrolment(values)
    uow.commit()
    return values


def run_capitation(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
                   month: str) -> dict:
    """Pays each primary unit enrolled × rate for the month; a unit already paid is skipped."""
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
    rate = policy.capitation_fen_per_resident_month
    paid = uow.capitation.paid_units(consortium_id, month)
    now, created = utcnow(), []
    for org_id, enrolled in sorted(uow.capitation.enrolled_as_of(consortium_id, month).items()):
        if org_id in paid or enrolled <= 0:
            continue
        amount = enrolled * rate
        entry_id = uow.ledger.post(capitation_entry(consortium_id, f"{org_id}:{month}", org_id, month, amount),
                                   principal.username, now)
        row = {"org_id": org_id, "period": month, "consortium_id": consortium_id, "enrolled": enrolled,
               "rate_fen": rate, "amount_fen": amount, "entry_id": entry_id or "", "paid_by": principal.username,
               "paid_at": now}
        uow.capitation.add_payment(row)
        uow.record(PAYMENT_TOPIC, PaymentEvent.CAPITATION_PAID, "capitation", f"{org_id}:{month}", {
            "org_id": org_id, "period": month, "enrolled": enrolled, "amount_fen": amount}, org_id=org_id)
        created.append(row)
    uow.commit()
    return {"consortium_id": consortium_id, "period": month, "policy_version": version, "rate_fen": rate,
            "paid": created, "already_paid": sorted(paid)}


def list_payments(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str | None,
                  period: str | None) -> list[dict]:
    own_consortium, own_org = scope(principal)
    return uow.capitation.payments(own_consortium or consortium_id, own_org, period)


def list_enrolments(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str) -> list[dict]:
    require_consortium_reader(principal, consortium_id)
    return uow.capitation.enrolments(consortium_id)
