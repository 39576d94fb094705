"""What the HR pages need to read: the registry searched by name, a unit's quota overrides, the rotation plans."""
from __future__ import annotations

from tests.api.staffing.conftest import ANALYST, BUREAU, DACHANG, LUOPING, person, register, soon


def test_the_registry_is_searched_by_part_of_a_name(client):
    register(client, person("dachang-thc") | {"name": "王建国"}, person("dachang-thc") | {"name": "李建华"},
             person("luoping-thc") | {"name": "王%芳"})
    names = lambda **q: sorted(s["name"] for s in client.get("/staff", params=q, headers=BUREAU).json()["items"])  # noqa: E731
    assert names(name="建") == ["李建华", "王建国"]
    assert names(name="王", org_id="dachang-thc") == ["王建国"]
    assert names(name="%") == ["王%芳"]  # a wildcard is a character like any other


def test_a_units_quota_overrides_name_the_person_the_rule_and_the_reason(client):
    register(client, *[person("dachang-thc", title="senior") for _ in range(7)])
    eighth = person("dachang-thc", title="senior") | {"name": "赵主任"}
    assert client.post("/staff", json=eighth, headers=BUREAU).status_code == 409
    assert client.post("/staff", json=eighth | {"override_reason": "引进急需人才"}, headers=BUREAU).status_code == 201
    overrides = client.get("/units/dachang-thc/quota-overrides", headers=DACHANG).json()
    assert [(o["name"], o["rule"], o["reason"], o["decided_by"]) for o in overrides] == [
        ("赵主任", "senior_cap", "引进急需人才", "bureau.hr")]
    assert client.get("/units/dachang-thc/quota-overrides", headers=LUOPING).status_code == 403
    assert client.get("/units/luoping-thc/quota-overrides", headers=ANALYST).json() == []


def test_rotation_plans_are_listed_newest_first(client):
    a, b = register(client, *[person("county-peoples-hospital", specialty="general_practice") for _ in range(2)])
    for name, start in (("第一批", soon(7)), ("第二批", soon(100))):
        r = client.post("/rotation-plans", json={"name": name, "kind": "rotation_down", "org_id": "dachang-thc",
                                                 "staff_ids": [a["staff_id"], b["staff_id"]], "start_date": start,
                                                 "block_days": 30}, headers=BUREAU)
        assert r.status_code == 201, r.text
    page = client.get("/rotation-plans", headers=ANALYST).json()
    assert page["total"] == 2 and [p["name"] for p in page["items"]] == ["第二批", "第一批"]
    assert client.get("/rotation-plans", headers=DACHANG).status_code == 403
