"""The no-show sweep (a job of the clock thread): a booked patient who has not arrived by the end of the slot plus
`REFERRAL_NO_SHOW_GRACE_MINUTES` is a no-show, and the place is released; a slot chosen when referring that
passed while the referral was still unanswered is released as expired."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Callable

from platform_common.logs import log_fields

from ..domain.capacity import ReleaseReason
from ..domain.lifecycle import AWAITING_RESPONSE, Status
from ..settings import ReferralSettings
from .booking import release
from .unit_of_work import ReferralUnitOfWork

log = logging.getLogger(__name__)
SYSTEM = "system"
BATCH = 200  # bookings per transaction: a long backlog after downtime is worked off over several ticks


def sweep(uow: ReferralUnitOfWork, settings: ReferralSettings, now: datetime, limit: int = BATCH) -> int:
    """Releases what is due; returns how many bookings it released. The grace is read now, so a changed
    setting applies to bookings already made."""
    statuses = (Status.ACCEPTED.value, *(s.value for s in AWAITING_RESPONSE))
    released = 0
    ended_before = now - timedelta(minutes=settings.no_show_grace_minutes)
    for due in uow.capacity.past_due(ended_before, statuses, limit):
        reason = ReleaseReason.NO_SHOW if due.referral_status == Status.ACCEPTED.value else ReleaseReason.EXPIRED
        released += release(uow, now, due.booking, reason, SYSTEM, None, due.consortium_id)
    uow.commit()
    return released


class NoShowSweeper:
    def __init__(self, uow_factory: Callable[[], ReferralUnitOfWork], settings: ReferralSettings) -> None:
        self.uow_factory, self.settings = uow_factory, settings

    def __call__(self, now: datetime) -> int:
        with self.uow_factory() as uow:
            released = sweep(uow, self.settings, now)
        if released:
            log.info("bookings released after their slot", extra=log_fields(count=released))
        return released
