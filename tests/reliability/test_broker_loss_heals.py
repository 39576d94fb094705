"""Defect: an out-of-county record, acknowledged by the broker just before the broker was killed, never became a
claim until someone replayed the outbox by hand, and /health said "ok" all along. Now the relay notices that the
restarted broker lost its log and re-publishes by itself; /health reports the restart and the replay."""
from __future__ import annotations

import time
from datetime import date

import httpx
import pytest

from devstack.stack import port_open
from tests.api.referral.conftest import make_id
from tests.support.tokens import demo_user_header

from .checks import scalar

pytestmark = pytest.mark.integration


def wait_for(check, timeout: float, what: str):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = check()
        except (httpx.HTTPError, KeyError):
            found = None
        if found:
            return found
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.5)


def referral_outbox(gateway: str) -> dict:
    return httpx.get(f"{gateway}/health", timeout=10).json()["services"]["referral"]["detail"]["outbox"]


def test_an_event_acknowledged_before_the_broker_died_is_applied_with_no_human_step(fault_stack):
    s = fault_stack
    s.stop_component("payment")  # so that the claim can only come from the event the broker will lose
    body = {"patient": {"name": "王建国", "sex": "male", "date_of_birth": "1961-03-08", "national_id": make_id()},
            "icd10": "I63.9", "diagnosis": "脑梗死", "reason": "需上级医院诊治", "specialty": "neurology",
            "destination": "重庆医科大学附属第一医院", "fund_amount_fen": 123_456, "service_date": date.today().isoformat()}
    r = httpx.post(f"{s.gateway_url}/referral/referrals/out-of-county", json=body,
                   headers=demo_user_header("dachang.referral"), timeout=30)
    assert r.status_code == 201, r.text
    claim_no = f"OOC-{r.json()['referral_id']}"
    wait_for(lambda: referral_outbox(s.gateway_url)["backlog"] == 0, 30, "the broker acknowledged the event")

    s.kill_and_restart("broker")  # the memory-only broker forgets every message it had acknowledged
    s.start_component("payment")
    wait_for(lambda: port_open(s.ports["payment"]), 60, "payment is back")

    payment_db = s.database_urls()["payment"]
    wait_for(lambda: scalar(payment_db, f"SELECT count(*) FROM claims WHERE claim_no = '{claim_no}'") == 1, 120,
             "the out-of-county claim was recorded from the re-published event")
    assert scalar(payment_db, f"SELECT amount_fen FROM claims WHERE claim_no = '{claim_no}'") == 123_456
    outbox = referral_outbox(s.gateway_url)
    assert outbox["broker_restarts_detected"] >= 1 and outbox["last_replay"]["rows"] >= 1
    assert outbox["last_broker_restart"]["reason"]
    health = wait_for(lambda: (h := httpx.get(f"{s.gateway_url}/health", timeout=10).json())["status"] == "ok" and h,
                      120, "the platform is healthy again")
    for name in ("referral", "payment", "staffing"):
        for consumer in health["services"][name]["detail"]["consumers"].values():
            assert consumer["unassigned_partitions"] == {}
