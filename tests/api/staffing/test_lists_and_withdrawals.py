"""The lists a desk re-reads and the steps that withdraw something: a township's requests, a cancelled request,
a dismissed recommendation, a season removed from the calendar, a rotation plan opened again, a unit's postings.
(Each answer is also checked against its route's response model, like every API answer.)"""
from __future__ import annotations

from tests.api.staffing.conftest import BUREAU, DACHANG, LUOPING, person, register, request_secondment, soon
from tests.api.staffing.test_tidal_and_allowances import feed, submitted


def test_a_township_lists_its_own_requests_and_cancels_one_before_anyone_is_sent(client):
    kept = request_secondment(client)
    withdrawn = request_secondment(client, specialty="paediatrics")
    request_secondment(client, headers=LUOPING, org_id="luoping-thc")

    r = client.post(f"/secondments/{withdrawn['request_id']}/cancel", headers=DACHANG)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert client.post(f"/secondments/{withdrawn['request_id']}/cancel", headers=LUOPING).status_code == 403

    own = client.get("/secondments", headers=DACHANG).json()
    assert own["total"] == 2 and {i["org_id"] for i in own["items"]} == {"dachang-thc"}
    open_ones = client.get("/secondments", params={"status": "requested"}, headers=DACHANG).json()
    assert [i["request_id"] for i in open_ones["items"]] == [kept["request_id"]]
    assert client.get("/secondments", params={"org_id": "luoping-thc"}, headers=DACHANG).status_code == 403
    assert client.get("/secondments", headers=BUREAU).json()["total"] == 3


def test_a_dismissed_recommendation_is_not_offered_again(client):
    feed(client, *[submitted("dachang-thc", "cardiology", 40 + 10 * i) for i in range(6)],
         *[submitted("dachang-thc", "cardiology", 1 + i) for i in range(10)])
    rec = client.post("/tidal/recommendations/generate", headers=BUREAU).json()[0]
    r = client.post(f"/tidal/recommendations/{rec['recommendation_id']}/dismiss", headers=BUREAU)
    assert r.status_code == 200 and (r.json()["status"], r.json()["request_id"]) == ("dismissed", None)
    assert client.get("/tidal/recommendations", params={"status": "open"}, headers=BUREAU).json() == []
    again = client.post(f"/tidal/recommendations/{rec['recommendation_id']}/dismiss", headers=BUREAU)
    assert again.status_code == 409


def test_a_season_removed_from_the_calendar_is_gone_from_it(client):
    body = {"org_id": "dachang-thc", "name": "小三峡景区旅游旺季", "start_date": soon(10), "end_date": soon(70),
            "specialties": ["emergency"], "headcount": 2}
    season = client.post("/seasons", json=body, headers=BUREAU).json()
    listed = client.get("/seasons", params={"org_id": "dachang-thc"}, headers=DACHANG).json()
    assert [(s["season_id"], s["specialties"], s["headcount"]) for s in listed] == [
        (season["season_id"], ["emergency"], 2)]
    assert client.get("/seasons", params={"org_id": "luoping-thc"}, headers=DACHANG).status_code == 403
    assert client.delete(f"/seasons/{season['season_id']}", headers=DACHANG).status_code == 403
    r = client.delete(f"/seasons/{season['season_id']}", headers=BUREAU)
    assert (r.status_code, r.content) == (204, b"")
    assert client.get("/seasons", params={"org_id": "dachang-thc"}, headers=BUREAU).json() == []
    assert client.delete(f"/seasons/{season['season_id']}", headers=BUREAU).status_code == 404


def test_a_rotation_plan_reads_back_as_it_was_laid_and_its_postings_are_listed_at_the_unit(client):
    a, b = register(client, *[person("county-peoples-hospital", specialty="general_practice") for _ in range(2)])
    plan = client.post("/rotation-plans", json={
        "name": "2026 下沉轮岗 大昌", "kind": "rotation_down", "org_id": "dachang-thc",
        "staff_ids": [a["staff_id"], b["staff_id"]], "start_date": soon(7), "block_days": 30}, headers=BUREAU).json()
    read = client.get(f"/rotation-plans/{plan['plan_id']}", headers=BUREAU).json()
    assert read == plan

    at_dachang = client.get("/units/dachang-thc/postings", params={"kind": "rotation_down"}, headers=DACHANG).json()
    assert at_dachang["total"] == 2  # the latest first
    assert [(p["staff_id"], p["start_date"]) for p in at_dachang["items"]] == [
        (b["staff_id"], soon(37)), (a["staff_id"], soon(7))]
    assert client.get("/units/dachang-thc/postings", headers=LUOPING).status_code == 403
