"""Kafka event handlers of the staffing service: `def on_x(uow, envelope, payload)`; the consumer loop commits."""
from __future__ import annotations

from platform_common.contracts import ReferralSubmitted
from platform_common.events import EventEnvelope

from ..service_layer import tidal


def on_referral_submitted(uow, envelope: EventEnvelope, event: ReferralSubmitted) -> None:  # noqa: ANN001
    """An upward referral is demand for tidal dispatch."""
    tidal.count_demand(uow, envelope, event)
