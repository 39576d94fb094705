"""Upward referrals through the API: every transition, every refusal, what leaves in events."""
from __future__ import annotations

import json

import pytest

from sqlalchemy import update

from platform_common.events import utcnow
from services.referral.adapters.tables import ReferralRow
from services.referral.service_layer.clock import announce_overdue
from tests.support.service_app import outbox_events
from tests.support.tokens import demo_user_header as h

from .conftest import PATIENT, make_id, submit, upward_body

HOSP, TOWN = "peoples.referral", "dachang.referral"


def act(client, rid, action, user=HOSP, **body):
    return client.post(f"/referrals/{rid}/{action}", json=body, headers=h(user))


def test_full_upward_cycle_publishes_each_step_without_patient_identity(client):
    r = submit(client)
    rid = r["referral_id"]
    assert r["status"] == "submitted" and r["patient"]["national_id_masked"] == PATIENT["national_id"][:6] + "*" * 8 + PATIENT["national_id"][-4:]
    assert r["response_deadline"] is not None and r["attachments"][0]["name"] == "ecg.pdf"
    assert act(client, rid, "accept", appointment_at="2030-01-01T09:00:00+08:00", priority_admission=True).json()["status"] == "accepted"
    assert act(client, rid, "arrive").json()["status"] == "arrived"
    done = act(client, rid, "complete", discharge_summary="PCI done", icd10="I21.4", fund_amount_fen=1234500,
               recommend_downward=True).json()
    assert done["status"] == "completed" and done["fund_amount_fen"] == 1234500
    assert [s["action"] for s in done["history"]] == ["submit", "accept", "arrive", "complete"]
    assert {s["actor"] for s in done["history"][1:]} == {HOSP} and done["history"][0]["actor"] == TOWN
    assert done["priority"] == {"reception": True, "examination": True, "admission": True}

    events = outbox_events(client)
    assert [e["type"] for e in events] == ["ReferralSubmitted", "ReferralAccepted", "PatientArrived", "ReferralCompleted"]
    for e in events:
        assert e["aggregate_id"] == rid
        assert {"referral_id", "direction", "from_org_id", "to_org_id", "consortium_id", "specialty"} <= set(e["payload"])
    raw = json.dumps(events, ensure_ascii=False)
    assert PATIENT["national_id"] not in raw and PATIENT["name"] not in raw and PATIENT["national_id"][6:14] not in raw
    submitted, accepted, _, completed = (e["payload"] for e in events)
    assert submitted["urgency"] == "emergency" and submitted["emergency_category"] == "chest_pain"
    assert len(submitted["patient_key"]) == 64 and submitted["response_deadline"]
    assert accepted["appointment_at"] == "2030-01-01T01:00:00Z" and accepted["priority_admission"] is True
    assert completed["fund_amount_fen"] == 1234500 and completed["recommend_downward"] is True
    assert completed["service_date"] and completed["icd10"] == "I21.4"


def test_reject_with_reason_then_nothing_more(client):
    rid = submit(client)["referral_id"]
    r = act(client, rid, "reject", reason_code="no_bed", reason="心内科满床")
    assert r.status_code == 200 and r.json()["decision"] == {"code": "no_bed", "text": "心内科满床"}
    assert outbox_events(client, "ReferralRejected")[0]["payload"]["reason_code"] == "no_bed"
    again = act(client, rid, "accept", bed_no="1")
    assert again.status_code == 409 and again.json()["error"]["details"]["current_status"] == "rejected"


def test_redirect_moves_the_referral_and_restarts_the_clock(client):
    first = submit(client)
    rid = first["referral_id"]
    r = act(client, rid, "redirect", to_org_id="county-tcm-hospital", reason="中医院有卒中中心床位")
    assert r.status_code == 200 and r.json()["status"] == "redirected"
    assert client.get(f"/referrals/{rid}", headers=h(HOSP)).status_code == 404
    payload = outbox_events(client, "ReferralRedirected")[0]["payload"]
    assert payload["previous_to_org_id"] == "county-peoples-hospital" and payload["to_org_id"] == "county-tcm-hospital"
    seen = client.get(f"/referrals/{rid}", headers=h("tcm.referral")).json()
    assert seen["response_deadline"] > first["response_deadline"]
    assert act(client, rid, "accept", "tcm.referral", bed_no="3-2").json()["status"] == "accepted"


def test_redirect_refusals(client):
    rid = submit(client)["referral_id"]
    same = act(client, rid, "redirect", to_org_id="county-peoples-hospital", reason="x")
    assert same.status_code == 422 and same.json()["error"]["field"] == "to_org_id"
    town = act(client, rid, "redirect", to_org_id="wuxia-thc", reason="x")
    assert town.status_code == 422 and town.json()["error"]["field"] == "to_org_id"


def test_sender_cancels_before_acceptance_only(client):
    rid = submit(client)["referral_id"]
    assert act(client, rid, "cancel", HOSP, reason="x").status_code == 403  # receiver may not cancel
    assert act(client, rid, "cancel", TOWN, reason="家属要求自行前往").json()["status"] == "cancelled"
    assert outbox_events(client, "ReferralCancelled")
    other = submit(client)["referral_id"]
    act(client, other, "accept", bed_no="1")
    r = act(client, other, "cancel", TOWN, reason="x")
    assert r.status_code == 409 and r.json()["error"]["details"] == {
        "current_status": "accepted", "action": "cancel", "allowed_actions": ["arrive"]}


def test_out_of_order_steps_are_409(client):
    rid = submit(client)["referral_id"]
    for action, body in [("arrive", {}), ("complete", {"discharge_summary": "x", "fund_amount_fen": 0}),
                         ("decline", {"reason": "x"})]:
        r = act(client, rid, action, **body)
        assert r.status_code == 409, action
        assert r.json()["error"]["details"]["current_status"] == "submitted"


def test_sender_cannot_answer_its_own_referral(client):
    rid = submit(client)["referral_id"]
    r = act(client, rid, "accept", TOWN, bed_no="1")
    assert r.status_code == 403


def test_third_unit_and_bureau_see_nothing(client):
    rid = submit(client)["referral_id"]
    for user in ("wuxia.referral", "tcm.referral"):
        assert client.get(f"/referrals/{rid}", headers=h(user)).status_code == 404
        assert act(client, rid, "accept", user, bed_no="1").status_code == 404
        for box in ("incoming", "outgoing"):
            assert client.get("/referrals", params={"box": box}, headers=h(user)).json()["total"] == 0
    for user in ("bureau.analyst", "peoples.finance", "insurance.officer", "dachang.manager"):
        assert client.get(f"/referrals/{rid}", headers=h(user)).status_code == 403
        assert client.get("/referrals", headers=h(user)).status_code == 403
    assert client.get(f"/referrals/{rid}").status_code == 401


def test_input_refusals_name_the_field(client):
    bad_id = PATIENT | {"national_id": PATIENT["national_id"][:17] + ("0" if PATIENT["national_id"][17] != "0" else "1")}
    cases = [
        (upward_body(patient=bad_id), "patient.national_id"),
        (upward_body(patient=PATIENT | {"sex": "female"}), "patient.sex"),
        (upward_body(patient=PATIENT | {"date_of_birth": "1961-03-09"}), "patient.date_of_birth"),
        (upward_body(icd10="心肌梗死"), "icd10"),
        (upward_body(emergency_category=None), "emergency_category"),
        (upward_body(urgency="urgent"), "emergency_category"),
        (upward_body(to_org_id="wuxia-thc"), "to_org_id"),
        (upward_body(to_org_id="nowhere"), "to_org_id"),
    ]
    for body, field in cases:
        r = client.post("/referrals/upward", json=body, headers=h(TOWN))
        assert r.status_code == 422 and r.json()["error"]["field"] == field, (field, r.text)
    for body in (upward_body(urgency="asap"), upward_body(specialty="magic"), upward_body(extra="x"),
                 upward_body(attachments=[{"name": "x"}])):
        r = client.post("/referrals/upward", json=body, headers=h(TOWN))
        assert r.status_code == 422 and r.json()["error"]["fields"], r.text
    hosp = client.post("/referrals/upward", json=upward_body(), headers=h(HOSP))
    assert hosp.status_code == 422 and hosp.json()["error"]["field"] == "from_org_id"
    assert client.get("/referrals", headers=h(TOWN), params={"box": "outgoing"}).json()["total"] == 0


def test_accept_needs_a_slot_or_bed_and_complete_needs_a_fund_amount(client):
    rid = submit(client)["referral_id"]
    r = act(client, rid, "accept")
    assert r.status_code == 422 and r.json()["error"]["field"] == "appointment_at"
    naive = act(client, rid, "accept", appointment_at="2030-01-01T09:00:00")
    assert naive.status_code == 422
    act(client, rid, "accept", bed_no="5")
    act(client, rid, "arrive")
    assert act(client, rid, "complete", discharge_summary="x", fund_amount_fen=-1).status_code == 422
    assert act(client, rid, "complete", discharge_summary="x").status_code == 422
    future = act(client, rid, "complete", discharge_summary="x", fund_amount_fen=0, service_date="2099-01-01")
    assert future.status_code == 422 and future.json()["error"]["field"] == "service_date"
    assert client.get(f"/referrals/{rid}", headers=h(HOSP)).json()["status"] == "arrived"


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_two_clerks_at_once_one_wins(client):
    rid = submit(client)["referral_id"]
    seen = client.get(f"/referrals/{rid}", headers=h(HOSP)).json()["version"]
    assert act(client, rid, "accept", bed_no="1", version=seen).status_code == 200
    late = act(client, rid, "reject", reason_code="no_bed", reason="x", version=seen)
    assert late.status_code == 409
    assert late.json()["error"]["details"]["current_status"] == "accepted"


@pytest.mark.postgres  # also runs on PostgreSQL in the CI pass (TEST_POSTGRES_URL)
def test_version_column_turns_a_lost_update_into_409(client):
    """Without a version in the body the database still refuses a write based on a stale read."""
    rid = submit(client)["referral_id"]
    rt = client.runtime
    with rt.uow() as first:
        row = first.referrals.get(rid)
        first.session.commit()  # the read is done; keep the object (expire_on_commit=False)
        with rt.uow() as second:
            second.referrals.get(rid).bed_no = "x"
            second.referrals.get(rid).updated_at = utcnow()
            second.commit()
        row.status = "accepted"
        first.session.add(row)
        import pytest
        from platform_common.errors import Conflict
        with pytest.raises(Conflict):
            first.commit()


def test_overdue_referrals_are_listed_and_announced_once(client):
    urgent = submit(client)["referral_id"]
    routine = submit(client, urgency="routine", emergency_category=None)["referral_id"]
    rt = client.runtime
    with rt.engine.begin() as conn:
        conn.execute(update(ReferralRow).where(ReferralRow.referral_id == urgent)
                     .values(response_deadline=utcnow().replace(year=2020)))
    listed = client.get("/referrals/overdue", headers=h(HOSP)).json()["items"]
    assert [x["referral_id"] for x in listed] == [urgent] and listed[0]["response_overdue"] is True
    assert [x["referral_id"] for x in client.get("/referrals/overdue", headers=h(TOWN)).json()["items"]] == [urgent]
    assert client.get("/referrals/overdue", headers=h("wuxia.referral")).json()["items"] == []
    with rt.uow() as uow:
        assert announce_overdue(uow, utcnow()) == [urgent]
    with rt.uow() as uow:
        assert announce_overdue(uow, utcnow()) == []
    (event,) = outbox_events(client, "ReferralResponseOverdue")
    assert event["payload"]["urgency"] == "emergency" and event["payload"]["deadline"].startswith("2020")
    act(client, urgent, "accept", bed_no="1")
    assert client.get("/referrals/overdue", headers=h(HOSP)).json()["items"] == []
    assert routine


def test_worklists_filter_sort_and_page(client):
    ids = [submit(client)["referral_id"] for _ in range(3)]
    routine = submit(client, urgency="routine", emergency_category=None, specialty="orthopaedics",
                     patient=PATIENT | {"national_id": make_id(seq="135")})["referral_id"]
    act(client, ids[0], "accept", bed_no="1")
    get = lambda user, **p: client.get("/referrals", params=p, headers=h(user))  # noqa: E731
    assert get(HOSP, box="incoming").json()["total"] == 4
    assert get(TOWN, box="incoming").json()["total"] == 0
    assert [x["referral_id"] for x in get(HOSP, status="accepted").json()["items"]] == [ids[0]]
    assert get(HOSP, status=["submitted", "accepted"]).json()["total"] == 4
    assert [x["referral_id"] for x in get(HOSP, urgency="routine").json()["items"]] == [routine]
    assert [x["referral_id"] for x in get(HOSP, specialty="orthopaedics").json()["items"]] == [routine]
    page1 = get(TOWN, box="outgoing", sort="created_at", page_size=3).json()
    page2 = get(TOWN, box="outgoing", sort="created_at", page_size=3, page=2).json()
    assert page1["total"] == 4 and [x["referral_id"] for x in page1["items"] + page2["items"]] == ids + [routine]
    today = utcnow().date().isoformat()
    assert get(HOSP, date_from="2020-01-01", date_to="2020-12-31").json()["total"] == 0
    assert get(HOSP, date_from="2020-01-01").json()["total"] == 4
    assert get(HOSP, sort="patient_name").status_code == 422
    assert get(HOSP, page_size=201).status_code == 422
    assert get(HOSP, date_from=today, date_to="2020-01-01").status_code == 422
    assert get(HOSP, status="sleeping").status_code == 422
