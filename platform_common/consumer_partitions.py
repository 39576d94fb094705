"""What a consumer must notice about its topics' partitions: a lost log, and partitions nobody consumes.

Which partitions of its topics a consumer group covers, known by every member of the group. A member knows only its own partitions. The leader computes everyone's (Kafka's range assignment here) and
writes the group's whole set into each member's assignment, so that each member can tell when a partition of
its topics has no consumer at all: a topic that grew or was recreated with more partitions since the last
rebalance. `/health` reports those partitions and the service is degraded until the group covers them again.

kafka-python does not always rebalance by itself when a topic comes back with more partitions (measured on the
local broker: a member kept its three partitions of a four-partition topic for minutes), so a member that sees
partitions without a consumer for `patience` seconds rejoins the group, which makes the leader assign them.
"""
from __future__ import annotations

import json
import time
from collections import defaultdict

from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment


class GroupCoverage(RangePartitionAssignor):
    name = "range-coverage"

    def __init__(self, patience: float = 10.0) -> None:
        self.group: dict[str, set[int]] | None = None  # None until this member's first assignment
        self.patience = patience
        self.unassigned: dict[str, list[int]] = {}
        self._since: float | None = None

    def assign(self, cluster, members):  # noqa: ANN001, ANN201 - kafka-python's assignor interface
        plain = RangePartitionAssignor.assign(cluster, members)
        covered: dict[str, set[int]] = defaultdict(set)
        for assignment in plain.values():
            for topic, partitions in assignment.assigned_partitions:
                covered[topic].update(partitions)
        group = json.dumps({topic: sorted(p) for topic, p in covered.items()}).encode()
        return {member: ConsumerProtocolAssignment(self.version, a.assigned_partitions, group)
                for member, a in plain.items()}

    def metadata(self, topics):  # noqa: ANN001, ANN201
        return RangePartitionAssignor.metadata(topics)

    def on_assignment(self, assignment, generation) -> None:  # noqa: ANN001
        data = json.loads(assignment.user_data or b"{}")
        self.group = {topic: set(partitions) for topic, partitions in data.items()}
        self._since = None

    def needs_rejoin(self, partitions_of: dict[str, set[int]], has_partitions: bool, now: float) -> bool:
        """Note the partitions (per topic, from the member's metadata) no member consumes; True once some have
        stayed so for `patience` seconds while this member held its assignment."""
        group = self.group or {}
        self.unassigned = {topic: sorted(parts - group.get(topic, set()))
                           for topic, parts in partitions_of.items() if parts - group.get(topic, set())}
        if not self.unassigned or self.group is None or not has_partitions:
            self._since = None  # nothing missing, or a (re)join under way: let it finish
            return False
        self._since = self._since or now
        if now - self._since < self.patience:
            return False
        self._since = None
        return True


class LogLossRewind:
    """Re-read from the start when the broker lost its log (a memory-only broker restarted).

    The client keeps its fetch positions across the restart, and the broker recreates a topic on first
    contact (Tansu with 4 partitions, whatever the client asks), so the kept positions would skip events
    of the refilled log. Signs of a lost log: a partition's end below our position, or a topic whose
    partition count changed. Re-reading costs only duplicates, which the inbox drops (it is never purged:
    kafka_io.BrokerProfile). For `window_seconds` after the sign, partitions assigned anew (the rebalance that
    follows) are rewound too. A window of 0 turns the rewind off (the `kafka` broker profile: Apache Kafka keeps
    its log).
    """

    def __init__(self, window_seconds: float = 60.0) -> None:
        self.window_seconds = window_seconds
        self.count = 0
        self._partition_counts: dict[str, int] = {}
        self._until = 0.0
        self._rewound: set = set()

    def check(self, consumer, topics: list[str]) -> bool:  # noqa: ANN001 - a KafkaConsumer
        """Seek the assigned partitions to their beginning when the log was lost; True when it did."""
        if self.window_seconds <= 0:
            return False
        assigned = consumer.assignment()
        counts = {t: len(consumer.partitions_for_topic(t) or ()) for t in topics}
        recreated = any(n and self._partition_counts.get(t, n) != n for t, n in counts.items())
        self._partition_counts.update({t: n for t, n in counts.items() if n})
        shrunk = any((high := consumer.highwater(tp)) is not None and high < consumer.position(tp) for tp in assigned)
        if recreated or shrunk:
            self._until = time.monotonic() + self.window_seconds  # and again after the rebalance that follows
            self._rewound = set()
        if assigned and time.monotonic() < self._until and assigned != self._rewound:
            consumer.seek_to_beginning(*assigned)
            self._rewound = set(assigned)
            self.count += 1
            return True
        return False
