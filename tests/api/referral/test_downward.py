"""Downward referrals: treatment plan, accept/decline, follow-ups, receiving capability."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from services.referral.adapters.tables import FollowUpRow
from tests.support import events
from tests.support.service_app import outbox_events
from tests.support.tokens import demo_user_header as h

from .conftest import PATIENT, downward_body, issue, make_id, submit

HOSP, TOWN = "peoples.referral", "dachang.referral"
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the service's local day


def act(client, rid, action, user=TOWN, **body):
    return client.post(f"/referrals/{rid}/{action}", json=body, headers=h(user))


def follow(client, rid, fid, user=TOWN, **body):
    return client.post(f"/referrals/{rid}/follow-ups/{fid}", json={"findings": "BP 132/84"} | body, headers=h(user))


def test_full_downward_cycle_with_follow_ups(client):
    d = issue(client)
    rid, (f1, f2) = d["referral_id"], [f["follow_up_id"] for f in d["follow_ups"]]
    assert d["status"] == "issued" and d["chronic_condition"] == "hypertension"
    assert d["plan"]["medications"][0]["name"] == "氨氯地平"
    assert act(client, rid, "accept").json()["status"] == "accepted"
    first = follow(client, rid, f1, done_on=TODAY.isoformat()).json()
    assert first["status"] == "accepted" and first["follow_ups"][0]["on_time"] is True
    last = follow(client, rid, f2, done_on=TODAY.isoformat()).json()
    assert last["status"] == "completed"
    assert [s["action"] for s in last["history"]] == ["issue", "accept", "follow_up", "follow_up", "complete"]
    types = [e["type"] for e in outbox_events(client)]
    assert types == ["DownwardReferralIssued", "DownwardReferralAccepted", "FollowUpRecorded", "FollowUpRecorded",
                     "ReferralCompleted"]
    issued = outbox_events(client, "DownwardReferralIssued")[0]["payload"]
    assert issued["follow_up_count"] == 2 and issued["chronic_condition"] == "hypertension" and len(issued["patient_key"]) == 64
    fu = outbox_events(client, "FollowUpRecorded")[0]["payload"]
    assert fu["follow_up_id"] == f1 and fu["on_time"] is True and fu["due_date"] == d["follow_ups"][0]["due_date"]
    assert outbox_events(client, "ReferralCompleted")[0]["payload"]["fund_amount_fen"] == 0


def test_decline_and_refusals_after_it(client):
    rid = issue(client)["referral_id"]
    assert act(client, rid, "decline", HOSP, reason="x").status_code == 403
    r = act(client, rid, "decline", reason="本院无康复治疗师")
    assert r.json()["status"] == "declined"
    assert outbox_events(client, "DownwardReferralDeclined")[0]["payload"]["reason"] == "本院无康复治疗师"
    again = act(client, rid, "accept")
    assert again.status_code == 409 and again.json()["error"]["details"]["current_status"] == "declined"


def test_follow_up_refusals(client):
    d = issue(client)
    rid, fid = d["referral_id"], d["follow_ups"][0]["follow_up_id"]
    early = follow(client, rid, fid, done_on=TODAY.isoformat())
    assert early.status_code == 409 and early.json()["error"]["details"]["current_status"] == "issued"
    act(client, rid, "accept")
    assert follow(client, rid, fid, HOSP, done_on=TODAY.isoformat()).status_code == 403
    assert follow(client, rid, "nope", done_on=TODAY.isoformat()).status_code == 404
    future = follow(client, rid, fid, done_on=(TODAY + timedelta(days=3)).isoformat())
    assert future.status_code == 422 and future.json()["error"]["field"] == "done_on"
    before = follow(client, rid, fid, done_on=(TODAY - timedelta(days=30)).isoformat())
    assert before.status_code == 422
    assert follow(client, rid, fid, done_on=TODAY.isoformat()).status_code == 200
    twice = follow(client, rid, fid, done_on=TODAY.isoformat())
    assert twice.status_code == 409


def test_overdue_follow_ups_are_listed_for_both_units(client):
    d = issue(client)
    rid, fid = d["referral_id"], d["follow_ups"][0]["follow_up_id"]
    act(client, rid, "accept")
    with client.runtime.engine.begin() as conn:
        conn.execute(update(FollowUpRow).where(FollowUpRow.follow_up_id == fid)
                     .values(due_date=TODAY - timedelta(days=20)))
    for user in (TOWN, HOSP):
        items = client.get("/follow-ups/overdue", headers=h(user)).json()["items"]
        assert [i["follow_up_id"] for i in items] == [fid] and items[0]["patient_id_masked"].count("*") == 8
    assert client.get("/follow-ups/overdue", headers=h("wuxia.referral")).json()["items"] == []
    late = follow(client, rid, fid, done_on=TODAY.isoformat()).json()
    assert late["follow_ups"][0]["on_time"] is False
    assert client.get("/follow-ups/overdue", headers=h(TOWN)).json()["items"] == []


def test_who_may_issue_and_to_whom(client):
    r = client.post("/referrals/downward", json=downward_body(), headers=h(TOWN))
    assert r.status_code == 422 and r.json()["error"]["field"] == "from_org_id"
    r = client.post("/referrals/downward", json=downward_body(to_org_id="county-tcm-hospital"), headers=h(HOSP))
    assert r.status_code == 422 and r.json()["error"]["field"] == "to_org_id"
    r = client.post("/referrals/downward", json=downward_body(follow_ups=[]), headers=h(HOSP))
    assert r.status_code == 422
    past = [{"due_date": (TODAY - timedelta(days=5)).isoformat()}]
    r = client.post("/referrals/downward", json=downward_body(follow_ups=past), headers=h(HOSP))
    assert r.status_code == 422 and r.json()["error"]["field"] == "follow_ups"
    r = client.post("/referrals/downward", json=downward_body(plan={"notes": "only notes"}), headers=h(HOSP))
    assert r.status_code == 422
    assert issue(client, to_org_id="dachang-qixing-vc")["to_org_id"] == "dachang-qixing-vc"  # village clinic


def test_source_referral_must_be_this_hospitals_and_this_patients(client):
    up = submit(client)["referral_id"]
    assert issue(client, source_referral_id=up)["source_referral_id"] == up
    other = PATIENT | {"national_id": make_id(seq="135")}
    r = client.post("/referrals/downward", json=downward_body(source_referral_id=up, patient=other), headers=h(HOSP))
    assert r.status_code == 422 and r.json()["error"]["field"] == "source_referral_id"
    r = client.post("/referrals/downward", json=downward_body(source_referral_id=up), headers=h("tcm.referral"))
    assert r.status_code == 422


def _staff(client, event_type, **payload):
    """A posting event as staffing sent it before the posting id had its name (schema version 1)."""
    events.deliver(client, "referral-staffing", events.envelope(event_type, payload, version=1))


def test_receiving_capability_follows_secondments(client):
    cardio = downward_body(specialty="cardiology", icd10="I25.1")
    refused = client.post("/referrals/downward", json=cardio, headers=h(HOSP))
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["rule"] == "receiving_capability"
    assert refused.json()["error"]["field"] == "specialty"

    _staff(client, "StaffDispatched", secondment_id="S1", staff_id="d1", from_org_id="county-peoples-hospital",
           to_org_id="dachang-thc", specialty="cardiology", title_level="intermediate", qualification="practising_physician",
           posting_kind="secondment", request_id=None,
           start_date=(TODAY - timedelta(days=1)).isoformat(), end_date=(TODAY + timedelta(days=90)).isoformat())
    caps = client.get("/capabilities", headers=h(HOSP)).json()
    assert [(c["org_id"], c["specialty"]) for c in caps["items"]] == [("dachang-thc", "cardiology")]
    assert client.post("/referrals/downward", json=cardio, headers=h(HOSP)).status_code == 201
    assert client.post("/referrals/downward", json=cardio | {"to_org_id": "wuxia-thc"}, headers=h(HOSP)).status_code == 409

    _staff(client, "SecondmentEnded", secondment_id="S1", staff_id="d1", to_org_id="dachang-thc",
           specialty="cardiology", ended_on=TODAY.isoformat(), reason="early_end")
    assert client.post("/referrals/downward", json=cardio, headers=h(HOSP)).status_code == 409
    assert client.get("/capabilities", headers=h(HOSP)).json()["items"] == []

    override = cardio | {"capability_override_reason": "派驻专家明日到岗，已电话确认"}
    ok = client.post("/referrals/downward", json=override, headers=h(HOSP))
    assert ok.status_code == 201 and ok.json()["capability_override_reason"].startswith("派驻")


def test_capability_events_out_of_order_and_extended(client):
    # the end arrives before the dispatch: the unit must not look capable
    _staff(client, "SecondmentEnded", secondment_id="S2", staff_id="d2", to_org_id="luoping-thc",
           specialty="orthopaedics", ended_on=TODAY.isoformat(), reason="completed")
    _staff(client, "StaffDispatched", secondment_id="S2", staff_id="d2", from_org_id="county-tcm-hospital",
           to_org_id="luoping-thc", specialty="orthopaedics", title_level="senior", qualification="practising_physician",
           posting_kind="secondment", request_id=None,
           start_date=(TODAY - timedelta(days=60)).isoformat(), end_date=(TODAY + timedelta(days=30)).isoformat())
    assert client.get("/capabilities", headers=h("luoping.referral")).json()["items"] == []
    # an extension keeps a secondment that would have run out
    _staff(client, "StaffDispatched", secondment_id="S3", staff_id="d3", from_org_id="county-tcm-hospital",
           to_org_id="guandu-thc", specialty="rehabilitation", title_level="senior", qualification="practising_physician",
           posting_kind="secondment", request_id=None,
           start_date=(TODAY - timedelta(days=60)).isoformat(), end_date=(TODAY - timedelta(days=1)).isoformat())
    assert client.get("/capabilities", headers=h("guandu.referral")).json()["items"] == []
    _staff(client, "SecondmentExtended", secondment_id="S3", staff_id="d3", to_org_id="guandu-thc",
           specialty="rehabilitation", end_date=(TODAY + timedelta(days=30)).isoformat())
    assert [c["org_id"] for c in client.get("/capabilities", headers=h("guandu.referral")).json()["items"]] == ["guandu-thc"]


def test_a_posting_event_of_schema_version_2_names_the_posting_posting_id(client):
    events.deliver(client, "referral-staffing", events.envelope("StaffDispatched", {
        "posting_id": "P7", "staff_id": "d7", "from_org_id": "county-peoples-hospital", "to_org_id": "dachang-thc",
        "specialty": "cardiology", "title_level": "senior", "qualification": "practising_physician",
        "posting_kind": "rotation_down", "request_id": None, "start_date": (TODAY - timedelta(days=1)).isoformat(),
        "end_date": (TODAY + timedelta(days=9)).isoformat()}))
    caps = client.get("/capabilities", headers=h(HOSP)).json()["items"]
    assert [(c["org_id"], c["specialty"], c["secondment_id"]) for c in caps] == [("dachang-thc", "cardiology", "P7")]
