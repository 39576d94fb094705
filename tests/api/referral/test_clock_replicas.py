"""Two replicas of the referral service on one PostgreSQL database: the clock (response deadlines, the monthly
indicator publication) runs on one of them at a time, each due referral is announced once, and the other
replica's clock takes over when the first stops (CI's PostgreSQL pass: TEST_POSTGRES_URL)."""
from __future__ import annotations

import os
import time
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import update

from platform_common.events import utcnow
from services.referral import bootstrap
from services.referral.adapters.tables import ReferralRow
from services.referral.settings import ReferralSettings
from tests.support.service_app import outbox_events, service_client

from .conftest import submit

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get("TEST_POSTGRES_URL"), reason="needs TEST_POSTGRES_URL (CI's PostgreSQL pass)"),
]


def _backdate(runtime, ids: list[str]) -> None:  # noqa: ANN001
    with runtime.engine.begin() as conn:
        conn.execute(update(ReferralRow).where(ReferralRow.referral_id.in_(ids))
                     .values(response_deadline=utcnow() - timedelta(minutes=5)))


def _announced(client) -> Counter:  # noqa: ANN001
    return Counter(e["aggregate_id"] for e in outbox_events(client, "ReferralResponseOverdue"))


def _until(condition, what: str, seconds: float = 60.0) -> None:  # noqa: ANN001
    """Wait for a condition the clocks bring about (a deadline, not a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_the_clock_runs_on_one_replica_and_the_other_takes_over(tmp_path) -> None:  # noqa: ANN001
    with service_client(bootstrap, ReferralSettings, tmp_path, overdue_scan_seconds=0.05) as first:
        settings = first.runtime.settings
        second = bootstrap.build_runtime(settings, background=False)  # a second process on the same database
        clocks = [first.runtime.clock, second.clock]
        try:
            due = [submit(first)["referral_id"] for _ in range(6)]
            _backdate(first.runtime, due)
            for clock in clocks:
                clock.start()
            _until(lambda: set(_announced(first)) == set(due), "the first announcements")
            _until(lambda: sum(c.ticks for c in clocks) >= 10, "more ticks")
            leader, standby = sorted(clocks, key=lambda c: -c.ticks)
            assert standby.ticks == 0  # it stood by while the other held the lease

            leader.stop()  # its lease goes with it (a killed process's connection closes the same way)
            later = [submit(first)["referral_id"] for _ in range(4)]
            _backdate(first.runtime, later)
            _until(lambda: set(_announced(first)) == set(due + later), "the standby's announcements")
            assert standby.ticks > 0
            assert max(_announced(first).values()) == 1  # once per due referral, across both replicas
            published = Counter((e["payload"]["consortium_id"], e["payload"]["period"], e["payload"]["org_id"])
                                for e in outbox_events(first, "ReferralIndicatorsPublished"))
            assert not published or max(published.values()) == 1
        finally:
            for clock in clocks:
                clock.stop()
            second.engine.dispose()
