"""The event envelope every service publishes and consumes."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from .clock import utcnow

__all__ = ["EventEnvelope", "utcnow"]


class EventEnvelope(BaseModel):
    """Every message on every topic: this envelope around one event's payload (JSON, UTF-8)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: str = Field(default_factory=lambda: str(uuid.uuid4()), min_length=1, max_length=64,
                          description="unique id (a UUID); consumers apply each event once by it")
    type: str = Field(min_length=1, max_length=100, description="the event type, e.g. `ReferralCompleted`")
    version: int = Field(default=1, ge=1, description="the payload's schema version")
    occurred_at: datetime = Field(default_factory=utcnow, description="when it happened (UTC)")
    producer: str = Field(min_length=1, max_length=50, description="the service that recorded it")
    org_id: str | None = Field(default=None, max_length=64, description="the organisation it concerns")
    correlation_id: str = Field(min_length=1, max_length=100,
                                description="the `X-Request-ID` of the HTTP request that caused it")
    aggregate_type: str = Field(min_length=1, max_length=50, description="what kind of record it is about")
    aggregate_id: str = Field(min_length=1, max_length=100, description="which record; also the Kafka key, so one "
                                                                         "record's events stay in order")
    aggregate_sequence: int | None = Field(
        default=None, ge=1, description="this event's number among its aggregate's events: 1, 2, 3… with no gap, "
                                        "given in the transaction that recorded it; a consumer applies an "
                                        "aggregate's events in this order (null: recorded before events were "
                                        "numbered)")
    payload: dict[str, Any] = Field(default_factory=dict, description="the event's fields (below, per type)")

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> "EventEnvelope":
        return cls.model_validate_json(raw)
