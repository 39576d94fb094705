"""Kafka event handlers of the referral service: `def on_x(uow, envelope, payload)`; the consumer loop commits."""
from __future__ import annotations

from platform_common.contracts import SecondmentEnded, SecondmentExtended, StaffDispatched
from platform_common.events import EventEnvelope

from ..service_layer import capability


def on_staff_dispatched(uow, _envelope: EventEnvelope, event: StaffDispatched) -> None:  # noqa: ANN001
    capability.staff_dispatched(uow, event)


def on_secondment_extended(uow, _envelope: EventEnvelope, event: SecondmentExtended) -> None:  # noqa: ANN001
    capability.secondment_extended(uow, event)


def on_secondment_ended(uow, _envelope: EventEnvelope, event: SecondmentEnded) -> None:  # noqa: ANN001
    capability.secondment_ended(uow, event)
