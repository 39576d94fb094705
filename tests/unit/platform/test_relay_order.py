"""Two relays on one PostgreSQL outbox (two replicas of a service) keep each aggregate's events in order.

The broker is a stand-in that keeps one log per partition and acknowledges each producer's sends in order
after a short random delay, as a real broker's round trips do, so two relays sending at once interleave.
What a consumer applies is the first copy of each event in its partition's log (the inbox drops the rest):
per aggregate, those must come in the order the events were recorded.
"""
from __future__ import annotations

import os
import queue
import random
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import Future
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from platform_common.db import make_engine, new_metadata
from platform_common.events import utcnow
from platform_common.messaging import outbox_table
from platform_common.relay import OutboxRelay, RelayConfig
from platform_common.lease import LOST_LEASE_PAUSE_SECONDS, AdvisoryLease
from platform_common.unit_of_work import WakeSignal
from tests.support.service_app import fresh_database

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs TEST_POSTGRES_URL (CI's PostgreSQL pass)"),
]

AGGREGATES = [f"agg-{i}" for i in range(7)]


class Broker:
    """Partition logs; one delivery thread per producer, so each producer's sends land in order."""

    def __init__(self, partitions: int = 3) -> None:
        self.partitions = partitions
        self.logs: dict[int, list[str]] = defaultdict(list)
        self.sent_by: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()

    def producer(self, who: str) -> "Producer":
        return Producer(self, who)

    def deliver(self, who: str, key: bytes, event_id: str) -> SimpleNamespace:
        partition = sum(key) % self.partitions
        with self._lock:
            log = self.logs[partition]
            log.append(event_id)
            self.sent_by[who] += 1
            return SimpleNamespace(topic="t", partition=partition, offset=len(log) - 1)

    def first_copies(self) -> list[str]:
        seen, firsts = set(), []
        with self._lock:
            for log in self.logs.values():
                for event_id in log:
                    if event_id not in seen:
                        seen.add(event_id)
                        firsts.append(event_id)
        return firsts


class Sent(Future):
    def get(self, timeout: float | None = None):  # noqa: ANN201 - kafka-python's FutureRecordMetadata.get
        return self.result(timeout)


class Producer:
    def __init__(self, broker: Broker, who: str) -> None:
        self.broker, self.who = broker, who
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._deliver, daemon=True).start()

    def send(self, topic, key, value, headers):  # noqa: ANN001, ANN201 - KafkaProducer.send's shape
        future = Sent()
        self._queue.put((key, dict(headers)["event_id"].decode(), future))
        return future

    def _deliver(self) -> None:
        while (item := self._queue.get()) is not None:
            key, event_id, future = item
            time.sleep(random.uniform(0, 0.002))
            future.set_result(self.broker.deliver(self.who, key, event_id))

    def close(self, timeout: float = 0) -> None:
        self._queue.put(None)


class NoWatch:
    def lost_log(self, published):  # noqa: ANN001, ANN201
        return None

    def close(self) -> None:
        pass


@pytest.fixture
def outbox_db(tmp_path):  # noqa: ANN001, ANN201
    with fresh_database(tmp_path) as url:
        metadata = new_metadata()
        outbox = outbox_table(metadata)
        engine = make_engine(url)
        metadata.create_all(engine)
        yield engine, outbox
        engine.dispose()


def record(engine, outbox, n: int) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        for i in range(n):
            conn.execute(outbox.insert().values(
                event_id=uuid.uuid4().hex, topic="t", aggregate_type="thing",
                aggregate_id=random.choice(AGGREGATES), event_type="Thing", envelope={"n": i},
                created_at=utcnow(), attempts=0))


def relay(engine, outbox, broker: Broker, who: str, lease: bool = True) -> OutboxRelay:  # noqa: ANN001
    config = RelayConfig(batch_size=40, idle_poll_seconds=0.01)
    return OutboxRelay(engine, outbox, "unused:9092", ["t"], 3, "svc", WakeSignal(), config,
                       lease=AdvisoryLease(engine, "svc-outbox") if lease else None,
                       producer_factory=lambda: broker.producer(who), watch=NoWatch())


def assert_in_order_per_aggregate(engine, outbox, broker: Broker) -> None:  # noqa: ANN001
    with engine.connect() as conn:
        rows = conn.execute(select(outbox.c.event_id, outbox.c.aggregate_id).order_by(outbox.c.seq)).all()
        unpublished = conn.execute(select(func.count()).where(outbox.c.published_at.is_(None))).scalar_one()
    assert unpublished == 0
    position = {event_id: i for i, event_id in enumerate(broker.first_copies())}
    assert set(position) == {r.event_id for r in rows}, "every recorded event reached the broker"
    for aggregate in AGGREGATES:
        applied = [position[r.event_id] for r in rows if r.aggregate_id == aggregate]
        assert applied == sorted(applied), f"{aggregate}'s events arrive out of order"


def wait_until(check, timeout: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def run_two(engine, outbox, broker: Broker, lease: bool, midway=None) -> list[OutboxRelay]:  # noqa: ANN001
    record(engine, outbox, 400)
    relays = [relay(engine, outbox, broker, who, lease) for who in ("a", "b")]
    for r in relays:
        r.start()
    try:
        for _ in range(10):  # more events keep coming while both relays run
            record(engine, outbox, 30)
        if midway:
            midway(relays)
        for _ in range(10):
            record(engine, outbox, 30)
        wait_until(lambda: broker.sent_by["a"] + broker.sent_by["b"] >= 1000
                   and all(r.status()["backlog"] == 0 for r in relays))
    finally:
        for r in relays:
            r.stop()
    return relays


def test_two_relays_with_the_lease_publish_once_each_aggregate_in_order(outbox_db):
    engine, outbox = outbox_db
    broker = Broker()
    run_two(engine, outbox, broker, lease=True)
    assert_in_order_per_aggregate(engine, outbox, broker)
    assert sorted(broker.sent_by.values())[0] == 0, "one relay published, the other stood by"
    assert sum(broker.sent_by.values()) == 1000, "no event sent twice"


def test_two_relays_sending_at_once_still_deliver_each_aggregate_in_order(outbox_db):
    """Without the lease (the moment a lease holder lost its connection but still sends), both send."""
    engine, outbox = outbox_db
    broker = Broker()
    run_two(engine, outbox, broker, lease=False)
    assert_in_order_per_aggregate(engine, outbox, broker)


def test_the_standby_relay_takes_over_when_the_publishing_one_loses_its_connection(outbox_db):
    engine, outbox = outbox_db
    broker = Broker()
    took_over = threading.Event()

    def drop_the_publisher(relays: list[OutboxRelay]) -> None:
        wait_until(lambda: any(r.lease.held for r in relays))
        holder = next(r for r in relays if r.lease.held)
        with engine.connect() as conn:  # the database ends the holder's session, as a network cut would
            pid = holder.lease._conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            conn.commit()
        wait_until(lambda: any(r.lease.held for r in relays if r is not holder))
        took_over.set()

    run_two(engine, outbox, broker, lease=True, midway=drop_the_publisher)
    assert took_over.is_set()
    assert_in_order_per_aggregate(engine, outbox, broker)
    assert all(broker.sent_by[who] > 0 for who in ("a", "b")), "both published, one after the other"


def test_a_worker_that_lost_its_lease_stands_by_so_another_replica_takes_over(outbox_db, monkeypatch):
    engine, _ = outbox_db
    clock = [1000.0]
    monkeypatch.setattr("platform_common.lease.monotonic", lambda: clock[0])
    lost, standby = AdvisoryLease(engine, "svc-clock"), AdvisoryLease(engine, "svc-clock")
    assert lost.acquire() and not standby.acquire()
    with engine.connect() as conn:  # the database ends the holder's session, as a network cut would
        pid = lost._conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        conn.commit()
    wait_until(lambda: not lost.acquire())  # noticed on its next step: it lets go and does not grab it back
    assert not lost.held and not lost.acquire(), "stands by, even with the lock free"
    assert standby.acquire(), "the standby takes over"
    clock[0] += LOST_LEASE_PAUSE_SECONDS + 0.1
    assert not lost.acquire(), "the pause over, it is a standby like any other"
    standby.release()
    assert lost.acquire()
    lost.release()
