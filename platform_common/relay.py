"""The outbox relay: publishes outbox rows to Kafka in order, marks them, keeps them a while.

Delivery is at least once: a row is marked published only after its send was acknowledged
(`future.get`, since `flush()` hides failures), so a crash between send and mark re-sends it
and the consumers' inbox drops the duplicate.

A broker that lost its log (a memory-only broker restarted) is noticed by the relay itself, by its
periodic check (broker_watch.py) or by an acknowledgement at an offset it had already been given in that
partition; it then re-publishes every row it keeps, with no one running `replay-outbox` by hand.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, Table, delete, func, select, update

from .clock import iso_instant
from .events import utcnow
from .broker_watch import BrokerWatch
from .kafka_io import ensure_topics, new_producer
from .messaging import published_counts, replay_outbox
from .logs import log_fields
from .unit_of_work import WakeSignal

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        engine: Engine,
        outbox: Table,
        bootstrap: str,
        topics: list[str],
        partitions: int,
        name: str,
        wake: WakeSignal,
        batch_size: int = 500,
        idle_poll_seconds: float = 0.2,
        retention: timedelta = timedelta(days=7),
        broker_check_seconds: float = 5.0,
    ) -> None:
        self.engine = engine
        self.outbox = outbox
        self.bootstrap = bootstrap
        self.topics = topics
        self.partitions = partitions
        self.name = name
        self.wake = wake
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self.retention = retention
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._producer = None
        self.published = 0
        self.last_error: str | None = None
        self.last_success_at: float | None = None
        self._last_purge = 0.0
        self._lock_rows = engine.dialect.name == "postgresql"
        self.watch = BrokerWatch(bootstrap, topics, partitions)
        self.broker_check_seconds = broker_check_seconds
        self._next_check = 0.0
        self._acked: dict[tuple[str, int], int] = {}  # highest offset acknowledged per (topic, partition)
        self.broker_restarts = 0
        self.last_broker_restart: dict[str, Any] | None = None
        self.last_replay: dict[str, Any] | None = None
        self.broker_check_error: str | None = None
        self._log_reset = False

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"{self.name}-relay", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        if self._producer is not None:
            try:
                self._producer.close(timeout=2)
            except Exception:  # noqa: BLE001 - closing a producer to a dead broker may raise
                pass
        self.watch.close()

    def status(self) -> dict[str, Any]:
        with self.engine.connect() as conn:
            backlog, oldest = conn.execute(
                select(func.count(), func.min(self.outbox.c.created_at)).where(self.outbox.c.published_at.is_(None))
            ).one()
        return {
            "backlog": backlog,
            "oldest_unpublished": iso_instant(oldest),
            "published_since_start": self.published,
            "last_error": self.last_error,
            "broker_restarts_detected": self.broker_restarts,
            "last_broker_restart": self.last_broker_restart,
            "last_replay": self.last_replay,
            "broker_check_error": self.broker_check_error,
            "healthy": self.last_error is None,
        }

    # -- the loop ----------------------------------------------------------------------------
    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                self.watch_broker()
                sent = self.publish_batch()
                self._purge_if_due()
                backoff = 0.5
                if sent < self.batch_size:
                    self.wake.wait(self.idle_poll_seconds)
            except Exception as e:  # noqa: BLE001 - the relay must outlive any broker or DB outage
                self.last_error = f"{type(e).__name__}: {e}"
                log.warning("outbox relay failed; retrying", extra=log_fields(error=self.last_error, backoff=backoff))
                self._drop_producer()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)

    def watch_broker(self, force: bool = False) -> None:
        """At most every `broker_check_seconds`: re-publish the kept rows if the broker lost them."""
        now = time.monotonic()
        if not force and now < self._next_check:
            return
        self._next_check = now + self.broker_check_seconds
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
                    extra=log_fields(relay=self.name, reason=reason, rows=rows))
        self.wake.set()

    def _ensure_producer(self):  # noqa: ANN202
        if self._producer is None:
            ensure_topics(self.bootstrap, self.topics, self.partitions)
            self._producer = new_producer(self.bootstrap, f"{self.name}-relay")
        return self._producer

    def _drop_producer(self) -> None:
        if self._producer is not None:
            try:
                self._producer.close(timeout=1)
            except Exception:  # noqa: BLE001
                pass
            self._producer = None

    def publish_batch(self) -> int:
        """Publish one batch of unpublished rows; returns how many were published."""
        ob = self.outbox
        query = select(ob.c.seq, ob.c.topic, ob.c.aggregate_id, ob.c.event_id, ob.c.event_type, ob.c.envelope)
        query = query.where(ob.c.published_at.is_(None)).order_by(ob.c.seq).limit(self.batch_size)
        if self._lock_rows:
            # Two relays (two replicas of a service) never send the same row at once.
            with self.engine.begin() as conn:
                rows = conn.execute(query.with_for_update(skip_locked=True)).all()
                done, error = self._send(rows)
                self._mark(conn, done)
        else:
            with self.engine.connect() as conn:
                rows = conn.execute(query).all()
                conn.rollback()
            done, error = self._send(rows)
            if done:
                with self.engine.begin() as conn:
                    self._mark(conn, done)
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

    def _send(self, rows) -> tuple[list[int], Exception | None]:  # noqa: ANN001
        if not rows:
            return [], None
        producer = self._ensure_producer()
        futures = []
        for row in rows:
            envelope = row.envelope
            headers = [
                ("event_id", row.event_id.encode()),
                ("event_type", row.event_type.encode()),
                ("correlation_id", str(envelope.get("correlation_id", "")).encode()),
            ]
            futures.append((row.seq, producer.send(
                row.topic, key=row.aggregate_id.encode(), value=_dumps(envelope), headers=headers
            )))
        done: list[int] = []
        went_back = False
        for seq, fut in futures:
            try:
                sent = fut.get(timeout=10)
            except Exception as e:  # noqa: BLE001
                # Stop at the first failure: later rows are re-sent with it, keeping order.
                return done, e
            done.append(seq)
            went_back |= self._acknowledged(sent.topic, sent.partition, sent.offset)
        self._log_reset |= went_back
        return done, None

    def _acknowledged(self, topic: str, partition: int, offset: int) -> bool:
        """Remember the offset; True when the partition gave an offset it had already given (its log was reset)."""
        key = (topic, partition)
        previous = self._acked.get(key, -1)
        self._acked[key] = max(previous, offset)
        return offset <= previous

    def _mark(self, conn, seqs: list[int]) -> None:  # noqa: ANN001
        if seqs:
            conn.execute(update(self.outbox).where(self.outbox.c.seq.in_(seqs)).values(published_at=utcnow()))

    def _purge_if_due(self) -> None:
        now = time.monotonic()
        if now - self._last_purge < 300:
            return
        self._last_purge = now
        cutoff = utcnow() - self.retention
        with self.engine.begin() as conn:
            conn.execute(delete(self.outbox).where(self.outbox.c.published_at < cutoff))


def _dumps(envelope: dict) -> bytes:
    import json

    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
