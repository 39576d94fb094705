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


class BrokerRestart(ResponseModel):
    detected_at: UtcInstant
    reason: str = Field(description="what showed the broker lost its log: a new cluster id, or a topic's log "
                                    "holding fewer events than were acknowledged")


class Replay(ResponseModel):
    at: UtcInstant
    rows: int = Field(description="outbox rows re-published")


class OutboxHealth(ResponseModel):
    healthy: bool = Field(description="false after a failed send, until the next one succeeds")
    backlog: int | None = Field(default=None, description="events recorded, not yet acknowledged by the broker")
    oldest_unpublished: UtcInstant | None = None
    oldest_unpublished_attempts: int | None = Field(
        default=None, description="failed sends of the oldest unpublished event (the one the relay is stuck on)")
    oldest_unpublished_error: str | None = Field(default=None, description="why its last send failed")
    publishing: bool | None = Field(
        default=None, description="this replica's relay holds the outbox lease (one relay publishes at a time; "
                                  "the others stand by)")
    published_since_start: int | None = None
    last_error: str | None = None
    broker_restarts_detected: int | None = Field(
        default=None, description="times since start the relay found the broker had lost its log and re-published")
    last_broker_restart: BrokerRestart | None = None
    last_replay: Replay | None = None
    broker_check_error: str | None = Field(default=None, description="why the last look at the broker failed")


class ConsumerHealth(ResponseModel):
    topics: list[str]
    assigned: bool
    joined: bool = Field(description="started and given its first assignment by the group")
    unassigned_partitions: dict[str, list[int]] = Field(
        description="partitions of its topics no member of the group consumes (a topic grown or recreated since "
                    "the last rebalance): the consumer is unhealthy and rejoins while any remain")
    rejoins_for_unassigned_partitions: int
    lag: int
    processed_since_start: int
    duplicates_skipped: int
    out_of_order: int = Field(default=0, description="events applied since start whose aggregate_sequence was not "
                                                     "above the one already applied for their aggregate (0 "
                                                     "expected: Kafka keeps each aggregate's events in order)")
    dead_lettered: int
    rewinds_after_log_loss: int
    last_error: str | None
    healthy: bool


class DirectoryHealth(ResponseModel):
    organisations: int | None = Field(default=None, description="the registry's organisations received")


class ServiceHealth(ResponseModel):
    service: str
    status: Literal["ok", "starting", "degraded", "down"] = Field(
        description="starting: no organisation received yet, or a consumer not yet in its group; degraded: "
                    "broker, relay or a consumer failing (writes still kept in the outbox); down: no database "
                    "(answered with 503)")
    directory: DirectoryHealth
    database: DatabaseHealth
    broker: BrokerHealth
    outbox: OutboxHealth
    consumers: dict[str, ConsumerHealth] = Field(description="by consumer group name")
