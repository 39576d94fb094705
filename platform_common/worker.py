"""One base for every background thread of a process: the outbox relay, the consumers, the referral clock.

A worker runs `step()` over and over in its own daemon thread. A step that raises is logged, kept in
`last_error` and tried again after a backoff that doubles from `Backoff.first` up to `Backoff.longest`
and starts again from `first` after a step that succeeded. The worker's own clients (Kafka producer,
consumer, admin) are opened and closed in that thread only (kafka-python's clients are not thread-safe):
`close()` runs there once the loop has ended.

Stopping has two halves so that a process stops all its workers at once rather than one after another:
`request_stop()` returns at once (it wakes a worker waiting between steps; a step under way finishes: the
relay's current send is acknowledged and marked, a consumer's current event is applied and its offset
committed), then `join()` waits for the thread. `stop()` is both. `stop_all()` stops many workers together.

A job that must run once across a service's replicas (referral's clock) takes a `lease` (lease.py) and runs
its work only while `leading()`; the others stand by. The lease is released when the loop ends.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from .logs import log_fields

if TYPE_CHECKING:
    from .lease import Lease

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backoff:
    """Seconds to wait after a failed step: `first`, doubled after each further failure, at most `longest`."""

    first: float = 0.5
    longest: float = 10.0

    def after(self, current: float) -> float:
        return min(current * 2, self.longest)

    def for_failure(self, count: int) -> float:
        """The wait after the `count`-th failure in a row (1 → `first`)."""
        return min(self.first * 2 ** max(count - 1, 0), self.longest)


class BackgroundWorker:
    """Subclasses implement `step()` (one unit of work, raising on failure) and may override `interrupt()`
    (wake a wait of their own), `on_failure()` (drop broken clients) and `close()` (release clients)."""

    def __init__(self, name: str, backoff: Backoff, join_timeout: float = 10.0, lease: "Lease | None" = None) -> None:
        self.name = name
        self.lease = lease
        self.backoff = backoff
        self.join_timeout = join_timeout
        self.last_error: str | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    @property
    def started(self) -> bool:
        return self._thread is not None

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def request_stop(self) -> None:
        self._stopping.set()
        self.interrupt()

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(self.join_timeout if timeout is None else timeout)
            if self._thread.is_alive():
                log.warning("background worker still busy at shutdown", extra=log_fields(worker=self.name))
        else:
            self.close()  # never started: nothing runs in a thread of its own, release here

    def stop(self) -> None:
        self.request_stop()
        self.join()

    def leading(self) -> bool:
        """True when this worker may run its once-only job now: it has no lease, or holds it (taking it if free)."""
        return self.lease is None or self.lease.acquire()

    def pause(self, seconds: float) -> bool:
        """Wait up to `seconds` unless asked to stop; True when stopping."""
        return self._stopping.wait(seconds)

    # -- what subclasses provide -------------------------------------------------------------------
    def step(self) -> None:
        raise NotImplementedError

    def interrupt(self) -> None:
        """Wake the worker from a wait of its own (the base's waits already end on `request_stop`)."""

    def on_failure(self, error: Exception) -> None:
        """After a failed step, before the backoff: drop clients that may be broken."""

    def close(self) -> None:
        """Release the worker's clients; runs in its thread once the loop ended."""

    # -- the loop ----------------------------------------------------------------------------------
    def _run(self) -> None:
        delay = self.backoff.first
        try:
            while not self._stopping.is_set():
                try:
                    self.step()
                    delay = self.backoff.first
                except Exception as e:  # noqa: BLE001 - a worker outlives any broker or database outage
                    self.last_error = f"{type(e).__name__}: {e}"
                    log.warning("background worker failed; retrying", extra=log_fields(
                        worker=self.name, error=self.last_error, backoff=delay))
                    self.on_failure(e)
                    self._stopping.wait(delay)
                    delay = self.backoff.after(delay)
        finally:
            self.close()
            if self.lease is not None:
                self.lease.release()


def stop_all(workers: Iterable[BackgroundWorker]) -> None:
    """Ask every worker to stop, then wait for each: they finish their current step side by side."""
    workers = list(workers)
    for worker in workers:
        worker.request_stop()
    for worker in workers:
        worker.join()
