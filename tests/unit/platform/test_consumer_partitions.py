"""Every member of a consumer group knows which partitions the group covers, and rejoins when some have no
consumer for longer than its patience (a topic that came back with more partitions)."""
from __future__ import annotations

from types import SimpleNamespace

from kafka.protocol.consumer.metadata import ConsumerProtocolSubscription

from platform_common.consumer_partitions import GroupCoverage


class Cluster:
    def __init__(self, partitions: dict[str, int]) -> None:
        self.partitions = partitions

    def partitions_for_topic(self, topic: str) -> set[int]:
        return set(range(self.partitions[topic]))


def member(member_id: str, topics: list[str]):  # noqa: ANN201
    return SimpleNamespace(member_id=member_id, group_instance_id=None,
                           metadata=ConsumerProtocolSubscription(0, topics, b""))


def test_each_member_learns_what_the_whole_group_was_given():
    leader, other = GroupCoverage(), GroupCoverage()
    result = leader.assign(Cluster({"registry.events": 3, "referral.events": 3}),
                           [member("a", ["registry.events", "referral.events"]), member("b", ["registry.events"])])
    mine = {topic: set(p) for topic, p in result["b"].assigned_partitions}
    assert mine["registry.events"] < {0, 1, 2}  # b consumes part of the topic only
    other.on_assignment(result["b"], 1)
    assert other.group == {"registry.events": {0, 1, 2}, "referral.events": {0, 1, 2}}
    assert not other.needs_rejoin({"registry.events": {0, 1, 2}}, True, now=0)
    assert other.unassigned == {}


def test_a_partition_nobody_consumes_is_reported_then_rejoined_for_after_the_patience():
    coverage = GroupCoverage(patience=10)
    coverage.on_assignment(coverage.assign(Cluster({"t": 3}), [member("a", ["t"])])["a"], 1)
    grown = {"t": {0, 1, 2, 3}}
    assert not coverage.needs_rejoin(grown, True, now=100) and coverage.unassigned == {"t": [3]}
    assert not coverage.needs_rejoin(grown, True, now=105)
    assert coverage.needs_rejoin(grown, True, now=110)
    # While the member (re)joins it holds no partitions: it waits for that before counting again.
    assert not coverage.needs_rejoin(grown, False, now=111) and coverage.unassigned == {"t": [3]}
    assert not coverage.needs_rejoin(grown, True, now=115)
    coverage.on_assignment(coverage.assign(Cluster({"t": 4}), [member("a", ["t"])])["a"], 2)
    assert not coverage.needs_rejoin(grown, True, now=130) and coverage.unassigned == {}
