"""Advice before referral (科对科) through the API: a township asks its paired county department, the specialist
answers with one outcome; refer up becomes a referral without typing the patient again."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from alembic import command

from platform_common.migrate import alembic_config, upgrade
from services.referral.bootstrap import MIGRATIONS
from services.referral.service_layer.consultations import announce_overdue
from tests.support.clock import frozen_clock
from tests.support.service_app import outbox_events
from tests.support.tokens import demo_user_header as h

from .conftest import PATIENT, submit

TOWN, HOSP, TCM = "dachang.referral", "peoples.referral", "tcm.referral"


def ask(client, user=TOWN, **over):
    body = {"patient": dict(PATIENT), "to_org_id": "county-peoples-hospital", "specialty": "cardiology",
            "question": "胸闷两周，心电图ST段压低，是否需要上转造影？", "icd10": "I20.0", "diagnosis": "不稳定型心绞痛",
            "urgency": "urgent", "attachments": [{"name": "ecg.pdf", "content_type": "application/pdf",
                                                  "size_bytes": 1024}]} | over
    return client.post("/consultations", json=body, headers=h(user))


def answer(client, cid, user=HOSP, **body):
    return client.post(f"/consultations/{cid}/answer", json=body, headers=h(user))


def test_a_township_asks_its_paired_department_and_gets_advice(client):
    with frozen_clock("2026-12-01T08:00:00+08:00"):
        r = ask(client)
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["status"] == "requested" and c["answer_deadline"] == "2026-12-01T04:00:00Z"  # urgent: 240 minutes
    assert c["allowed_actions"] == ["cancel"] and c["patient"]["national_id_masked"].startswith("500237")
    (requested,) = outbox_events(client, "ConsultationRequested")
    assert requested["payload"]["paired"] is True and PATIENT["name"] not in str(requested)
    seen = client.get(f"/consultations/{c['consultation_id']}", headers=h(HOSP)).json()
    assert seen["allowed_actions"] == ["answer"]
    for outsider in (TCM, "longmen.referral"):
        assert client.get(f"/consultations/{c['consultation_id']}", headers=h(outsider)).status_code == 404
    assert answer(client, c["consultation_id"], user=TOWN, outcome="local_advice", advice="x").status_code == 403
    with frozen_clock("2026-12-01T09:30:00+08:00"):
        done = answer(client, c["consultation_id"], outcome="local_advice", advice="加用阿司匹林，两周后复查心电图")
    assert done.status_code == 200 and done.json()["answer_minutes"] == 90 and done.json()["referral_id"] is None
    assert [s["action"] for s in done.json()["history"]] == ["ask", "answer"]
    again = answer(client, c["consultation_id"], outcome="refer_up", advice="x")
    assert again.status_code == 409 and again.json()["error"]["details"]["current_status"] == "answered"
    (answered,) = outbox_events(client, "ConsultationAnswered")
    assert answered["payload"]["outcome"] == "local_advice" and answered["payload"]["answer_minutes"] == 90


def test_another_hospital_only_with_a_reason(client):
    r = ask(client, to_org_id="county-tcm-hospital")
    assert r.status_code == 422 and r.json()["error"]["field"] == "pairing_override_reason"
    ok = ask(client, to_org_id="county-tcm-hospital", pairing_override_reason="患者要求中医会诊")
    assert ok.status_code == 201 and ok.json()["pairing_override_reason"] == "患者要求中医会诊"
    assert outbox_events(client, "ConsultationRequested")[-1]["payload"]["paired"] is False
    assert ask(client, user=HOSP).status_code == 403  # county hospitals answer, they do not ask
    bad = ask(client, to_org_id="wuxia-thc", pairing_override_reason="x")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "to_org_id"


def test_refer_up_becomes_an_upward_referral_carrying_the_consultation(client):
    cid = ask(client).json()["consultation_id"]
    done = answer(client, cid, outcome="refer_up", advice="需冠脉造影，请上转心内科").json()
    rid = done["referral_id"]
    referral = client.get(f"/referrals/{rid}", headers=h(TOWN)).json()
    assert (referral["status"], referral["direction"], referral["from_org_id"], referral["to_org_id"],
            referral["specialty"]) == ("submitted", "upward", "dachang-thc", "county-peoples-hospital", "cardiology")
    assert referral["patient"]["name"] == PATIENT["name"] and referral["icd10"] == "I20.0"
    # the link is a field; the reason the county desk reads is the question and the answer, no id in it
    assert referral["consultation_id"] == cid and cid not in referral["reason"]
    assert "需冠脉造影" in referral["reason"] and "胸闷两周" in referral["reason"]
    assert referral["attachments"][0]["name"] == "ecg.pdf"
    submitted = outbox_events(client, "ReferralSubmitted")
    assert [(e["aggregate_id"], e["payload"]["consultation_id"]) for e in submitted] == [(rid, cid)]
    assert client.get(f"/referrals/{rid}", headers=h(HOSP)).json()["allowed_actions"] == ["accept", "reject",
                                                                                        "redirect"]


def test_an_ordinary_upward_referral_has_no_consultation(client):
    rid = submit(client)["referral_id"]
    assert client.get(f"/referrals/{rid}", headers=h(TOWN)).json()["consultation_id"] is None
    assert [e["payload"]["consultation_id"] for e in outbox_events(client, "ReferralSubmitted")] == [None]


def test_migration_0007_links_the_referrals_consultations_made_before_it(client):
    cid = ask(client).json()["consultation_id"]
    rid = answer(client, cid, outcome="refer_up", advice="上转").json()["referral_id"]
    ordinary = submit(client)["referral_id"]
    url = client.runtime.settings.database_url
    command.downgrade(alembic_config(MIGRATIONS, url), "0006")  # the column and its values gone, as before 0007
    upgrade(MIGRATIONS, url)
    assert client.get(f"/referrals/{rid}", headers=h(TOWN)).json()["consultation_id"] == cid
    assert client.get(f"/referrals/{ordinary}", headers=h(TOWN)).json()["consultation_id"] is None


def test_a_remote_consultation_needs_its_time_and_a_cancel_is_the_askers(client):
    cid = ask(client).json()["consultation_id"]
    missing = answer(client, cid, outcome="remote_appointment", advice="远程会诊")
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "remote_at"
    ok = answer(client, cid, outcome="remote_appointment", advice="远程会诊", remote_at="2099-01-01T10:00:00+08:00")
    assert ok.json()["remote_at"] == "2099-01-01T02:00:00Z"
    other = ask(client).json()["consultation_id"]
    assert client.post(f"/consultations/{other}/cancel", json={"reason": "x"}, headers=h(HOSP)).status_code == 403
    assert client.post(f"/consultations/{other}/cancel", json={"reason": "已好转"},
                       headers=h(TOWN)).json()["status"] == "cancelled"
    assert outbox_events(client, "ConsultationCancelled")[0]["payload"]["consultation_id"] == other


def test_overdue_consultations_are_listed_and_announced_once(client):
    with frozen_clock("2026-12-01T08:00:00+08:00"):
        late = ask(client).json()["consultation_id"]
        ask(client, urgency="routine")  # two days to answer
    with frozen_clock("2026-12-01T12:01:00+08:00"):
        listed = client.get("/consultations/overdue", headers=h(HOSP)).json()["items"]
        assert [c["consultation_id"] for c in listed] == [late] and listed[0]["answer_overdue"] is True
        with client.runtime.uow() as uow:
            assert announce_overdue(uow, datetime(2026, 12, 1, 4, 1, tzinfo=timezone.utc)) == [late]
        with client.runtime.uow() as uow:
            assert announce_overdue(uow, datetime(2026, 12, 1, 5, tzinfo=timezone.utc)) == []
        # the stamp does not move the version: the late answer is still taken
        assert answer(client, late, outcome="local_advice", advice="观察", version=1).status_code == 200
    assert len(outbox_events(client, "ConsultationOverdue")) == 1


def test_consultation_indicators(client):
    """December: dachang asks cardiology three times; answered in 30, 90 and 600 minutes, one of them refer up
    → median 90, p90 600, 2 of 3 resolved without a referral = 6667 bp."""
    for minutes, outcome in ((30, "local_advice"), (90, "refer_up"), (600, "remote_appointment")):
        with frozen_clock("2026-12-01T08:00:00+08:00"):
            cid = ask(client, urgency="routine").json()["consultation_id"]
        at = datetime(2026, 12, 1, 0, tzinfo=timezone.utc).timestamp() + minutes * 60
        with frozen_clock(datetime.fromtimestamp(at, timezone.utc)):
            extra = {"remote_at": "2099-01-01T10:00:00+08:00"} if outcome == "remote_appointment" else {}
            assert answer(client, cid, outcome=outcome, advice="意见", **extra).status_code == 200
    r = client.get("/indicators", params={"period": "2026-12"}, headers=h("bureau.analyst")).json()
    assert r["consultations"] == [{"from_org_id": "dachang-thc", "to_org_id": "county-peoples-hospital",
                                   "specialty": "cardiology", "count": 3}]
    assert (r["consultation_answers"], r["median_answer_minutes"], r["p90_answer_minutes"]) == (3, 90, 600)
    assert r["resolved_without_referral_bp"] == 6667
    own = client.get("/indicators", params={"period": "2026-12"}, headers=h(TCM)).json()
    assert own["consultation_count"] == 0 and own["resolved_without_referral_bp"] is None
    client.post("/indicators/publish", json={"period": "2026-12"}, headers=h("bureau.analyst"))
    payload = outbox_events(client, "ReferralIndicatorsPublished")[-1]["payload"]
    assert (payload["consultation_count"], payload["resolved_without_referral_bp"]) == (3, 6667)


@pytest.mark.parametrize("bad, field", [({"icd10": "XYZ.Q"}, "icd10"), ({"urgency": "soon"}, "body.urgency"),
                                        ({"question": ""}, "body.question")])
def test_bad_questions_name_the_field(client, bad, field):
    r = ask(client, **bad)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err.get("field") == field or field in [f["field"] for f in err.get("fields", [])], err


def test_each_desk_lists_its_own_consultations(client):
    first = ask(client).json()["consultation_id"]
    ask(client, user="longmen.referral", to_org_id="county-tcm-hospital", specialty="tcm")
    answer(client, first, outcome="local_advice", advice="观察")
    second = ask(client).json()["consultation_id"]
    mine = client.get("/consultations", params={"box": "outgoing"}, headers=h(TOWN)).json()
    assert mine["total"] == 2 and [c["consultation_id"] for c in mine["items"]] == [second, first]
    waiting = client.get("/consultations", params={"box": "incoming", "status": "requested"}, headers=h(HOSP)).json()
    assert [c["consultation_id"] for c in waiting["items"]] == [second]
    assert client.get("/consultations", headers=h(TCM)).json()["total"] == 1  # 龙门's, not 大昌's
