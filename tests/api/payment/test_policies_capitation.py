from tests.api.payment.conftest import DACHANG, FINANCE, INSURANCE, claim, create_budget, settle
from tests.support.service_app import outbox_events


def test_policy_versions_are_effective_dated_and_never_reach_into_a_closed_period(client):
    create_budget(client, total_people=120_000, per_capita=1000, reserve=0)
    r = client.get("/policies/effective", headers=FINANCE, params={"on": "2026-03-31"}).json()
    assert (r["version"], r["policy"]["overspend_tolerance_bp"]) == (0, 1000)
    v1 = client.post("/policies", headers=INSURANCE, json={
        "fund_year": 2026, "effective_from": "2026-01-01", "reason": "2026年度协议",
        "retention_bands": [[85, 9000], [0, 5000]], "overspend_tolerance_bp": 800})
    assert v1.status_code == 201, v1.text
    assert v1.json()["version"] == 1 and v1.json()["params"]["fund_share_within_tolerance_bp"] == 5000
    claim(client, "P-1", 9_000_000, day="2026-03-05")
    s = settle(client, "2026-03", score="86").json()
    assert (s["policy_version"], s["retention_ratio_bp"], s["retained_fen"]) == (1, 9000, 900_000)
    late = client.post("/policies", headers=INSURANCE, json={
        "fund_year": 2026, "effective_from": "2026-03-15", "reason": "mid-period change", "overspend_tolerance_bp": 0})
    assert late.status_code == 409 and late.json()["error"]["field"] == "effective_from"
    details = late.json()["error"]["details"]
    assert (details["settled_period"], details["consortium_id"], details["last_closed_month"]) == (
        "2026-03", "wushan", "2026-03")
    before = client.post("/policies", headers=INSURANCE, json={
        "fund_year": 2026, "effective_from": "2026-02-01", "reason": "backdated", "overspend_tolerance_bp": 0})
    assert before.status_code == 409 and before.json()["error"]["details"]["settled_period"] == "2026-03"
    v2 = client.post("/policies", headers=INSURANCE, json={
        "fund_year": 2026, "effective_from": "2026-04-01", "reason": "补充协议", "retention_bands": [[0, 10000]]})
    assert v2.status_code == 201 and v2.json()["version"] == 2
    assert client.get(f"/settlements/{s['settlement_id']}", headers=FINANCE).json()["retained_fen"] == 900_000
    claim(client, "P-2", 9_000_000, day="2026-04-05")
    assert settle(client, "2026-04", score="10").json()["retention_ratio_bp"] == 10000
    assert [v["version"] for v in client.get("/policies", headers=FINANCE, params={"fund_year": 2026}).json()] == [1, 2]


def test_inconsistent_policies_are_refused_naming_the_field(client):
    base = {"fund_year": 2026, "effective_from": "2026-01-01", "reason": "x1"}
    r = client.post("/policies", headers=INSURANCE, json=base | {
        "split_bp": {"performance_pay": 9000, "talent_training": 2000, "specialty_building": 0}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "split_bp"
    r = client.post("/policies", headers=INSURANCE, json=base | {"effective_from": "2025-12-31"})
    assert r.json()["error"]["field"] == "effective_from"
    r = client.post("/policies", headers=INSURANCE, json=base | {"score": {"fund_use_bp": 9000}})
    assert r.json()["error"]["field"] == "score"
    assert client.post("/policies", headers=FINANCE, json=base).status_code == 403


def test_monthly_capitation_pays_primary_units_for_their_contracted_residents(client):
    create_budget(client, total_people=120_000, per_capita=1000, reserve=0)
    assert client.put("/enrolments/dachang-thc", headers=FINANCE,
                      json={"effective_month": "2026-01", "enrolled": 12_000}).status_code == 200
    client.put("/enrolments/luoping-thc", headers=FINANCE, json={"effective_month": "2026-01", "enrolled": 8_000})
    client.put("/enrolments/dachang-thc", headers=FINANCE, json={"effective_month": "2026-03", "enrolled": 12_500})
    r = client.put("/enrolments/county-peoples-hospital", headers=FINANCE,
                   json={"effective_month": "2026-01", "enrolled": 1})
    assert r.status_code == 422 and r.json()["error"]["field"] == "org_id"
    listed = client.get("/enrolments", headers=FINANCE, params={"consortium_id": "wushan"}).json()
    assert [(e["org_id"], e["effective_month"], e["enrolled"]) for e in listed] == [
        ("dachang-thc", "2026-01", 12_000), ("dachang-thc", "2026-03", 12_500), ("luoping-thc", "2026-01", 8_000)]
    run = client.post("/capitation/runs", headers=INSURANCE, json={"consortium_id": "wushan", "period": "2026-02"})
    assert run.status_code == 201, run.text
    assert [(p["org_id"], p["enrolled"], p["amount_fen"]) for p in run.json()["paid"]] == [
        ("dachang-thc", 12_000, 12_000_000), ("luoping-thc", 8_000, 8_000_000)]
    again = client.post("/capitation/runs", headers=INSURANCE, json={"consortium_id": "wushan", "period": "2026-02"})
    assert again.json()["paid"] == [] and again.json()["already_paid"] == ["dachang-thc", "luoping-thc"]
    march = client.post("/capitation/runs", headers=INSURANCE, json={"consortium_id": "wushan", "period": "2026-03"})
    assert march.json()["paid"][0]["amount_fen"] == 12_500_000
    assert len(outbox_events(client, "CapitationPaid")) == 4
    assert [p["org_id"] for p in client.get("/capitation", headers=DACHANG).json()] == ["dachang-thc"] * 2
    s = settle(client, "2026-02", score="90").json()
    assert (s["capitation_fen"], s["actual_fen"]) == (20_000_000, 20_000_000)
    closed = client.post("/capitation/runs", headers=INSURANCE, json={"consortium_id": "wushan", "period": "2026-02"})
    assert closed.status_code == 409 and closed.json()["error"]["details"]["state"] == "closed"


def test_a_capitation_run_for_a_consortium_that_does_not_exist_is_refused(client):
    """Defect: `POST /capitation/runs` for the consortium "0" answered 201 (a run of nothing)."""
    r = client.post("/capitation/runs", json={"consortium_id": "0", "period": "2026-03"}, headers=INSURANCE)
    assert r.status_code == 422 and r.json()["error"]["field"] == "consortium_id"
    assert outbox_events(client, "CapitationPaid") == []
