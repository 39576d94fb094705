"""Kafka event handlers of the staffing service: `def on_x(uow, envelope, payload)`."""
from __future__ import annotations

from sqlalchemy import select

from platform_common.contracts import ReferralSubmitted
from platform_common.events import EventEnvelope

from .tables import DemandSignal


def on_referral_submitted(uow, envelope: EventEnvelope, event: ReferralSubmitted) -> None:  # noqa: ANN001
    """Count an upward referral as demand at its township for its specialty (tidal dispatch).

    The township is resolved when counting (a village clinic counts for its parent township), so
    a referral that arrives before its clinic's registration is not lost. A referral id counts once
    even if it were re-announced under another event id.
    """
    if uow.session.get(DemandSignal, envelope.event_id) is not None:
        return
    if uow.session.scalars(select(DemandSignal).where(DemandSignal.referral_id == event.referral_id)).first():
        return
    uow.session.add(DemandSignal(event_id=envelope.event_id, referral_id=event.referral_id,
                                 from_org_id=event.from_org_id, specialty=event.specialty.value,
                                 occurred_at=envelope.occurred_at))
