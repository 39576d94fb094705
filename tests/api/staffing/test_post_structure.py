"""The worked examples of the caps' base, targeted posts, the seniority exemptions and the public-health rule."""
from __future__ import annotations

from datetime import date

from tests.api.staffing.conftest import BUREAU, DACHANG, person, register, soon
from tests.support.clock import county_today
from tests.support.service_app import outbox_events


def quota(client, org_id: str = "dachang-thc", as_of: str | None = None) -> dict:
    r = client.get(f"/units/{org_id}/quota", params={"as_of": as_of} if as_of else {}, headers=BUREAU)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_20_year_senior_is_appointed_beyond_the_cap_with_the_reason(client):
    # Dachang: 35 professional-technical posts, senior cap 20% = 7, already full.
    register(client, *[person("dachang-thc", title="senior") for _ in range(7)])
    (veteran,) = register(client, person("dachang-thc", title="intermediate", start_date="2005-03-01"))
    (newer,) = register(client, person("dachang-thc", title="intermediate", start_date="2015-03-01"))
    promote = {"title_level": "senior", "reason": "评聘副主任医师"}
    refused = client.post(f"/staff/{newer['staff_id']}/title", json=promote, headers=BUREAU)
    assert refused.status_code == 409 and refused.json()["error"]["details"]["rules"] == ["senior_cap"]

    r = client.post(f"/staff/{veteran['staff_id']}/title", json=promote, headers=BUREAU)
    assert r.status_code == 200, r.text
    (change,) = r.json()["title_changes"]
    assert change["exemption"] == "township_service_promotion" and change["override_reason"] is None
    assert "of township work" in change["exemption_reason"] and "beyond the senior cap" in change["exemption_reason"]
    report = quota(client)
    assert (report["senior"]["count"], report["senior"]["limit"], report["senior"]["ok"]) == (7, 7, True)
    assert report["seniors_total"] == 8
    (exempt,) = report["exempt"]
    assert (exempt["staff_id"], exempt["exemption"]) == (veteran["staff_id"], "township_service_promotion")
    assert f"gained on {county_today().isoformat()}" in exempt["reason"]
    assert outbox_events(client, "QuotaViolationDetected") == []  # not an override: nothing was broken


def test_targeted_posts_sit_outside_the_senior_cap(client):
    register(client, *[person("dachang-thc", title="senior") for _ in range(7)])
    # 定向岗位: 10% of 35 professional-technical posts = 3, for seniors, outside the senior cap of 7
    register(client, *[person("dachang-thc", title="senior", targeted_post=True) for _ in range(3)])
    report = quota(client)
    assert (report["senior"]["count"], report["senior"]["ok"], report["seniors_total"]) == (7, True, 10)
    assert report["targeted"] == {"count": 3, "limit": 3, "kind": "max", "ratio_bp": 857, "limit_bp": 1000, "ok": True}
    fourth = client.post("/staff", json=person("dachang-thc", title="senior", targeted_post=True), headers=BUREAU)
    assert fourth.status_code == 409 and fourth.json()["error"]["details"]["rules"] == ["targeted_cap"]
    junior = client.post("/staff", json=person("dachang-thc", title="junior", targeted_post=True), headers=BUREAU)
    assert junior.status_code == 409 and junior.json()["error"]["details"]["rules"] == ["targeted_post_senior"]
    assert junior.json()["error"]["field"] == "targeted_post"
    # a county hospital has no targeted posts unless its own policy row sets a share
    assert client.post("/units/county-peoples-hospital/quota-policies", headers=BUREAU, json={
        "effective_from": "2024-01-01", "quota": 500, "reason": "县医院编制"}).status_code == 201
    hospital = client.post("/staff", json=person("county-peoples-hospital", title="senior", targeted_post=True),
                           headers=BUREAU)
    assert hospital.status_code == 409 and hospital.json()["error"]["details"]["rules"] == ["targeted_cap"]


def test_near_retirement_after_20_years_at_township_centres_is_not_counted(client):
    register(client, *[person("dachang-thc", title="intermediate") for _ in range(14)])
    today = county_today()
    born = date(today.year - 57, 1, 15)  # three years to 60
    (old,) = register(client, person("dachang-thc", title="intermediate", start_date="2000-01-01",
                                     date_of_birth=born.isoformat(), override_reason="返聘前交接"))
    report = quota(client)
    assert (report["intermediate"]["count"], report["intermediate"]["ok"], report["intermediates_total"]) == \
        (14, True, 15)
    (exempt,) = report["exempt"]
    assert exempt["exemption"] == "near_retirement" and str(born.year + 60) in exempt["reason"]
    # the person's own statutory age of 65 puts them outside the window: counted, and the cap is broken
    (late,) = register(client, person("dachang-thc", title="intermediate", start_date="2000-01-01",
                                      date_of_birth=born.isoformat(), retirement_age_years=65,
                                      override_reason="引进"))
    assert [v["rule"] for v in quota(client)["violations"]] == ["intermediate_cap", "public_health_physician"]
    assert late["staff_id"] not in {e["staff_id"] for e in quota(client)["exempt"]}


def test_a_township_centre_left_without_a_public_health_physician_is_told_and_announced(client):
    (ph,) = register(client, person("dachang-thc", specialty="public_health", qualification="assistant_physician"))
    report = quota(client)
    assert (report["public_health_physicians"], report["public_health_min"], report["violations"]) == (1, 1, [])
    assert quota(client, "county-peoples-hospital")["public_health_min"] == 0
    r = client.post(f"/staff/{ph['staff_id']}/transfer", json={"to_org_id": "luoping-thc", "effective_date": soon(5)},
                    headers=BUREAU)
    assert r.status_code == 200, r.text
    assert quota(client)["violations"] == []  # still there today
    assert [v["rule"] for v in quota(client, as_of=soon(5))["violations"]] == ["public_health_physician"]
    (event,) = outbox_events(client, "QuotaViolationDetected")
    assert event["payload"]["org_id"] == "dachang-thc" and event["payload"]["rule"] == "public_health_physician"
    assert event["payload"]["overridden"] is False and soon(5) in event["payload"]["detail"]
    assert quota(client, "luoping-thc", soon(5))["public_health_physicians"] == 1


def test_a_unit_sets_its_professional_posts_within_the_quota_and_the_caps_follow(client):
    r = client.post("/units/dachang-thc/quota-policies", headers=BUREAU, json={
        "effective_from": "2024-01-01", "professional_posts": 38, "reason": "全部设为专业技术岗位"})
    assert r.status_code == 201 and r.json()["professional_posts"] == 38
    report = quota(client)
    assert (report["professional_posts"], report["senior"]["limit"], report["intermediate"]["limit"]) == (38, 7, 15)
    for posts in (34, 39):
        r = client.post("/units/dachang-thc/quota-policies", headers=BUREAU, json={
            "effective_from": "2025-01-01", "professional_posts": posts, "reason": "调整"})
        assert r.status_code == 422 and r.json()["error"]["field"] == "professional_posts"


def test_the_county_version_sets_the_new_rules_from_its_day(client):
    r = client.put(f"/quota-policies/defaults/{soon(10)}", headers=BUREAU,
                   json={"township_targeted_bp": 0, "public_health_min": 2, "reason": "定向岗位暂停"})
    assert r.status_code == 201, r.text
    assert (r.json()["township_targeted_bp"], r.json()["seniority_service_years"]) == (0, 20)
    listed = client.get("/quota-policies/defaults", headers=BUREAU).json()
    assert listed["settings"]["township_targeted_bp"] == 1000 and listed["settings"]["public_health_min"] == 1
    assert quota(client, as_of=soon(9))["targeted"]["limit"] == 3
    after = quota(client, as_of=soon(10))
    assert (after["targeted"]["limit"], after["public_health_min"]) == (0, 2)
