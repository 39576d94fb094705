"""The refusals not shown elsewhere: each is a 4xx naming the field (or 409 with the current state),
and none leaves a half-written referral or an event behind."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from tests.support.service_app import outbox_events
from tests.support.tokens import demo_user_header as h

from .conftest import PATIENT, downward_body, issue, submit, upward_body

HOSP, TOWN = "peoples.referral", "dachang.referral"
TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the service's local day
ATTACHMENT = {"name": "ct.dcm", "content_type": "application/dicom", "size_bytes": 1}


def act(client, rid, action, user=HOSP, **body):
    return client.post(f"/referrals/{rid}/{action}", json=body, headers=h(user))


def _iso(dt: datetime) -> str:
    return dt.isoformat()


def test_too_many_attachments_or_follow_ups_name_the_field(client):
    r = client.post("/referrals/upward", json=upward_body(attachments=[ATTACHMENT] * 21), headers=h(TOWN))
    assert r.status_code == 422 and r.json()["error"]["field"] == "attachments"
    r = client.post("/referrals/downward", json=downward_body(attachments=[ATTACHMENT] * 21), headers=h(HOSP))
    assert r.status_code == 422 and r.json()["error"]["field"] == "attachments"
    start = datetime.now(timezone.utc).date() + timedelta(days=2)
    many = [{"due_date": (start + timedelta(days=i)).isoformat()} for i in range(25)]
    r = client.post("/referrals/downward", json=downward_body(follow_ups=many), headers=h(HOSP))
    assert r.status_code == 422 and r.json()["error"]["field"] == "follow_ups"
    twice = [{"due_date": start.isoformat()}, {"due_date": start.isoformat()}]
    r = client.post("/referrals/downward", json=downward_body(follow_ups=twice), headers=h(HOSP))
    assert r.status_code == 422 and r.json()["error"]["field"] == "follow_ups"
    assert outbox_events(client) == []


def test_answer_times_must_be_plausible(client):
    rid = submit(client)["referral_id"]
    created = datetime.fromisoformat(client.get(f"/referrals/{rid}", headers=h(HOSP)).json()["created_at"])
    r = act(client, rid, "accept", appointment_at=_iso(created - timedelta(days=1)))
    assert r.status_code == 422 and r.json()["error"]["field"] == "appointment_at"
    assert act(client, rid, "accept", appointment_at=_iso(created + timedelta(days=1))).status_code == 200
    future = act(client, rid, "arrive", arrived_at=_iso(datetime.now(timezone.utc) + timedelta(hours=2)))
    assert future.status_code == 422 and future.json()["error"]["field"] == "arrived_at"
    before = act(client, rid, "arrive", arrived_at=_iso(created - timedelta(hours=1)))
    assert before.status_code == 422 and before.json()["error"]["field"] == "arrived_at"
    assert act(client, rid, "arrive").status_code == 200
    early = act(client, rid, "complete", discharge_summary="x", fund_amount_fen=0,
                service_date=(created - timedelta(days=3)).date().isoformat())
    assert early.status_code == 422 and early.json()["error"]["field"] == "service_date"
    bad_code = act(client, rid, "complete", discharge_summary="x", fund_amount_fen=0, icd10="出院诊断")
    assert bad_code.status_code == 422 and bad_code.json()["error"]["field"] == "icd10"
    assert client.get(f"/referrals/{rid}", headers=h(TOWN)).json()["status"] == "arrived"
    assert [e["type"] for e in outbox_events(client)] == ["ReferralSubmitted", "ReferralAccepted", "PatientArrived"]


def test_upward_only_steps_on_a_downward_referral_are_409(client):
    rid = issue(client)["referral_id"]
    act(client, rid, "accept", TOWN)
    for action, body in [("complete", {"discharge_summary": "x", "fund_amount_fen": 0}),
                         ("arrive", {}), ("reject", {"reason_code": "other", "reason": "x"}),
                         ("redirect", {"to_org_id": "wuxia-thc", "reason": "x"}), ("cancel", {"reason": "x"})]:
        r = act(client, rid, action, TOWN, **body)
        assert r.status_code == 409, (action, r.text)
        assert r.json()["error"]["details"]["current_status"] == "accepted"


@pytest.mark.parametrize("action,body", [
    ("cancel", {"reason": "x"}), ("redirect", {"to_org_id": "county-tcm-hospital", "reason": "x"}),
    ("reject", {"reason_code": "no_bed", "reason": "x"}), ("accept", {"bed_no": "1"})])
def test_a_stale_version_is_409_on_every_upward_step(client, action, body):
    rid = submit(client)["referral_id"]
    user = TOWN if action == "cancel" else HOSP
    if action == "cancel":  # someone else moves it on first, from version 1 to 2
        act(client, rid, "accept", bed_no="1")
    else:
        act(client, rid, "cancel", TOWN, reason="x")
    r = act(client, rid, action, user, version=1, **body)
    assert r.status_code == 409 and r.json()["error"]["details"]["current_version"] == 2


def test_a_stale_version_is_409_on_downward_steps(client):
    d = issue(client)
    rid, fid = d["referral_id"], d["follow_ups"][0]["follow_up_id"]
    assert act(client, rid, "accept", TOWN, version=1).status_code == 200
    assert act(client, rid, "decline", TOWN, reason="x", version=1).status_code == 409
    r = client.post(f"/referrals/{rid}/follow-ups/{fid}", json={"done_on": TODAY.isoformat(), "findings": "x", "version": 1},
                    headers=h(TOWN))
    assert r.status_code == 409


def test_out_of_county_refusals(client):
    body = {"patient": PATIENT, "icd10": "C34.9", "diagnosis": "肺癌", "reason": "需放疗", "specialty": "respiratory",
            "destination": "重庆医科大学附属第一医院", "service_date": "2026-10-10", "fund_amount_fen": 1}
    cases = [({"urgency": "emergency"}, "emergency_category"), ({"icd10": "lung"}, "icd10"),
             ({"attachments": [ATTACHMENT] * 21}, "attachments"),
             ({"patient": PATIENT | {"sex": "female"}}, "patient.sex")]
    for extra, field in cases:
        r = client.post("/referrals/out-of-county", json=body | extra, headers=h(TOWN))
        assert r.status_code == 422 and r.json()["error"]["field"] == field, (field, r.text)
    for user in ("bureau.analyst", "dachang.manager", "insurance.officer"):
        assert client.post("/referrals/out-of-county", json=body, headers=h(user)).status_code == 403
    assert outbox_events(client) == []


def test_writes_need_a_member_units_referral_clerk(client):
    rid = submit(client)["referral_id"]
    for user in ("bureau.analyst", "dachang.manager", "peoples.finance"):
        assert client.post("/referrals/upward", json=upward_body(), headers=h(user)).status_code == 403
        assert client.post("/referrals/downward", json=downward_body(), headers=h(user)).status_code == 403
        assert act(client, rid, "accept", user, bed_no="1").status_code == 403
        assert client.get("/referrals/overdue", headers=h(user)).status_code == 403
        assert client.get("/follow-ups/overdue", headers=h(user)).status_code == 403
        assert client.get("/capabilities", headers=h(user)).status_code == 403
    assert client.post(f"/referrals/{rid}/accept", json={"bed_no": "1"}).status_code == 401
    assert client.get(f"/referrals/{rid}", headers=h(TOWN)).json()["status"] == "submitted"


def test_the_ends_of_the_calendar_are_422_not_500(client):
    for params, field in [({"date_to": "9999-12-31"}, "date_to"), ({"date_from": "0001-01-01"}, "date_from")]:
        r = client.get("/referrals", params=params, headers=h(HOSP))
        assert r.status_code == 422 and r.json()["error"]["field"] == field, r.text
    rid = submit(client)["referral_id"]
    for moment in ("0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"):
        r = act(client, rid, "accept", appointment_at=moment)
        assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "body.appointment_at", r.text
    act(client, rid, "accept", bed_no="1")
    r = act(client, rid, "arrive", arrived_at="0001-01-01T00:00:00+08:00")
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "body.arrived_at"
    far = TODAY + timedelta(days=2)
    d = issue(client, follow_ups=[{"due_date": far.isoformat()}, {"due_date": "9999-12-31"}])
    act(client, d["referral_id"], "accept", TOWN)
    late = d["follow_ups"][1]["follow_up_id"]
    r = client.post(f"/referrals/{d['referral_id']}/follow-ups/{late}", json={"done_on": TODAY.isoformat(), "findings": "x"},
                    headers=h(TOWN))
    assert r.status_code == 200 and r.json()["follow_ups"][1]["on_time"] is True
