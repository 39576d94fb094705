"""The outbox's `attempts` and `last_error`: a send the broker refuses is counted on its row, kept with its
error, shown by /health, and the row is published (in order, before later rows) once the broker takes it."""
from __future__ import annotations

import uuid
from concurrent.futures import Future
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from platform_common.db import make_engine, new_metadata
from platform_common.events import utcnow
from platform_common.messaging import outbox_table
from platform_common.relay import OutboxRelay, RelayConfig
from platform_common.unit_of_work import WakeSignal


class Refusing:
    """Acknowledges sends until the one `refuse` names: from it on, nothing more in that batch (the broker went
    away at that moment, and the producer's later batches of the partition expire behind it)."""

    def __init__(self) -> None:
        self.refuse: str | None = None
        self.log: list[str] = []
        self._down = False

    def send(self, topic, key, value, headers):  # noqa: ANN001, ANN201
        event_id = dict(headers)["event_id"].decode()
        future = Future()
        self._down |= event_id == self.refuse
        if self._down:
            future.set_exception(TimeoutError("no acknowledgement within 10 s"))
        else:
            self.log.append(event_id)
            future.set_result(SimpleNamespace(topic=topic, partition=0, offset=len(self.log) - 1))
        future.get = future.result
        return future

    def close(self, timeout: float = 0) -> None:
        self._down = False


def test_a_refused_send_is_counted_on_its_row_and_shown_until_it_is_published(tmp_path):
    metadata = new_metadata()
    outbox = outbox_table(metadata)
    engine = make_engine(f"sqlite:///{tmp_path / 'svc.db'}")
    metadata.create_all(engine)
    ids = [uuid.uuid4().hex for _ in range(3)]
    with engine.begin() as conn:
        for i, event_id in enumerate(ids):
            conn.execute(outbox.insert().values(event_id=event_id, topic="t", aggregate_type="thing",
                                                aggregate_id="a", event_type="Thing", envelope={"n": i},
                                                created_at=utcnow(), attempts=0))
    broker = Refusing()
    relay = OutboxRelay(engine, outbox, "unused:9092", ["t"], 3, "svc", WakeSignal(), RelayConfig(),
                        producer_factory=lambda: broker, watch=SimpleNamespace(close=lambda: None))
    broker.refuse = ids[1]
    for _ in range(2):
        with pytest.raises(TimeoutError) as failed:
            relay.publish_batch()
        relay.on_failure(failed.value)  # what the worker does before its backoff: a new producer next time
    status = relay.status()
    assert broker.log == [ids[0]], "the rows behind the refused one wait for it"
    assert status["backlog"] == 2 and status["oldest_unpublished_attempts"] == 2
    assert "no acknowledgement" in status["oldest_unpublished_error"]
    broker.refuse = None
    assert relay.publish_batch() == 2
    assert broker.log == ids, "the refused row went before the rows behind it"
    with engine.connect() as conn:
        rows = {r.event_id: r for r in conn.execute(select(outbox)).all()}
    assert rows[ids[1]].attempts == 2 and rows[ids[1]].published_at is not None
    assert relay.status()["backlog"] == 0 and relay.status()["oldest_unpublished_attempts"] == 0
