"""Typed enrolments (签约人数) of units not yet on the contract roster, and the capitation paid (listed); the run
itself is roster_capitation.pay_capitation."""
from __future__ import annotations

from platform_common.auth import Principal
from platform_common.errors import Conflict, InvalidInput
from platform_common.events import utcnow

from .access import require_claim_writer, require_consortium_reader, scope
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


def list_payments(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str | None,
                  period: str | None) -> list[dict]:
    own_consortium, own_org = scope(principal)
    return uow.capitation.payments(own_consortium or consortium_id, own_org, period)


def list_enrolments(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str) -> list[dict]:
    require_consortium_reader(principal, consortium_id)
    return uow.capitation.enrolments(consortium_id)
