"""A service's replicas against the partitions of the topics they consume, read from the broker at start-up.

The replicas of a service are members of one consumer group per consumer and share each topic's partitions:
a replica beyond the partition count is assigned nothing. The settings refuse CONSORTIUM_TOPIC_PARTITIONS below
CONSORTIUM_REPLICAS, but that number only applies to topics the platform creates; a topic that already exists
(created earlier with fewer partitions, or by hand) keeps its own count. So a process started as one of several
replicas reads the real count of every topic it consumes and refuses to start when one has fewer partitions
than replicas: an idle replica would otherwise look healthy while events wait on the others.
"""
from __future__ import annotations

import logging

from kafka.errors import KafkaError

from .kafka_io import broker_reachable, new_admin

log = logging.getLogger(__name__)


class TooFewPartitions(RuntimeError):
    """Start-up refused: a consumed topic has fewer partitions than the service has replicas."""


def partition_counts(bootstrap: str, topics: list[str]) -> dict[str, int]:
    """The number of partitions each of `topics` has on the broker; a topic not created yet is left out."""
    admin = new_admin(bootstrap, "partition-check")
    try:
        existing = set(admin.list_topics())
        present = [t for t in topics if t in existing]
        return {d["name"]: len(d["partitions"]) for d in admin.describe_topics(present)} if present else {}
    finally:
        admin.close()


def check_partitions(service: str, bootstrap: str, topics: list[str], replicas: int) -> None:
    """Raise TooFewPartitions (after a log line that says what to do) when a consumed topic that exists has
    fewer partitions than `replicas`. A broker that cannot be reached is not a reason to refuse: the consumers
    wait for it, and the topics they create then have the configured count."""
    if replicas <= 1 or not topics:
        return
    if not broker_reachable(bootstrap):
        log.warning("partition count not checked: the broker at %s does not answer", bootstrap)
        return
    try:
        counts = partition_counts(bootstrap, sorted(set(topics)))
    except (KafkaError, OSError) as e:
        log.warning("partition count not checked: %s", e)
        return
    short = {t: n for t, n in sorted(counts.items()) if n < replicas}
    if short:
        found = ", ".join(f"{t} has {n}" for t, n in short.items())
        message = (f"{service} refuses to start: CONSORTIUM_REPLICAS={replicas} but {found} partition(s); a replica "
                   f"beyond a topic's partition count would consume nothing. Add partitions to the topic (at least "
                   f"{replicas}) or run fewer replicas.")
        log.critical(message)
        raise TooFewPartitions(message)
