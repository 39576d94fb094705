"""Does the broker still hold what this relay published? (After a broker that lost its log, it does not.)

A relay is the only producer of its topics. Signs that the broker lost what it had acknowledged: a new cluster
id; a topic the relay had published to that is missing, or whose every partition is empty, or that has a new
topic id (it was deleted and created again: a memory-only broker restarted). The relay then re-publishes every
row it keeps; the consumers' inboxes drop what they had already applied. (Counting is no use: the local broker
reports a partition's latest offset as the start of its last batch plus one, so the sum of end offsets trails
the events acknowledged.) The checks run before the relay's first send, so a relay that starts after the broker
restarted finds the topics empty as well.

Topics are created here, explicitly and with the configured partition count, before the relay produces again:
a broker that creates topics on first use (Tansu does on a produce or an offset request, whatever the client
asks) would otherwise choose the count itself.
"""
from __future__ import annotations

from kafka import KafkaAdminClient, TopicPartition
from kafka.admin import OffsetSpec

from .kafka_io import create_missing_topics, new_admin


class BrokerWatch:
    def __init__(self, bootstrap: str, topics: list[str], partitions: int) -> None:
        self.bootstrap = bootstrap
        self.topics = topics
        self.partitions = partitions
        self.cluster_id: str | None = None
        self.topic_ids: dict[str, str | None] = {}
        self._admin: KafkaAdminClient | None = None

    def lost_log(self, published: dict[str, int]) -> str | None:
        """Why the broker no longer holds the `published` rows (count per topic), or None. Creates missing topics."""
        admin = self._client()
        try:
            reason = self._check(admin, published)
        except Exception:
            self.close()  # a fresh client next time: the broker may have come back on another connection
            raise
        return reason

    def _check(self, admin: KafkaAdminClient, published: dict[str, int]) -> str | None:
        cluster_id = admin.describe_cluster().get("cluster_id")
        changed_cluster = self.cluster_id is not None and cluster_id != self.cluster_id
        self.cluster_id = cluster_id
        existing = set(admin.list_topics())
        missing = [t for t in self.topics if t not in existing]
        create_missing_topics(admin, missing, self.partitions)
        described = {d["name"]: d for d in admin.describe_topics(self.topics)}
        ids = {t: d.get("topic_id") for t, d in described.items()}
        recreated = [t for t in self.topics if t not in missing and self.topic_ids.get(t) not in (None, ids.get(t))]
        self.topic_ids.update(ids)
        if changed_cluster:
            return f"the broker's cluster id changed to {cluster_id}"
        for topic in self.topics:
            if not published.get(topic):
                continue
            if topic in missing:
                return f"topic {topic} was gone ({published[topic]} events had been published to it)"
            if topic in recreated:
                return f"topic {topic} was created again (new topic id)"
            if self._empty(admin, topic, [p["partition_index"] for p in described[topic]["partitions"]]):
                return f"topic {topic} is empty ({published[topic]} events had been published to it)"
        return None

    @staticmethod
    def _empty(admin: KafkaAdminClient, topic: str, partitions: list[int]) -> bool:
        offsets = admin.list_partition_offsets({TopicPartition(topic, p): OffsetSpec.LATEST for p in partitions})
        return all(o.offset == 0 for o in offsets.values())

    def _client(self) -> KafkaAdminClient:
        if self._admin is None:
            self._admin = new_admin(self.bootstrap, "relay-broker-watch")
        return self._admin

    def close(self) -> None:
        if self._admin is not None:
            try:
                self._admin.close()
            except Exception:  # noqa: BLE001 - closing a client to a dead broker may raise
                pass
            self._admin = None
