"""kafka-python factories with the settings this platform relies on.

kafka-python is synchronous: everything here runs in the relay's or a consumer's own
thread, never on the asyncio event loop.
"""
from __future__ import annotations

import logging
import socket
from dataclasses import dataclass

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

log = logging.getLogger(__name__)


# A topic is created by the platform (ensure_topics, with the configured partition count), never as a side
# effect of a client asking for it: Apache Kafka honours this flag; Tansu creates a topic on a produce or an
# offset request whatever the flag says, which is why the relay and devstack create the topics first.
NO_AUTO_CREATE = {"allow_auto_create_topics": False}
# New partitions of a topic are seen (and, by a consumer group, assigned) within this time; Kafka's default is
# five minutes.
METADATA_MAX_AGE_MS = 30_000


def new_producer(bootstrap: str, client_id: str) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=bootstrap,
        client_id=client_id,
        **NO_AUTO_CREATE,
        metadata_max_age_ms=METADATA_MAX_AGE_MS,
        acks="all",
        # One in-flight request keeps a key's events in order even when a send is retried.
        max_in_flight_requests_per_connection=1,
        retries=3,
        linger_ms=2,
        max_block_ms=5000,
        request_timeout_ms=5000,
        delivery_timeout_ms=10000,
        bootstrap_timeout_ms=5000,
    )


@dataclass(frozen=True)
class BrokerProfile:
    """What differs between the broker the platform runs on in production (Apache Kafka) and the local one.

    `CONSORTIUM_BROKER_PROFILE`: `kafka` (the default, production's Apache Kafka) or `tansu` (the memory-only
    broker `make run` and the tests start). Tansu lets a consumer group member join only with a short poll
    interval, and loses its log when it restarts, so a consumer that finds a partition's end below its position
    re-reads its partitions from the start for `rewind_window_seconds` (consumer_partitions.LogLossRewind).
    Apache Kafka keeps its log and takes Kafka's own five-minute poll interval; the rewind is off there.

    The rewind is safe only because the inbox is never purged: every event a consumer ever applied keeps its
    inbox row, so re-reading a partition from its start applies nothing twice (tests/unit/platform/
    test_broker_profile.py). A purge of the inbox would have to keep every row younger than the oldest event
    a rewind can re-read (the broker's retention, and the relay's outbox retention a refill re-publishes).
    """

    name: str = "kafka"
    max_poll_interval_ms: int = 300_000
    session_timeout_ms: int = 10_000
    rewind_window_seconds: float = 0.0
    # An idle member sends a heartbeat per `heartbeat_interval_ms` (a third of the session timeout, Kafka's own
    # ratio) and a fetch per `fetch_max_wait_ms`: the broker holds a fetch that finds nothing new that long.
    # Apache Kafka answers a held fetch as soon as a message arrives, so a long wait costs no latency there.
    # Tansu was measured answering it at the end of the wait: there the wait is added to an event's way to a
    # consumer that had caught up, traded against the idle stack's CPU (bench/README.md, "The idle stack":
    # 100 ms cost the idle stack ~20% of a core, 500 ms ~5%). CONSUMER_FETCH_MAX_WAIT_MS overrides it.
    heartbeat_interval_ms: int = 3000
    fetch_max_wait_ms: int = 2000

    @classmethod
    def named(cls, name: str) -> "BrokerProfile":
        try:
            return BROKER_PROFILES[name]
        except KeyError:
            raise ValueError(f"unknown broker profile {name!r}; choose from {sorted(BROKER_PROFILES)}") from None


BROKER_PROFILES = {
    "kafka": BrokerProfile(),
    "tansu": BrokerProfile("tansu", max_poll_interval_ms=5000, session_timeout_ms=6000, rewind_window_seconds=60.0,
                           heartbeat_interval_ms=2000, fetch_max_wait_ms=500),
}


def new_consumer(bootstrap: str, group_id: str, client_id: str, topics: list[str],  # noqa: PLR0913
                 profile: BrokerProfile = BrokerProfile(), assignor=None) -> KafkaConsumer:  # noqa: ANN001
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=group_id,
        client_id=client_id,
        **NO_AUTO_CREATE,
        metadata_max_age_ms=METADATA_MAX_AGE_MS,
        **({"partition_assignment_strategy": [assignor]} if assignor is not None else {}),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_interval_ms=profile.max_poll_interval_ms,
        session_timeout_ms=profile.session_timeout_ms,
        heartbeat_interval_ms=profile.heartbeat_interval_ms,
        max_poll_records=50,
        fetch_max_wait_ms=profile.fetch_max_wait_ms,
        request_timeout_ms=7000,
        bootstrap_timeout_ms=5000,
    )
    consumer.subscribe(topics)
    return consumer


def new_admin(bootstrap: str, client_id: str = "topic-admin") -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=bootstrap, client_id=client_id, request_timeout_ms=5000,
                            bootstrap_timeout_ms=5000)


def ensure_topics(bootstrap: str, topics: list[str], partitions: int) -> None:
    """Create the topics that are missing, with `partitions` partitions (a memory-only broker loses them on restart)."""
    admin = new_admin(bootstrap)
    try:
        existing = set(admin.list_topics())
        create_missing_topics(admin, [t for t in topics if t not in existing], partitions)
    finally:
        admin.close()


def create_missing_topics(admin: KafkaAdminClient, missing: list[str], partitions: int) -> None:
    if missing:
        try:
            admin.create_topics([NewTopic(t, partitions, 1) for t in missing])
        except TopicAlreadyExistsError:
            pass  # another process created it in between
        log.info("created topics %s", missing)


def broker_reachable(bootstrap: str, timeout: float = 1.0) -> bool:
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except OSError:
        return False
