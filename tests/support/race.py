"""The other side of a race, run from a thread while the test's side is paused between its check and its write.

`Aside.start()` returns only once the other side has either finished (nothing stopped it: without a guard it
got in between, which is the race shown) or is waiting for a lock the paused side holds (the guard works). No
fixed sleep: on a slow machine the wait is longer, never too short, so the race shows there as it does on a fast
one. Waiting is told from the database itself: on PostgreSQL a session of the test's database waiting on a lock
(`pg_stat_activity.wait_event_type = 'Lock'`); on SQLite the other side taking a connection for its first
transaction, whose BEGIN then queues behind the paused side's write transaction (one writer at a time,
platform_common.db's gate).
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

WAITING_ON_A_LOCK = text("SELECT count(*) FROM pg_stat_activity "
                         "WHERE datname = current_database() AND wait_event_type = 'Lock'")
POLL_SECONDS = 0.01  # how often PostgreSQL is asked; the wait itself has no fixed length
GIVE_UP_SECONDS = 120  # a side neither finished nor waiting by then is a hung test: fail it loudly


class Aside:
    def __init__(self, engine: Engine, target: Callable[[], Any]) -> None:
        self.engine, self.target = engine, target
        self.finished, self.took_connection = threading.Event(), threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.paused: threading.Thread | None = None

    def _run(self) -> None:
        try:
            self.result = self.target()
        except BaseException as e:  # noqa: BLE001 - handed to the test by join()
            self.error = e
        finally:
            self.finished.set()

    def _on_checkout(self, *_: Any) -> None:
        if threading.current_thread() is not self.paused:
            self.took_connection.set()

    def start(self) -> "Aside":
        self.paused = threading.current_thread()
        sqlite = self.engine.dialect.name == "sqlite"
        if sqlite:
            event.listen(self.engine, "checkout", self._on_checkout)
        self.thread.start()
        try:
            if sqlite:
                self._wait_sqlite()
            else:
                self._wait_postgres()
        finally:
            if sqlite:
                event.remove(self.engine, "checkout", self._on_checkout)
        return self

    def _wait_sqlite(self) -> None:
        for _ in range(int(GIVE_UP_SECONDS / POLL_SECONDS)):
            if self.finished.is_set() or self.took_connection.wait(POLL_SECONDS):
                return
        raise AssertionError(f"the other side neither finished nor took a connection in {GIVE_UP_SECONDS} s")

    def _wait_postgres(self) -> None:
        with self.engine.connect() as conn:
            for _ in range(int(GIVE_UP_SECONDS / POLL_SECONDS)):
                if self.finished.is_set():
                    return
                waiting = conn.execute(WAITING_ON_A_LOCK).scalar()
                conn.rollback()  # pg_stat_activity is a snapshot per transaction: take a fresh one each time
                if waiting or self.finished.wait(POLL_SECONDS):
                    return
        raise AssertionError(f"the other side neither finished nor waited for a lock in {GIVE_UP_SECONDS} s")

    def join(self) -> Any:
        """The other side's result, once the paused side has gone on and let it finish."""
        self.thread.join(GIVE_UP_SECONDS)
        assert not self.thread.is_alive(), "the other side did not finish"
        if self.error is not None:
            raise self.error
        return self.result
