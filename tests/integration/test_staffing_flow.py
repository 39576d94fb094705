"""Staffing across the running platform: the gateway, the broker and the staffing service as processes."""
from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import pytest
from kafka import KafkaProducer

from platform_common.contracts import REFERRAL_TOPIC, STAFFING_TOPIC
from platform_common.events import EventEnvelope
from tests.support.topic import scan_topic

pytestmark = pytest.mark.integration


def _id_number() -> str:
    return f"5002371970{random.randrange(10**7, 10**8)}"


def _day(n: int) -> str:
    return (date.today() + timedelta(days=n)).isoformat()


def _staffing_events(bootstrap: str, wanted: set[str]) -> dict[str, dict]:
    """Read staffing.events from the start until an event for every wanted aggregate/type pair is seen."""
    found: dict[str, dict] = {}

    def collect(env: dict) -> bool:
        key = f"{env['type']}:{env['aggregate_id']}"
        if key in wanted:
            found[key] = env
        return wanted <= set(found)

    scan_topic(bootstrap, STAFFING_TOPIC, collect, timeout=30)
    return found


def test_request_approval_dispatch_and_end_through_the_gateway(stack):
    hr, bureau, manager = stack.client("peoples.hr"), stack.client("bureau.hr"), stack.client("dachang.manager")
    people = [{"name": f"骨科医生{i}", "id_number": _id_number(), "qualification": "practising_physician",
               "title_level": "intermediate", "specialty": "orthopaedics", "home_org_id": "county-peoples-hospital",
               "start_date": "2020-01-01"} for i in range(2)]
    r = bureau.post("/staffing/staff/bulk", json={"staff": people})
    assert r.status_code == 201, r.text
    assert "%s" % people[0]["id_number"] not in r.text
    r = manager.post("/staffing/secondments", json={
        "org_id": "dachang-thc", "specialty": "orthopaedics", "title_level": "intermediate", "headcount": 1,
        "start_date": _day(5), "end_date": _day(95), "reason": "景区旺季骨折病人增多"})
    assert r.status_code == 201, r.text
    request_id = r.json()["request_id"]
    with stack.client("dachang.referral") as clerk:
        assert clerk.post(f"/staffing/secondments/{request_id}/approve", json={}).status_code == 403
    assert manager.post(f"/staffing/secondments/{request_id}/approve", json={}).status_code == 403

    assert hr.post(f"/staffing/secondments/{request_id}/approve", json={"reason": "同意"}).json()["status"] == "approved"
    candidates = hr.get(f"/staffing/secondments/{request_id}/candidates").json()
    assert candidates, "the two orthopaedists of the paired hospital are candidates"
    r = hr.post(f"/staffing/secondments/{request_id}/dispatch", json={"staff_id": candidates[0]["staff_id"]})
    assert r.status_code == 201, r.text
    posting_id = r.json()["posting_id"]
    assert manager.post(f"/staffing/postings/{posting_id}/arrive", json={"arrived_on": _day(5)}).status_code == 200
    r = hr.post(f"/staffing/postings/{posting_id}/end", json={"ended_on": _day(30)})
    assert r.status_code == 200 and r.json()["end_reason"] == "early_end"

    events = _staffing_events(stack.kafka_bootstrap, {f"StaffDispatched:{posting_id}", f"SecondmentEnded:{posting_id}"})
    assert events[f"StaffDispatched:{posting_id}"]["payload"]["to_org_id"] == "dachang-thc"
    assert events[f"SecondmentEnded:{posting_id}"]["payload"]["reason"] == "early_end"


def test_referral_events_through_kafka_produce_a_tidal_recommendation(stack):
    # Published straight to referral.events as the referral service would (its upward route is built
    # in parallel): well-formed ReferralSubmitted envelopes, three of them from a village clinic.
    producer = KafkaProducer(bootstrap_servers=stack.kafka_bootstrap)
    origins = ["luoping-thc"] * 7 + ["luoping-yuping-vc"] * 3
    for org in origins:
        rid = str(uuid.uuid4())
        env = EventEnvelope(type="ReferralSubmitted", producer="referral", org_id=org, correlation_id=rid,
                            aggregate_type="referral", aggregate_id=rid,
                            payload={"referral_id": rid, "direction": "upward", "from_org_id": org,
                                     "to_org_id": "county-tcm-hospital", "consortium_id": "wushan",
                                     "specialty": "rehabilitation", "urgency": "routine", "emergency_category": None,
                                     "icd10": "I69.3", "patient_key": uuid.uuid4().hex, "chronic_condition": None,
                                     "response_deadline": None})
        producer.send(REFERRAL_TOPIC, key=rid.encode(), value=env.to_bytes())
    producer.flush()
    producer.close()

    analyst, hr = stack.client("bureau.analyst"), stack.client("bureau.hr")

    def luoping_rehab() -> int:
        rows = analyst.get("/staffing/tidal/demand").json()
        return next((d["window_volume"] for d in rows
                     if (d["township_id"], d["specialty"]) == ("luoping-thc", "rehabilitation")), 0) >= 10

    stack.wait_until(luoping_rehab, timeout=60)
    recs = hr.post("/staffing/tidal/recommendations/generate").json()
    rec = next(r for r in recs if (r["township_id"], r["specialty"]) == ("luoping-thc", "rehabilitation"))
    assert "upward referrals in rehabilitation" in rec["reasons"][0]
    r = hr.post(f"/staffing/tidal/recommendations/{rec['recommendation_id']}/accept",
                json={"start_date": _day(3), "end_date": _day(40)})
    assert r.status_code == 201 and r.json()["status"] == "approved" and r.json()["source"] == "tidal"
