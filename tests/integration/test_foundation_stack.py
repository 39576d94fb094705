"""The running platform: health, login, authorisation at the gateway, registry events reaching every service."""
from __future__ import annotations

import httpx
import pytest

from gateway.demo import ORGANISATIONS

pytestmark = pytest.mark.integration


def test_gateway_health_reports_every_service_and_the_broker(stack):
    body = httpx.get(f"{stack.gateway_url}/health", timeout=10).json()
    assert body["status"] == "ok"
    assert body["broker"]["status"] == "ok"
    assert {"referral", "payment", "staffing", "gateway"} <= set(body["services"])
    for name, svc in body["services"].items():
        assert svc["status"] == "ok", name
        assert svc["detail"]["outbox"]["backlog"] == 0


def test_registry_events_travel_from_the_gateway_to_every_service(stack):
    # Organisations were registered in the gateway's database and announced through its outbox;
    # each service's consumer applied them into its own directory.
    for name in ("referral", "payment", "staffing"):
        health = httpx.get(f"{stack.url(name)}/health", timeout=5).json()
        assert health["directory"]["organisations"] == len(ORGANISATIONS), name
        consumer = health["consumers"][f"{name}-registry"]
        assert consumer["dead_lettered"] == 0 and consumer["lag"] == 0


def test_a_demo_account_logs_in_and_requests_need_a_valid_token(stack):
    r = httpx.post(f"{stack.gateway_url}/auth/token", data={"username": "insurance.officer",
                                                           "password": "demo-password"})
    assert r.status_code == 200 and r.json()["role"] == "insurance_officer"
    assert httpx.get(f"{stack.gateway_url}/me").status_code == 401
    assert httpx.post(f"{stack.gateway_url}/auth/token",
                      data={"username": "insurance.officer", "password": "nope"}).status_code == 401
    with stack.client("insurance.officer") as c:
        assert c.get("/me").json()["org"] == "medical-insurance-office"


def test_the_request_id_comes_back_from_a_proxied_call(stack):
    with stack.client("bureau.analyst") as c:
        r = c.get("/me", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"


def test_a_proxied_answer_has_one_date_and_one_server_header(stack):
    """Defect: the service's `date` and `server` were passed on beside the gateway's own."""
    with stack.client("dachang.referral") as c:
        r = c.get("/referral/referrals", params={"box": "outgoing"})
    assert r.status_code == 200
    assert len(r.headers.get_list("date")) == 1 and len(r.headers.get_list("server")) == 1


def test_the_request_id_travels_into_the_event_and_the_consumers_logs(stack):
    """X-Request-ID → the outbox envelope → Kafka → staffing's and payment's consumers, in their JSON logs."""
    import json

    from tests.integration.test_referral_e2e import PATIENT

    request_id = "trace-upward-0001"
    body = {"patient": PATIENT, "icd10": "I10", "diagnosis": "高血压", "reason": "血压控制不佳",
            "urgency": "routine", "to_org_id": "county-peoples-hospital", "specialty": "cardiology"}
    with stack.client("luoping.referral") as town:
        r = town.post("/referral/referrals/upward", json=body, headers={"X-Request-ID": request_id})
    assert r.status_code == 201, r.text
    assert r.headers["x-request-id"] == request_id

    def applied_in(service: str) -> list[dict]:
        lines = (stack.log_dir / f"{service}.log").read_text(encoding="utf-8").splitlines()
        entries = [json.loads(x) for x in lines if x.startswith("{")]
        return [e for e in entries if e.get("correlation_id") == request_id and e["msg"] == "event applied"]

    staffing = stack.wait_until(lambda: applied_in("staffing"), 30)
    assert staffing[0]["event_type"] == "ReferralSubmitted" and staffing[0]["producer"] == "referral"
    # No patient name or national ID anywhere in what the consumer logged.
    assert PATIENT["national_id"] not in json.dumps(staffing) and PATIENT["name"] not in json.dumps(staffing)
