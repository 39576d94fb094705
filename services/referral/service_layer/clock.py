"""The response clock: announces each referral that passed its deadline unanswered, once."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, Sequence

from platform_common.contracts import ReferralEvent
from platform_common.events import utcnow
from platform_common.lease import Lease
from platform_common.logs import log_fields
from platform_common.worker import Backoff, BackgroundWorker

from ..domain.lifecycle import AWAITING_RESPONSE
from .events import iso, publish
from .unit_of_work import ReferralUnitOfWork

log = logging.getLogger(__name__)


def announce_overdue(uow: ReferralUnitOfWork, now: datetime) -> list[str]:
    """One ReferralResponseOverdue per referral per routing (a redirect restarts the clock)."""
    awaiting = frozenset(s.value for s in AWAITING_RESPONSE)
    announced = []
    for row in uow.referrals.awaiting_past_deadline(now, awaiting, unannounced_only=True):
        if uow.referrals.mark_overdue_announced(row.referral_id, now, awaiting):
            publish(uow, row, ReferralEvent.RESPONSE_OVERDUE, row.to_org_id, urgency=row.urgency,
                    emergency_category=row.emergency_category, deadline=iso(row.response_deadline))
            announced.append(row.referral_id)
    uow.commit()
    return announced


class OverdueClock(BackgroundWorker):
    """Background worker that every `interval` seconds announces overdue referrals and then runs the other
    periodic jobs (the monthly indicator publication). Each step is guarded on its own: a failure is logged
    and waits for the next tick, and neither stops the worker nor the other steps.

    With several replicas on one database only the clock holding the `referral-clock` lease ticks (lease.py);
    the others stand by and take over when its process goes."""

    def __init__(self, uow_factory: Callable[[], ReferralUnitOfWork], interval: float,
                 jobs: Sequence[Callable[[datetime], object]] = (), backoff: Backoff = Backoff(),
                 lease: Lease | None = None) -> None:
        super().__init__("referral-overdue-clock", backoff, lease=lease)
        self.uow_factory = uow_factory
        self.interval = interval
        self.jobs = list(jobs)
        self.ticks = 0  # ticks this replica ran (a standing-by replica runs none)

    def step(self) -> None:
        if not self.pause(self.interval) and self.leading():
            self.tick()
            self.ticks += 1

    def tick(self, now: datetime | None = None) -> None:
        now = now or utcnow()
        try:
            with self.uow_factory() as uow:
                announced = announce_overdue(uow, now)
            if announced:
                log.info("overdue referrals announced", extra=log_fields(count=len(announced)))
        except Exception as e:  # noqa: BLE001 - a conflict or DB hiccup waits for the next tick
            log.warning("overdue scan failed", extra=log_fields(error=repr(e)))
        for job in self.jobs:
            try:
                job(now)
            except Exception as e:  # noqa: BLE001 - same: retried on the next tick
                log.warning("clock job failed", extra=log_fields(job=type(job).__name__, error=repr(e)))
