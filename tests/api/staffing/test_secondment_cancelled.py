"""Cancelling a secondment request is announced (SecondmentCancelled), as approval and rejection are: a desk
waiting on the request learns that it is gone, and who withdrew it."""
from __future__ import annotations

from tests.api.staffing.conftest import BUREAU, DACHANG, person, register, request_secondment
from tests.support.service_app import outbox_events


def test_a_township_withdrawing_its_request_announces_it(client):
    req = request_secondment(client)
    assert client.post(f"/secondments/{req['request_id']}/cancel", headers=DACHANG).status_code == 200

    (event,) = outbox_events(client, "SecondmentCancelled")
    assert event["aggregate_id"] == req["request_id"]
    assert event["payload"] | {"schema_version": None} == {
        "request_id": req["request_id"], "org_id": "dachang-thc", "cancelled_by": "dachang.manager",
        "by_requesting_unit": True, "previous_status": "requested", "schema_version": None}


def test_an_approver_cancelling_an_approved_request_announces_it_once(client):
    req = request_secondment(client)
    assert client.post(f"/secondments/{req['request_id']}/approve", json={"reason": "同意"},
                       headers=BUREAU).status_code == 200
    assert client.post(f"/secondments/{req['request_id']}/cancel", headers=BUREAU).status_code == 200
    assert client.post(f"/secondments/{req['request_id']}/cancel", headers=BUREAU).status_code == 409

    (event,) = outbox_events(client, "SecondmentCancelled")
    assert (event["payload"]["by_requesting_unit"], event["payload"]["previous_status"],
            event["payload"]["cancelled_by"]) == (False, "approved", "bureau.hr")


def test_a_refused_cancellation_announces_nothing(client):
    doctor, _cover = register(client, person("county-peoples-hospital"), person("county-peoples-hospital"))
    req = request_secondment(client, headcount=2)
    r = client.post(f"/secondments/{req['request_id']}/approve",
                    json={"reason": "同意", "staff_ids": [doctor["staff_id"]]}, headers=BUREAU)
    assert r.status_code == 200, r.text
    refused = client.post(f"/secondments/{req['request_id']}/cancel", headers=DACHANG)
    assert refused.status_code == 409 and refused.json()["error"]["details"]["dispatched"] == 1
    assert outbox_events(client, "SecondmentCancelled") == []
