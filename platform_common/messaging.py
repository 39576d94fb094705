"""The outbox and inbox tables, added to each service's own metadata (and migration history)."""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import JSON, BigInteger, Column, Engine, Integer, MetaData, String, Table, Text, func, select, update

from .aggregate_sequence import aggregate_positions_table, aggregate_sequences_table
from .db import UtcDateTime


def outbox_table(metadata: MetaData) -> Table:
    """Events waiting for (or kept after) publication; written in the state change's transaction.

    Also defines `aggregate_sequences`, the counter that numbers each aggregate's events (aggregate_sequence.py).
    """
    aggregate_sequences_table(metadata)
    return Table(
        "outbox",
        metadata,
        Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("topic", String(100), nullable=False),
        Column("aggregate_type", String(50), nullable=False),
        Column("aggregate_id", String(100), nullable=False),
        Column("event_type", String(100), nullable=False),
        Column("envelope", JSON, nullable=False),
        Column("created_at", UtcDateTime(), nullable=False),
        Column("published_at", UtcDateTime(), nullable=True, index=True),
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text, nullable=True),
    )


def inbox_table(metadata: MetaData) -> Table:
    """Processed event ids per consumer: a duplicate key means 'already applied'.

    Also defines `aggregate_positions`, each consumer's highest applied number per aggregate (aggregate_sequence.py).
    """
    aggregate_positions_table(metadata)
    return Table(
        "inbox",
        metadata,
        Column("consumer_name", String(100), primary_key=True),
        Column("event_id", String(64), primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("processed_at", UtcDateTime(), nullable=False),
    )


def published_counts(engine: Engine, outbox: Table) -> dict[str, int]:
    """How many published rows the outbox keeps, per topic."""
    with engine.connect() as conn:
        rows = conn.execute(select(outbox.c.topic, func.count()).where(outbox.c.published_at.is_not(None))
                            .group_by(outbox.c.topic)).all()
    return {topic: count for topic, count in rows}


def replay_outbox(engine: Engine, outbox: Table, since=None) -> int:  # noqa: ANN001
    """Mark kept rows unpublished again so the relay re-sends them (after a broker lost its log).

    Safe because every consumer is idempotent by event id.
    """
    stmt = update(outbox).where(outbox.c.published_at.is_not(None))
    if since is not None:
        stmt = stmt.where(outbox.c.created_at >= since)
    with engine.begin() as conn:
        return conn.execute(stmt.values(published_at=None)).rowcount


class PlumbingTables(NamedTuple):
    """What every service's database holds besides its own tables (each in the service's migration history)."""

    outbox: Table
    inbox: Table
    organisations: Table


def plumbing_tables(metadata: MetaData) -> PlumbingTables:
    from .org_directory import organisations_table

    return PlumbingTables(outbox_table(metadata), inbox_table(metadata), organisations_table(metadata))
