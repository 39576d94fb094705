"""Database helpers: engines with sane SQLite pragmas, a naming convention, sessions.

One choice for the whole platform: SQLAlchemy 2 in synchronous mode (kafka-python is
synchronous too; FastAPI runs `def` routes in its thread pool).
"""
from __future__ import annotations

import sqlite3
import threading
from datetime import datetime

from sqlalchemy import DateTime, Dialect, Engine, MetaData, create_engine, event
from sqlalchemy.orm import sessionmaker, Session
from sqlalchemy.types import TypeDecorator

from .clock import as_utc

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_SECONDS = 30
# the execution option that marks a connection's transactions as reads only (read_only() below)
READ_ONLY = "platform_read_only"


class UtcDateTime(TypeDecorator):
    """Every timestamp column of the platform: an instant, stored in UTC, always read back timezone-aware in UTC.

    SQLite keeps no zone (a `DateTime(timezone=True)` value comes back naive, and an aware value is written
    as its wall-clock time whatever its offset); PostgreSQL's timestamptz comes back in the session's zone.
    Converting on the way in and out makes both give the same aware UTC datetime, so every answer can write
    it with its offset. The DDL is that of `DateTime(timezone=True)`: the migrations need no revision.
    A naive value handed in is taken as UTC (what the platform stores).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def gated_sqlite_connection(gate: threading.Lock, timeout: float) -> type[sqlite3.Connection]:
    """A sqlite3 connection class whose write transactions queue on `gate`, one process-wide lock per database.

    SQLite has one writer at a time. Without the gate, a connection that finds the database locked sleeps in
    SQLite's busy handler in steps of up to 100 ms, so the API threads, the outbox relay and the consumers of one
    service, all in one process, woke each other late: half the referral route's time under load was spent asleep
    in `BEGIN IMMEDIATE` with the CPU idle (bench/README.md). Queued on a lock, the next writer starts the moment
    the previous transaction ends. The gate is released by the DBAPI connection's own commit, rollback and close,
    which every path out of a transaction goes through (SQLAlchemy's, the pool's reset on return, a collected
    connection), so it cannot leak. Other processes (migrations, the replay command) still meet the busy handler.
    """

    class GatedConnection(sqlite3.Connection):
        holds_gate = False

        def begin_immediate(self) -> None:
            if not gate.acquire(timeout=timeout):
                raise sqlite3.OperationalError(f"database is locked: no write turn within {timeout} s")
            self.holds_gate = True
            try:
                self.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._release()
                raise

        def _release(self) -> None:
            if self.holds_gate:
                self.holds_gate = False
                gate.release()

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self._release()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self._release()

        def close(self) -> None:
            try:
                super().close()
            finally:
                self._release()

        def __del__(self) -> None:
            self._release()

    return GatedConnection


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    # hide_parameters: a database error is logged with its statement; its values may be a patient's.
    if is_sqlite(url):
        gate = threading.Lock()
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                          "factory": gated_sqlite_connection(gate, SQLITE_BUSY_TIMEOUT_SECONDS)},
            pool_size=pool_size,
            max_overflow=max_overflow,
            hide_parameters=True,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # noqa: ANN001
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
            cur.close()
            # pysqlite's own transaction handling defers BEGIN; we issue BEGIN IMMEDIATE ourselves
            # so that a read-then-write transaction cannot fail with "database is locked" midway.
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin(conn):  # noqa: ANN001
            dbapi_conn = conn.connection.dbapi_connection
            if conn.get_execution_options().get(READ_ONLY):
                # a deferred BEGIN: the reads see one snapshot (WAL), take no write turn and never wait for one
                dbapi_conn.execute("BEGIN")
            else:
                dbapi_conn.begin_immediate()

        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_pre_ping=True, hide_parameters=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def read_only(engine: Engine) -> Engine:
    """The same engine and pool for transactions that only read (`SqlUnitOfWork(read_only=True)`, the relay's
    and /health's reads). On SQLite they start with a deferred BEGIN instead of BEGIN IMMEDIATE and so do not
    queue for the writer gate: a read by id no longer waits behind every write of its process. On PostgreSQL
    nothing changes (no gate); the unit of work refuses to commit either way."""
    return engine.execution_options(**{READ_ONLY: True})
