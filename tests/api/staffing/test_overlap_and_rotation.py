from __future__ import annotations

import pytest

from tests.api.staffing.conftest import (BUREAU, DACHANG, LEAD, LUOPING, person, register, race_approvals,
                                        request_secondment, soon)
from tests.support.service_app import outbox_events


def _approved_request(client, org_headers, org_id, start, end) -> str:
    return request_secondment(client, org_headers, org_id=org_id, specialty="orthopaedics", title_level="junior",
                              start_date=start, end_date=end, reason="骨科")["request_id"]


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_concurrent_approvals_never_put_one_person_in_two_overlapping_postings(client):
    doc, _stays = register(client, person("county-peoples-hospital", specialty="orthopaedics"),
                           person("county-peoples-hospital", specialty="orthopaedics"))
    for attempt in range(5):
        base = 40 * attempt
        first = _approved_request(client, DACHANG, "dachang-thc", soon(base + 10), soon(base + 30))
        second = _approved_request(client, LUOPING, "luoping-thc", soon(base + 20), soon(base + 35))
        results = race_approvals(client, (first, doc["staff_id"], BUREAU), (second, doc["staff_id"], LEAD))
        assert sorted(results.values()) == [200, 409], results
        # The loser's whole approval rolled back: its request is still waiting for a decision.
        loser = first if results[first] == 409 else second
        assert client.get(f"/secondments/{loser}", headers=BUREAU).json()["status"] == "requested"
        history = client.get(f"/staff/{doc['staff_id']}", headers=BUREAU).json()["postings"]
        temporary = [p for p in history if p["kind"] == "secondment"]
        assert len(temporary) == attempt + 1
    assert len(outbox_events(client, "StaffDispatched")) == 5


def test_an_overlapping_dispatch_or_extension_is_refused(client):
    doc, _stays = register(client, person("county-peoples-hospital", specialty="orthopaedics"),
                           person("county-peoples-hospital", specialty="orthopaedics"))
    a = _approved_request(client, DACHANG, "dachang-thc", soon(10), soon(30))
    b = _approved_request(client, LUOPING, "luoping-thc", soon(31), soon(60))
    ok = client.post(f"/secondments/{a}/approve", json={"staff_ids": [doc["staff_id"]]}, headers=BUREAU)
    posting = ok.json()["postings"][0]
    client.post(f"/secondments/{b}/approve", json={}, headers=BUREAU)
    assert client.post(f"/secondments/{b}/dispatch", json={"staff_id": doc["staff_id"]},
                       headers=BUREAU).status_code == 201
    r = client.post(f"/postings/{posting['posting_id']}/extend", json={"end_date": soon(40)}, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "overlapping_posting"
    c = _approved_request(client, DACHANG, "dachang-thc", soon(50), soon(70))
    client.post(f"/secondments/{c}/approve", json={}, headers=BUREAU)
    r = client.post(f"/secondments/{c}/dispatch", json={"staff_id": doc["staff_id"]}, headers=BUREAU)
    assert r.status_code == 409 and "overlapping" in r.json()["error"]["message"]


def test_the_sending_unit_keeps_its_minimum_cover(client):
    (only,) = register(client, person("county-tcm-hospital", specialty="tcm"))
    r = client.post("/secondments", json={"org_id": "luoping-thc", "specialty": "tcm", "title_level": "junior",
                                          "headcount": 1, "start_date": soon(5), "end_date": soon(9), "reason": "中医"},
                    headers=LUOPING)
    rid = r.json()["request_id"]
    r = client.post(f"/secondments/{rid}/approve", json={"staff_ids": [only["staff_id"]]}, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "minimum_cover"
    assert client.get(f"/secondments/{rid}/candidates", headers=BUREAU).json() == []


def test_rotation_plan_lays_postings_end_to_end_all_or_nothing(client):
    a, b, _c = register(client, *[person("county-peoples-hospital", specialty="general_practice") for _ in range(3)])
    r = client.post("/rotation-plans", json={
        "name": "2026 下沉轮岗 大昌", "kind": "rotation_down", "org_id": "dachang-thc",
        "staff_ids": [a["staff_id"], b["staff_id"]], "start_date": soon(7), "block_days": 30, "rounds": 2},
        headers=BUREAU)
    assert r.status_code == 201, r.text
    spans = [(p["staff_id"], p["start_date"], p["end_date"]) for p in r.json()["postings"]]
    assert spans == [(a["staff_id"], soon(7), soon(36)), (b["staff_id"], soon(37), soon(66)),
                     (a["staff_id"], soon(67), soon(96)), (b["staff_id"], soon(97), soon(126))]
    clash = client.post("/rotation-plans", json={
        "name": "冲突", "kind": "rotation_down", "org_id": "luoping-thc",
        "staff_ids": [_c["staff_id"], a["staff_id"]], "start_date": soon(10), "block_days": 20}, headers=BUREAU)
    assert clash.status_code == 409 and clash.json()["error"]["details"]["staff_index"] == 1
    assert client.get(f"/staff/{_c['staff_id']}", headers=BUREAU).json()["postings"][-1]["kind"] == "establishment"
    up = client.post("/rotation-plans", json={
        "name": "上挂", "kind": "rotation_up", "org_id": "dachang-thc", "staff_ids": [a["staff_id"]],
        "start_date": soon(200), "block_days": 30}, headers=BUREAU)
    assert up.status_code == 422 and up.json()["error"]["field"] == "org_id"


def test_an_extension_keeps_the_sending_units_minimum_cover_for_the_added_days(client):
    a, b = register(client, *[person("county-tcm-hospital", specialty="tcm") for _ in range(2)])
    first = client.post("/secondments", json={"org_id": "luoping-thc", "specialty": "tcm", "title_level": "junior",
                                              "headcount": 1, "start_date": soon(5), "end_date": soon(30),
                                              "reason": "中医"}, headers=LUOPING).json()["request_id"]
    second = client.post("/secondments", json={"org_id": "dachang-thc", "specialty": "tcm", "title_level": "junior",
                                               "headcount": 1, "start_date": soon(31), "end_date": soon(60),
                                               "reason": "中医"}, headers=DACHANG).json()["request_id"]
    posting = client.post(f"/secondments/{first}/approve", json={"staff_ids": [a["staff_id"]]},
                          headers=BUREAU).json()["postings"][0]
    assert client.post(f"/secondments/{second}/approve", json={"staff_ids": [b["staff_id"]]},
                       headers=BUREAU).status_code == 200
    # Keeping A at Luoping past day 30 would leave the TCM hospital without a TCM doctor from day 31.
    r = client.post(f"/postings/{posting['posting_id']}/extend", json={"end_date": soon(40)}, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "minimum_cover"
    assert client.get(f"/postings/{posting['posting_id']}", headers=BUREAU).json()["end_date"] == soon(30)


def test_a_temporary_posting_has_a_longest_length_and_a_far_date_is_422_not_500(client):
    (doc,) = register(client, person("county-peoples-hospital", specialty="general_practice"))
    r = client.post("/secondments", json={"org_id": "dachang-thc", "specialty": "cardiology", "title_level": "junior",
                                          "headcount": 1, "start_date": soon(1), "end_date": "9999-12-31",
                                          "reason": "x"}, headers=DACHANG)
    assert r.status_code == 422 and r.json()["error"]["field"] == "end_date"
    r = client.post("/rotation-plans", json={"name": "x", "kind": "rotation_down", "org_id": "dachang-thc",
                                             "staff_ids": [doc["staff_id"]], "start_date": "9999-12-01",
                                             "block_days": 366}, headers=BUREAU)
    assert r.status_code == 422 and r.json()["error"]["field"] == "start_date"
