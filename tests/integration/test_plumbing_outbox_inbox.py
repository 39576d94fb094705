"""The shared plumbing against the real broker: outbox relay, idempotent consumer, dead letters, outages."""
from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from kafka import KafkaConsumer, KafkaProducer
from sqlalchemy import Column, Integer, String, Table, func, select

from platform_common.consumer import ConsumerConfig, IdempotentConsumer
from platform_common.contracts import EventPayload
from platform_common.db import make_engine, make_session_factory, new_metadata
from platform_common.events import EventEnvelope
from platform_common.messaging import inbox_table, outbox_table
from platform_common.kafka_io import BrokerProfile
from platform_common.relay import OutboxRelay, RelayConfig, replay_outbox
from platform_common.unit_of_work import SqlUnitOfWork, WakeSignal

pytestmark = pytest.mark.integration


class Thing(EventPayload):
    """The rig's one event; its topic is the rig's own (fresh topics keep the tests apart)."""

    topic = "test.things"
    value: int


class Rig:
    """A miniature service: one table, an outbox, an inbox, a relay and a consumer on fresh topics."""

    def __init__(self, tmp_path, bootstrap: str) -> None:
        self.topic = f"test.{uuid.uuid4().hex[:8]}"
        self.contract = type("Thing", (Thing,), {"topic": self.topic})
        self.bootstrap = bootstrap
        self.metadata = new_metadata()
        self.outbox = outbox_table(self.metadata)
        self.inbox = inbox_table(self.metadata)
        self.applied = Table("applied", self.metadata, Column("id", Integer, primary_key=True),
                             Column("event_id", String(64)), Column("value", Integer))
        self.engine = make_engine(f"sqlite:///{tmp_path / 'rig.db'}")
        self.metadata.create_all(self.engine)
        self.sessions = make_session_factory(self.engine)
        self.wake = WakeSignal()

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, self.outbox, "rig", on_commit=self.wake.set,
                             contracts={"Thing": self.contract})

    def relay(self, bootstrap: str | None = None, **config) -> OutboxRelay:  # noqa: ANN003 - RelayConfig's fields
        config = RelayConfig(**{"batch_size": 100, "idle_poll_seconds": 0.1, "retention": timedelta(days=1), **config})
        return OutboxRelay(self.engine, self.outbox, bootstrap or self.bootstrap, [self.topic], 3, "rig", self.wake,
                           config)

    def consumer(self, handler) -> IdempotentConsumer:  # noqa: ANN001
        # the local broker of the tests: its profile (short poll interval, rewind after a lost log)
        config = ConsumerConfig(max_attempts=3, retry_base_seconds=0.05, profile=BrokerProfile.named("tansu"))
        return IdempotentConsumer(f"rig-{self.topic}", [self.topic], {self.contract: handler}, self.uow, self.inbox,
                                  self.bootstrap, 3, config)

    def record(self, n: int) -> None:
        for i in range(n):
            with self.uow() as uow:
                uow.record(self.topic, "Thing", "thing", f"agg-{i % 7}", {"value": i})
                uow.commit()

    def count(self, query) -> int:  # noqa: ANN001
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def unpublished(self) -> int:
        return self.count(select(func.count()).select_from(self.outbox).where(self.outbox.c.published_at.is_(None)))

    def applied_rows(self) -> int:
        return self.count(select(func.count()).select_from(self.applied))


def apply_thing(rig: Rig):  # noqa: ANN201
    def handler(uow, envelope: EventEnvelope, thing: Thing) -> None:  # noqa: ANN001
        uow.session.execute(rig.applied.insert().values(event_id=envelope.event_id, value=thing.value))
    return handler


def read_topic(bootstrap: str, topic: str, expected: int, timeout_s: float = 20) -> list:
    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             consumer_timeout_ms=int(timeout_s * 1000), group_id=None)
    out = []
    for message in consumer:
        out.append(message)
        if len(out) >= expected:
            break
    consumer.close()
    return out


def test_relay_publishes_every_row_keyed_and_in_order_per_aggregate(stack, tmp_path):
    rig = Rig(tmp_path, stack.kafka_bootstrap)
    rig.record(50)
    relay = rig.relay()
    relay.start()
    try:
        stack.wait_until(lambda: rig.unpublished() == 0, 20)
    finally:
        relay.stop()
    messages = read_topic(stack.kafka_bootstrap, rig.topic, 50)
    assert len(messages) == 50
    by_key: dict[bytes, list[int]] = {}
    for m in messages:
        by_key.setdefault(m.key, []).append(json.loads(m.value)["payload"]["value"])
        assert dict(m.headers)["event_type"] == b"Thing"
    assert all(values == sorted(values) for values in by_key.values())


def test_consumer_applies_each_event_once_even_when_delivered_twice(stack, tmp_path):
    rig = Rig(tmp_path, stack.kafka_bootstrap)
    rig.record(20)
    relay = rig.relay()
    relay.start()
    stack.wait_until(lambda: rig.unpublished() == 0, 20)
    # A broker that lost its log, or a relay that died before marking: the same events again.
    assert replay_outbox(rig.engine, rig.outbox) == 20
    stack.wait_until(lambda: rig.unpublished() == 0, 20)
    relay.stop()
    consumer = rig.consumer(apply_thing(rig))
    consumer.start()
    try:
        stack.wait_until(lambda: consumer.processed == 20 and consumer.duplicates == 20, 40)
    finally:
        consumer.stop()
    assert rig.applied_rows() == 20


def test_a_failing_handler_is_retried_then_dead_lettered_and_the_loop_goes_on(stack, tmp_path):
    rig = Rig(tmp_path, stack.kafka_bootstrap)
    attempts: dict[int, int] = {}
    good = apply_thing(rig)

    def flaky(uow, envelope, thing):  # noqa: ANN001, ANN202
        value = thing.value
        attempts[value] = attempts.get(value, 0) + 1
        if value == 1 and attempts[value] == 1:
            raise RuntimeError("transient")        # succeeds on the retry
        if value == 2:
            raise ValueError("poison: never valid")  # always fails
        good(uow, envelope, thing)

    rig.record(4)
    relay, consumer = rig.relay(), rig.consumer(flaky)
    relay.start()
    consumer.start()
    try:
        stack.wait_until(lambda: consumer.processed == 3 and consumer.dead_lettered == 1, 40)
    finally:
        consumer.stop()
        relay.stop()
    assert rig.applied_rows() == 3
    assert attempts[2] == 3  # max_attempts
    dead = read_topic(stack.kafka_bootstrap, rig.topic + ".dlq", 1)
    parked = json.loads(dead[0].value)
    assert "poison" in parked["error"] and parked["consumer"] == f"rig-{rig.topic}"
    # The poison message's failed attempts left nothing behind, not even its inbox row.
    assert rig.count(select(func.count()).select_from(rig.inbox)) == 3


def test_relay_holds_events_while_the_broker_is_unreachable_and_drains_when_it_returns(stack, tmp_path):
    rig = Rig(tmp_path, stack.kafka_bootstrap)
    rig.record(10)
    dead_relay = rig.relay(bootstrap="127.0.0.1:9")  # nothing listens there
    dead_relay.start()
    try:
        stack.wait_until(lambda: dead_relay.last_error is not None, 20)
        status = dead_relay.status()
        assert status["backlog"] == 10 and not status["healthy"]
    finally:
        dead_relay.stop()
    relay = rig.relay()
    relay.start()
    try:
        stack.wait_until(lambda: rig.unpublished() == 0, 20)
        assert relay.status()["healthy"]
    finally:
        relay.stop()
    assert len(read_topic(stack.kafka_bootstrap, rig.topic, 10)) == 10


def test_a_malformed_message_goes_to_the_dead_letter_topic(stack, tmp_path):
    rig = Rig(tmp_path, stack.kafka_bootstrap)
    consumer = rig.consumer(apply_thing(rig))
    consumer.start()
    try:
        producer = KafkaProducer(bootstrap_servers=stack.kafka_bootstrap, acks="all")
        producer.send(rig.topic, key=b"k", value=b"{not json").get(timeout=10)
        producer.close()
        stack.wait_until(lambda: consumer.dead_lettered == 1, 40)
    finally:
        consumer.stop()
    assert "invalid envelope" in json.loads(read_topic(stack.kafka_bootstrap, rig.topic + ".dlq", 1)[0].value)["error"]


def test_a_payload_that_breaks_its_contract_is_dead_lettered_at_once_with_its_errors(stack, tmp_path):
    """Not retried as if transient (it would fail the same way every time), never skipped silently."""
    rig = Rig(tmp_path, stack.kafka_bootstrap)
    calls: list[int] = []
    good = apply_thing(rig)
    consumer = rig.consumer(lambda uow, envelope, thing: (calls.append(thing.value), good(uow, envelope, thing)))
    consumer.start()
    try:
        producer = KafkaProducer(bootstrap_servers=stack.kafka_bootstrap, acks="all")
        for payload in ({"valeu": 1}, {"value": 2}):
            bad = EventEnvelope(type="Thing", producer="rig", correlation_id="c", aggregate_type="thing",
                                aggregate_id="a", payload=payload)
            producer.send(rig.topic, key=b"a", value=bad.to_bytes()).get(timeout=10)
        producer.close()
        stack.wait_until(lambda: consumer.dead_lettered == 1 and consumer.processed == 1, 40)
    finally:
        consumer.stop()
    assert calls == [2] and rig.applied_rows() == 1
    parked = json.loads(read_topic(stack.kafka_bootstrap, rig.topic + ".dlq", 1)[0].value)
    assert parked["attempts"] == 1
    assert parked["validation_errors"] == [{"field": "value", "reason": "Field required", "type": "missing"}]
    assert "Thing v1" in parked["error"] and json.loads(parked["message"])["payload"] == {"valeu": 1}


def test_two_consumers_of_one_group_share_the_work_and_survive_a_rebalance(stack, tmp_path):
    """Tansu's group code is young: the inbox, not the broker, guarantees each event is applied once."""
    rig = Rig(tmp_path, stack.kafka_bootstrap)
    first, second = rig.consumer(apply_thing(rig)), rig.consumer(apply_thing(rig))
    relay = rig.relay()
    relay.start()
    first.start()
    second.start()
    try:
        rig.record(30)
        stack.wait_until(lambda: rig.applied_rows() == 30, 60)
        second.stop()  # the survivor takes over the partitions of the one that left
        rig.record(30)
        stack.wait_until(lambda: rig.applied_rows() == 60, 60)
    finally:
        first.stop()
        second.stop()
        relay.stop()
    assert rig.count(select(func.count(func.distinct(rig.applied.c.event_id)))) == 60
    assert first.processed + second.processed == 60
