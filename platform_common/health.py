"""The answer of every service's `GET /health` (a response model like any other route's).

Parts a broken database cannot report are left out rather than invented (the outbox's backlog, the
directory's size), so the fields beyond `healthy` are optional and an answer carries only what it knows.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .api_types import ResponseModel, UtcInstant


class DatabaseHealth(ResponseModel):
    healthy: bool
    error: str | None = Field(default=None, description="why it is unreachable")


class BrokerHealth(ResponseModel):
    healthy: bool


class OutboxHealth(ResponseModel):
    healthy: bool = Field(description="false after a failed send, until the next one succeeds")
    backlog: int | None = Field(default=None, description="events recorded, not yet acknowledged by the broker")
    oldest_unpublished: UtcInstant | None = None
    published_since_start: int | None = None
    last_error: str | None = None


class ConsumerHealth(ResponseModel):
    topics: list[str]
    assigned: bool
    lag: int
    processed_since_start: int
    duplicates_skipped: int
    dead_lettered: int
    rewinds_after_log_loss: int
    last_error: str | None
    healthy: bool


class DirectoryHealth(ResponseModel):
    organisations: int | None = Field(default=None, description="the registry's organisations received")


class ServiceHealth(ResponseModel):
    service: str
    status: Literal["ok", "starting", "degraded", "down"] = Field(
        description="starting: no organisation received yet; degraded: broker, relay or a consumer failing "
                    "(writes still kept in the outbox); down: no database (answered with 503)")
    directory: DirectoryHealth
    database: DatabaseHealth
    broker: BrokerHealth
    outbox: OutboxHealth
    consumers: dict[str, ConsumerHealth] = Field(description="by consumer group name")
