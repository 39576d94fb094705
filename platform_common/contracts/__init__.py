"""The contract between services: topic names, event types, their payload models, shared vocabularies.

One module per topic holds its events' payload models (pydantic, with a `schema_version`); `CONTRACTS` maps
each event type to its model. Producers validate against it when recording into the outbox, consumers parse
with it. docs/EVENTS.md and the JSON Schemas in docs/events/ are generated from these models
(`python -m platform_common.contracts`).
"""
from __future__ import annotations

from . import payment_events, referral_events, registry_events, staffing_events
from .base import ContractViolation, EventPayload
from .payment_events import *  # noqa: F403
from .referral_events import *  # noqa: F403
from .registry_events import *  # noqa: F403
from .staffing_events import *  # noqa: F403
from .vocabulary import (PAYMENT_TOPIC, REFERRAL_TOPIC, REGISTRY_TOPIC, STAFFING_TOPIC, PaymentEvent, ReferralEvent,
                         RegistryEvent, Specialty, StaffingEvent, dead_letter_topic)
from .base import registry as _registry

# Topic by topic, in the order docs/EVENTS.md lists them.
TOPICS = {
    REGISTRY_TOPIC: registry_events,
    REFERRAL_TOPIC: referral_events,
    STAFFING_TOPIC: staffing_events,
    PAYMENT_TOPIC: payment_events,
}
CONTRACTS: dict[str, type[EventPayload]] = _registry(*(c for m in TOPICS.values() for c in m.CONTRACTS))


def contract_for(event_type: str) -> type[EventPayload] | None:
    return CONTRACTS.get(event_type)


__all__ = [
    "CONTRACTS", "TOPICS", "ContractViolation", "EventPayload", "contract_for", "dead_letter_topic", "PAYMENT_TOPIC",
    "REFERRAL_TOPIC",
    "REGISTRY_TOPIC", "STAFFING_TOPIC", "PaymentEvent", "ReferralEvent", "RegistryEvent", "Specialty", "StaffingEvent",
    *(c.__name__ for c in CONTRACTS.values()),
]
