"""The broker profile: production's Apache Kafka by default, the local broker's workarounds only when chosen;
and the invariant that makes the local broker's rewind safe (the inbox is never purged)."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from kafka import TopicPartition
from sqlalchemy import Column, Integer, String, Table, func, select

from devstack.components import PROCESSES
from devstack.stack import Stack
from platform_common.consumer import IdempotentConsumer
from platform_common.consumer_partitions import LogLossRewind
from platform_common.contracts import EventPayload
from platform_common.db import make_engine, make_session_factory, new_metadata
from platform_common.events import EventEnvelope
from platform_common.kafka_io import BrokerProfile
from platform_common.messaging import inbox_table, outbox_table
from platform_common.relay import OutboxRelay, RelayConfig
from platform_common.settings import CommonSettings, ServiceSettings
from platform_common.unit_of_work import SqlUnitOfWork, WakeSignal

ROOT = Path(__file__).resolve().parents[3]
PORTS = {c.name: c.default_port for c in PROCESSES.values()}


def test_production_gets_kafka_s_own_poll_interval_and_no_rewind(monkeypatch):
    monkeypatch.delenv("CONSORTIUM_BROKER_PROFILE", raising=False)
    profile = ServiceSettings().consumer_config().profile
    assert CommonSettings().broker_profile == "kafka"
    assert profile.max_poll_interval_ms == 300_000 and profile.rewind_window_seconds == 0


def test_the_local_broker_s_profile_is_chosen_by_make_run_and_the_tests(monkeypatch, tmp_path):
    monkeypatch.setenv("CONSORTIUM_BROKER_PROFILE", "tansu")
    profile = ServiceSettings().consumer_config().profile
    assert profile.max_poll_interval_ms == 5000 and profile.rewind_window_seconds > 0
    monkeypatch.delenv("CONSORTIUM_BROKER_PROFILE")
    # make run's stack starts the local broker and gives its processes that broker's profile ...
    assert Stack(tmp_path, PORTS, broker_port=9092).env()["CONSORTIUM_BROKER_PROFILE"] == "tansu"
    # ... but not to processes on an external broker (CONSORTIUM_KAFKA_BOOTSTRAP): they keep the default.
    monkeypatch.setenv("CONSORTIUM_KAFKA_BOOTSTRAP", "kafka:9092")
    assert "CONSORTIUM_BROKER_PROFILE" not in Stack(tmp_path, PORTS, broker_port=None).env()


class Partitions:
    """A consumer whose partition's end fell below its position: the local broker lost its log."""

    def __init__(self) -> None:
        self.tp = TopicPartition("t", 0)
        self.rewound = 0

    def assignment(self):  # noqa: ANN201
        return {self.tp}

    def partitions_for_topic(self, topic):  # noqa: ANN001, ANN201
        return {0}

    def highwater(self, tp):  # noqa: ANN001, ANN201
        return 2

    def position(self, tp):  # noqa: ANN001, ANN201
        return 40

    def seek_to_beginning(self, *tps) -> None:  # noqa: ANN002
        self.rewound += 1


def test_the_rewind_runs_only_under_the_local_broker_s_profile():
    tansu, kafka = Partitions(), Partitions()
    assert LogLossRewind(BrokerProfile.named("tansu").rewind_window_seconds).check(tansu, ["t"])
    assert not LogLossRewind(BrokerProfile.named("kafka").rewind_window_seconds).check(kafka, ["t"])
    assert (tansu.rewound, kafka.rewound) == (1, 0)


class Thing(EventPayload):
    topic = "t"
    value: int


def test_a_rewind_re_reads_every_event_and_applies_none_twice_even_after_the_outbox_purge(tmp_path):
    """The rewind's safety: every event ever applied keeps its inbox row, whatever the outbox purged."""
    metadata = new_metadata()
    outbox, inbox = outbox_table(metadata), inbox_table(metadata)
    applied = Table("applied", metadata, Column("id", Integer, primary_key=True), Column("event_id", String(64)))
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
    metadata.create_all(engine)
    sessions = make_session_factory(engine)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, outbox, "svc")

    def handler(uow, envelope, thing) -> None:  # noqa: ANN001
        uow.session.execute(applied.insert().values(event_id=envelope.event_id))

    consumer = IdempotentConsumer("svc-t", ["t"], {Thing: handler}, uow, inbox, "unused:9092", 3)
    events = [EventEnvelope(type="Thing", producer="other", correlation_id="c", aggregate_type="thing",
                            aggregate_id=f"a{i}", payload={"value": i})
              for i in range(20)]
    assert all(consumer.apply(e) for e in events)
    # Weeks later: the relay purges published outbox rows past their retention (the inbox is not touched) ...
    relay = OutboxRelay(engine, outbox, "unused:9092", ["t"], 3, "svc", WakeSignal(),
                        RelayConfig(retention=timedelta(0), purge_interval_seconds=0), watch=SimpleNamespace())
    relay._purge_if_due()
    # ... and the broker lost its log: the consumer re-reads the partition from its start.
    assert not any(consumer.apply(e) for e in events)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(applied)).scalar_one() == 20
        assert conn.execute(select(func.count()).select_from(inbox)).scalar_one() == 20
    assert consumer.duplicates == 20


def test_no_code_deletes_from_an_inbox():
    """A purge of the inbox would let a rewind apply old events again: it must keep every row younger than the
    oldest event a rewind can re-read (kafka_io.BrokerProfile). Adding one fails here until that is shown."""
    deleting = re.compile(r"delete\(\s*(\w+\.)?inbox|DELETE\s+FROM\s+inbox|inbox\w*\.delete\(", re.IGNORECASE)
    offenders = [str(path.relative_to(ROOT)) for folder in ("platform_common", "services", "gateway", "devstack")
                 for path in (ROOT / folder).rglob("*.py") if deleting.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
