"""The outbox relay: publishes outbox rows to Kafka in order, marks them, keeps them a while.

Delivery is at least once: a row is marked published only after its send was acknowledged
(`future.get`, since `flush()` hides failures), so a crash between send and mark re-sends it
and the consumers' inbox drops the duplicate. No database transaction stays open across the sends: the
rows are read in one short transaction and marked in another.

Per-aggregate order with any number of relays (replicas of a service on one PostgreSQL database): rows are
read and sent in `seq` order and only acknowledged rows are ever skipped, never rows another relay holds, and
one relay at a time publishes (lease.py). A send that fails stops the batch there, counts an attempt on
that row and keeps its error (`attempts`, `last_error`, shown by /health); later rows are sent after it.

A broker that lost its log (a memory-only broker restarted) is noticed by the relay itself, by its
periodic check (broker_watch.py) or by an acknowledgement at an offset it had already been given in that
partition; it then re-publishes every row it keeps, with no one running `replay-outbox` by hand.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable

from sqlalchemy import Engine, Table, delete, func, select, update

from .broker_watch import BrokerWatch
from .clock import iso_instant
from .db import read_only
from .events import utcnow
from .kafka_io import ensure_topics, new_producer
from .logs import log_fields
from .messaging import published_counts, replay_outbox
from .lease import Lease
from .unit_of_work import WakeSignal
from .worker import Backoff, BackgroundWorker

log = logging.getLogger(__name__)

__all__ = ["OutboxRelay", "RelayConfig", "replay_outbox"]


@dataclass(frozen=True)
class RelayConfig:
    """The relay's figures (ServiceSettings.relay_config() reads them from the settings)."""

    batch_size: int = 500
    # the wait when no commit woke the relay: rows written by another process (ServiceSettings)
    idle_poll_seconds: float = 5.0
    retention: timedelta = timedelta(days=7)
    broker_check_seconds: float = 5.0
    purge_interval_seconds: float = 300.0
    send_timeout_seconds: float = 10.0
    backoff: Backoff = field(default_factory=Backoff)


class OutboxRelay(BackgroundWorker):
    def __init__(self, engine: Engine, outbox: Table, bootstrap: str, topics: list[str], partitions: int,
                 name: str, wake: WakeSignal, config: RelayConfig = RelayConfig(), *,
                 lease: Lease | None = None, producer_factory: Callable[[], Any] | None = None,
                 watch: BrokerWatch | None = None) -> None:
        super().__init__(f"{name}-relay", config.backoff)
        self.engine = engine
        self._reads = read_only(engine)  # its reads take no write turn (db.read_only)
        self.outbox = outbox
        self.bootstrap = bootstrap
        self.topics = topics
        self.partitions = partitions
        self.service = name
        self.wake = wake
        self.config = config
        self.lease = lease
        self._producer_factory = producer_factory or self._new_producer
        self._producer = None
        self.published = 0
        self.last_success_at: float | None = None
        self._last_purge = 0.0
        self.watch = watch if watch is not None else BrokerWatch(bootstrap, topics, partitions)
        self._next_check = 0.0
        self._acked: dict[tuple[str, int], int] = {}  # highest offset acknowledged per (topic, partition)
        self.broker_restarts = 0
        self.last_broker_restart: dict[str, Any] | None = None
        self.last_replay: dict[str, Any] | None = None
        self.broker_check_error: str | None = None
        self._log_reset = False

    @property
    def batch_size(self) -> int:
        return self.config.batch_size

    # -- the worker --------------------------------------------------------------------------------
    def step(self) -> None:
        if self.lease is not None and not self.lease.acquire():
            self.wake.wait(self.config.idle_poll_seconds)  # another replica's relay publishes
            return
        self.watch_broker()
        sent = self.publish_batch()
        self._purge_if_due()
        if sent < self.config.batch_size and not self.stopping:
            self.wake.wait(self.config.idle_poll_seconds)

    def interrupt(self) -> None:
        self.wake.set()

    def on_failure(self, error: Exception) -> None:
        self._drop_producer()

    def close(self) -> None:
        self._drop_producer(timeout=2)
        self.watch.close()
        if self.lease is not None:
            self.lease.release()

    def status(self) -> dict[str, Any]:
        ob = self.outbox
        with self._reads.connect() as conn:
            backlog, oldest = conn.execute(
                select(func.count(), func.min(ob.c.created_at)).where(ob.c.published_at.is_(None))).one()
            head = conn.execute(select(ob.c.attempts, ob.c.last_error).where(ob.c.published_at.is_(None))
                                .order_by(ob.c.seq).limit(1)).first()
        return {
            "backlog": backlog,
            "oldest_unpublished": iso_instant(oldest),
            "oldest_unpublished_attempts": head.attempts if head else 0,
            "oldest_unpublished_error": head.last_error if head else None,
            "publishing": self.lease is None or self.lease.held,
            "published_since_start": self.published,
            "last_error": self.last_error,
            "broker_restarts_detected": self.broker_restarts,
            "last_broker_restart": self.last_broker_restart,
            "last_replay": self.last_replay,
            "broker_check_error": self.broker_check_error,
            "healthy": self.last_error is None,
        }

    # -- a broker that lost its log ------------------------------------------------------------------
    def watch_broker(self, force: bool = False) -> None:
        """At most every `broker_check_seconds`: re-publish the kept rows if the broker lost them."""
        now = time.monotonic()
        if not force and now < self._next_check:
            return
        self._next_check = now + self.config.broker_check_seconds
        try:
            reason = self.watch.lost_log(published_counts(self.engine, self.outbox))
            self.broker_check_error = None
        except Exception as e:  # noqa: BLE001 - an unreachable broker is the send's failure to report
            self.broker_check_error = f"{type(e).__name__}: {e}"
            return
        if reason:
            self._republish(reason)

    def _republish(self, reason: str) -> None:
        rows = replay_outbox(self.engine, self.outbox)
        at = iso_instant(utcnow())
        self.broker_restarts += 1
        self.last_broker_restart = {"detected_at": at, "reason": reason}
        self.last_replay = {"at": at, "rows": rows}
        self._acked.clear()
        self._drop_producer()  # its metadata describes the lost topics
        log.warning("the broker lost published events; re-publishing the kept outbox",
                    extra=log_fields(relay=self.service, reason=reason, rows=rows))
        self.wake.set()

    # -- publishing ----------------------------------------------------------------------------------
    def _new_producer(self):  # noqa: ANN202
        ensure_topics(self.bootstrap, self.topics, self.partitions)
        return new_producer(self.bootstrap, self.name)

    def _drop_producer(self, timeout: float = 1) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=timeout)
            except Exception:  # noqa: BLE001 - closing a producer to a dead broker may raise
                pass
            self._producer = None

    def publish_batch(self) -> int:
        """Publish one batch of unpublished rows, oldest first; returns how many were published."""
        ob = self.outbox
        query = (select(ob.c.seq, ob.c.topic, ob.c.aggregate_id, ob.c.event_id, ob.c.event_type, ob.c.envelope)
                 .where(ob.c.published_at.is_(None)).order_by(ob.c.seq).limit(self.config.batch_size))
        with self._reads.connect() as conn:
            rows = conn.execute(query).all()
            conn.rollback()
        done, failed, error = self._send(rows)
        if done or failed is not None:
            with self.engine.begin() as conn:
                if done:
                    conn.execute(update(ob).where(ob.c.seq.in_(done)).values(published_at=utcnow()))
                if failed is not None:
                    conn.execute(update(ob).where(ob.c.seq == failed).values(
                        attempts=ob.c.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:2000]))
        self.published += len(done)
        if self._log_reset:
            self._log_reset = False
            self._republish("a partition acknowledged an offset it had already given: its log was reset")
        if error:
            raise error
        if rows:
            self.last_error = None
            self.last_success_at = time.time()
        return len(done)

    def _send(self, rows) -> tuple[list[int], int | None, Exception | None]:  # noqa: ANN001
        """Send the rows in order; the acknowledged ones, then the first that failed and why."""
        if not rows:
            return [], None, None
        if self._producer is None:
            self._producer = self._producer_factory()
        futures = []
        for row in rows:
            envelope = row.envelope
            headers = [
                ("event_id", row.event_id.encode()),
                ("event_type", row.event_type.encode()),
                ("correlation_id", str(envelope.get("correlation_id", "")).encode()),
            ]
            futures.append((row.seq, self._producer.send(
                row.topic, key=row.aggregate_id.encode(), value=_dumps(envelope), headers=headers)))
        done: list[int] = []
        went_back = False
        for seq, fut in futures:
            try:
                sent = fut.get(timeout=self.config.send_timeout_seconds)
            except Exception as e:  # noqa: BLE001
                # Stop at the first failure: later rows are re-sent with it, keeping order.
                self._log_reset |= went_back
                return done, seq, e
            done.append(seq)
            went_back |= self._acknowledged(sent.topic, sent.partition, sent.offset)
        self._log_reset |= went_back
        return done, None, None

    def _acknowledged(self, topic: str, partition: int, offset: int) -> bool:
        """Remember the offset; True when the partition gave an offset it had already given (its log was reset)."""
        key = (topic, partition)
        previous = self._acked.get(key, -1)
        self._acked[key] = max(previous, offset)
        return offset <= previous

    def _purge_if_due(self) -> None:
        now = time.monotonic()
        if now - self._last_purge < self.config.purge_interval_seconds:
            return
        self._last_purge = now
        cutoff = utcnow() - self.config.retention
        with self.engine.begin() as conn:
            conn.execute(delete(self.outbox).where(self.outbox.c.published_at < cutoff))


def _dumps(envelope: dict) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
