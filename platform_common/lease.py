"""Leases: which one of a service's replicas (on one PostgreSQL database) runs a job that must run once.

Every such job has its own named lease: the outbox relay (`<service>-outbox`), referral's clock (response
deadlines, consultation clocks, the monthly indicator publication: `referral-clock`). On PostgreSQL a lease is a
session-level advisory lock held on a connection of its own, outside any transaction: the worker that holds it
runs the job, the others stand by and try again on each step. A replica whose process dies loses its connection
and so the lock, and another takes over on its next step. On SQLite a database file has one process (one
replica), so its lease is always held (`SoleLease`).

For the relay the lease saves duplicate sends; per-aggregate order does not depend on it. Every relay reads the
unpublished rows in `seq` order, sends them in that order and skips only rows whose send was acknowledged
(marked published). So if two relays ever publish at once (the holder's connection dropped while it was
still sending), each partition receives two in-order copies of the same rows: the first copy of each row
still comes in order, and the consumers' inbox drops the second.
"""
from __future__ import annotations

from time import monotonic
import zlib
from typing import Protocol

from sqlalchemy import Connection, Engine, text

# The first of the two int4 keys of pg_try_advisory_lock: the platform's leases (the second: the lease's name).
_LEASE_LOCK_CLASS = 0x6F7574  # "out", from when the relays were the only holders
# A worker that finds its held lease's connection dead stands by this long before trying again: whatever cut
# its session (the network, the server ending it) may cut the next one too, and a standby replica that still
# reaches the database should take over rather than race the worker that just lost it.
LOST_LEASE_PAUSE_SECONDS = 1.0


def _lock_key(name: str) -> int:
    """A stable signed int4 for a lease name (crc32 is the same in every process, unlike hash())."""
    key = zlib.crc32(name.encode())
    return key - 2**32 if key >= 2**31 else key


class Lease(Protocol):
    """What a worker asks of its lease."""

    @property
    def held(self) -> bool: ...

    def acquire(self) -> bool: ...

    def release(self) -> None: ...


class SoleLease:
    """SQLite: one process per database file, so the one replica always holds the lease."""

    def __init__(self, name: str) -> None:
        self.name = name

    held = True

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass


class AdvisoryLease:
    """PostgreSQL: a session advisory lock on a connection of the lease's own."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self._key = _lock_key(name)
        self._conn: Connection | None = None
        self._standby_until = 0.0

    @property
    def held(self) -> bool:
        return self._conn is not None

    def acquire(self) -> bool:
        """True when this worker holds the lease (already, or from now on); checks a held lease is still alive."""
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except Exception:  # noqa: BLE001 - the connection (and so the lock) is gone
                self.release()
                self._standby_until = monotonic() + LOST_LEASE_PAUSE_SECONDS
                return False
        if monotonic() < self._standby_until:
            return False
        conn = self.engine.connect()
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:cls, :key)"),
                               {"cls": _LEASE_LOCK_CLASS, "key": self._key}).scalar_one()
            conn.commit()  # the lock is the session's: it outlives the transaction, which must not stay open
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:cls, :key)"), {"cls": _LEASE_LOCK_CLASS, "key": self._key})
            conn.commit()
        except Exception:  # noqa: BLE001 - a dead connection released the lock already
            pass
        finally:
            try:
                conn.invalidate()  # never back into the pool still holding a session lock
            except Exception:  # noqa: BLE001
                pass
            conn.close()


def lease_for(engine: Engine, name: str) -> Lease:
    """The lease named `name` among the processes sharing `engine`'s database."""
    return AdvisoryLease(engine, name) if engine.dialect.name == "postgresql" else SoleLease(name)
