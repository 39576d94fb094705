"""Receiving capability: which township unit can take which specialty now (from staffing.events).

Events may arrive twice (the inbox drops repeats) or out of order (an end before its dispatch):
every field is merged, never blindly overwritten.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from platform_common.auth import Principal

from ..settings import ReferralSettings
from .common import PRIMARY_KINDS, local_date, require_clerk
from .unit_of_work import ReferralUnitOfWork


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _later(a: date | None, b: date | None) -> date | None:
    return max(d for d in (a, b) if d) if (a or b) else None


def staff_dispatched(uow: ReferralUnitOfWork, payload: dict[str, Any]) -> None:
    row = uow.capabilities.get_or_new(payload["secondment_id"])
    row.org_id, row.specialty = payload["to_org_id"], payload["specialty"]
    row.start_date = _date(payload.get("start_date"))
    row.end_date = _later(row.end_date, _date(payload.get("end_date")))


def secondment_extended(uow: ReferralUnitOfWork, payload: dict[str, Any]) -> None:
    row = uow.capabilities.get_or_new(payload["secondment_id"])
    row.org_id = row.org_id or payload.get("to_org_id")
    row.specialty = row.specialty or payload.get("specialty")
    row.end_date = _later(row.end_date, _date(payload.get("end_date")))


def secondment_ended(uow: ReferralUnitOfWork, payload: dict[str, Any]) -> None:
    row = uow.capabilities.get_or_new(payload["secondment_id"])
    row.org_id = row.org_id or payload.get("to_org_id")
    row.specialty = row.specialty or payload.get("specialty")
    row.ended_on = _date(payload.get("ended_on")) or row.ended_on


def current(uow: ReferralUnitOfWork, settings: ReferralSettings, principal: Principal, now: datetime,
            org_id: str | None) -> list[dict[str, Any]]:
    """What each primary unit of the caller's consortium can receive today, beyond the baseline."""
    require_clerk(principal)
    units = [o.org_id for o in uow.orgs.all(uow.session, principal.consortium_id)
             if o.kind in PRIMARY_KINDS and (org_id is None or o.org_id == org_id)]
    rows = uow.capabilities.current(local_date(now, settings), units)
    return [{"org_id": r.org_id, "specialty": r.specialty, "secondment_id": r.secondment_id,
             "until": r.end_date.isoformat() if r.end_date else None} for r in rows]
