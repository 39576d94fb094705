"""The outbox relay: publishes outbox rows to Kafka in order, marks them, keeps them a while.

Delivery is at least once: a row is marked published only after its send was acknowledged
(`future.get`, since `flush()` hides failures), so a crash between send and mark re-sends it
and the consumers' inbox drops the duplicate.
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
from .kafka_io import ensure_topics, new_producer
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
            "healthy": self.last_error is None,
        }

    # -- the loop ----------------------------------------------------------------------------
    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
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
        for seq, fut in futures:
            try:
                fut.get(timeout=10)
            except Exception as e:  # noqa: BLE001
                # Stop at the first failure: later rows are re-sent with it, keeping order.
                return done, e
            done.append(seq)
        return done, None

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


def replay_outbox(engine: Engine, outbox: Table, since=None) -> int:  # noqa: ANN001
    """Mark kept rows unpublished again so the relay re-sends them (after a broker lost its log).

    Safe because every consumer is idempotent by event id.
    """
    stmt = update(outbox).where(outbox.c.published_at.is_not(None))
    if since is not None:
        stmt = stmt.where(outbox.c.created_at >= since)
    with engine.begin() as conn:
        return conn.execute(stmt.values(published_at=None)).rowcount
