"""County-wide default quota policies: effective-dated versions, resolution order, immutability."""
from __future__ import annotations



from tests.api.staffing.conftest import ANALYST, BUREAU, DACHANG, LEAD, person, register, soon
from tests.support.clock import county_today
from tests.support.service_app import outbox_events

DEFAULTS = "/quota-policies/defaults"


def put_version(client, day: str, headers: dict = BUREAU, **fields):
    return client.put(f"{DEFAULTS}/{day}", json={"reason": "县卫健局编制核定"} | fields, headers=headers)


def quota(client, org: str, as_of: str) -> dict:
    r = client.get(f"/units/{org}/quota?as_of={as_of}", headers=BUREAU)
    assert r.status_code == 200, r.text
    return r.json()


def test_the_38000_township_under_a_county_senior_cap_raised_from_20_to_23_percent(client):
    # Dachang: 38 posts, 35 of them professional-technical. Township senior cap 20% of 35 = 7 today; 23% from
    # `raised` = floor(8.05) = 8 (22% would still give floor(7.7) = 7).
    raised, cut = soon(30), soon(90)
    register(client, *[person("dachang-thc", title="senior") for _ in range(7)])
    r = put_version(client, raised, township_senior_cap_bp=2300)
    assert r.status_code == 201, r.text
    version = r.json()
    assert (version["township_senior_cap_bp"], version["senior_cap_bp"], version["intermediate_cap_bp"],
            version["professional_min_bp"], version["per_mille"]) == (2300, 1800, 4200, 9000, "1")
    assert version["in_force"] is False and version["units_in_breach"] == []

    before, after = quota(client, "dachang-thc", soon(29)), quota(client, "dachang-thc", raised)
    assert (before["senior"]["limit"], before["senior"]["limit_bp"], before["county_policy_from"]) == (7, 2000, None)
    assert (after["senior"]["limit"], after["senior"]["limit_bp"], after["county_policy_from"]) == (8, 2300, raised)
    assert after["quota"] == before["quota"] == 38

    # An eighth senior established from today breaks today's 20% cap; from `raised` on the 23% cap holds.
    eighth = person("dachang-thc", title="senior")
    r = client.post("/staff", json=eighth | {"start_date": county_today().isoformat()}, headers=BUREAU)
    assert r.status_code == 409 and r.json()["error"]["details"]["rules"] == ["senior_cap"]
    r = client.post("/staff", json=eighth | {"start_date": raised}, headers=BUREAU)
    assert r.status_code == 201, r.text
    assert quota(client, "dachang-thc", raised)["senior"] == {
        "count": 8, "limit": 8, "kind": "max", "ratio_bp": 2285, "limit_bp": 2300, "ok": True}
    assert quota(client, "dachang-thc", soon(29))["senior"]["count"] == 7

    # The bureau puts the cap back to 20% from `cut`: Dachang's eight seniors then break it, announced.
    r = put_version(client, cut, township_senior_cap_bp=2000)
    assert r.status_code == 201 and r.json()["units_in_breach"] == ["dachang-thc"]
    (event,) = outbox_events(client, "QuotaViolationDetected")
    assert event["payload"]["rule"] == "senior_cap" and event["payload"]["overridden"] is False
    assert f"county policy from {cut}" in event["payload"]["detail"]
    # A non-senior from `raised` worsens nothing, so it needs no override despite the breach.
    r = client.post("/staff", json=person("dachang-thc", title="junior", qualification="administrative")
                    | {"start_date": raised}, headers=BUREAU)
    assert r.status_code == 201, r.text
    listed = client.get(DEFAULTS, headers=ANALYST).json()
    assert [(v["effective_from"], v["township_senior_cap_bp"]) for v in listed["versions"]] == [
        (raised, 2300), (cut, 2000)]
    assert listed["settings"]["township_senior_cap_bp"] == 2000


def test_resolution_unit_row_then_county_version_then_settings_field_by_field(client):
    county_from = soon(30)
    # Luoping (27,000 people) keeps its own senior cap of 25%; everything else follows the county.
    r = client.post("/units/luoping-thc/quota-policies", json={
        "effective_from": "2024-06-01", "senior_cap_bp": 2500, "reason": "山区卫生院, 高级职称倾斜"}, headers=BUREAU)
    assert r.status_code == 201, r.text
    r = client.post("/units/county-peoples-hospital/quota-policies", json={
        "effective_from": "2024-06-01", "quota": 500, "reason": "县医院编制"}, headers=BUREAU)
    assert r.status_code == 201, r.text
    r = put_version(client, county_from, per_mille="1.2", senior_cap_bp=1900, township_senior_cap_bp=2100,
                    intermediate_cap_bp=4500, professional_min_bp=9200)
    assert r.status_code == 201, r.text

    luoping = quota(client, "luoping-thc", county_from)
    assert (luoping["quota"], luoping["senior"]["limit_bp"], luoping["intermediate"]["limit_bp"]) == (32, 2500, 4500)
    assert (luoping["unit_policy_from"], luoping["county_policy_from"]) == ("2024-06-01", county_from)
    # 38,000 × 1.2‰ = 45.6 -> 45 posts; 42 of them professional-technical (92%), 21% of those = 8.82 -> 8 seniors
    dachang = quota(client, "dachang-thc", county_from)
    assert (dachang["quota"], dachang["senior"]["limit"], dachang["professional"]["limit"]) == (45, 8, 42)
    assert dachang["unit_policy_from"] is None
    # the general senior cap, not the township one: 19% of 460 professional-technical posts = 87.4 -> 87
    hospital = quota(client, "county-peoples-hospital", county_from)
    assert (hospital["quota"], hospital["senior"]["limit_bp"], hospital["senior"]["limit"]) == (500, 1900, 87)

    # The day before, the settings' documented defaults apply where the unit row is silent.
    luoping = quota(client, "luoping-thc", soon(29))
    assert (luoping["quota"], luoping["senior"]["limit_bp"], luoping["intermediate"]["limit_bp"]) == (27, 2500, 4200)
    assert luoping["county_policy_from"] is None
    assert quota(client, "county-peoples-hospital", soon(29))["senior"]["limit_bp"] == 1800


def test_an_admission_today_must_keep_a_county_cut_already_decided(client):
    register(client, *[person("luoping-thc", title="junior") for _ in range(2)])
    r = put_version(client, soon(200), per_mille="0.1")  # 27,000 × 0.1‰ = 2 posts
    assert r.status_code == 201, r.text
    third = client.post("/staff", json=person("luoping-thc", title="junior"), headers=BUREAU)
    assert third.status_code == 409 and third.json()["error"]["details"]["rules"] == ["quota_exceeded"]
    assert f"policy from {soon(200)}" in third.json()["error"]["message"]


def test_a_version_in_force_is_never_rewritten_a_future_one_may_be_replaced(client):
    today = county_today().isoformat()
    assert put_version(client, today, intermediate_cap_bp=4300).status_code == 201
    again = put_version(client, today, intermediate_cap_bp=4400)
    assert again.status_code == 409
    error = again.json()["error"]
    assert (error["field"], error["details"]["state"]) == ("effective_from", "in_force")
    assert "new version" in again.json()["error"]["message"]
    past = put_version(client, "2020-01-01", intermediate_cap_bp=4400)
    assert past.status_code == 409 and past.json()["error"]["details"]["state"] == "past"

    future = soon(10)
    assert put_version(client, future, senior_cap_bp=1700).status_code == 201
    replaced = put_version(client, future, senior_cap_bp=1600, reason="更正")
    assert replaced.status_code == 200, replaced.text
    # Fields left out inherit the version in force the day before: today's 4300 intermediate cap.
    assert (replaced.json()["senior_cap_bp"], replaced.json()["intermediate_cap_bp"]) == (1600, 4300)
    versions = client.get(DEFAULTS, headers=DACHANG).json()["versions"]
    assert [(v["effective_from"], v["in_force"], v["reason"]) for v in versions] == [
        (today, True, "县卫健局编制核定"), (future, False, "更正")]
    assert quota(client, "dachang-thc", today)["intermediate"]["limit_bp"] == 4300


def test_bad_input_names_the_field(client):
    day = soon(10)

    def field_of(r) -> str:
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        return error.get("field") or error["fields"][0]["field"]

    assert field_of(put_version(client, day, senior_cap_bp=10001)) == "body.senior_cap_bp"
    assert field_of(put_version(client, day, professional_min_bp=-1)) == "body.professional_min_bp"
    assert field_of(put_version(client, day, per_mille="0")) == "body.per_mille"
    assert field_of(put_version(client, day, per_mille="abc")) == "body.per_mille"
    assert field_of(put_version(client, day, senior_cap_bp=2100)) == "township_senior_cap_bp"  # above the 20%
    assert field_of(put_version(client, day, township_senior_cap_bp=3000, intermediate_cap_bp=7500)) == \
        "intermediate_cap_bp"
    assert field_of(put_version(client, day, reason="")) == "body.reason"
    assert field_of(put_version(client, day, cap=1)) == "body.cap"
    assert field_of(put_version(client, "2030-02-30")) == "path.effective_from"
    assert client.get(DEFAULTS, headers=BUREAU).json()["versions"] == []


def test_only_the_health_bureaus_hr_office_sets_county_versions(client):
    assert put_version(client, soon(10), headers=LEAD, senior_cap_bp=1700).status_code == 403
    assert put_version(client, soon(10), headers=DACHANG, senior_cap_bp=1700).status_code == 403
    assert client.get(DEFAULTS, headers=BUREAU).json()["versions"] == []
    assert client.get(DEFAULTS, headers=ANALYST).status_code == 200
