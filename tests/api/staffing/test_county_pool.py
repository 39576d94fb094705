"""The pooled county quota: the worked example of quota lent between two townships, and quota reviews."""
from __future__ import annotations

from datetime import timedelta

from services.staffing.domain.seniority import add_years
from tests.api.staffing.conftest import ANALYST, BUREAU, DACHANG, LUOPING, person, register, soon
from tests.support.clock import county_today
from tests.support.service_app import outbox_events


def quota(client, org_id: str, as_of: str) -> dict:
    return client.get(f"/units/{org_id}/quota", params={"as_of": as_of}, headers=BUREAU).json()


def test_quota_lent_between_two_townships(client):
    # 大昌 (38,000 people, 38 posts) is full; 骡坪 (27,000, 27 posts) has 5 people and 22 posts unused.
    register(client, *[person("dachang-thc", title="junior", specialty="general_practice") for _ in range(38)])
    register(client, *[person("luoping-thc", title="junior") for _ in range(5)])
    start, end = soon(10), soon(375)
    r = client.post("/quota-loans", headers=DACHANG, json={
        "lender_org_id": "luoping-thc", "borrower_org_id": "dachang-thc", "posts": 2, "start_date": start,
        "end_date": end, "reason": "大昌镇旅游旺季门诊量大, 借用骡坪空编2个"})
    assert r.status_code == 201 and r.json()["status"] == "requested", r.text
    loan = r.json()["loan_id"]
    assert client.post(f"/quota-loans/{loan}/approve", json={"reason": "同意"}, headers=LUOPING).status_code == 403
    r = client.post(f"/quota-loans/{loan}/approve", json={"reason": "编制统筹使用, 同意借用一年"}, headers=BUREAU)
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["decided_by"] == "bureau.hr"

    assert (quota(client, "dachang-thc", soon(9))["quota"], quota(client, "dachang-thc", start)["quota"]) == (38, 40)
    assert (quota(client, "luoping-thc", soon(9))["quota"], quota(client, "luoping-thc", start)["quota"]) == (27, 25)
    # the borrowed posts are Dachang's to fill from the loan's first day, not before
    today = client.post("/staff", json=person("dachang-thc", title="junior"), headers=BUREAU)
    assert today.status_code == 409 and today.json()["error"]["details"]["rules"] == ["quota_exceeded"]
    assert client.post("/staff", json=person("dachang-thc", title="junior", start_date=start),
                       headers=BUREAU).status_code == 201
    # Luoping cannot lend what it no longer has: 27 - 2 lent - 5 filled = 20 unused
    big = client.post("/quota-loans", headers=LUOPING, json={
        "lender_org_id": "luoping-thc", "borrower_org_id": "guandu-thc", "posts": 21, "start_date": soon(30),
        "end_date": soon(60), "reason": "借编"}).json()["loan_id"]
    r = client.post(f"/quota-loans/{big}/approve", json={"reason": "同意"}, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "unused_quota"
    assert client.post(f"/quota-loans/{big}/reject", json={"reason": "空编不足"}, headers=BUREAU).json()["status"] == \
        "rejected"
    # nor take the posts back while Dachang fills them
    r = client.post(f"/quota-loans/{loan}/return", json={"returned_on": soon(100), "reason": "提前归还"}, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["rule"] == "quota_in_use"

    pool = client.get("/county-quota", params={"as_of": start}, headers=ANALYST).json()
    assert (pool["service_population"], pool["total"], pool["allocated"], pool["over_allocated"]) == \
        (193_000, 193, 193, False)
    units = {u["org_id"]: u for u in pool["units"]}
    assert (units["dachang-thc"]["allocation"], units["dachang-thc"]["lent"], units["dachang-thc"]["quota"]) == \
        (38, -2, 40)
    assert (units["luoping-thc"]["lent"], units["luoping-thc"]["quota"], units["luoping-thc"]["unused"]) == (2, 25, 20)
    assert [x["loan_id"] for x in pool["loans"]] == [loan]
    history = client.get("/quota-loans", params={"org_id": "luoping-thc"}, headers=LUOPING).json()
    assert {(x["loan_id"], x["status"]) for x in history} == {(loan, "approved"), (big, "rejected")}
    decided = [e["payload"]["decision"] for e in outbox_events(client, "QuotaLoanDecided")]
    assert decided == ["approved", "rejected"] and len(outbox_events(client, "QuotaLoanRequested")) == 2


def test_a_loan_is_asked_by_either_unit_and_read_by_its_own(client):
    body = {"lender_org_id": "luoping-thc", "borrower_org_id": "guandu-thc", "posts": 1, "start_date": soon(1),
            "end_date": soon(30), "reason": "借编"}
    assert client.post("/quota-loans", json=body, headers=DACHANG).status_code == 403
    r = client.post("/quota-loans", json=body | {"borrower_org_id": "luoping-thc"}, headers=LUOPING)
    assert r.status_code == 422 and r.json()["error"]["field"] == "borrower_org_id"
    r = client.post("/quota-loans", json=body | {"start_date": soon(-1)}, headers=LUOPING)
    assert r.status_code == 422 and r.json()["error"]["field"] == "start_date"
    loan = client.post("/quota-loans", json=body, headers=LUOPING).json()["loan_id"]
    assert client.get("/quota-loans", params={"org_id": "luoping-thc"}, headers=DACHANG).status_code == 403
    assert client.post(f"/quota-loans/{loan}/cancel", json={"reason": "不再需要"}, headers=LUOPING).json()["status"] == \
        "cancelled"
    r = client.post(f"/quota-loans/{loan}/approve", json={"reason": "同意"}, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["state"] == "cancelled"


def test_quota_reviews_due_and_overdue_with_the_period_as_a_policy(client):
    today = county_today()
    reviewed = add_years(today, -5) + timedelta(days=30)  # the next review is due in 30 days (every 5 years)
    r = client.post("/units/dachang-thc/quota-reviews", json={"reviewed_on": reviewed.isoformat(),
                                                              "reason": "编制核定"}, headers=BUREAU)
    assert r.status_code == 201 and r.json()["quota"] == 38
    (event,) = outbox_events(client, "QuotaReviewed")
    assert event["payload"]["next_due_on"] == add_years(reviewed, 5).isoformat()
    listed = {x["org_id"]: x for x in client.get("/quota-reviews", headers=ANALYST).json()}
    assert (listed["dachang-thc"]["state"], listed["dachang-thc"]["due_on"]) == ("due", add_years(reviewed, 5).isoformat())
    assert listed["luoping-thc"]["state"] == "never_reviewed"
    assert "county-peoples-hospital" not in listed  # no quota set: nothing to review
    # the bureau moves to a review every 3 years (as the city's text has it): Dachang is overdue from then on
    assert client.put(f"/quota-policies/defaults/{soon(1)}", json={"quota_review_years": 3, "reason": "三年核定一次"},
                      headers=BUREAU).status_code == 201
    later = {x["org_id"]: x for x in client.get("/quota-reviews", params={"as_of": soon(1)}, headers=ANALYST).json()}
    assert (later["dachang-thc"]["state"], later["dachang-thc"]["due_on"]) == ("overdue", add_years(reviewed, 3).isoformat())
    # a current review is listed only when every unit is asked for
    client.post("/units/luoping-thc/quota-reviews", json={"reviewed_on": today.isoformat(), "reason": "核定"},
                headers=BUREAU)
    assert "luoping-thc" not in {x["org_id"] for x in client.get("/quota-reviews", headers=ANALYST).json()}
    every = client.get("/quota-reviews", params={"every_unit": True}, headers=ANALYST).json()
    assert {x["org_id"]: x["state"] for x in every}["luoping-thc"] == "current"
    r = client.post("/units/luoping-thc/quota-reviews", json={"reviewed_on": soon(1), "reason": "核定"}, headers=BUREAU)
    assert r.status_code == 422 and r.json()["error"]["field"] == "reviewed_on"
