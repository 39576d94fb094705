"""Through the gateway: a full upward and downward cycle between two units; a third sees nothing."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.referral.domain.identity import check_char

pytestmark = pytest.mark.integration


def _national_id() -> str:
    first17 = "500237" + "19580714" + "271"  # 1 is odd: a man
    return first17 + check_char(first17)


PATIENT = {"name": "李四", "sex": "male", "date_of_birth": "1958-07-14", "national_id": _national_id()}


def test_upward_and_downward_cycles_between_two_units(stack):
    town, hosp, other = stack.client("dachang.referral"), stack.client("peoples.referral"), stack.client("wuxia.referral")
    upward = {"patient": PATIENT, "icd10": "I63.9", "diagnosis": "脑梗死", "reason": "需溶栓评估",
              "urgency": "emergency", "emergency_category": "stroke", "to_org_id": "county-peoples-hospital",
              "specialty": "neurology"}
    r = town.post("/referral/referrals/upward", json=upward)
    assert r.status_code == 201, r.text
    up = r.json()
    rid = up["referral_id"]
    assert up["patient"]["national_id_masked"] == PATIENT["national_id"][:6] + "*" * 8 + PATIENT["national_id"][-4:]
    assert PATIENT["national_id"] not in r.text

    incoming = hosp.get("/referral/referrals", params={"box": "incoming", "status": "submitted"}).json()
    assert rid in [x["referral_id"] for x in incoming["items"]]
    assert hosp.post(f"/referral/referrals/{rid}/accept", json={"bed_no": "神内 12"}).json()["status"] == "accepted"
    assert hosp.post(f"/referral/referrals/{rid}/arrive", json={}).json()["status"] == "arrived"
    done = hosp.post(f"/referral/referrals/{rid}/complete", json={
        "discharge_summary": "溶栓后恢复良好", "fund_amount_fen": 865000, "recommend_downward": True}).json()
    assert done["status"] == "completed"
    assert town.get(f"/referral/referrals/{rid}").json()["status"] == "completed"

    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    downward = {"patient": PATIENT, "icd10": "I10", "diagnosis": "高血压 脑梗死恢复期", "reason": "病情稳定，下转康复",
                "to_org_id": "dachang-thc", "specialty": "general_practice", "source_referral_id": rid,
                "plan": {"medications": [{"name": "阿司匹林", "dose": "100mg", "frequency": "qd"}],
                         "rehabilitation_plan": "肢体功能训练"},
                "follow_ups": [{"due_date": today.isoformat()}, {"due_date": (today + timedelta(days=30)).isoformat()}]}
    r = hosp.post("/referral/referrals/downward", json=downward)
    assert r.status_code == 201, r.text
    did = r.json()["referral_id"]
    assert town.post(f"/referral/referrals/{did}/accept", json={}).json()["status"] == "accepted"
    for f in r.json()["follow_ups"]:
        res = town.post(f"/referral/referrals/{did}/follow-ups/{f['follow_up_id']}",
                        json={"done_on": today.isoformat(), "findings": "BP 128/80"})
        assert res.status_code == 200, res.text
    assert res.json()["status"] == "completed"
    assert [h["action"] for h in res.json()["history"]] == ["issue", "accept", "follow_up", "follow_up", "complete"]

    for referral_id in (rid, did):
        assert other.get(f"/referral/referrals/{referral_id}").status_code == 404
        assert other.post(f"/referral/referrals/{referral_id}/accept", json={"bed_no": "1"}).status_code == 404
    for box in ("incoming", "outgoing"):
        listed = other.get("/referral/referrals", params={"box": box}).json()["items"]
        assert not {rid, did} & {x["referral_id"] for x in listed}
    # the bureau sees aggregates, never the referrals themselves
    bureau = stack.client("bureau.analyst")
    assert bureau.get(f"/referral/referrals/{rid}").status_code == 403
    period = today.strftime("%Y-%m")
    figures = bureau.get("/referral/indicators", params={"period": period}).json()
    assert figures["upward_count"] >= 1 and figures["downward_count"] >= 1
