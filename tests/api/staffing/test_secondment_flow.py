from __future__ import annotations

from tests.api.staffing.conftest import (BUREAU, DACHANG, LEAD, LUOPING, person, register, request_secondment,
                                        soon)
from tests.support.service_app import outbox_events


def test_request_approve_dispatch_arrive_extend_end(client):
    senior, mid, only_one = register(client, person("county-peoples-hospital", title="senior"),
                                   person("county-peoples-hospital"), person("county-tcm-hospital"))
    req = request_secondment(client)
    assert req["status"] == "requested"

    r = client.post(f"/secondments/{req['request_id']}/approve", json={"reason": "同意"}, headers=BUREAU)
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "approved"

    ranked = client.get(f"/secondments/{req['request_id']}/candidates", headers=LEAD).json()
    # The exact title fit comes first (a senior is not wasted on an intermediate request); the TCM
    # hospital's only cardiologist is not proposed: it must keep its minimum cover.
    assert [c["staff_id"] for c in ranked] == [mid["staff_id"], senior["staff_id"]]
    assert only_one["staff_id"] not in {c["staff_id"] for c in ranked}

    r = client.post(f"/secondments/{req['request_id']}/dispatch", json={"staff_id": ranked[0]["staff_id"]},
                    headers=LEAD)
    assert r.status_code == 201, r.text
    posting = r.json()
    assert posting["status"] == "dispatched" and posting["org_id"] == "dachang-thc"
    assert client.get(f"/secondments/{req['request_id']}", headers=DACHANG).json()["status"] == "fulfilled"

    pid = posting["posting_id"]
    assert client.post(f"/postings/{pid}/arrive", json={"arrived_on": soon(10)}, headers=DACHANG).status_code == 200
    r = client.post(f"/postings/{pid}/extend", json={"end_date": soon(130)}, headers=BUREAU)
    assert r.status_code == 200 and r.json()["end_date"] == soon(130)
    r = client.post(f"/postings/{pid}/end", json={"ended_on": soon(60)}, headers=BUREAU)
    assert r.status_code == 200, r.text
    assert r.json()["end_reason"] == "early_end" and r.json()["ended_on"] == soon(60)

    again = client.post(f"/postings/{pid}/end", json={"ended_on": soon(61)}, headers=BUREAU)
    assert again.status_code == 409 and again.json()["error"]["details"]["state"] == "ended"

    types = [e["type"] for e in outbox_events(client)]
    assert types == ["SecondmentRequested", "SecondmentApproved", "StaffDispatched", "StaffArrived",
                     "SecondmentExtended", "SecondmentEnded"]
    dispatched = outbox_events(client, "StaffDispatched")[0]["payload"]
    assert dispatched["from_org_id"] == "county-peoples-hospital" and dispatched["to_org_id"] == "dachang-thc"
    assert dispatched["specialty"] == "cardiology" and dispatched["end_date"] == soon(100)


def test_only_the_townships_own_manager_requests_and_only_hr_decides(client):
    body = {"org_id": "dachang-thc", "specialty": "cardiology", "title_level": "junior", "headcount": 1,
            "start_date": soon(1), "end_date": soon(2), "reason": "x"}
    assert client.post("/secondments", json=body, headers=LUOPING).status_code == 403
    req = request_secondment(client)
    assert client.post(f"/secondments/{req['request_id']}/approve", json={}, headers=DACHANG).status_code == 403
    assert client.get(f"/secondments/{req['request_id']}", headers=LUOPING).status_code == 403
    r = client.post(f"/secondments/{req['request_id']}/reject", json={"reason": "本季度无可派人员"}, headers=LEAD)
    assert r.json()["status"] == "rejected"
    r = client.post(f"/secondments/{req['request_id']}/approve", json={}, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["state"] == "rejected"


def test_bad_request_input_names_the_field(client):
    r = client.post("/secondments", json={"org_id": "dachang-thc", "specialty": "astrology", "title_level": "junior",
                                          "headcount": 0, "start_date": soon(1), "end_date": soon(2), "reason": "x"},
                    headers=DACHANG)
    assert r.status_code == 422
    fields = {f["field"] for f in r.json()["error"]["fields"]}
    assert {"body.specialty", "body.headcount"} <= fields
    r = client.post("/secondments", json={"org_id": "dachang-thc", "specialty": "cardiology", "title_level": "junior",
                                          "headcount": 1, "start_date": soon(5), "end_date": soon(2), "reason": "x"},
                    headers=DACHANG)
    assert r.status_code == 422 and r.json()["error"]["field"] == "end_date"
    assert outbox_events(client) == []
