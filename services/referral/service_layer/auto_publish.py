"""Automatic monthly publication of the referral indicators, for payment's performance score.

Without it the score lacks its referral component whenever nobody remembers to press "publish". Once a local
month has closed and `indicators_publish_after_days` have passed, the clock publishes the month's figures,
consortium-wide and for every member unit: the same `ReferralIndicatorsPublished` events an analyst's
POST /indicators/publish gives. Once per (consortium, month): an `indicator_publications` row is written in the
same transaction as the events, and its primary key turns a second replica's attempt into a no-op.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from platform_common.errors import Conflict
from platform_common.logs import log_fields

from ..adapters.tables import IndicatorPublicationRow
from ..domain.indicators import due_month, months_due
from ..settings import ReferralSettings
from . import indicators
from .access import MEMBER_KINDS
from .unit_of_work import ReferralUnitOfWork

log = logging.getLogger(__name__)


def first_month(uow: ReferralUnitOfWork, settings: ReferralSettings, consortium_id: str) -> str | None:
    first = uow.publications.first_activity(consortium_id)
    candidates = [first.reported_month] if first.reported_month else []
    if first.created is not None:
        candidates.append(settings.local_date(first.created).strftime("%Y-%m"))
    if first.served is not None:
        candidates.append(first.served.strftime("%Y-%m"))
    return min(candidates, default=None)


def publish_month(uow: ReferralUnitOfWork, settings: ReferralSettings, consortium_id: str, period: str,
                  now: datetime) -> bool:
    """Publishes one consortium's month (consortium-wide, then each member unit) unless already done.
    False when it was already published, here or by another replica that got there first."""
    if uow.publications.published(consortium_id, [period]):
        return False
    units = sorted(o.org_id for o in uow.orgs.all(uow.session, consortium_id) if o.kind in MEMBER_KINDS)
    # Figures first (reads only), so the write transaction stays short.
    wide = indicators.figures(uow, settings, consortium_id, None, period)
    per_unit = [indicators.figures(uow, settings, consortium_id, org, period) for org in units]
    try:
        envelope = indicators.announce(uow, wide)
        uow.publications.add(IndicatorPublicationRow(consortium_id=consortium_id, period=period, published_at=now,
                                                     unit_count=len(units), event_id=envelope.event_id))
        for figures in per_unit:
            indicators.announce(uow, figures)
        uow.commit()
    except Conflict:
        uow.rollback()  # the other replica's row stands; our events go with the rollback
        return False
    return True


class MonthlyPublisher:
    """A clock job: publishes every due month not yet published. Cheap between month ends: once a tick found
    nothing left for the current due month, later ticks return without touching the database until the due
    month moves on (or the process restarts, when the table says what was done)."""

    def __init__(self, uow_factory: Callable[[], ReferralUnitOfWork], settings: ReferralSettings) -> None:
        self.uow_factory = uow_factory
        self.settings = settings
        self._settled: str | None = None

    def __call__(self, now: datetime) -> list[tuple[str, str]]:
        s = self.settings
        if not s.indicators_auto_publish:
            return []
        due = due_month(s.local_date(now), s.indicators_publish_after_days)
        if due == self._settled:
            return []
        with self.uow_factory() as uow:
            plan = {}
            for consortium in sorted({o.consortium_id for o in uow.orgs.all(uow.session) if o.consortium_id}):
                candidates = months_due(due, first_month(uow, s, consortium), set(), s.indicators_catch_up_months)
                done = uow.publications.published(consortium, candidates) if candidates else set()
                plan[consortium] = [m for m in candidates if m not in done]
        published, failed = [], False
        for consortium, months in plan.items():
            for period in months:
                try:
                    with self.uow_factory() as uow:
                        if publish_month(uow, s, consortium, period, now):
                            published.append((consortium, period))
                except Exception as e:  # noqa: BLE001 - one month failing must not hold back the others
                    failed = True
                    log.warning("indicator publication failed",
                                extra=log_fields(consortium_id=consortium, period=period, error=repr(e)))
        if published:
            log.info("referral indicators published", extra=log_fields(months=[f"{c}:{p}" for c, p in published]))
        if not failed:
            self._settled = due
        return published
