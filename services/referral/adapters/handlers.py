"""Kafka event handlers of the referral service: `def on_x(uow, envelope)`; the consumer loop commits."""
from __future__ import annotations

from platform_common.events import EventEnvelope

from ..service_layer import capability


def on_staff_dispatched(uow, envelope: EventEnvelope) -> None:  # noqa: ANN001
    capability.staff_dispatched(uow, envelope.payload)


def on_secondment_extended(uow, envelope: EventEnvelope) -> None:  # noqa: ANN001
    capability.secondment_extended(uow, envelope.payload)


def on_secondment_ended(uow, envelope: EventEnvelope) -> None:  # noqa: ANN001
    capability.secondment_ended(uow, envelope.payload)
