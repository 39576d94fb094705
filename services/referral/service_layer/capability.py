"""Receiving capability: which township unit can take which specialty now (from staffing.events).

Events may arrive twice (the inbox drops repeats) or out of order (an end before its dispatch):
every field is merged, never blindly overwritten.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from platform_common.auth import Principal
from platform_common.contracts import SecondmentEnded, SecondmentExtended, StaffDispatched

from ..settings import ReferralSettings
from .access import PRIMARY_KINDS, require_clerk
from .unit_of_work import ReferralUnitOfWork


def _later(a: date | None, b: date | None) -> date | None:
    return max(d for d in (a, b) if d) if (a or b) else None


def staff_dispatched(uow: ReferralUnitOfWork, event: StaffDispatched) -> None:
    row = uow.capabilities.get_or_new(event.posting_id)
    row.org_id, row.specialty = event.to_org_id, event.specialty.value
    row.start_date = event.start_date
    row.end_date = _later(row.end_date, event.end_date)


def secondment_extended(uow: ReferralUnitOfWork, event: SecondmentExtended) -> None:
    row = uow.capabilities.get_or_new(event.posting_id)
    row.org_id = row.org_id or event.to_org_id
    row.specialty = row.specialty or event.specialty.value
    row.end_date = _later(row.end_date, event.end_date)


def secondment_ended(uow: ReferralUnitOfWork, event: SecondmentEnded) -> None:
    row = uow.capabilities.get_or_new(event.posting_id)
    row.org_id = row.org_id or event.to_org_id
    row.specialty = row.specialty or event.specialty.value
    row.ended_on = event.ended_on


def current(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
            org_id: str | None) -> list[dict[str, Any]]:
    """What each primary unit of the caller's consortium can receive today, beyond the baseline."""
    require_clerk(principal)
    units = [o.org_id for o in uow.orgs.all(uow.session, principal.consortium_id)
             if o.kind in PRIMARY_KINDS and (org_id is None or o.org_id == org_id)]
    rows = uow.capabilities.current(settings.local_date(now), units)
    return [{"org_id": r.org_id, "specialty": r.specialty, "secondment_id": r.posting_id,
             "until": r.end_date.isoformat() if r.end_date else None} for r in rows]
