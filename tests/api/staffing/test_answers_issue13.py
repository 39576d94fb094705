"""Staffing's "today" is the consortium's, and its answers agree with themselves (issue 13, items 3-4)."""
from tests.api.staffing.conftest import BUREAU, DACHANG, person, register


def test_at_2am_in_wushan_a_person_starting_today_is_in_the_default_quota_report(client, set_clock):
    set_clock("2026-11-27T02:00:00+08:00")                   # 26 November, 18:00 in UTC
    register(client, person("dachang-thc", start_date="2026-11-27"))
    (default_start,) = register(client, {k: v for k, v in person("dachang-thc").items() if k != "start_date"})
    assert default_start["current_posting"]["start_date"] == "2026-11-27"
    report = client.get("/units/dachang-thc/quota", headers=BUREAU).json()
    assert (report["as_of"], report["filled"]) == ("2026-11-27", 2)
    assert [u["filled"] for u in client.get("/quota-report", headers=BUREAU).json()
            if u["org_id"] == "dachang-thc"] == [2]


def test_bulk_registration_and_the_list_show_where_each_person_is_posted(client):
    people = register(client, person("dachang-thc"), person("luoping-thc"))
    for p in people:
        detail = client.get(f"/staff/{p['staff_id']}", headers=BUREAU).json()
        assert detail["current_posting"] is not None
        assert p["current_posting"] == detail["current_posting"]
    listed = client.get("/staff", headers=DACHANG, params={"org_id": "dachang-thc"}).json()["items"]
    assert [s["current_posting"]["org_id"] for s in listed] == ["dachang-thc"]


def test_a_unit_still_filling_its_quota_is_not_reported_as_breaking_the_professional_share(client):
    register(client, person("dachang-thc", specialty="public_health"),
             person("dachang-thc", qualification="administrative"))
    report = client.get("/units/dachang-thc/quota", headers=BUREAU).json()
    assert (report["professional"]["count"], report["professional"]["limit"]) == (1, 35)   # 38 posts, ≥ 90%
    assert report["professional"]["ok"] is True and report["violations"] == []
    # four non-professional posts would leave fewer than 35 of the 38 for professionals: broken, and said so
    register(client, *[person("dachang-thc", qualification="administrative") for _ in range(2)],
             person("dachang-thc", qualification="administrative", override_reason="乡镇管理岗位急需"))
    report = client.get("/units/dachang-thc/quota", headers=BUREAU).json()
    assert report["professional"]["ok"] is False
    assert [v["rule"] for v in report["violations"]] == ["professional_share"]


def test_a_refused_promotion_says_it_is_a_title_change(client):
    register(client, *[person("dachang-thc", title="senior") for _ in range(7)])
    (doc,) = register(client, person("dachang-thc", title="intermediate"))
    r = client.post(f"/staff/{doc['staff_id']}/title", headers=BUREAU,
                    json={"title_level": "senior", "reason": "评聘副主任医师"})
    assert r.status_code == 409
    assert r.json()["error"]["message"].startswith("title change refused: senior_cap")
