"""Several replicas per service: which one takes a request, which are out of rotation, and which requests may
be sent again to another.

A request goes to the replica in rotation with the fewest requests outstanding (ties in turn, so an idle
service is spread round robin). A replica leaves the rotation when a connection to it is refused (or cannot be
opened in time) and when its `/health` does not answer as a service or answers `down` (no database); the
probe (`ReplicaProbe`) asks every replica of a service with several, every `GATEWAY_REPLICA_PROBE_SECONDS`,
and puts a replica that answers again back. A service's `degraded` (broker unreachable) keeps it in rotation:
its writes wait in the outbox. When every replica is out of rotation the gateway still tries them in turn
rather than refusing outright: the probe's view may be older than the replica's recovery, and a service with
one URL behaves exactly as before.

Only requests that change nothing are sent again (`IDEMPOTENT`): GET, HEAD, OPTIONS. No PUT or DELETE of the
platform's API is documented as idempotent (a season deleted twice answers 404 the second time; a county
quota version 201 then 200), and a POST is never sent twice.
"""
from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable

from pydantic import ValidationError

from platform_common.health import ServiceHealth
from platform_common.logs import log_fields
from platform_common.worker import Backoff, BackgroundWorker

from .upstream import Upstream, UpstreamError

log = logging.getLogger(__name__)

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(eq=False)
class Replica:
    service: str
    index: int  # 1-based, the position of its URL in the service's setting
    url: str
    in_rotation: bool = True
    outstanding: int = 0
    forwarded: int = 0  # requests sent to it since the gateway started
    last_error: str | None = None
    changed_at: datetime | None = None  # when it last left or re-entered the rotation

    def take_out(self, why: str) -> None:
        self.last_error = why
        if self.in_rotation:
            self.in_rotation = False
            self.changed_at = datetime.now(timezone.utc)
            log.warning("replica out of rotation", extra=log_fields(service=self.service, replica=self.index,
                                                                   error=why))

    def put_back(self) -> None:
        if not self.in_rotation:
            self.in_rotation = True
            self.changed_at = datetime.now(timezone.utc)
            log.warning("replica back in rotation", extra=log_fields(service=self.service, replica=self.index))


@dataclass(eq=False)
class ReplicaSet:
    service: str
    replicas: list[Replica]
    _turn: itertools.count = field(default_factory=itertools.count, repr=False)

    @classmethod
    def of(cls, service: str, urls: Iterable[str]) -> ReplicaSet:
        return cls(service, [Replica(service, i, url) for i, url in enumerate(urls, start=1)])

    def choose(self, tried: Iterable[Replica] = ()) -> Replica | None:
        """The replica for the next attempt: not tried yet for this request, in rotation if any such is, fewest
        outstanding requests, ties in turn; None when every replica was tried."""
        untried = [r for r in self.replicas if r not in tried]
        candidates = [r for r in untried if r.in_rotation] or untried
        if not candidates:
            return None
        start = next(self._turn) % len(candidates)
        ordered = candidates[start:] + candidates[:start]
        return min(ordered, key=lambda r: r.outstanding)  # min keeps the first of equals: the one whose turn it is

    def observe(self, replica: Replica, healthy: bool, why: str | None = None) -> None:
        """What a look at the replica's /health found."""
        if healthy:
            replica.put_back()
        else:
            replica.take_out(why or "health check failed")


def may_retry(method: str) -> bool:
    return method in IDEMPOTENT


def health_verdict(status_code: int, content: bytes) -> tuple[bool, str | None, ServiceHealth | None]:
    """(in rotation?, why not, the answer) from a replica's /health response."""
    try:
        detail = ServiceHealth.model_validate_json(content)
    except ValidationError:
        return False, f"/health answered {status_code} without a service's health", None
    if detail.status == "down":
        return False, "/health: down (no database)", detail
    return True, None, detail


async def check(client: Upstream, replicas: ReplicaSet, replica: Replica,
                timeout: float) -> tuple[ServiceHealth | None, str | None]:
    """Ask a replica for its /health and keep it in rotation or take it out: (its answer, or why there is none)."""
    try:
        status, content = await client.get(f"{replica.url}/health", timeout=timeout)
    except UpstreamError as e:
        name = type(e.__cause__ or e).__name__
        replicas.observe(replica, False, f"/health: {name}")
        return None, name
    healthy, why, detail = health_verdict(status, content)
    replicas.observe(replica, healthy, why)
    return detail, None if detail is not None else "ValidationError"


class ReplicaProbe(BackgroundWorker):
    """Asks each replica of every service with several for its /health, then waits the interval.

    The worker's thread only keeps time: the checks run on the gateway's event loop, through the same client
    (and connection pool) as the requests they decide about."""

    def __init__(self, sets: Iterable[ReplicaSet], interval: float, timeout: float) -> None:
        super().__init__("replica-probe", Backoff(first=interval, longest=max(interval, 10.0)))
        self.sets = [s for s in sets if len(s.replicas) > 1]
        self.interval = interval
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: Upstream | None = None

    def start_on(self, loop: asyncio.AbstractEventLoop, client: Upstream) -> None:
        self._loop, self._client = loop, client
        self.start()

    def step(self) -> None:
        # The first round ran before the gateway took requests (api.py): wait, then look again.
        if self.pause(self.interval):
            return
        assert self._loop is not None and self._client is not None
        asyncio.run_coroutine_threadsafe(self.probe_all(self._client), self._loop).result(self.timeout + 5)

    async def probe_all(self, client: Upstream) -> None:
        await asyncio.gather(*(check(client, s, r, self.timeout) for s in self.sets for r in s.replicas))
