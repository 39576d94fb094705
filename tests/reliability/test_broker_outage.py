"""The broker frozen (SIGSTOP): writes are still accepted (the outboxes hold their events), /health shows the
backlog, and everything drains with exact counts once the broker answers again."""
from __future__ import annotations

import time

import httpx
import pytest

from .checks import consistent, counts, drained, plumbing
from .workload import Driver

pytestmark = pytest.mark.integration


def test_writes_are_accepted_while_the_broker_is_frozen_and_drain_when_it_returns(fault_stack):
    stack = fault_stack
    driver = Driver(stack.gateway_url, seed=11, retry_for=30)
    driver.run(10, [], threads=2)
    stack.pause_broker()
    try:
        started = time.monotonic()
        driver.run(40, driver.register_staff(3), threads=4)
        during = time.monotonic() - started
        assert not driver.tally.errors, driver.tally.errors[:5]
        assert len(driver.tally.completed) + len(driver.tally.out_of_county) >= 45

        def outage_visible() -> dict | None:
            body = httpx.get(f"{stack.gateway_url}/health", timeout=10).json()
            referral = body["services"]["referral"]
            outbox = referral["detail"]["outbox"]
            if outbox["backlog"] > 0 and outbox["last_error"] and body["status"] == "degraded":
                return referral
            return None

        deadline = time.monotonic() + 30
        while (seen := outage_visible()) is None:
            assert time.monotonic() < deadline, "the outage never showed in /health"
            time.sleep(0.25)
        assert seen["status"] == "degraded" and seen["detail"]["outbox"]["oldest_unpublished"]
        assert "lag" in seen["detail"]["consumers"]["referral-staffing"]
    finally:
        stack.resume_broker()

    urls = stack.database_urls()
    deadline = time.monotonic() + 120
    while not (drained(p := plumbing(stack.gateway_url)) and not consistent(c := counts(urls))):
        assert time.monotonic() < deadline, (p, consistent(counts(urls)))
        time.sleep(0.25)
    assert c.referrals_completed == len(driver.tally.completed)
    assert c.claims_ref == sum(1 for f in driver.tally.completed.values() if f > 0)
    assert c.postings == c.capabilities == len(driver.tally.postings) == 3
    print(f"\nBROKER OUTAGE: {during:.1f} s of writes while frozen, "
          f"{driver.tally.requests} requests, all accepted; drained after the broker returned")
