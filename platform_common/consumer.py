"""The idempotent consumer loop.

For each message: parse its payload with the event type's contract, open a unit of work, insert
(consumer, event_id) into the inbox, run the handler with the typed payload, commit; only then commit the
Kafka offset. A duplicate inbox key means the event was already applied: skip it. In the same transaction the
consumer notes the aggregate's event number it applied (aggregate_sequence.py): one that comes at or below a
number already applied is counted as out of order. A payload that does not
match its contract can never be applied: it goes to `<topic>.dlq` at once with the validation errors. A
handler that keeps failing is retried with backoff, then sent to `<topic>.dlq` with its error, and the loop
goes on.
"""
from __future__ import annotations

import json
import logging
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from kafka.structs import OffsetAndMetadata
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from .aggregate_sequence import advance_position
from .consumer_partitions import GroupCoverage, LogLossRewind
from .contracts import ContractViolation, EventPayload, dead_letter_topic
from .events import EventEnvelope, utcnow
from .kafka_io import BrokerProfile, ensure_topics, new_consumer, new_producer
from .logs import correlation_id_var, log_fields
from .unit_of_work import SqlUnitOfWork
from .worker import Backoff, BackgroundWorker

log = logging.getLogger(__name__)

# handler(uow, envelope, payload): the envelope for its metadata (event id, occurred_at, aggregate), the payload
# parsed with the contract (the model class) the handler is registered under
Handler = Callable[[Any, EventEnvelope, Any], None]


class Stopping(Exception):
    """Asked to stop while retrying a message: it is left uncommitted, for the next start."""


@dataclass(frozen=True)
class ConsumerConfig:
    """A consumer's figures (ServiceSettings.consumer_config() reads them from the settings)."""

    max_attempts: int = 5
    retry_base_seconds: float = 0.2
    # How long one poll waits for messages; also the longest a stop waits for the poll under way.
    poll_timeout_ms: int = 1000
    # Partitions no member consumes for this long make the member rejoin its group (consumer_partitions.py).
    rejoin_patience_seconds: float = 10.0
    # The longest closing the client may take (leaving the group) when the worker stops or reconnects.
    close_timeout_ms: int = 1000
    profile: BrokerProfile = field(default_factory=BrokerProfile)
    backoff: Backoff = field(default_factory=Backoff)


class IdempotentConsumer(BackgroundWorker):
    def __init__(
        self,
        name: str,
        topics: list[str],
        handlers: dict[type[EventPayload], Handler],
        uow_factory: Callable[[], SqlUnitOfWork],
        inbox,  # noqa: ANN001 - sqlalchemy Table
        bootstrap: str,
        partitions: int,
        config: ConsumerConfig = ConsumerConfig(),
    ) -> None:
        super().__init__(name, config.backoff)
        self.topics = topics
        self.routes = {contract.event_type: (contract, handler) for contract, handler in handlers.items()}
        self.uow_factory = uow_factory
        self.inbox = inbox
        self.positions = inbox.metadata.tables["aggregate_positions"]
        self.bootstrap = bootstrap
        self.partitions = partitions
        self.config = config
        self.max_attempts = config.max_attempts
        self.retry_base_seconds = config.retry_base_seconds
        self._consumer = None
        self._dlq_producer = None
        self.processed = 0
        self.duplicates = 0
        self.out_of_order = 0
        self.dead_lettered = 0
        self.lag: dict[str, int] = {}
        self.assigned = False
        self.coverage = GroupCoverage(config.rejoin_patience_seconds)
        self.rewind = LogLossRewind(config.profile.rewind_window_seconds)
        self.rejoins = 0

    def status(self) -> dict[str, Any]:
        return {
            "topics": self.topics,
            "assigned": self.assigned,
            # Started and given its first assignment (a consumer never started, as in the API tests, has none).
            "joined": not self.started or self.coverage.group is not None,
            # Partitions of its topics no member of the group consumes (a topic grown or recreated since the
            # last rebalance), or all of them before the first assignment.
            "unassigned_partitions": self.coverage.unassigned,
            "rejoins_for_unassigned_partitions": self.rejoins,
            "lag": sum(self.lag.values()),
            "processed_since_start": self.processed,
            "duplicates_skipped": self.duplicates,
            "out_of_order": self.out_of_order,
            "dead_lettered": self.dead_lettered,
            "rewinds_after_log_loss": self.rewind.count,
            "last_error": self.last_error,
            "healthy": self.last_error is None and (not self.started or self.coverage.group is not None)
            and not self.coverage.unassigned,
        }

    # -- the worker ----------------------------------------------------------------------------------
    def step(self) -> None:
        if self._consumer is None:
            ensure_topics(self.bootstrap, [*self.topics, *map(dead_letter_topic, self.topics)], self.partitions)
            self._consumer = new_consumer(self.bootstrap, self.name, self.name, self.topics, self.config.profile,
                                          self.coverage)
        batch = self._consumer.poll(timeout_ms=self.config.poll_timeout_ms)
        self.assigned = bool(self._consumer.assignment())
        if self.coverage.needs_rejoin({t: set(self._consumer.partitions_for_topic(t) or ())
                                       for t in self.topics}, self.assigned, time.monotonic()):
            log.warning("partitions without a consumer; rejoining the group",
                        extra=log_fields(consumer=self.name, unassigned=self.coverage.unassigned))
            self.rejoins += 1
            self._close()
            return
        self._process_batch(batch)
        if self.stopping:
            return
        if self.rewind.check(self._consumer, self.topics):
            log.warning("the broker lost its log; re-reading from the start",
                        extra=log_fields(consumer=self.name, partitions=len(self._consumer.assignment())))
        self._update_lag()
        self.last_error = None

    def on_failure(self, error: Exception) -> None:
        self._close()

    def close(self) -> None:
        self._close()

    def _process_batch(self, batch: dict) -> None:
        """Apply a poll's messages in order, then commit their offsets in one request.

        Each event's own transaction (effects + inbox row) has committed before the offsets are: a crash in
        between only redelivers events the inbox already holds. One commit per poll, not one broker round
        trip per message, is most of what a consumer costs under load.
        """
        offsets = {}
        try:
            for tp, messages in batch.items():
                for message in messages:
                    if self.stopping:
                        return
                    self._process(message)
                    offsets[tp] = OffsetAndMetadata(message.offset + 1, None, -1)
        except Stopping:
            return
        finally:
            if offsets:
                self._consumer.commit(offsets)

    def _update_lag(self) -> None:
        consumer = self._consumer
        lag = {}
        for tp in consumer.assignment():
            high = consumer.highwater(tp)
            if high is None:
                continue
            lag[f"{tp.topic}:{tp.partition}"] = max(0, high - consumer.position(tp))
        self.lag = lag

    def _close(self) -> None:
        timeout_s = self.config.close_timeout_ms / 1000
        for attr in ("_consumer", "_dlq_producer"):
            client = getattr(self, attr)
            if client is not None:
                try:  # bounded: leaving the group is a courtesy (the session timeout ends a silent member)
                    if attr == "_consumer":
                        client.close(autocommit=False, timeout_ms=self.config.close_timeout_ms)
                    else:
                        client.close(timeout=timeout_s)
                except Exception:  # noqa: BLE001
                    pass
                setattr(self, attr, None)
        self.assigned = False

    def _process(self, message) -> None:  # noqa: ANN001
        try:
            envelope = EventEnvelope.from_bytes(message.value)
        except Exception as e:  # noqa: BLE001 - a malformed message can never succeed
            self._dead_letter(message, f"invalid envelope: {e}")
            return
        if envelope.type not in self.routes:
            return
        token = correlation_id_var.set(envelope.correlation_id)
        try:
            for attempt in range(1, self.max_attempts + 1):
                try:
                    self.apply(envelope)
                    return
                except ContractViolation as e:  # the same payload fails the same way every time: no retry
                    self._dead_letter(message, str(e), attempt, validation_errors=e.errors)
                    return
                except Exception as e:  # noqa: BLE001
                    if attempt == self.max_attempts:
                        self._dead_letter(message, "".join(traceback.format_exception_only(e)).strip(), attempt)
                        return
                    log.warning("handler failed; retrying", extra=log_fields(
                        consumer=self.name, event_id=envelope.event_id, attempt=attempt, error=repr(e)))
                    if self.pause(self.retry_base_seconds * 2 ** (attempt - 1)):
                        raise Stopping  # its offset stays uncommitted: the next start applies it
        finally:
            correlation_id_var.reset(token)

    def apply(self, envelope: EventEnvelope) -> bool:
        """Apply one event exactly once; returns False when it had been applied before.

        Raises `ContractViolation` (before anything is written) when its payload does not match its contract.
        """
        contract, handler = self.routes[envelope.type]
        payload = contract.incoming(envelope.payload, envelope.version)
        with self.uow_factory() as uow:
            try:
                uow.session.execute(insert(self.inbox).values(
                    consumer_name=self.name, event_id=envelope.event_id,
                    event_type=envelope.type, processed_at=utcnow(),
                ))
            except IntegrityError:
                uow.rollback()
                self.duplicates += 1
                return False
            if not advance_position(uow.session, self.positions, self.name, envelope):
                self.out_of_order += 1
                log.error("event applied out of its aggregate's order", extra=log_fields(
                    consumer=self.name, event_id=envelope.event_id, aggregate_type=envelope.aggregate_type,
                    aggregate_id=envelope.aggregate_id, aggregate_sequence=envelope.aggregate_sequence))
            handler(uow, envelope, payload)
            uow.commit()
        self.processed += 1
        log.info("event applied", extra=log_fields(consumer=self.name, event_type=envelope.type,
                                                    event_id=envelope.event_id, producer=envelope.producer))
        return True

    def _dead_letter(self, message, error: str, attempts: int = 0,  # noqa: ANN001
                     validation_errors: list[dict[str, str]] | None = None) -> None:
        """Park a message that cannot be applied; blocks (and so holds the offset) until the DLQ has it."""
        self.dead_lettered += 1
        log.error("event dead-lettered", extra=log_fields(consumer=self.name, topic=message.topic, error=error))
        while not self.stopping:
            try:
                if self._dlq_producer is None:
                    self._dlq_producer = new_producer(self.bootstrap, f"{self.name}-dlq")
                record = {
                    "consumer": self.name, "error": error, "attempts": attempts, "topic": message.topic,
                    "partition": message.partition, "offset": message.offset,
                    "message": message.value.decode("utf-8", "replace"),
                }
                if validation_errors is not None:
                    record["validation_errors"] = validation_errors
                value = json.dumps(record, ensure_ascii=False).encode()
                self._dlq_producer.send(dead_letter_topic(message.topic), key=message.key, value=value).get(timeout=10)
                return
            except Exception as e:  # noqa: BLE001
                self.last_error = f"dead-letter publish failed: {e}"
                self.pause(1)
        raise Stopping
