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
