"""Two replicas' consumers in one group on the real broker: a member joining and a member leaving while events
keep coming (two rebalances mid-stream) apply every event once, each aggregate's in its order."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from .test_plumbing_outbox_inbox import Rig, apply_thing

pytestmark = pytest.mark.integration


class Recorder(threading.Thread):
    """Keeps recording events (7 aggregates, about 70 a second) until told to stop, as a busy service would."""

    def __init__(self, rig: Rig) -> None:
        super().__init__(daemon=True)
        self.rig, self.recorded, self.done = rig, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.rig.record(7)
            self.recorded += 7

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.recorded


def test_a_rebalance_mid_stream_applies_every_event_once_and_in_each_aggregates_order(stack, tmp_path):
    rig = Rig(tmp_path, stack.kafka_bootstrap)
    positions = rig.metadata.tables["aggregate_positions"]
    relay, first, second = rig.relay(), rig.consumer(apply_thing(rig)), rig.consumer(apply_thing(rig))
    assert first.name == second.name  # one group: the replicas share the topic's partitions
    recorder = Recorder(rig)
    relay.start()
    first.start()
    recorder.start()
    try:
        stack.wait_until(lambda: first.processed >= 20, 60)
        second.start()  # a second replica joins while the first is consuming
        stack.wait_until(lambda: second.processed >= 10 and first.assigned, 90)
        first.stop()  # the first leaves mid-stream: its partitions move to the second
        stack.wait_until(lambda: second.processed >= first.processed, 90)
        total = recorder.stop()
        stack.wait_until(lambda: rig.applied_rows() >= total, 90)
    finally:
        recorder.done.set()
        for worker in (second, first, relay):
            worker.stop()
    events = rig.count(select(func.count(func.distinct(rig.applied.c.event_id))))
    assert (rig.applied_rows(), events) == (total, total)  # nothing applied twice
    with rig.engine.connect() as conn:
        kept = conn.execute(select(positions.c.aggregate_id, positions.c.last_sequence, positions.c.out_of_order)).all()
        per_aggregate = dict(conn.execute(select(rig.outbox.c.aggregate_id, func.count())
                                          .group_by(rig.outbox.c.aggregate_id)).all())
    assert sum(row.out_of_order for row in kept) == 0
    assert {row.aggregate_id: row.last_sequence for row in kept} == per_aggregate  # every event, up to the last
