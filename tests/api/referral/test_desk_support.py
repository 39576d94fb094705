"""What the desks (the web console) need from the API: the ICD-10 picker, the next steps a side may take,
the county queue's order, and a redirect to another department."""
from __future__ import annotations

from services.referral.domain.diagnoses import Diagnosis, search
from tests.support.service_app import outbox_events
from tests.support.tokens import demo_user_header as h

from .conftest import issue, submit

TOWN, HOSP, TCM = "dachang.referral", "peoples.referral", "tcm.referral"


def act(client, rid, action, user=HOSP, **body):
    return client.post(f"/referrals/{rid}/{action}", json=body, headers=h(user))


def test_icd10_search_by_code_prefix_and_chinese_name(client):
    by_code = client.get("/icd10", params={"q": "i21"}, headers=h(TOWN)).json()["items"]
    assert by_code[0] == {"code": "I21", "name": "急性心肌梗死"}  # the exact code first, then its subcodes
    assert all(d["code"].startswith("I21") for d in by_code)
    by_name = client.get("/icd10", params={"q": "糖尿病"}, headers=h(TOWN)).json()["items"]
    assert {"E11", "E14", "O24"} <= {d["code"] for d in by_name}
    assert client.get("/icd10", params={"q": "zzz"}, headers=h(TOWN)).json()["items"] == []
    assert len(client.get("/icd10", params={"limit": 500}, headers=h(TOWN)).json()["items"]) > 150
    assert client.get("/icd10", params={"limit": 501}, headers=h(TOWN)).status_code == 422
    assert client.get("/icd10", headers=h("bureau.analyst")).status_code == 403


def test_search_ranks_exact_code_then_prefix_then_name_start_then_name_contains():
    catalogue = [Diagnosis("I10", "特发性高血压"), Diagnosis("I11", "高血压性心脏病"), Diagnosis("O13", "妊娠期高血压"),
                 Diagnosis("E11", "2型糖尿病")]
    assert [d.code for d in search(catalogue, "高血压", 10)] == ["I11", "I10", "O13"]
    assert [d.code for d in search(catalogue, "I1", 10)] == ["I10", "I11"]
    assert [d.code for d in search(catalogue, "i11", 1)] == ["I11"]
    assert len(search(catalogue, "", 3)) == 3


def test_detail_lists_the_steps_the_viewers_side_may_take(client):
    rid = submit(client)["referral_id"]
    get = lambda user: client.get(f"/referrals/{rid}", headers=h(user)).json()["allowed_actions"]  # noqa: E731
    assert get(HOSP) == ["accept", "reject", "redirect"]
    assert get(TOWN) == ["cancel"]
    act(client, rid, "accept", bed_no="3-12")
    assert get(HOSP) == ["arrive"] and get(TOWN) == []
    down = issue(client)
    assert down["allowed_actions"] == []  # the issuing hospital waits for the unit
    assert client.get(f"/referrals/{down['referral_id']}", headers=h(TOWN)).json()["allowed_actions"] == \
        ["accept", "decline"]
    accepted = act(client, down["referral_id"], "accept", TOWN).json()
    assert accepted["allowed_actions"] == ["follow_up"]  # completion is automatic, never a button


def test_the_county_queue_sorts_emergencies_first_then_by_nearest_deadline(client):
    urgent = submit(client, urgency="urgent", emergency_category=None)["referral_id"]
    emergency = submit(client)["referral_id"]
    routine = submit(client, urgency="routine", emergency_category=None)["referral_id"]
    r = client.get("/referrals", params={"sort": "-urgency,response_deadline"}, headers=h(HOSP))
    assert [i["referral_id"] for i in r.json()["items"]] == [emergency, urgent, routine]
    assert client.get("/referrals", params={"sort": "-urgency,nope"}, headers=h(HOSP)).json()["error"]["field"] == "sort"
    too_many = "urgency,status,created_at,response_deadline"
    assert client.get("/referrals", params={"sort": too_many}, headers=h(HOSP)).status_code == 422


def test_redirect_to_another_department_of_the_same_hospital(client):
    rid = submit(client)["referral_id"]
    r = act(client, rid, "redirect", to_org_id="county-peoples-hospital", specialty="emergency", reason="先到急诊科")
    assert r.status_code == 200 and r.json()["specialty"] == "emergency"
    detail = client.get(f"/referrals/{rid}", headers=h(HOSP)).json()  # the hospital keeps the referral
    assert detail["status"] == "redirected" and detail["specialty"] == "emergency"
    event = outbox_events(client, "ReferralRedirected")[-1]["payload"]
    assert event["specialty"] == "emergency" and event["previous_specialty"] == "cardiology"
    same = act(client, rid, "redirect", to_org_id="county-peoples-hospital", specialty="emergency", reason="x")
    assert same.status_code == 422 and same.json()["error"]["field"] == "to_org_id"
    moved = act(client, rid, "redirect", to_org_id="county-tcm-hospital", reason="中医院有床位")
    assert moved.json()["specialty"] == "emergency"  # omitted: the department stays
