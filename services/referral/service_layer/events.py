"""Recording a referral's events in the outbox: the header every referral event carries, and the one form of
its days and instants."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from platform_common.clock import iso_instant
from platform_common.contracts import REFERRAL_TOPIC

from ..adapters.tables import ReferralRow
from .unit_of_work import ReferralUnitOfWork

AGGREGATE = "referral"


def publish(uow: ReferralUnitOfWork, row: ReferralRow, event_type: str, org_id: str | None,
            **extra: Any) -> None:
    """Every referral event carries the same header fields; never the patient's name or ID."""
    payload = {
        "referral_id": row.referral_id, "direction": row.direction, "from_org_id": row.from_org_id,
        "to_org_id": row.to_org_id, "consortium_id": row.consortium_id, "specialty": row.specialty,
    } | extra
    uow.record(REFERRAL_TOPIC, event_type, AGGREGATE, row.referral_id, payload, org_id=org_id)


def iso(value: date | datetime | None) -> str | None:
    """A date as YYYY-MM-DD; an instant in the platform's one form (UTC, `Z`)."""
    if isinstance(value, datetime):
        return iso_instant(value)
    return value.isoformat() if value else None
