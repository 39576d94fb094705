from __future__ import annotations

import uuid
from datetime import timedelta

from platform_common.contracts import ReferralSubmitted
from platform_common.events import EventEnvelope, utcnow
from tests.api.staffing.conftest import ANALYST, BUREAU, DACHANG, LEAD, person, register, soon
from tests.support import events
from tests.support.service_app import outbox_events


def submitted(from_org: str, specialty: str, days_ago: float) -> EventEnvelope:
    rid = str(uuid.uuid4())
    return events.envelope("ReferralSubmitted", ReferralSubmitted(
        referral_id=rid, direction="upward", from_org_id=from_org, to_org_id="county-peoples-hospital",
        consortium_id="wushan", specialty=specialty, urgency="routine", emergency_category=None, icd10="I20.9",
        patient_key=uuid.uuid4().hex, chronic_condition=None, response_deadline=None),
        occurred_at=utcnow() - timedelta(days=days_ago), org_id=from_org)


def feed(client, *envelopes: EventEnvelope) -> None:
    events.deliver(client, "staffing-referral", *envelopes)


def test_upward_referrals_surge_produces_a_recommendation_with_its_reasons(client):
    # Baseline: 6 cardiology referrals over the three windows before (2 per 28 days); now 10,
    # three of them from a village clinic that counts for its township.
    feed(client, *[submitted("dachang-thc", "cardiology", 40 + 10 * i) for i in range(6)],
         *[submitted("dachang-thc", "cardiology", 1 + i) for i in range(7)],
         *[submitted("dachang-qixing-vc", "cardiology", 2) for _ in range(3)],
         *[submitted("luoping-thc", "respiratory", 5) for _ in range(3)])
    demand = {(d["township_id"], d["specialty"]): d for d in client.get("/tidal/demand", headers=ANALYST).json()}
    assert demand[("dachang-thc", "cardiology")]["window_volume"] == 10
    assert demand[("dachang-thc", "cardiology")]["baseline_volume"] == 6
    recs = client.post("/tidal/recommendations/generate", headers=LEAD).json()
    assert [(r["township_id"], r["specialty"], r["headcount"]) for r in recs] == [("dachang-thc", "cardiology", 1)]
    assert "10 upward referrals in cardiology in the last 28 days" in recs[0]["reasons"][0]
    assert "baseline 2.0" in recs[0]["reasons"][0]

    r = client.post(f"/tidal/recommendations/{recs[0]['recommendation_id']}/accept",
                    json={"start_date": soon(3), "end_date": soon(60)}, headers=BUREAU)
    assert r.status_code == 201, r.text
    req = r.json()
    assert (req["status"], req["source"], req["org_id"]) == ("approved", "tidal", "dachang-thc")
    again = client.post(f"/tidal/recommendations/{recs[0]['recommendation_id']}/accept",
                        json={"start_date": soon(3), "end_date": soon(60)}, headers=BUREAU)
    assert again.status_code == 409 and again.json()["error"]["details"]["state"] == "accepted"
    assert [e["type"] for e in outbox_events(client)] == ["SecondmentRequested", "SecondmentApproved"]


def test_a_seasonal_calendar_recommends_ahead_of_the_season_and_coverage_satisfies_it(client):
    r = client.post("/seasons", json={"org_id": "dachang-thc", "name": "小三峡景区旅游旺季", "start_date": soon(10),
                                      "end_date": soon(70), "specialties": ["emergency", "orthopaedics"],
                                      "headcount": 2}, headers=BUREAU)
    assert r.status_code == 201, r.text
    assert client.post("/seasons", json={"org_id": "county-tcm-hospital", "name": "x", "start_date": soon(1),
                                         "end_date": soon(2), "specialties": ["tcm"]},
                       headers=BUREAU).json()["error"]["field"] == "org_id"
    recs = client.post("/tidal/recommendations/generate", headers=BUREAU).json()
    assert {(r["specialty"], r["headcount"]) for r in recs} == {("emergency", 2), ("orthopaedics", 2)}
    assert "starts in 10 days" in recs[0]["reasons"][0]

    # Two emergency doctors seconded there for the season (from its first day, not today): no more
    # are recommended.
    docs = register(client, *[person("county-peoples-hospital", specialty="emergency") for _ in range(3)])
    req = client.post("/secondments", json={"org_id": "dachang-thc", "specialty": "emergency", "title_level": "junior",
                                            "headcount": 2, "start_date": soon(10), "end_date": soon(70),
                                            "reason": "旺季"}, headers=DACHANG).json()
    assert client.post(f"/secondments/{req['request_id']}/approve",
                       json={"staff_ids": [docs[0]["staff_id"], docs[1]["staff_id"]]}, headers=BUREAU).status_code == 200
    recs = client.post("/tidal/recommendations/generate", headers=BUREAU).json()
    assert {r["specialty"] for r in recs} == {"orthopaedics"}
    assert client.get("/tidal/recommendations?status=superseded", headers=BUREAU).status_code == 200
    assert client.post("/tidal/recommendations/generate", headers=DACHANG).status_code == 403


def test_monthly_allowances_of_seconded_staff_and_general_practitioners(client):
    gp_senior, gp_junior, _other = register(
        client, person("dachang-thc", specialty="general_practice", title="senior", start_date="2026-01-01"),
        person("luoping-thc", specialty="general_practice", title="junior", start_date="2026-03-11"),
        person("dachang-thc", specialty="cardiology", start_date="2026-01-01"))
    report = client.get("/allowances?month=2026-03", headers=ANALYST).json()
    lines = {(x["staff_id"], x["kind"]): x for x in report["lines"]}
    # Senior GP, whole month: 500 yuan. Junior GP from 11 March: 300 × 21/31 = 203.2258 → 20323 fen.
    assert lines[(gp_senior["staff_id"], "gp")]["amount_fen"] == 50000
    assert (lines[(gp_junior["staff_id"], "gp")]["days"], lines[(gp_junior["staff_id"], "gp")]["amount_fen"]) == (21, 20323)
    assert report["gp_total_fen"] == 70323 and report["total_fen"] == 70323
    assert client.get("/allowances?month=2026-13", headers=ANALYST).status_code == 422
    assert client.get("/allowances?month=2026-03", headers=DACHANG).status_code == 403


def test_seconded_days_earn_the_daily_allowance(client):
    doc, _stays = register(client, person("county-peoples-hospital"), person("county-peoples-hospital"))
    req = client.post("/secondments", json={"org_id": "dachang-thc", "specialty": "cardiology",
                                            "title_level": "junior", "headcount": 1, "start_date": soon(1),
                                            "end_date": soon(90), "reason": "x"}, headers=DACHANG).json()
    client.post(f"/secondments/{req['request_id']}/approve", json={"staff_ids": [doc["staff_id"]]}, headers=BUREAU)
    month = soon(40)[:7]
    line = next(x for x in client.get(f"/allowances?month={month}", headers=BUREAU).json()["lines"]
                if x["kind"] == "secondment")
    from calendar import monthrange
    year, mon = map(int, month.split("-"))
    assert line["days"] == monthrange(year, mon)[1] and line["amount_fen"] == 5000 * line["days"]


def test_a_recommendation_says_when_it_was_generated_with_its_offset(client):
    """Issue 14: `GET /tidal/recommendations` gave `generated_at` without an offset (a local time or UTC?)."""
    assert client.post("/seasons", json={"org_id": "dachang-thc", "name": "旺季", "start_date": soon(10),
                                         "end_date": soon(70), "specialties": ["emergency"], "headcount": 1},
                       headers=BUREAU).status_code == 201
    client.post("/tidal/recommendations/generate", headers=BUREAU)
    listed = client.get("/tidal/recommendations", headers=BUREAU).json()
    assert listed and all(r["generated_at"].endswith("Z") for r in listed), listed[:1]
