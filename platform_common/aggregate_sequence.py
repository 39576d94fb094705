"""Each aggregate's event number: assigned by the producer, checked by the consumers.

Producer side (`next_sequence`): the envelope's `aggregate_sequence` is 1, 2, 3… per (aggregate_type,
aggregate_id), counted in the `aggregate_sequences` table by one upsert in the transaction that records the
event. The upsert takes the counter row's lock (PostgreSQL) or runs under SQLite's single writer, so a
concurrent writer of the same aggregate waits for the first to commit or roll back: the numbers have no gap
and no repeat, and they follow the outbox's `seq` order (the counter is taken before the outbox row is written).

Consumer side (`advance_position`): each consumer keeps the highest number it applied per aggregate in
`aggregate_positions`, in the transaction that applies the event. An event whose number is not above it came
out of order (the inbox has already dropped redeliveries of the same event): it is counted on the position row
(`out_of_order`) and in the consumer's /health, and applied all the same (the handlers are written against
state, and holding it back could block the partition for ever).
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .events import EventEnvelope


def aggregate_sequences_table(metadata: MetaData) -> Table:
    """The last event number given to each aggregate (the producer's counter)."""
    return Table(
        "aggregate_sequences",
        metadata,
        Column("aggregate_type", String(50), primary_key=True),
        Column("aggregate_id", String(100), primary_key=True),
        Column("last_sequence", BigInteger, nullable=False),
    )


def aggregate_positions_table(metadata: MetaData) -> Table:
    """The highest event number each consumer applied per aggregate, and how many came below it."""
    return Table(
        "aggregate_positions",
        metadata,
        Column("consumer_name", String(100), primary_key=True),
        Column("aggregate_type", String(50), primary_key=True),
        Column("aggregate_id", String(100), primary_key=True),
        Column("last_sequence", BigInteger, nullable=False),
        Column("out_of_order", Integer, nullable=False, default=0),
    )


def _insert(session: Session, table: Table):  # noqa: ANN202 - the dialect's INSERT with ON CONFLICT
    dialect = session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


def next_sequence(session: Session, sequences: Table, aggregate_type: str, aggregate_id: str) -> int:
    """The aggregate's next event number, counted in the caller's transaction (rolled back with it)."""
    stmt = _insert(session, sequences).values(aggregate_type=aggregate_type, aggregate_id=aggregate_id,
                                              last_sequence=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[sequences.c.aggregate_type, sequences.c.aggregate_id],
        set_={"last_sequence": sequences.c.last_sequence + 1},
    ).returning(sequences.c.last_sequence)
    return session.execute(stmt).scalar_one()


def advance_position(session: Session, positions: Table, consumer_name: str, envelope: EventEnvelope) -> bool:
    """Note that `consumer_name` applies `envelope`; False (and counted) when it came at or below a number
    the consumer had already applied for its aggregate."""
    number = envelope.aggregate_sequence
    if number is None:  # recorded before the platform numbered its events
        return True
    t = positions
    key = {"consumer_name": consumer_name, "aggregate_type": envelope.aggregate_type,
           "aggregate_id": envelope.aggregate_id}
    stmt = _insert(session, t).values(**key, last_sequence=number, out_of_order=0)
    # The update applies only when the number is above the kept one: no row comes back otherwise.
    stmt = stmt.on_conflict_do_update(
        index_elements=[t.c.consumer_name, t.c.aggregate_type, t.c.aggregate_id],
        set_={"last_sequence": stmt.excluded.last_sequence},
        where=t.c.last_sequence < stmt.excluded.last_sequence,
    ).returning(t.c.last_sequence)
    if session.execute(stmt).first() is not None:
        return True
    session.execute(update(t).where(*(t.c[k] == v for k, v in key.items()))
                    .values(out_of_order=t.c.out_of_order + 1))
    return False
