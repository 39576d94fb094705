"""Events as a producer would send them, and delivery to a service's real consumer without a broker."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from fastapi.testclient import TestClient

from platform_common.contracts import CONTRACTS, EventPayload
from platform_common.events import EventEnvelope, utcnow


def envelope(event_type: str, payload: EventPayload | Mapping[str, Any], *, aggregate_id: str | None = None,
             event_id: str | None = None, occurred_at: datetime | None = None, version: int | None = None,
             org_id: str | None = None) -> EventEnvelope:
    """The envelope of one event; a dict payload is sent as it is (to test what consumers make of it)."""
    contract = CONTRACTS[event_type]
    body = payload.model_dump(mode="json") if isinstance(payload, EventPayload) else dict(payload)
    key = aggregate_id or str(body.get("referral_id") or body.get("posting_id") or body.get("period") or "x")
    return EventEnvelope(type=event_type, version=version or contract.schema_version, producer="test",
                         correlation_id="test", aggregate_type="test", aggregate_id=key, payload=body,
                         occurred_at=occurred_at or utcnow(), org_id=org_id,
                         **({"event_id": event_id} if event_id else {}))


def deliver(client: TestClient, consumer: str, *envelopes: EventEnvelope) -> list[bool]:
    """Hand envelopes to the service's consumer `consumer` (e.g. "payment-referral"), inbox included.
    Returns, for each, whether it was applied (False: already applied); a payload that does not match its
    contract raises ContractViolation, as it would before the consumer dead-letters it."""
    runtime = client.runtime  # type: ignore[attr-defined]
    target = next(c for c in runtime.consumers if c.name == consumer)
    return [target.apply(e) for e in envelopes]
