"""Each aggregate's events are numbered 1, 2, 3… in the envelope, with no gap and no repeat, under concurrent
writers (SQLite here; PostgreSQL in CI's PostgreSQL pass, TEST_POSTGRES_URL), and a consumer notices an event that
comes below a number it has applied.
"""
from __future__ import annotations

import threading
from collections import defaultdict
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select

from platform_common.aggregate_sequence import advance_position
from platform_common.db import make_engine, make_session_factory, new_metadata
from platform_common.events import EventEnvelope
from platform_common.messaging import inbox_table, outbox_table
from platform_common.migrate import upgrade
from platform_common.unit_of_work import SqlUnitOfWork
from tests.support.service_app import fresh_database

EVENT = ("registry.events", "OrganisationRegistered")


def payload(org_id: str) -> dict:
    return {"org_id": org_id, "name": org_id, "kind": "village_clinic", "consortium_id": None,
            "parent_org_id": None, "service_population": None}


@pytest.fixture
def plumbing(tmp_path):  # noqa: ANN001, ANN201
    with fresh_database(tmp_path) as url:
        metadata = new_metadata()
        outbox, inbox = outbox_table(metadata), inbox_table(metadata)
        engine = make_engine(url)
        metadata.create_all(engine)
        sessions = make_session_factory(engine)
        yield engine, sessions, outbox, metadata.tables["aggregate_positions"]
        engine.dispose()


def numbers(engine, outbox) -> dict[str, list[int]]:  # noqa: ANN001
    """Each aggregate's numbers in outbox (seq) order."""
    found = defaultdict(list)
    with engine.connect() as conn:
        for (envelope,) in conn.execute(select(outbox.c.envelope).order_by(outbox.c.seq)):
            found[envelope["aggregate_id"]].append(envelope["aggregate_sequence"])
    return found


def test_concurrent_writers_number_each_aggregate_without_gap_or_repeat_in_outbox_order(plumbing) -> None:  # noqa: ANN001
    engine, sessions, outbox, _ = plumbing
    writers, per_writer, aggregates = 4, 15, ["a", "b", "c"]
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(w: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                aggregate = aggregates[(w + i) % len(aggregates)]
                with SqlUnitOfWork(sessions, outbox, "test") as uow:
                    uow.record(*EVENT, "organisation", aggregate, payload(aggregate))
                    if i % 5 == 4:  # a rolled-back write takes no number
                        uow.rollback()
                        continue
                    uow.commit()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    found = numbers(engine, outbox)
    assert sum(map(len, found.values())) == writers * per_writer * 4 // 5
    for aggregate, seen in found.items():
        assert seen == list(range(1, len(seen) + 1)), aggregate


def test_one_transaction_recording_twice_numbers_both(plumbing) -> None:  # noqa: ANN001
    engine, sessions, outbox, _ = plumbing
    with SqlUnitOfWork(sessions, outbox, "test") as uow:
        first = uow.record(*EVENT, "organisation", "x", payload("x"))
        second = uow.record(*EVENT, "organisation", "x", payload("x"))
        other = uow.record(*EVENT, "organisation", "y", payload("y"))
        uow.commit()
    assert (first.aggregate_sequence, second.aggregate_sequence, other.aggregate_sequence) == (1, 2, 1)
    assert numbers(engine, outbox) == {"x": [1, 2], "y": [1]}


def envelope(aggregate: str, number: int | None) -> EventEnvelope:
    return EventEnvelope(type="OrganisationRegistered", producer="test", correlation_id="c",
                         aggregate_type="organisation", aggregate_id=aggregate, aggregate_sequence=number)


def test_a_consumer_counts_an_event_below_what_it_applied(plumbing) -> None:  # noqa: ANN001
    _, sessions, _, positions = plumbing
    with sessions() as session:
        applied = [advance_position(session, positions, "c1", envelope("a", n)) for n in (1, 2, 4)]
        late = advance_position(session, positions, "c1", envelope("a", 3))
        again = advance_position(session, positions, "c1", envelope("a", 4))
        other_consumer = advance_position(session, positions, "c2", envelope("a", 1))
        unnumbered = advance_position(session, positions, "c1", envelope("a", None))
        session.commit()
        row = session.execute(select(positions).where(positions.c.consumer_name == "c1")).one()
    assert applied == [True, True, True]
    assert (late, again, other_consumer, unnumbered) == (False, False, True, True)
    assert (row.last_sequence, row.out_of_order) == (4, 2)


@pytest.mark.parametrize("component", ["referral", "payment", "staffing", "gateway"])
def test_each_migration_history_builds_the_tables_its_code_declares(component: str, tmp_path: Path) -> None:
    """The new tables (and every other) come from each history's migrations exactly as the metadata says."""
    if component == "gateway":
        from gateway.adapters import tables
        migrations = Path(tables.__file__).parents[1] / "migrations"
    else:
        module = __import__(f"services.{component}.bootstrap", fromlist=["MIGRATIONS"])
        tables = __import__(f"services.{component}.adapters.tables", fromlist=["metadata"])
        migrations = module.MIGRATIONS
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(migrations, url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), tables.metadata)
    engine.dispose()
    assert [d for d in diff if "aggregate_" in repr(d)] == []
