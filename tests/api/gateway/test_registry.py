"""The organisation registry keeps its shape and its history (defect: any shape was accepted, and turning the
health bureau into a village clinic left no account able to manage the registry)."""
from __future__ import annotations

import pytest

from platform_common.auth import Role
from tests.support.service_app import outbox_events
from tests.support.tokens import demo_user_header, token_for

BUREAU_HR = demo_user_header("bureau.hr")
DACHANG = {"name": "大昌镇中心卫生院", "kind": "township_centre", "consortium_id": "wushan",
           "parent_org_id": "county-peoples-hospital", "service_population": 38_000}
BUREAU = {"name": "巫山县卫生健康委员会", "kind": "health_bureau", "consortium_id": None, "parent_org_id": None,
          "service_population": None}


def put(gateway, org_id: str, body: dict, headers: dict = BUREAU_HR):  # noqa: ANN001
    return gateway.put(f"/organisations/{org_id}", json=body, headers=headers)


def refused(r, status: int, rule: str) -> None:  # noqa: ANN001
    assert r.status_code == status, r.text
    assert r.json()["error"]["details"]["rule"] == rule


def test_a_unit_cannot_be_its_own_parent(gateway):
    refused(put(gateway, "dachang-thc", DACHANG | {"parent_org_id": "dachang-thc"}), 422, "self_parent")


def test_a_unit_cannot_go_under_its_own_village_clinic(gateway):
    refused(put(gateway, "dachang-thc", DACHANG | {"parent_org_id": "dachang-qixing-vc"}), 409, "cycle")


@pytest.mark.parametrize("org_id, body, rule", [
    ("dachang-thc", DACHANG | {"parent_org_id": "luoping-thc"}, "parent_kind"),  # a township under a township
    ("new-vc", {"name": "x", "kind": "village_clinic", "consortium_id": "wushan",
                "parent_org_id": "county-tcm-hospital"}, "parent_kind"),  # a clinic directly under a hospital
    ("county-tcm-hospital", {"name": "x", "kind": "county_hospital", "consortium_id": "wushan",
                             "parent_org_id": "county-peoples-hospital"}, "parent_kind"),
    ("new-thc", {"name": "x", "kind": "township_centre", "consortium_id": "other",
                 "parent_org_id": "county-peoples-hospital"}, "parent_consortium"),
    ("new-thc", {"name": "x", "kind": "township_centre", "consortium_id": "wushan"}, "parent_required"),
    ("new-thc", {"name": "x", "kind": "township_centre", "consortium_id": "wushan",
                 "parent_org_id": "no-such-org"}, "parent_exists"),
])
def test_impossible_parents_are_refused_naming_the_rule(gateway, org_id, body, rule):
    r = put(gateway, org_id, body)
    refused(r, 422, rule)
    assert r.json()["error"]["field"] == "parent_org_id"


def test_a_township_with_clinics_cannot_become_a_clinic(gateway):
    r = put(gateway, "dachang-thc", DACHANG | {"kind": "village_clinic", "parent_org_id": "luoping-thc"})
    refused(r, 409, "children_kind")
    assert r.json()["error"]["details"]["child_org_id"] == "dachang-qixing-vc"


def test_the_last_health_bureau_cannot_change_kind_and_its_hr_office_keeps_the_registry(gateway):
    as_clinic = BUREAU | {"kind": "village_clinic", "consortium_id": "wushan", "parent_org_id": "dachang-thc"}
    refused(put(gateway, "health-bureau", as_clinic), 409, "registry_administrator")
    token = gateway.post("/auth/token", data={"username": "bureau.hr", "password": "demo-password"}).json()
    assert token["org_id"] == "health-bureau"
    me = {"Authorization": f"Bearer {token['access_token']}"}
    assert put(gateway, "new-hospital", {"name": "新院", "kind": "county_hospital", "consortium_id": "wushan"},
               me).status_code == 201


def test_another_bureau_with_an_hr_account_lets_the_first_change(gateway):
    assert put(gateway, "county-bureau-2", BUREAU | {"name": "第二卫健委"}).status_code == 201
    assert gateway.post("/users", headers=BUREAU_HR, json={
        "username": "bureau2.hr", "password": "a-long-password-1", "org_id": "county-bureau-2", "role": "hr_officer",
        "display_name": "人事科"}).status_code == 201
    r = put(gateway, "health-bureau", BUREAU | {"kind": "insurance_office"})
    assert r.status_code == 200, r.text


def test_every_change_is_kept_with_who_made_it_and_what_it_was(gateway):
    assert put(gateway, "dachang-thc", DACHANG | {"service_population": 39_000}).status_code == 200
    put(gateway, "dachang-thc", DACHANG | {"parent_org_id": "dachang-thc"})  # refused: not in the history
    assert gateway.post("/users", headers=BUREAU_HR, json={
        "username": "dachang.clerk2", "password": "a-long-password-1", "org_id": "dachang-thc",
        "role": "referral_clerk", "display_name": "转诊员"}).status_code == 201
    page = gateway.get("/registry/changes", params={"org_id": "dachang-thc"}, headers=BUREAU_HR).json()
    newest, changed = page["items"][0], page["items"][1]
    assert newest["subject"] == "user" and newest["after"]["username"] == "dachang.clerk2"
    assert "password" not in str(newest) and "hash" not in str(newest)
    assert changed["action"] == "updated" and changed["actor"] == "bureau.hr"
    assert (changed["before"]["service_population"], changed["after"]["service_population"]) == (38_000, 39_000)
    assert changed["changed_at"].endswith("Z") or "+00:00" in changed["changed_at"]
    created = page["items"][-1]
    assert created["action"] == "created" and created["actor"] == "system" and page["total"] == len(page["items"])
    announced = [e for e in outbox_events(gateway, "OrganisationRegistered") if e["aggregate_id"] == "dachang-thc"]
    assert len(announced) == 2


def test_only_the_health_bureau_reads_the_history(gateway):
    other = {"Authorization": f"Bearer {token_for('county-peoples-hospital', Role.HR_OFFICER)}"}
    assert gateway.get("/registry/changes", headers=other).status_code == 403
    analyst = demo_user_header("bureau.analyst")
    assert gateway.get("/registry/changes", headers=analyst).status_code == 200
