"""Which of several relays of one service (its replicas, on one PostgreSQL database) publishes now.

The lease is a session-level advisory lock held on a connection of its own, outside any transaction: the
relay that holds it publishes, the others stand by and try again on each step. A relay whose process dies
loses its connection and so the lock, and another takes over within one idle poll.

The lease saves duplicate sends; per-aggregate order does not depend on it. Every relay reads the
unpublished rows in `seq` order, sends them in that order and skips only rows whose send was acknowledged
(marked published). So if two relays ever publish at once (the holder's connection dropped while it was
still sending), each partition receives two in-order copies of the same rows: the first copy of each row
still comes in order, and the consumers' inbox drops the second.
"""
from __future__ import annotations

import zlib

from sqlalchemy import Connection, Engine, text

# The first of the two int4 keys of pg_try_advisory_lock: the platform's relays (the second: the service).
_RELAY_LOCK_CLASS = 0x6F7574  # "out"


def _lock_key(name: str) -> int:
    """A stable signed int4 for a relay name (crc32 is the same in every process, unlike hash())."""
    key = zlib.crc32(name.encode())
    return key - 2**32 if key >= 2**31 else key


class RelayLease:
    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self._key = _lock_key(name)
        self._conn: Connection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None

    def acquire(self) -> bool:
        """True when this relay holds the lease (already, or from now on); checks a held lease is still alive."""
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except Exception:  # noqa: BLE001 - the connection (and so the lock) is gone: try to take it again
                self.release()
        conn = self.engine.connect()
        try:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:cls, :key)"),
                               {"cls": _RELAY_LOCK_CLASS, "key": self._key}).scalar_one()
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
            conn.execute(text("SELECT pg_advisory_unlock(:cls, :key)"), {"cls": _RELAY_LOCK_CLASS, "key": self._key})
            conn.commit()
        except Exception:  # noqa: BLE001 - a dead connection released the lock already
            pass
        finally:
            try:
                conn.invalidate()  # never back into the pool still holding a session lock
            except Exception:  # noqa: BLE001
                pass
            conn.close()


def lease_for(engine: Engine, name: str) -> RelayLease | None:
    """A lease on PostgreSQL; none on SQLite (one process per database file: there is no second relay)."""
    return RelayLease(engine, name) if engine.dialect.name == "postgresql" else None
