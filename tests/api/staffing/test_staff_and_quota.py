from __future__ import annotations

from tests.api.staffing.conftest import ANALYST, BUREAU, DACHANG, LEAD, LUOPING, person, register
from tests.support.service_app import outbox_events


def test_registered_staff_show_a_masked_identity_number_and_their_posting(client):
    body = person("dachang-thc", specialty="general_practice", id_number="50023719800101123X")
    r = client.post("/staff", json=body, headers=BUREAU)
    assert r.status_code == 201, r.text
    staff = r.json()
    assert staff["id_number"] == "500*************3X"
    assert "50023719800101123X" not in r.text
    assert staff["current_posting"]["kind"] == "establishment" and staff["current_posting"]["org_id"] == "dachang-thc"
    again = client.post("/staff", json=body | {"name": "同一人"}, headers=BUREAU)
    assert again.status_code == 409 and again.json()["error"]["field"] == "id_number"
    assert client.get(f"/staff/{staff['staff_id']}", headers=DACHANG).status_code == 200
    assert client.get(f"/staff/{staff['staff_id']}", headers=LUOPING).status_code == 403
    assert client.post("/staff", json=person("dachang-thc"), headers=LEAD).status_code == 403


def test_bulk_registration_is_all_or_nothing_and_names_the_bad_entry(client):
    r = client.post("/staff/bulk", json={"staff": [person("dachang-thc"), person("dachang-qixing-vc")]},
                    headers=BUREAU)
    assert r.status_code == 422 and r.json()["error"]["field"] == "staff[1].home_org_id"
    assert client.get("/staff", headers=BUREAU).json()["total"] == 0
    r = client.post("/staff/bulk", json={"staff": [person("dachang-thc", id_number="123")]}, headers=BUREAU)
    assert r.status_code == 422 and r.json()["error"]["fields"][0]["field"] == "body.staff.0.id_number"


def test_quota_report_of_a_township_of_38000(client):
    # 38,000 people × 1‰ = 38 posts; professional-technical ≥ 90% = 35 posts, so at most 3 administrative or
    # support posts; the caps are shares of the 35: senior 20% (township) = 7, intermediate 42% = 14.7 -> 14.
    register(client, *[person("dachang-thc", title="senior") for _ in range(7)],
             *[person("dachang-thc", title="intermediate") for _ in range(5)],
             *[person("dachang-thc", title="junior", qualification="administrative") for _ in range(3)])
    report = client.get("/units/dachang-thc/quota", headers=DACHANG).json()
    assert (report["quota"], report["filled"], report["vacant"]) == (38, 15, 23)
    assert (report["quota"], report["professional_posts"]) == (38, 35)  # both numbers, the base of the caps
    assert report["senior"] == {"count": 7, "limit": 7, "kind": "max", "ratio_bp": 2000, "limit_bp": 2000, "ok": True}
    assert report["intermediate"]["limit"] == 14 and report["intermediate"]["count"] == 5
    assert report["professional"]["limit"] == 35 and report["professional"]["count"] == 12
    assert report["targeted"]["limit"] == 3  # 定向岗位: 10% of the 35 professional-technical posts
    # no public-health physician (公共卫生医师) yet: reported, never a reason to refuse anyone
    assert [v["rule"] for v in report["violations"]] == ["public_health_physician"]
    assert client.get("/units/dachang-thc/quota", headers=LUOPING).status_code == 403
    assert client.get("/units/dachang-thc/quota", headers=ANALYST).status_code == 200


def test_a_posting_breaking_a_rule_is_refused_naming_it_unless_the_bureau_overrides(client):
    register(client, *[person("dachang-thc", title="senior") for _ in range(7)])
    eighth = person("dachang-thc", title="senior")
    r = client.post("/staff", json=eighth, headers=BUREAU)
    assert r.status_code == 409
    assert r.json()["error"]["details"]["rules"] == ["senior_cap"]
    assert "senior_cap" in r.json()["error"]["message"]
    assert client.post("/staff", json=eighth | {"override_reason": "引进急需人才"}, headers=LEAD).status_code == 403
    r = client.post("/staff", json=eighth | {"override_reason": "引进急需人才"}, headers=BUREAU)
    assert r.status_code == 201, r.text
    event = outbox_events(client, "QuotaViolationDetected")[0]["payload"]
    assert event == {"org_id": "dachang-thc", "rule": "senior_cap", "detail": event["detail"], "overridden": True,
                     "override_reason": "引进急需人才"}
    report = client.get("/units/dachang-thc/quota", headers=BUREAU).json()
    assert report["senior"]["ok"] is False and report["violations"][0]["rule"] == "senior_cap"
    # A junior nurse does not worsen the broken senior rule, so she is admitted without an override.
    assert client.post("/staff", json=person("dachang-thc", title="junior", qualification="nurse"),
                       headers=BUREAU).status_code == 201


def test_non_professional_posts_stop_at_ten_percent(client):
    register(client, *[person("dachang-thc", title="junior", qualification="support") for _ in range(3)])
    r = client.post("/staff", json=person("dachang-thc", title="junior", qualification="administrative"),
                    headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["rules"] == ["professional_share"]


def test_effective_dated_policy_changes_the_quota_and_reports_what_it_breaks(client):
    register(client, *[person("luoping-thc", title="junior") for _ in range(3)])
    assert client.get("/units/luoping-thc/quota", headers=BUREAU).json()["quota"] == 27
    r = client.post("/units/luoping-thc/quota-policies", json={
        "effective_from": "2024-06-01", "quota": 2, "reason": "编制核定 (每3年)"}, headers=BUREAU)
    assert r.status_code == 201, r.text
    assert client.get("/units/luoping-thc/quota?as_of=2024-05-31", headers=BUREAU).json()["quota"] == 27
    assert client.get("/units/luoping-thc/quota", headers=BUREAU).json()["quota"] == 2
    detected = outbox_events(client, "QuotaViolationDetected")[0]["payload"]
    assert detected["rule"] == "quota_exceeded" and detected["overridden"] is False
    dup = client.post("/units/luoping-thc/quota-policies", json={
        "effective_from": "2024-06-01", "quota": 3, "reason": "x"}, headers=BUREAU)
    assert dup.status_code == 409
    assert client.post("/units/luoping-thc/quota-policies", json={
        "effective_from": "2024-06-01", "quota": 3, "reason": "x"}, headers=LEAD).status_code == 403


def test_transfer_moves_the_establishment_under_the_receiving_units_rules(client):
    (doc,) = register(client, person("county-peoples-hospital", specialty="general_practice", title="junior"))
    r = client.post(f"/staff/{doc['staff_id']}/transfer",
                    json={"to_org_id": "luoping-thc", "effective_date": "2025-03-01"}, headers=BUREAU)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["home_org_id"] == "luoping-thc"
    history = [(p["org_id"], p["status"], p["end_date"], p["end_reason"]) for p in body["postings"]]
    assert history == [("county-peoples-hospital", "ended", "2025-02-28", "transferred"),
                       ("luoping-thc", "active", None, None)]
    assert client.get("/units/luoping-thc/quota", headers=BUREAU).json()["filled"] == 1


def test_the_quota_report_counts_the_establishment_in_force_on_its_date(client):
    (doc,) = register(client, person("county-peoples-hospital", specialty="general_practice", title="senior"))
    r = client.post(f"/staff/{doc['staff_id']}/transfer",
                    json={"to_org_id": "luoping-thc", "effective_date": "2030-07-01"}, headers=BUREAU)
    assert r.status_code == 200, r.text
    # Until 30 June 2030 the doctor still fills a post at the county hospital, not at Luoping.
    before = client.get("/units/luoping-thc/quota?as_of=2030-06-30", headers=BUREAU).json()
    after = client.get("/units/luoping-thc/quota?as_of=2030-07-01", headers=BUREAU).json()
    assert (before["filled"], before["senior"]["count"]) == (0, 0)
    assert (after["filled"], after["senior"]["count"]) == (1, 1)
    assert client.get("/units/county-peoples-hospital/quota?as_of=2030-06-30", headers=BUREAU).json()["filled"] == 1
    assert client.get("/units/county-peoples-hospital/quota?as_of=2030-07-01", headers=BUREAU).json()["filled"] == 0
    assert client.get("/units/luoping-thc/quota?as_of=2023-12-31", headers=BUREAU).json()["filled"] == 0


def test_an_admission_must_keep_a_quota_already_cut_for_a_later_date(client):
    # Dachang (38,000 people) has 38 posts today; from 2031 the bureau cuts it to 2.
    register(client, *[person("dachang-thc", title="junior") for _ in range(2)])
    r = client.post("/units/dachang-thc/quota-policies", json={
        "effective_from": "2031-01-01", "quota": 2, "reason": "人口外流, 编制核减"}, headers=BUREAU)
    assert r.status_code == 201, r.text
    assert outbox_events(client, "QuotaViolationDetected") == []  # 2 people, 2 posts: nothing broken
    third = client.post("/staff", json=person("dachang-thc", title="junior"), headers=BUREAU)
    assert third.status_code == 409 and third.json()["error"]["details"]["rules"] == ["quota_exceeded"]
    assert "policy from 2031-01-01" in third.json()["error"]["message"]
    # Today's quota is untouched; someone established only until the end of 2030 would be admitted.
    assert client.get("/units/dachang-thc/quota", headers=BUREAU).json()["quota"] == 38


def test_a_promotion_past_the_senior_cap_is_refused_naming_it_unless_the_bureau_overrides(client):
    # Dachang: 38 posts, senior cap 20% = 7. Seven seniors already; an eighth by promotion breaks it.
    register(client, *[person("dachang-thc", title="senior") for _ in range(7)])
    (doc,) = register(client, person("dachang-thc", title="intermediate", qualification="assistant_physician"))
    promote = {"title_level": "senior", "reason": "评聘副主任医师", "effective_date": "2025-01-01"}
    r = client.post(f"/staff/{doc['staff_id']}/title", json=promote, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["rules"] == ["senior_cap"]
    assert client.post(f"/staff/{doc['staff_id']}/title", json=promote | {"override_reason": "急需"},
                       headers=LEAD).status_code == 403
    # Passing the practising exam changes no title count: allowed, and recorded.
    r = client.post(f"/staff/{doc['staff_id']}/title", json={"title_level": "intermediate",
                    "qualification": "practising_physician", "reason": "取得执业医师资格"}, headers=BUREAU)
    assert r.status_code == 200, r.text
    assert r.json()["qualification"] == "practising_physician"
    r = client.post(f"/staff/{doc['staff_id']}/title", json=promote | {"override_reason": "引进学科带头人"},
                    headers=BUREAU)
    assert r.status_code == 200, r.text
    # History in order of effect: the promotion dates from 2025, the exam result from today.
    assert [(t["from_title"], t["to_title"], t["override_reason"]) for t in r.json()["title_changes"]] == [
        ("intermediate", "senior", "引进学科带头人"), ("intermediate", "intermediate", None)]
    report = client.get("/units/dachang-thc/quota", headers=BUREAU).json()
    assert (report["senior"]["count"], report["intermediate"]["count"], report["filled"]) == (8, 0, 8)
    assert outbox_events(client, "QuotaViolationDetected")[0]["payload"]["rule"] == "senior_cap"
    again = client.post(f"/staff/{doc['staff_id']}/title", json={"title_level": "senior", "reason": "x"},
                        headers=BUREAU)
    assert again.status_code == 422 and again.json()["error"]["field"] == "title_level"
    future = client.post(f"/staff/{doc['staff_id']}/title", json={"title_level": "junior", "reason": "x",
                         "effective_date": "2999-01-01"}, headers=BUREAU)
    assert future.status_code == 422 and future.json()["error"]["field"] == "effective_date"
