"""A broker that lost its log (the memory-only broker killed and restarted): relays notice it and re-publish by
themselves, topics come back with the configured partition count, and consumers follow a topic that came back
with more partitions (defects: an acknowledged event was lost until someone replayed by hand; a consumer stayed
on the partitions it knew and missed events for good)."""
from __future__ import annotations

import json
import time

import pytest
from kafka import KafkaAdminClient, KafkaProducer
from kafka.admin import NewTopic
from kafka.partitioner import murmur2

from devstack.components import ALL
from platform_common import kafka_io
from devstack.stack import Stack, free_port

from .test_plumbing_outbox_inbox import Rig, apply_thing, read_topic

pytestmark = pytest.mark.integration


@pytest.fixture
def broker(tmp_path):
    """A broker of the test's own, to kill."""
    s = Stack(tmp_path / "broker", {c.name: free_port() for c in ALL}, free_port())
    s.log_dir.mkdir(parents=True)
    s.start_broker()
    yield s
    s.stop()


def restart(broker: Stack) -> None:
    broker.kill("broker")
    broker.start_broker()


def partitions(bootstrap: str, topic: str) -> int:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        return len(admin.describe_topics([topic])[0]["partitions"])
    finally:
        admin.close()


def test_a_relay_republishes_its_kept_events_by_itself_after_the_broker_lost_them(broker, tmp_path):
    rig = Rig(tmp_path, broker.kafka_bootstrap)
    relay = rig.relay(broker_check_seconds=0.5)
    rig.record(12)
    relay.start()
    try:
        wait_for(lambda: rig.unpublished() == 0, 30)
        restart(broker)  # every message acknowledged above is gone
        wait_for(lambda: relay.broker_restarts >= 1 and rig.unpublished() == 0, 60)
        status = relay.status()
    finally:
        relay.stop()
    assert status["last_replay"]["rows"] == 12
    assert any(sign in status["last_broker_restart"]["reason"] for sign in ("was gone", "created again", "is empty"))
    assert len(read_topic(broker.kafka_bootstrap, rig.topic, 12)) == 12
    # Created by the relay, with the configured count, before it produced again.
    assert partitions(broker.kafka_bootstrap, rig.topic) == 3


def test_an_acknowledgement_at_an_offset_already_given_means_a_reset_log(broker, tmp_path):
    rig = Rig(tmp_path, broker.kafka_bootstrap)
    relay = rig.relay(broker_check_seconds=3600)  # only the acknowledgements can tell, here
    rig.record(6)
    relay.start()
    try:
        wait_for(lambda: rig.unpublished() == 0, 30)
        restart(broker)
        rig.record(1)  # its acknowledgement comes at an offset the partition had already given
        wait_for(lambda: relay.broker_restarts >= 1 and rig.unpublished() == 0, 60)
    finally:
        relay.stop()
    assert "already given" in relay.last_broker_restart["reason"]
    assert len(read_topic(broker.kafka_bootstrap, rig.topic, 7)) >= 7


def key_for_partition(partition: int, count: int) -> bytes:
    """A key kafka-python's default partitioner sends to `partition` of `count`."""
    return next(k for k in (f"k{i}".encode() for i in range(10_000))
                if (murmur2(k) & 0x7FFFFFFF) % count == partition)


def test_a_consumer_follows_a_topic_that_came_back_with_more_partitions(broker, tmp_path, monkeypatch):
    monkeypatch.setattr(kafka_io, "METADATA_MAX_AGE_MS", 2000)  # the test's patience, not the platform's 30 s
    rig = Rig(tmp_path, broker.kafka_bootstrap)
    consumer = rig.consumer(apply_thing(rig))
    consumer.coverage.patience = 2
    consumer.start()
    admin = producer = None
    try:
        wait_for(lambda: consumer.status()["joined"] and consumer.status()["healthy"], 60)
        assert consumer.status()["unassigned_partitions"] == {}
        # The topic comes back under the same name with four partitions instead of three (as a broker that lost it
        # recreates it by itself). Measured: kafka-python's group then kept consuming 0-2 only, for minutes.
        admin = KafkaAdminClient(bootstrap_servers=broker.kafka_bootstrap)
        admin.delete_topics([rig.topic])
        admin.create_topics([NewTopic(rig.topic, 4, 1)])
        producer = KafkaProducer(bootstrap_servers=broker.kafka_bootstrap, acks="all")
        envelope = {"event_id": "e-4th", "type": "Thing", "producer": "rig", "correlation_id": "c",
                    "aggregate_type": "thing", "aggregate_id": "x", "payload": {"value": 4}}
        producer.send(rig.topic, key=key_for_partition(3, 4), value=json.dumps(envelope).encode()).get(timeout=10)
        # Degraded while partition 3 has no consumer, then the member rejoins and the group takes it.
        wait_for(lambda: rig.applied_rows() == 1, 90)
        wait_for(lambda: consumer.status()["healthy"], 60)
    finally:
        for client in (producer, admin):
            if client is not None:
                client.close()
        consumer.stop()
    status = consumer.status()
    assert status["unassigned_partitions"] == {} and status["rejoins_for_unassigned_partitions"] >= 1


def wait_for(check, timeout: float) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)
