"""Out-of-county records, visit volumes and the indicators built from them."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from platform_common.auth import Role
from services.referral.service_layer import downward, out_of_county, upward
from tests.support.service_app import outbox_events
from tests.support.tokens import demo_user_header as h, principal_for

from .conftest import PATIENT, make_id

TOWN = principal_for("dachang-thc", Role.REFERRAL_CLERK, "dachang.referral")
PEOPLES = principal_for("county-peoples-hospital", Role.REFERRAL_CLERK, "peoples.referral")
TCM = principal_for("county-tcm-hospital", Role.REFERRAL_CLERK, "tcm.referral")


def t(day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, 10, day, hour, minute, tzinfo=timezone.utc)


def patient(seq: str) -> dict:
    return PATIENT | {"national_id": make_id(seq=seq), "date_of_birth": date(1961, 3, 8)}


def _submit(uow, s, now, seq="123", icd10="I21.4"):
    return upward.submit(uow, s, TOWN, now, patient=patient(seq), icd10=icd10, diagnosis="d", reason="r",
                         urgency="urgent", emergency_category=None, to_org_id="county-peoples-hospital",
                         specialty="cardiology", attachments=[]).referral_id


def _accept(uow, who, now, rid, s):
    upward.accept(uow, who, now, rid, appointment_at=None, bed_no="1", priority_reception=True, settings=s,
                  priority_examination=True, priority_admission=False, note=None, version=None)


def _finish(rt, s, rid, now, fund):
    with rt.uow() as uow:
        upward.arrive(uow, PEOPLES, now, rid, arrived_at=None, version=None)
    with rt.uow() as uow:
        upward.complete(uow, s, PEOPLES, now, rid, discharge_summary="ok", icd10=None, service_date=None,
                        fund_amount_fen=fund, recommend_downward=False, version=None)


@pytest.fixture
def october(client):
    """Five answers (10, 30, 60, 20, 40 minutes; three acceptances), two completions, one out-of-county."""
    rt, s = client.runtime, client.runtime.settings
    with rt.uow() as uow:
        a = _submit(uow, s, t(5))
    with rt.uow() as uow:
        _accept(uow, PEOPLES, t(5, 8, 10), a, s)
    _finish(rt, s, a, t(6), 1000)
    with rt.uow() as uow:
        b = _submit(uow, s, t(6), seq="135", icd10="I10")
    with rt.uow() as uow:
        upward.reject(uow, PEOPLES, t(6, 8, 30), b, reason_code="no_bed", reason="full", version=None)
    with rt.uow() as uow:
        c = _submit(uow, s, t(7))
    with rt.uow() as uow:
        upward.redirect(uow, PEOPLES, t(7, 9), c, s, to_org_id="county-tcm-hospital", reason="r", version=None)
    with rt.uow() as uow:
        _accept(uow, TCM, t(7, 9, 20), c, s)
    with rt.uow() as uow:
        d = _submit(uow, s, t(8), seq="157", icd10="E11.9")
    with rt.uow() as uow:
        _accept(uow, PEOPLES, t(8, 8, 40), d, s)
    _finish(rt, s, d, t(9), 2000)
    with rt.uow() as uow:
        out_of_county.record(uow, s, TOWN, t(10), patient=patient("179"), icd10="C34.9", diagnosis="肺癌",
                             reason="需放疗", destination="重庆医科大学附属第一医院", specialty="respiratory",
                             urgency="routine", emergency_category=None, service_date=date(2026, 10, 10),
                             fund_amount_fen=5_000_000, attachments=[])
    with rt.uow() as uow:
        downward.issue(uow, s, PEOPLES, t(12), patient=patient("157"), icd10="I10", diagnosis="d", reason="r",
                       to_org_id="dachang-thc", specialty="general_practice", plan={"medications": []},
                       follow_ups=[{"due_date": date(2026, 11, 1)}], source_referral_id=d,
                       capability_override_reason=None, attachments=[])
    return client


def test_out_of_county_record_and_its_event(client):
    body = {"patient": PATIENT, "icd10": "C34.9", "diagnosis": "肺癌", "reason": "需放疗", "specialty": "respiratory",
            "destination": "重庆医科大学附属第一医院", "service_date": "2026-10-10", "fund_amount_fen": 5000000}
    r = client.post("/referrals/out-of-county", json=body, headers=h("dachang.referral"))
    assert r.status_code == 201 and r.json()["status"] == "recorded" and r.json()["to_org_id"] is None
    (e,) = outbox_events(client, "OutOfCountyReferralRecorded")
    assert e["payload"].items() >= {"destination": "重庆医科大学附属第一医院", "service_date": "2026-10-10",
                                 "fund_amount_fen": 5000000, "direction": "out_of_county", "to_org_id": None}.items()
    rid = r.json()["referral_id"]
    assert client.get(f"/referrals/{rid}", headers=h("peoples.referral")).status_code == 404
    assert client.post(f"/referrals/{rid}/accept", json={"bed_no": "1"}, headers=h("dachang.referral")).status_code == 409
    for bad in ({"fund_amount_fen": -5}, {"service_date": "2099-01-01"}, {"destination": ""}):
        assert client.post("/referrals/out-of-county", json=body | bad, headers=h("dachang.referral")).status_code == 422


def test_consortium_indicators(october):
    r = october.get("/indicators", params={"period": "2026-10"}, headers=h("bureau.analyst")).json()
    assert r["consortium_id"] == "wushan" and r["org_id"] is None
    assert (r["upward_count"], r["downward_count"], r["out_of_county_count"]) == (4, 1, 1)
    assert r["answers"] == 5 and r["acceptance_rate_bp"] == 6000
    assert (r["median_response_minutes"], r["p90_response_minutes"]) == (30, 60)
    assert r["in_county_episodes"] == 2 and r["county_domain_visit_rate_bp"] == 6667
    assert r["county_domain_target_met"] is False
    assert r["chronic_patients"] == 2 and r["chronic_downward_share_bp"] == 5000
    other = october.get("/indicators", params={"period": "2026-09"}, headers=h("bureau.analyst")).json()
    assert other["upward_count"] == 0 and other["county_domain_visit_rate_bp"] is None
    assert other["median_response_minutes"] is None


def test_visit_volumes_feed_the_county_domain_rate(october):
    put = october.put("/visit-volumes/2026-10", json={"visits": 997}, headers=h("dachang.manager"))
    assert put.status_code == 200 and put.json()["version"] == 1
    r = october.get("/indicators", params={"period": "2026-Q4"}, headers=h("peoples.finance")).json()
    assert r["reported_visits"] == 997 and r["county_domain_visit_rate_bp"] == 9990 and r["county_domain_target_met"]
    stale = october.put("/visit-volumes/2026-10", json={"visits": 5, "version": 7}, headers=h("dachang.referral"))
    assert stale.status_code == 409
    assert october.put("/visit-volumes/2026-10", json={"visits": 998, "version": 1},
                       headers=h("dachang.referral")).json()["version"] == 2
    for month in ("2099-01", "2026-Q4", "2026-13"):
        r = october.put(f"/visit-volumes/{month}", json={"visits": 1}, headers=h("dachang.referral"))
        assert r.status_code == 422 and r.json()["error"]["field"] == "month"
    assert october.put("/visit-volumes/2026-10", json={"visits": -1}, headers=h("dachang.referral")).status_code == 422
    assert october.put("/visit-volumes/2026-10", json={"visits": 1}, headers=h("bureau.analyst")).status_code == 403


def test_per_unit_indicators_and_who_may_read_them(october):
    tcm = october.get("/indicators", params={"period": "2026-10", "org_id": "county-tcm-hospital"},
                      headers=h("bureau.analyst")).json()
    assert tcm["answers"] == 1 and tcm["acceptance_rate_bp"] == 10000 and tcm["median_response_minutes"] == 20
    own = october.get("/indicators", params={"period": "2026-10"}, headers=h("dachang.referral")).json()
    assert own["org_id"] == "dachang-thc" and own["upward_count"] == 4 and own["out_of_county_count"] == 1
    denied = [("dachang.referral", {"org_id": "wuxia-thc"}), ("insurance.officer", {}), ("peoples.hr", {}),
              ("bureau.hr", {})]
    for user, extra in denied:
        assert october.get("/indicators", params={"period": "2026-10"} | extra, headers=h(user)).status_code == 403
    bad = october.get("/indicators", params={"period": "2026-10", "org_id": "nowhere"}, headers=h("bureau.analyst"))
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "org_id"
    assert october.get("/indicators", params={"period": "Oct"}, headers=h("bureau.analyst")).status_code == 422


def test_publishing_is_repeatable_and_restricted(october):
    first = october.post("/indicators/publish", json={"period": "2026-10"}, headers=h("bureau.analyst"))
    second = october.post("/indicators/publish", json={"period": "2026-10"}, headers=h("peoples.finance"))
    assert first.status_code == second.status_code == 200
    events = outbox_events(october, "ReferralIndicatorsPublished")
    assert len(events) == 2 and events[0]["event_id"] != events[1]["event_id"]
    assert events[0]["payload"] == events[1]["payload"]
    p = events[0]["payload"]
    assert p["period"] == "2026-10" and p["period_start"] == "2026-10-01" and p["period_end"] == "2026-10-31"
    assert p["acceptance_rate_bp"] == 6000 and p["p90_response_minutes"] == 60 and p["org_id"] is None
    # the rate's numerator travels with it, so payment can add the out-of-area claims to the denominator
    figures = first.json()
    assert p["in_county_visits"] == figures["in_county_episodes"] + figures["reported_visits"]
    assert october.post("/indicators/publish", json={"period": "2026-10"}, headers=h("dachang.referral")).status_code == 403
    unit = october.post("/indicators/publish", json={"period": "2026-10", "org_id": "dachang-thc"},
                        headers=h("bureau.analyst")).json()
    assert unit["org_id"] == "dachang-thc"
    assert outbox_events(october, "ReferralIndicatorsPublished")[-1]["org_id"] == "dachang-thc"


def _out_of_county(rt, s, now, seq, specialty, served):
    with rt.uow() as uow:
        out_of_county.record(uow, s, TOWN, now, patient=patient(seq), icd10="I21.4", diagnosis="d", reason="r",
                             destination="重庆医科大学附属第一医院", specialty=specialty, urgency="routine",
                             emergency_category=None, service_date=served, fund_amount_fen=100, attachments=[])


def test_out_of_county_by_specialty_month_by_month(october):
    """October: 4 upward (cardiology) + 1 respiratory out of county already; two cardiology patients leave the
    county too → 7 referrals out: cardiology 2/7 = 2857 bp (2 of its 6 = 3333 within), respiratory 1/7 = 1429 bp
    (its only one = 10000 within). An upward referral made at 01:00 on 1 November Beijing time is November's."""
    rt, s = october.runtime, october.runtime.settings
    _out_of_county(rt, s, t(20), "191", "cardiology", date(2026, 10, 20))
    _out_of_county(rt, s, t(21), "213", "cardiology", date(2026, 10, 21))
    with rt.uow() as uow:
        _submit(uow, s, datetime(2026, 10, 31, 17, tzinfo=timezone.utc), seq="235")
    _out_of_county(rt, s, datetime(2026, 11, 2, tzinfo=timezone.utc), "257", "neurology", date(2026, 11, 2))
    r = october.get("/indicators", params={"period": "2026-Q4"}, headers=h("bureau.analyst")).json()
    rows = [(x["month"], x["specialty"], x["out_of_county_count"], x["referrals_out_count"],
             x["out_of_county_rate_bp"], x["specialty_referrals_out_count"], x["within_specialty_bp"])
            for x in r["out_of_county_by_specialty"]]
    assert rows == [("2026-10", "cardiology", 2, 7, 2857, 6, 3333), ("2026-10", "respiratory", 1, 7, 1429, 1, 10000),
                    ("2026-11", "neurology", 1, 2, 5000, 1, 10000)]
    # a county hospital sent nobody out; the township sent them all
    own = october.get("/indicators", params={"period": "2026-10"}, headers=h("peoples.referral")).json()
    assert own["out_of_county_by_specialty"] == []
    town = october.get("/indicators", params={"period": "2026-10"}, headers=h("dachang.referral")).json()
    assert [x["out_of_county_rate_bp"] for x in town["out_of_county_by_specialty"]] == [2857, 1429]
    october.post("/indicators/publish", json={"period": "2026-11"}, headers=h("bureau.analyst"))
    (event,) = outbox_events(october, "ReferralIndicatorsPublished")
    assert event["version"] == 2 and event["payload"]["out_of_county_by_specialty"] == [
        {"month": "2026-11", "specialty": "neurology", "out_of_county_count": 1, "referrals_out_count": 2,
         "out_of_county_rate_bp": 5000, "specialty_referrals_out_count": 1, "within_specialty_bp": 10000}]


def test_indicators_of_a_consortium_that_does_not_exist_are_refused_not_published(client):
    r = client.post("/indicators/publish", json={"period": "2026-10", "consortium_id": "nowhere"},
                    headers=h("bureau.analyst"))
    assert r.status_code == 422 and r.json()["error"]["field"] == "consortium_id"
    assert outbox_events(client, "ReferralIndicatorsPublished") == []
