"""门诊统筹按人头付费: monthly capitation to primary units for their contracted residents."""
from __future__ import annotations

from sqlalchemy import and_, func, select

from platform_common.auth import Principal
from platform_common.contracts import PAYMENT_TOPIC, PaymentEvent
from platform_common.errors import Conflict, InvalidInput
from platform_common.events import utcnow

from ..adapters import tables as t
from ..adapters.repository import dialect_insert, hold_for_booking
from ..domain.ledger import capitation_entry
from ..domain.periods import Period
from ..settings import PaymentSettings
from . import policies
from .access import require_claim_writer, require_consortium_reader, require_manager, scope
from .unit_of_work import PaymentUnitOfWork


def set_enrolment(uow: PaymentUnitOfWork, principal: Principal, org_id: str, effective_month: str,
                  enrolled: int) -> dict:
    """Contracted (签约) residents of a primary unit from a month on; a later month supersedes it."""
    org = uow.directory.get(uow.session, org_id)
    if org is None or not org.is_primary_unit or not org.consortium_id:
        raise InvalidInput("capitation goes to primary units (township centres, village clinics)", field="org_id")
    require_claim_writer(principal, org.consortium_id)
    if org.consortium_id and effective_month in uow.claims.closed_months(org.consortium_id):
        raise Conflict("the month is settled", field="effective_month", state="closed")
    values = {"org_id": org_id, "effective_month": effective_month, "consortium_id": org.consortium_id,
              "enrolled": enrolled, "recorded_by": principal.username, "recorded_at": utcnow()}
    stmt = dialect_insert(uow.session, t.enrolments).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=["org_id", "effective_month"],
                                      set_={k: v for k, v in values.items() if k not in ("org_id", "effective_month")})
    uow.session.execute(stmt)
    uow.commit()
    return values


def enrolled_as_of(uow: PaymentUnitOfWork, consortium_id: str, month: str) -> dict[str, int]:
    """Latest enrolment of each primary unit effective in or before `month`."""
    e = t.enrolments
    latest = (select(e.c.org_id, func.max(e.c.effective_month).label("m"))
              .where(e.c.consortium_id == consortium_id, e.c.effective_month <= month)
              .group_by(e.c.org_id).subquery())
    rows = uow.session.execute(select(e.c.org_id, e.c.enrolled).join(
        latest, and_(e.c.org_id == latest.c.org_id, e.c.effective_month == latest.c.m)))
    return {org: n for org, n in rows}


def run_capitation(uow: PaymentUnitOfWork, principal: Principal, settings: PaymentSettings, consortium_id: str,
                   month: str) -> dict:
    """Pays each primary unit enrolled × rate for the month; a unit already paid is skipped."""
    require_manager(principal)
    if not uow.directory.all(uow.session, consortium_id):
        raise InvalidInput("no such consortium", field="consortium_id")
    period = Period.parse(month)
    if period.kind != "month":
        raise InvalidInput("capitation is paid per month (YYYY-MM)", field="period")
    hold_for_booking(uow.session, "capitation_payments")
    if month in uow.claims.closed_months(consortium_id):
        raise Conflict("the month is settled", field="period", state="closed")
    version, policy = policies.effective(uow, settings, period.end)
    rate = policy.capitation_fen_per_resident_month
    paid = {r.org_id for r in uow.session.execute(select(t.capitation_payments.c.org_id).where(
        t.capitation_payments.c.consortium_id == consortium_id, t.capitation_payments.c.period == month))}
    now, created = utcnow(), []
    for org_id, enrolled in sorted(enrolled_as_of(uow, consortium_id, month).items()):
        if org_id in paid or enrolled <= 0:
            continue
        amount = enrolled * rate
        entry_id = uow.ledger.post(capitation_entry(consortium_id, f"{org_id}:{month}", org_id, month, amount),
                                   principal.username, now)
        row = {"org_id": org_id, "period": month, "consortium_id": consortium_id, "enrolled": enrolled,
               "rate_fen": rate, "amount_fen": amount, "entry_id": entry_id or "", "paid_by": principal.username,
               "paid_at": now}
        uow.session.execute(t.capitation_payments.insert().values(**row))
        uow.record(PAYMENT_TOPIC, PaymentEvent.CAPITATION_PAID, "capitation", f"{org_id}:{month}", {
            "org_id": org_id, "period": month, "enrolled": enrolled, "amount_fen": amount}, org_id=org_id)
        created.append(row)
    uow.commit()
    return {"consortium_id": consortium_id, "period": month, "policy_version": version, "rate_fen": rate,
            "paid": created, "already_paid": sorted(paid)}


def list_payments(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str | None,
                  period: str | None) -> list[dict]:
    own_consortium, own_org = scope(principal)
    c = t.capitation_payments
    query = select(c).order_by(c.c.period, c.c.org_id)
    if own_consortium or consortium_id:
        query = query.where(c.c.consortium_id == (own_consortium or consortium_id))
    if own_org:
        query = query.where(c.c.org_id == own_org)
    if period:
        query = query.where(c.c.period == period)
    return [dict(r._mapping) for r in uow.session.execute(query)]


def list_enrolments(uow: PaymentUnitOfWork, principal: Principal, consortium_id: str) -> list[dict]:
    require_consortium_reader(principal, consortium_id)
    e = t.enrolments
    rows = uow.session.execute(select(e).where(e.c.consortium_id == consortium_id)
                               .order_by(e.c.org_id, e.c.effective_month))
    return [dict(r._mapping) for r in rows]
